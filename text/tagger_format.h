/* tagger_format.h -- the linear-model file (".linm") the tagger and the
 * homograph chooser map: a hashed feature table (feature hash -> sparse
 * weights per class), the class names, and a kind-specific section.
 *
 * The file is written by tools/train-tagger/linmodel.py; doc/text-homographs.md
 * gives the layout in prose. Every field is checked at open, so lookups
 * afterwards need no checks beyond what the validated header promises:
 * probe sequences end within max_probe slots, every weight range lies inside
 * the pairs table, every class id is below n_classes. */
#ifndef RNNINFERD_TEXT_TAGGER_FORMAT_H
#define RNNINFERD_TEXT_TAGGER_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LINM_MAGIC "RNNLINM\x1a"
#define LINM_VERSION 1u
#define LINM_HEADER_BYTES 128u
#define LINM_SLOT_BYTES 16u
#define LINM_PAIR_BYTES 8u
#define LINM_MAX_CLASSES 16384u
#define LINM_MAX_SLOTS (1u << 26)
#define LINM_MAX_FILE ((uint64_t)1 << 31)

enum { LINM_KIND_TAGGER = 1, LINM_KIND_HOMOGRAPH = 2 };

enum {
  LINM_OK = 0,
  LINM_EIO,     /* cannot open or read */
  LINM_EFORMAT, /* damaged or hostile file; the message names the field */
  LINM_ENOMEM
};

typedef struct linm_pair {
  uint16_t cls;
  uint16_t reserved;
  float w;
} linm_pair;

typedef struct linm {
  const uint8_t *base;
  uint64_t size;
  int owned; /* 1: the file's image, freed at close; 0: caller's buffer */
  uint32_t kind, n_classes, n_slots, n_features, n_pairs, max_probe;
  const uint8_t *slots;
  const linm_pair *pairs;
  const uint8_t *extra;
  uint32_t extra_bytes;
  uint32_t data_crc;
  /* class names: pointer into the file and length (not NUL-terminated) */
  const uint8_t *class_name[LINM_MAX_CLASSES];
  uint8_t class_len[LINM_MAX_CLASSES];
} linm;

/* Reads PATH into memory it owns (common/filebuf.h) and validates it;
 * expects kind. On error fills err. */
int linm_open(linm *m, const char *path, uint32_t kind, char *err, size_t errlen);
/* Validates a caller-owned buffer (kept alive by the caller until close). */
int linm_open_buffer(linm *m, const void *buf, size_t n, uint32_t kind, char *err,
                     size_t errlen);
void linm_close(linm *m);

uint32_t linm_crc32c(uint32_t crc, const void *data, size_t n);

/* ---- feature hashing (same as linmodel.py) ---------------------------- */
#define LINM_FNV_OFF 0xcbf29ce484222325ull
#define LINM_FNV_PRIME 0x100000001b3ull

static inline uint64_t linm_fnv(const void *p, size_t n) {
  const uint8_t *s = p;
  uint64_t h = LINM_FNV_OFF;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * LINM_FNV_PRIME;
  return h;
}
/* FNV-1a 64 of the ASCII-lowercased bytes. */
static inline uint64_t linm_fnv_lower(const void *p, size_t n) {
  const uint8_t *s = p;
  uint64_t h = LINM_FNV_OFF;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
    h = (h ^ c) * LINM_FNV_PRIME;
  }
  return h;
}
static inline uint64_t linm_fnv_str(const char *s) { return linm_fnv(s, strlen(s)); }
/* appends a value's hash to a feature's (not h ^ v alone: a value equal to
 * its template must not cancel) */
static inline uint64_t linm_add(uint64_t h, uint64_t v) { return (h * LINM_FNV_PRIME) ^ v; }
static inline uint64_t linm_mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

/* Looks a feature up; returns the number of weights (0 if absent). */
static inline uint32_t linm_find(const linm *m, uint64_t h, const linm_pair **out) {
  uint32_t mask = m->n_slots - 1, idx = (uint32_t)h & mask;
  for (uint32_t p = 0; p < m->max_probe; p++) {
    const uint8_t *s = m->slots + (size_t)idx * LINM_SLOT_BYTES;
    uint64_t sh;
    memcpy(&sh, s, 8);
    if (sh == h) {
      uint32_t first;
      uint16_t count;
      memcpy(&first, s + 8, 4);
      memcpy(&count, s + 12, 2);
      *out = m->pairs + first;
      return count;
    }
    if (sh == 0) return 0;
    idx = (idx + 1) & mask;
  }
  return 0;
}

static inline void linm_prefetch(const linm *m, uint64_t h) {
  __builtin_prefetch(m->slots + (size_t)((uint32_t)h & (m->n_slots - 1)) * LINM_SLOT_BYTES);
}

#endif
