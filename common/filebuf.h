/* filebuf.h -- a whole regular file read into memory the caller owns.
 *
 * Why not mmap: the lexicon and the tagger models live as long as the
 * daemon, and a mapping of a file that someone rewrites in place (cp over
 * it, a truncating editor, an interrupted copy) faults with SIGBUS on the
 * next touch of a page past the new end, killing every connection. A copy
 * cannot change under us; a writer racing the read itself can at worst
 * leave a mix of old and new bytes, which the formats' checksums refuse,
 * or a size that changed, which filebuf_read refuses. The cost is one copy
 * at load (a few MiB) and memory that is private rather than page cache.
 *
 * The buffer is 64-byte aligned (the formats align their tensors and the
 * readers use them in place). The opening checks (regular file, size
 * bounds) are the same for every format and live here once; what a bad
 * size means is the caller's to say, in its own error codes. */
#ifndef RNNINFERD_COMMON_FILEBUF_H
#define RNNINFERD_COMMON_FILEBUF_H

#include <stddef.h>
#include <stdint.h>

enum {
  FILEBUF_OK = 0,
  FILEBUF_EIO,   /* open, fstat or read failed, not a regular file, the
                    size changed while reading, or out of memory; why says */
  FILEBUF_ESIZE  /* outside [min_size, max_size]; size holds it, why unset */
};

typedef struct filebuf {
  void *base;    /* NULL unless read; free with filebuf_free() */
  uint64_t size; /* bytes of the file (also set on FILEBUF_ESIZE) */
} filebuf;

/* Reads PATH when it is a regular file of min_size..max_size bytes
 * (min_size >= 1) into a fresh 64-byte-aligned buffer, which is the
 * caller's until filebuf_free(). On FILEBUF_EIO, why gets "PATH: reason". */
int filebuf_read(filebuf *fb, const char *path, uint64_t min_size,
                 uint64_t max_size, char *why, size_t whylen);
void filebuf_free(filebuf *fb);

#endif
