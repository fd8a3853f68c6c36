/* mapfile.h -- a read-only private mapping of a whole regular file.
 *
 * The lexicon and the model are both files we map and then validate. The
 * opening half (open, fstat, "is it a regular file", size bounds, mmap,
 * close the descriptor) is the same for both and lives here once; what a
 * bad size means is the caller's to say, in its own error codes. */
#ifndef RNNINFERD_G2P_MAPFILE_H
#define RNNINFERD_G2P_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

enum {
  MAPFILE_OK = 0,
  MAPFILE_EIO,  /* open, fstat, mmap failed or not a regular file; why says */
  MAPFILE_ESIZE /* outside [min_size, max_size]; size holds it, why unset */
};

typedef struct mapfile {
  const void *base; /* NULL unless mapped */
  uint64_t size;    /* bytes of the file (also set on MAPFILE_ESIZE) */
} mapfile;

/* Maps PATH read-only when it is a regular file of min_size..max_size bytes
 * (min_size >= 1: an empty mapping is not possible). The descriptor is closed
 * before returning; the mapping is the caller's until mapfile_close(). On
 * MAPFILE_EIO, why gets "PATH: reason". */
int mapfile_open(mapfile *mf, const char *path, uint64_t min_size,
                 uint64_t max_size, char *why, size_t whylen);
void mapfile_close(mapfile *mf);

#endif
