/* lexicon.h -- the compiled pronunciation dictionary, read-only.
 *
 * lexicon_open() reads a .lex file (g2p/lexicon_format.h) into memory it
 * owns (common/filebuf.h says why not a mapping) and checks every header
 * field, offset, length and the key order before anything trusts it, so a
 * damaged or hostile file is refused with a specific error instead of being
 * read out of bounds. After that, lexicon_lookup() is a binary search over
 * the key index: no allocation, no copying; the text it returns points into
 * the lexicon's image and lives until lexicon_close(). Rewriting the file
 * afterwards changes nothing here. A lexicon is immutable and may be shared
 * by any number of threads. */
#ifndef RNNINFERD_G2P_LEXICON_H
#define RNNINFERD_G2P_LEXICON_H

#include <stddef.h>
#include <stdint.h>

typedef struct lexicon lexicon;

enum lexicon_error {
  LEX_OK = 0,
  LEX_EIO = -1,        /* open/stat/read failed */
  LEX_ENOMEM = -2,     /* allocation failed */
  LEX_ETRUNCATED = -3, /* shorter than its header or than the header says */
  LEX_EMAGIC = -4,     /* not a compiled lexicon */
  LEX_EVERSION = -5,   /* format version this build does not read */
  LEX_EHEADER = -6,    /* header field out of range or inconsistent */
  LEX_ECHECKSUM = -7,  /* header or payload CRC mismatch */
  LEX_EOFFSET = -8,    /* an entry points outside its section */
  LEX_EORDER = -9,     /* keys not strictly sorted */
  LEX_EENTRY = -10     /* an entry's counts or lengths are invalid */
};

/* Opens and validates path. Returns 0 or a negative lexicon_error with a
 * message naming the problem in err. */
int lexicon_open(lexicon **out, const char *path, char *err, size_t errlen);
/* The same checks on an image in memory (lexicon_build.h); takes ownership
 * of image (malloc'ed) whatever the outcome: lexicon_close() frees it. name
 * is used in messages. */
int lexicon_open_image(lexicon **out, unsigned char *image, size_t len,
                       const char *name, char *err, size_t errlen);
void lexicon_close(lexicon *lx);
const char *lexicon_strerror(int code);

uint32_t lexicon_words(const lexicon *lx);   /* distinct headwords */
uint32_t lexicon_prons(const lexicon *lx);   /* pronunciations incl. variants */
uint32_t lexicon_max_variants(const lexicon *lx);
uint32_t lexicon_checksum(const lexicon *lx); /* payload CRC-32 */

/* Looks up key (len bytes, exact match: callers lower-case first). Returns
 * the number of pronunciations (0 when absent) and stores the index of the
 * first in *first. Never allocates. */
unsigned lexicon_lookup(const lexicon *lx, const char *key, size_t len,
                        uint32_t *first);

/* Pronunciation number index (0 .. lexicon_prons()-1): its text (not
 * NUL-terminated) and length. */
const char *lexicon_pron(const lexicon *lx, uint32_t index, uint16_t *len);

/* Headword number index (0 .. lexicon_words()-1, in key order), for tools
 * that walk the whole dictionary. */
const char *lexicon_key(const lexicon *lx, uint32_t index, uint16_t *len,
                        unsigned *n_var, uint32_t *first);

#endif
