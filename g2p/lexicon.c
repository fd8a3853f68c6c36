/* lexicon.c -- reads a compiled lexicon into memory and answers lookups.
 *
 * The file comes from our own compiler, but it is still input: it may be
 * truncated by a full disk, swapped for something else, or hostile. So open
 * checks the header field by field, both checksums, and then every entry of
 * the word and pronunciation tables (bounds, counts, key order) once, up
 * front. Lookup can then trust the image completely and stays a plain
 * binary search that touches ~17 keys and allocates nothing. */
#include "common/errbuf.h"
#include "g2p/lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/filebuf.h"
#include "g2p/lexicon_format.h"

struct lexicon {
  const unsigned char *base; /* the whole file, owned (free at close) */
  size_t size;
  const unsigned char *words; /* n_words * LEXF_WORD_BYTES */
  const unsigned char *prons; /* n_prons * LEXF_PRON_BYTES */
  uint32_t n_words, n_prons, max_variants, crc;
};


const char *lexicon_strerror(int code) {
  switch (code) {
  case LEX_OK: return "success";
  case LEX_EIO: return "cannot read lexicon file";
  case LEX_ENOMEM: return "out of memory";
  case LEX_ETRUNCATED: return "lexicon file truncated";
  case LEX_EMAGIC: return "not a compiled lexicon (bad magic)";
  case LEX_EVERSION: return "unsupported lexicon format version";
  case LEX_EHEADER: return "invalid lexicon header field";
  case LEX_ECHECKSUM: return "lexicon checksum mismatch";
  case LEX_EOFFSET: return "lexicon offset out of bounds";
  case LEX_EORDER: return "lexicon keys not sorted";
  case LEX_EENTRY: return "invalid lexicon entry";
  default: return "unknown lexicon error";
  }
}

/* Compares a probe with a stored key: bytewise, shorter first on a tie. */
static int key_cmp(const unsigned char *a, size_t alen, const unsigned char *b,
                   size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  if (c) return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Checks the header and every entry of an image of size bytes. */
static int validate(struct lexicon *lx, char *err, size_t errlen) {
  const unsigned char *h = lx->base;
  size_t size = lx->size;
  if (size < LEXF_HDR_BYTES)
    return err_set(err, errlen, LEX_ETRUNCATED,
                "file is %zu bytes, shorter than the %u-byte header", size,
                LEXF_HDR_BYTES);
  if (memcmp(h + LEXF_HDR_MAGIC, LEXF_MAGIC, LEXF_MAGIC_LEN) != 0)
    return err_set(err, errlen, LEX_EMAGIC, "bad magic: not a compiled lexicon");
  uint32_t version = lexf_get32(h + LEXF_HDR_VERSION);
  if (version != LEXF_VERSION)
    return err_set(err, errlen, LEX_EVERSION,
                "format version %u, this build reads version %u", version,
                LEXF_VERSION);
  uint32_t hdr_bytes = lexf_get32(h + LEXF_HDR_HDR_BYTES);
  if (hdr_bytes != LEXF_HDR_BYTES)
    return err_set(err, errlen, LEX_EHEADER, "header size %u, expected %u",
                hdr_bytes, LEXF_HDR_BYTES);
  uint32_t file_bytes = lexf_get32(h + LEXF_HDR_FILE_BYTES);
  if (size < file_bytes)
    return err_set(err, errlen, LEX_ETRUNCATED,
                "file is %zu bytes, header says %u", size, file_bytes);
  if (size > file_bytes)
    return err_set(err, errlen, LEX_EHEADER,
                "file is %zu bytes, header says only %u (trailing data)", size,
                file_bytes);
  uint32_t hcrc = lexf_crc32(0, h, LEXF_HDR_HEADER_CRC);
  if (hcrc != lexf_get32(h + LEXF_HDR_HEADER_CRC))
    return err_set(err, errlen, LEX_ECHECKSUM,
                "header checksum mismatch (stored %08x, computed %08x)",
                lexf_get32(h + LEXF_HDR_HEADER_CRC), hcrc);

  uint32_t n_words = lexf_get32(h + LEXF_HDR_N_WORDS);
  uint32_t n_prons = lexf_get32(h + LEXF_HDR_N_PRONS);
  uint32_t words_off = lexf_get32(h + LEXF_HDR_WORDS_OFF);
  uint32_t prons_off = lexf_get32(h + LEXF_HDR_PRONS_OFF);
  uint32_t str_off = lexf_get32(h + LEXF_HDR_STRINGS_OFF);
  uint32_t str_bytes = lexf_get32(h + LEXF_HDR_STRINGS_BYTES);
  uint32_t max_var = lexf_get32(h + LEXF_HDR_MAX_VARIANTS);
  uint32_t max_key = lexf_get32(h + LEXF_HDR_MAX_KEY);
  uint32_t flags = lexf_get32(h + LEXF_HDR_FLAGS);
  if (flags != 0)
    return err_set(err, errlen, LEX_EHEADER, "unknown flags 0x%08x", flags);
  if (n_words == 0 || n_prons < n_words)
    return err_set(err, errlen, LEX_EHEADER,
                "bad counts: %u words, %u pronunciations", n_words, n_prons);
  if (max_var == 0 || max_var > LEXF_VARIANTS_MAX)
    return err_set(err, errlen, LEX_EHEADER, "max variants %u out of range 1..%u",
                max_var, LEXF_VARIANTS_MAX);
  if (max_key == 0 || max_key > LEXF_KEY_MAX)
    return err_set(err, errlen, LEX_EHEADER, "max key length %u out of range 1..%u",
                max_key, LEXF_KEY_MAX);

  /* Sections in order, aligned, non-overlapping, strings to the end. */
  uint64_t words_end = (uint64_t)words_off + (uint64_t)n_words * LEXF_WORD_BYTES;
  uint64_t prons_end = (uint64_t)prons_off + (uint64_t)n_prons * LEXF_PRON_BYTES;
  if (words_off < LEXF_HDR_BYTES || words_off % 4 || words_end > prons_off)
    return err_set(err, errlen, LEX_EOFFSET,
                "word table at %u (+%u entries) overlaps the header or the "
                "pronunciation table at %u", words_off, n_words, prons_off);
  if (prons_off % 4 || prons_end > str_off)
    return err_set(err, errlen, LEX_EOFFSET,
                "pronunciation table at %u (+%u entries) overlaps the strings "
                "at %u", prons_off, n_prons, str_off);
  if ((uint64_t)str_off + str_bytes != file_bytes)
    return err_set(err, errlen, LEX_EOFFSET,
                "strings at %u + %u bytes do not end at the file end %u",
                str_off, str_bytes, file_bytes);

  uint32_t pcrc = lexf_crc32(0, h + LEXF_HDR_BYTES, file_bytes - LEXF_HDR_BYTES);
  if (pcrc != lexf_get32(h + LEXF_HDR_PAYLOAD_CRC))
    return err_set(err, errlen, LEX_ECHECKSUM,
                "payload checksum mismatch (stored %08x, computed %08x)",
                lexf_get32(h + LEXF_HDR_PAYLOAD_CRC), pcrc);

  lx->words = h + words_off;
  lx->prons = h + prons_off;
  uint64_t str_end = (uint64_t)str_off + str_bytes;

  /* Every pronunciation entry. */
  for (uint32_t i = 0; i < n_prons; i++) {
    const unsigned char *p = lx->prons + (size_t)i * LEXF_PRON_BYTES;
    uint32_t off = lexf_get32(p);
    uint16_t len = lexf_get16(p + 4), nph = lexf_get16(p + 6);
    if (off < str_off || (uint64_t)off + len > str_end)
      return err_set(err, errlen, LEX_EOFFSET,
                  "pronunciation %u text at %u+%u outside the strings", i, off,
                  len);
    if (len == 0 || len > LEXF_TEXT_MAX || nph == 0 || nph > LEXF_PHONES_MAX)
      return err_set(err, errlen, LEX_EENTRY,
                  "pronunciation %u: %u bytes, %u phonemes", i, len, nph);
  }
  /* Every word entry: bounds, counts, variants consecutive, keys sorted. */
  uint32_t next = 0, seen_max_var = 0;
  const unsigned char *prev = NULL;
  uint16_t prev_len = 0;
  for (uint32_t i = 0; i < n_words; i++) {
    const unsigned char *w = lx->words + (size_t)i * LEXF_WORD_BYTES;
    uint32_t koff = lexf_get32(w), first = lexf_get32(w + 8);
    uint16_t klen = lexf_get16(w + 4), nvar = lexf_get16(w + 6);
    if (koff < str_off || (uint64_t)koff + klen > str_end)
      return err_set(err, errlen, LEX_EOFFSET, "word %u key at %u+%u outside the strings",
                  i, koff, klen);
    if (klen == 0 || klen > max_key)
      return err_set(err, errlen, LEX_EENTRY, "word %u: key length %u (max %u)", i,
                  klen, max_key);
    if (nvar == 0 || nvar > max_var)
      return err_set(err, errlen, LEX_EENTRY, "word %u: %u variants (max %u)", i,
                  nvar, max_var);
    if (first != next || (uint64_t)first + nvar > n_prons)
      return err_set(err, errlen, LEX_EENTRY,
                  "word %u: pronunciations %u+%u, expected to start at %u of %u",
                  i, first, nvar, next, n_prons);
    if (prev && key_cmp(prev, prev_len, h + koff, klen) >= 0)
      return err_set(err, errlen, LEX_EORDER, "word %u: key not after word %u", i,
                  i - 1);
    prev = h + koff;
    prev_len = klen;
    next = first + nvar;
    if (nvar > seen_max_var) seen_max_var = nvar;
  }
  if (next != n_prons)
    return err_set(err, errlen, LEX_EENTRY,
                "words cover %u pronunciations, header says %u", next, n_prons);
  if (seen_max_var != max_var)
    return err_set(err, errlen, LEX_EHEADER, "max variants %u, entries have %u",
                max_var, seen_max_var);
  lx->n_words = n_words;
  lx->n_prons = n_prons;
  lx->max_variants = max_var;
  lx->crc = pcrc;
  return LEX_OK;
}

int lexicon_open(lexicon **out, const char *path, char *err, size_t errlen) {
  if (!out || !path) return err_set(err, errlen, LEX_EIO, "no lexicon path");
  *out = NULL;
  filebuf fb;
  char why[256];
  int mrc = filebuf_read(&fb, path, LEXF_HDR_BYTES, UINT32_MAX, why, sizeof why);
  if (mrc == FILEBUF_ESIZE && fb.size < LEXF_HDR_BYTES)
    return err_set(err, errlen, LEX_ETRUNCATED,
                "%s: %llu bytes, shorter than the %u-byte header", path,
                (unsigned long long)fb.size, LEXF_HDR_BYTES);
  if (mrc == FILEBUF_ESIZE)
    return err_set(err, errlen, LEX_EHEADER, "%s: larger than 4 GiB", path);
  if (mrc != FILEBUF_OK) return err_set(err, errlen, LEX_EIO, "%s", why);
  struct lexicon *lx = calloc(1, sizeof *lx);
  if (!lx) {
    filebuf_free(&fb);
    return err_set(err, errlen, LEX_ENOMEM, "out of memory");
  }
  lx->base = fb.base;
  lx->size = (size_t)fb.size;
  int rc = validate(lx, why, sizeof why);
  if (rc != LEX_OK) {
    err_set(err, errlen, rc, "%s: %s", path, why);
    lexicon_close(lx);
    return rc;
  }
  *out = lx;
  return LEX_OK;
}

int lexicon_open_image(lexicon **out, unsigned char *image, size_t len,
                       const char *name, char *err, size_t errlen) {
  char why[256];
  if (!out || !image) {
    free(image);
    return err_set(err, errlen, LEX_EIO, "no lexicon image");
  }
  *out = NULL;
  struct lexicon *lx = calloc(1, sizeof *lx);
  if (!lx) {
    free(image);
    return err_set(err, errlen, LEX_ENOMEM, "out of memory");
  }
  lx->base = image;
  lx->size = len;
  int rc = validate(lx, why, sizeof why);
  if (rc != LEX_OK) {
    err_set(err, errlen, rc, "%s: %s", name ? name : "image", why);
    lexicon_close(lx);
    return rc;
  }
  *out = lx;
  return LEX_OK;
}

void lexicon_close(lexicon *lx) {
  if (!lx) return;
  free((void *)lx->base);
  free(lx);
}

uint32_t lexicon_words(const lexicon *lx) { return lx ? lx->n_words : 0; }
uint32_t lexicon_prons(const lexicon *lx) { return lx ? lx->n_prons : 0; }
uint32_t lexicon_max_variants(const lexicon *lx) { return lx ? lx->max_variants : 0; }
uint32_t lexicon_checksum(const lexicon *lx) { return lx ? lx->crc : 0; }

unsigned lexicon_lookup(const lexicon *lx, const char *key, size_t len,
                        uint32_t *first) {
  if (!lx || !key || len == 0 || len > LEXF_KEY_MAX) return 0;
  uint32_t lo = 0, hi = lx->n_words;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const unsigned char *w = lx->words + (size_t)mid * LEXF_WORD_BYTES;
    int c = key_cmp((const unsigned char *)key, len, lx->base + lexf_get32(w),
                    lexf_get16(w + 4));
    if (c == 0) {
      if (first) *first = lexf_get32(w + 8);
      return lexf_get16(w + 6);
    }
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

const char *lexicon_pron(const lexicon *lx, uint32_t index, uint16_t *len) {
  if (!lx || index >= lx->n_prons) {
    if (len) *len = 0;
    return NULL;
  }
  const unsigned char *p = lx->prons + (size_t)index * LEXF_PRON_BYTES;
  if (len) *len = lexf_get16(p + 4);
  return (const char *)lx->base + lexf_get32(p);
}

const char *lexicon_key(const lexicon *lx, uint32_t index, uint16_t *len,
                        unsigned *n_var, uint32_t *first) {
  if (!lx || index >= lx->n_words) return NULL;
  const unsigned char *w = lx->words + (size_t)index * LEXF_WORD_BYTES;
  if (len) *len = lexf_get16(w + 4);
  if (n_var) *n_var = lexf_get16(w + 6);
  if (first) *first = lexf_get32(w + 8);
  return (const char *)lx->base + lexf_get32(w);
}
