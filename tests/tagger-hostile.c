/* tagger-hostile -- damaged and malicious linear-model files (the tagger's
 * and the homograph chooser's) are refused with a message that names the
 * problem, and never crash or read outside the file.
 *
 * Tiny valid models are built here byte by byte (the layout of
 * doc/text-homographs.md), then cut at every length, bit-flipped and
 * forged: bad magic, version, kind, checksums, section offsets, table
 * sizes, probe chains that would not end, duplicate hashes, weight ranges
 * and classes out of range, non-finite weights, class names, and the
 * homograph section's tables. Forgeries meant to get past the checksums
 * are resealed so that the check behind them is the one exercised. A
 * random-mutation loop finishes the job (under ASan/UBSan in CI). A file
 * rewritten in place after opening leaves the open model as it was. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"
#include "text/tagger_format.h"

static int failures;

#define CHECK(cond, ...)                          \
  do {                                            \
    if (!(cond)) {                                \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                        \
      printf("\n");                               \
      failures++;                                 \
    }                                             \
  } while (0)

/* ---- a tiny writer ------------------------------------------------------ */
typedef struct feat {
  uint64_t h;
  int n;
  uint16_t cls[4];
  float w[4];
} feat;

typedef struct model {
  uint8_t *b;
  size_t n;
  size_t classes_off, slots_off, pairs_off, extra_off;
  uint32_t n_slots, n_pairs;
} model;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static uint32_t get32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static size_t up64(size_t x) { return (x + 63) & ~(size_t)63; }

static void reseal(model *m) {
  put32(m->b + 112, linm_crc32c(0, m->b + 128, m->n - 128));
  put32(m->b + 124, linm_crc32c(0, m->b, 124));
}

static void build(model *m, uint32_t kind, const char *const *names, int nc, const feat *f,
                  int nf, const uint8_t *extra, size_t extra_n) {
  size_t cb = 0;
  for (int i = 0; i < nc; i++) cb += 1 + strlen(names[i]);
  uint32_t slots = 16, pairs = 0;
  for (int i = 0; i < nf; i++) pairs += (uint32_t)f[i].n;
  m->classes_off = 128;
  m->slots_off = up64(128 + cb);
  m->pairs_off = up64(m->slots_off + 16 * slots);
  m->extra_off = up64(m->pairs_off + 8 * pairs);
  m->n = up64(m->extra_off + extra_n);
  m->n_slots = slots;
  m->n_pairs = pairs;
  m->b = aligned_alloc(64, m->n);
  memset(m->b, 0, m->n);
  memcpy(m->b, LINM_MAGIC, 8);
  put32(m->b + 8, LINM_VERSION);
  put32(m->b + 12, 128);
  put64(m->b + 16, m->n);
  put32(m->b + 24, kind);
  put32(m->b + 28, (uint32_t)nc);
  put32(m->b + 32, slots);
  put32(m->b + 36, (uint32_t)nf);
  put32(m->b + 40, pairs);
  put64(m->b + 48, m->classes_off);
  put32(m->b + 56, (uint32_t)cb);
  put64(m->b + 64, m->slots_off);
  put64(m->b + 72, m->pairs_off);
  put64(m->b + 80, m->extra_off);
  put32(m->b + 88, (uint32_t)extra_n);
  uint8_t *c = m->b + m->classes_off;
  for (int i = 0; i < nc; i++) {
    *c++ = (uint8_t)strlen(names[i]);
    memcpy(c, names[i], strlen(names[i]));
    c += strlen(names[i]);
  }
  uint32_t next = 0, max_probe = 1;
  for (int i = 0; i < nf; i++) {
    uint32_t idx = (uint32_t)f[i].h & (slots - 1), probe = 1;
    while (get32(m->b + m->slots_off + 16 * idx) ||
           get32(m->b + m->slots_off + 16 * idx + 4)) {
      idx = (idx + 1) & (slots - 1);
      probe++;
    }
    if (probe > max_probe) max_probe = probe;
    uint8_t *s = m->b + m->slots_off + 16 * idx;
    put64(s, f[i].h);
    put32(s + 8, next);
    put16(s + 12, (uint16_t)f[i].n);
    for (int k = 0; k < f[i].n; k++) {
      uint8_t *p = m->b + m->pairs_off + 8 * (next + (uint32_t)k);
      put16(p, f[i].cls[k]);
      memcpy(p + 4, &f[i].w[k], 4);
    }
    next += (uint32_t)f[i].n;
  }
  put32(m->b + 44, max_probe);
  if (extra_n) memcpy(m->b + m->extra_off, extra, extra_n);
  reseal(m);
}

static uint8_t *dup_aligned(const uint8_t *b, size_t n) {
  uint8_t *p = aligned_alloc(64, up64(n ? n : 1));
  if (n) memcpy(p, b, n);
  return p;
}

/* opens buf as a tagger; returns rc, err filled */
static int open_tagger(const uint8_t *b, size_t n, char *err, size_t errlen) {
  uint8_t *c = dup_aligned(b, n);
  tagger *t = NULL;
  int rc = tagger_open_buffer(&t, c, n, err, errlen);
  if (rc == 0) {
    /* a model that opens must tag without trouble */
    tagger_word w[4] = {{"The", 3}, {"dog", 3}, {"runs", 4}, {".", 1}};
    uint8_t tags[4];
    tagger_tag(t, w, 4, tags);
    for (int i = 0; i < 4; i++) CHECK(tags[i] < tagger_n_tags(t), "tag out of range");
  }
  tagger_close(t);
  free(c);
  return rc;
}

static void expect_refused(const model *m, const char *what, const char *needle) {
  char err[256] = "";
  int rc = open_tagger(m->b, m->n, err, sizeof err);
  CHECK(rc != 0, "%s: accepted", what);
  CHECK(strstr(err, needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, needle);
}

static const char *const tag_names[3] = {"DET|DT", "NOUN|NN", "VERB|VBZ"};

static void tiny_tagger(model *m) {
  /* real feature hashes for w=the / w=dog / w=runs, so the model tags */
  uint64_t tw = linm_fnv_str("w");
  feat f[4] = {
      {linm_mix(linm_add(tw, linm_fnv_str("the"))), 1, {0}, {2.0f}},
      {linm_mix(linm_add(tw, linm_fnv_str("dog"))), 1, {1}, {2.0f}},
      {linm_mix(linm_add(tw, linm_fnv_str("runs"))), 2, {1, 2}, {0.5f, 2.0f}},
      {linm_mix(linm_fnv_str("b")), 3, {0, 1, 2}, {0.1f, 0.2f, 0.1f}},
  };
  build(m, LINM_KIND_TAGGER, tag_names, 3, f, 4, NULL, 0);
}

static uint8_t *slot_of(model *m, int k) {
  /* the k-th occupied slot */
  for (uint32_t i = 0; i < m->n_slots; i++) {
    uint8_t *s = m->b + m->slots_off + 16 * i;
    if (get32(s) || get32(s + 4)) {
      if (k-- == 0) return s;
    }
  }
  return NULL;
}

static void tagger_tests(void) {
  model m;
  tiny_tagger(&m);
  char err[256] = "";
  CHECK(open_tagger(m.b, m.n, err, sizeof err) == 0, "tiny tagger refused: %s", err);
  {
    uint8_t *c = dup_aligned(m.b, m.n);
    tagger *t;
    CHECK(tagger_open_buffer(&t, c, m.n, err, sizeof err) == 0, "reopen: %s", err);
    tagger_word w[3] = {{"the", 3}, {"DOG", 3}, {"runs", 4}};
    uint8_t tags[3];
    tagger_tag(t, w, 3, tags);
    CHECK(tags[0] == 0 && tags[1] == 1 && tags[2] == 2, "tiny tagger tags %u %u %u", tags[0],
          tags[1], tags[2]);
    CHECK(strcmp(tagger_xpos(t, 2), "VBZ") == 0 && tagger_upos(t, 2) == UPOS_VERB,
          "tag names");
    tagger_tag(t, w, 0, tags); /* an empty sentence is fine */
    tagger_close(t);
    free(c);
  }

  /* every truncation */
  for (size_t n = 0; n < m.n; n++) {
    err[0] = 0;
    int rc = open_tagger(m.b, n, err, sizeof err);
    CHECK(rc != 0, "truncated to %zu accepted", n);
    CHECK(strstr(err, n < 128 ? "truncated" : "file_bytes"), "cut %zu: \"%s\"", n, err);
  }
  /* every header byte flipped: refused (header checksum, or a field) */
  for (size_t i = 0; i < 128; i++) {
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    c.b[i] ^= 0x40;
    err[0] = 0;
    CHECK(open_tagger(c.b, c.n, err, sizeof err) != 0, "header byte %zu flipped accepted", i);
    free(c.b);
  }
  /* a data byte flipped: the data checksum */
  {
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    c.b[m.slots_off + 3] ^= 1;
    expect_refused(&c, "data flip", "data checksum mismatch");
    free(c.b);
  }
#define FORGE(label, needle, ...)      \
  do {                                 \
    model c = m;                       \
    c.b = dup_aligned(m.b, m.n);       \
    __VA_ARGS__;                       \
    reseal(&c);                        \
    expect_refused(&c, label, needle); \
    free(c.b);                         \
  } while (0)
  {
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    c.b[0] = 'X';
    expect_refused(&c, "magic", "bad magic");
    free(c.b);
  }
  FORGE("version", "unsupported version", put32(c.b + 8, 2));
  FORGE("header bytes", "header_bytes", put32(c.b + 12, 64));
  FORGE("file bytes", "file_bytes", put64(c.b + 16, c.n + 64));
  FORGE("kind", "kind 2, expected 1", put32(c.b + 24, LINM_KIND_HOMOGRAPH));
  FORGE("no classes", "n_classes", put32(c.b + 28, 0));
  FORGE("classes", "n_classes", put32(c.b + 28, LINM_MAX_CLASSES + 1));
  FORGE("slots not pow2", "power of two", put32(c.b + 32, 12));
  FORGE("table full", "no empty slot", put32(c.b + 36, 16));
  FORGE("max_probe 0", "max_probe", put32(c.b + 44, 0));
  FORGE("max_probe huge", "max_probe", put32(c.b + 44, 17));
  FORGE("slots outside", "feature table", put32(c.b + 32, 1u << 20));
  FORGE("pairs outside", "weights [", put32(c.b + 40, 1u << 24));
  FORGE("classes outside", "class names [", put64(c.b + 48, c.n - 2));
  FORGE("extra outside", "extra section", put32(c.b + 88, 1u << 20));
  FORGE("offset in header", "class names [", put64(c.b + 48, 8));
  FORGE("slots misaligned", "not aligned", put64(c.b + 64, c.slots_off + 8));
  FORGE("overlap", "overlap", put64(c.b + 72, c.slots_off));
  FORGE("reserved", "reserved field", put32(c.b + 96, 1));
  FORGE("class name length", "class name 2: length", c.b[c.classes_off + 15] = 200);
  FORGE("class name NUL", "contains NUL", c.b[c.classes_off + 1] = 0);
  FORGE("class names short", "class names", put32(c.b + 56, 7));
  FORGE("unknown UPOS", "no known UPOS", memcpy(c.b + c.classes_off + 1, "DEX", 3));
  FORGE("pair class", "class 7 >= n_classes", put16(c.b + c.pairs_off, 7));
  FORGE("pair reserved", "reserved field not 0", put16(c.b + c.pairs_off + 2, 1));
  FORGE("pair nan", "not finite", {
    float nanv = NAN;
    memcpy(c.b + c.pairs_off + 4, &nanv, 4);
  });
  FORGE("slot range", "outside", put32(slot_of(&c, 0) + 8, 1000));
  FORGE("slot count 0", "outside", put16(slot_of(&c, 0) + 12, 0));
  FORGE("slot reserved", "reserved", put16(slot_of(&c, 0) + 14, 9));
  FORGE("empty slot with weights", "empty but has weights", {
    for (uint32_t i = 0; i < c.n_slots; i++) {
      uint8_t *s = c.b + c.slots_off + 16 * i;
      if (!get32(s) && !get32(s + 4)) {
        put16(s + 12, 1);
        break;
      }
    }
  });
  FORGE("n_features wrong", "occupied slots", put32(c.b + 36, 3));
  FORGE("duplicate hash", "twice", {
    /* an occupied slot followed by an empty one: copy it there */
    for (uint32_t i = 0; i < c.n_slots; i++) {
      uint8_t *a = c.b + c.slots_off + 16 * i,
              *b = c.b + c.slots_off + 16 * ((i + 1) % c.n_slots);
      if ((get32(a) || get32(a + 4)) && !get32(b) && !get32(b + 4)) {
        memcpy(b, a, 16);
        break;
      }
    }
    put32(c.b + 36, get32(c.b + 36) + 1);
    put32(c.b + 44, 16);
  });
  FORGE("unreachable slot", "slot", {
    /* move slot 0 far from its home: the probe limit or an empty slot
     * between them makes it unreachable */
    uint8_t *s = slot_of(&c, 0);
    uint8_t tmp[16];
    memcpy(tmp, s, 16);
    memset(s, 0, 16);
    uint32_t idx = (uint32_t)((s - (c.b + c.slots_off)) / 16);
    for (uint32_t k = 2; k < c.n_slots; k++) {
      uint8_t *d = c.b + c.slots_off + 16 * ((idx + k) % c.n_slots);
      if (!get32(d) && !get32(d + 4)) {
        memcpy(d, tmp, 16);
        break;
      }
    }
  });
  /* too many tags for the tagger (the format allows more) */
  {
    static char names[300][8];
    const char *np[300];
    for (int i = 0; i < 300; i++) {
      snprintf(names[i], sizeof names[i], "X|%d", i);
      np[i] = names[i];
    }
    feat f[1] = {{linm_mix(linm_fnv_str("b")), 1, {0}, {1.0f}}};
    model big;
    build(&big, LINM_KIND_TAGGER, np, 300, f, 1, NULL, 0);
    expect_refused(&big, "300 tags", "at most 255");
    free(big.b);
  }
  /* random mutations, resealed half of the time: never a crash */
  srand(15);
  int accepted = 0;
  for (int it = 0; it < 20000; it++) {
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    int k = 1 + rand() % 4;
    for (int j = 0; j < k; j++) c.b[(size_t)rand() % c.n] ^= (uint8_t)(1u << (rand() % 8));
    if (it & 1) reseal(&c);
    accepted += open_tagger(c.b, c.n, err, sizeof err) == 0;
    free(c.b);
  }
  printf("random mutations: %d of 20000 still valid (weights or padding)\n", accepted);

  /* files: missing, a directory */
  tagger *t;
  CHECK(tagger_open(&t, "/nonexistent/tagger.linm", err, sizeof err) == LINM_EIO &&
            strstr(err, "No such file"),
        "missing file: %s", err);
  CHECK(tagger_open(&t, "/", err, sizeof err) == LINM_EIO && strstr(err, "not a regular file"),
        "directory: %s", err);

  /* a file rewritten in place after it was opened changes nothing (the
   * reader keeps its own copy; a mapping would fault with SIGBUS here) */
  char path[] = "/tmp/tagger-hostile.XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, m.b, m.n) == (ssize_t)m.n && close(fd) == 0, "temp file");
  tagger *ref;
  CHECK(tagger_open_buffer(&ref, m.b, m.n, err, sizeof err) == 0, "%s", err);
  CHECK(tagger_open(&t, path, err, sizeof err) == 0, "from file: %s", err);
  CHECK(truncate(path, 0) == 0, "truncate");
  tagger_word w[4] = {{"They", 4}, {"read", 4}, {"books", 5}, {".", 1}};
  uint8_t tags[4], want[4];
  tagger_tag(t, w, 4, tags);
  tagger_tag(ref, w, 4, want);
  CHECK(memcmp(tags, want, sizeof tags) == 0, "tags changed after the file was truncated");
  tagger_close(t);
  tagger_close(ref);
  CHECK(tagger_open(&t, path, err, sizeof err) == LINM_EFORMAT, "truncated file: %s", err);
  unlink(path);
  free(m.b);
}

/* ---- homograph section ------------------------------------------------ */
static size_t hom_extra(uint8_t *x, uint32_t tagger_crc) {
  /* two words: "lead" (readings 0, 1; classifier) and "read" (2, 3) */
  memset(x, 0, 512);
  const char *str = "L EH1 D\0L IY1 D\0R EH1 D\0R IY1 D\0lead\0read";
  size_t str_n = 8 + 8 + 8 + 8 + 5 + 5;
  uint32_t readings_off = 40, words_off = 56, strings_off = 56 + 96;
  float margin = 0.5f;
  put32(x, 2);
  put32(x + 4, 4);
  put32(x + 8, words_off);
  put32(x + 12, readings_off);
  put32(x + 16, strings_off);
  put32(x + 20, (uint32_t)str_n);
  put32(x + 24, UPOS_COUNT);
  put32(x + 28, tagger_crc);
  memcpy(x + 32, &margin, 4);
  for (uint32_t i = 0; i < 4; i++) put32(x + readings_off + 4 * i, 8 * i);
  for (int w = 0; w < 2; w++) {
    uint8_t *e = x + words_off + 48 * w;
    put32(e, w == 0 ? 32 : 37);
    put16(e + 4, (uint16_t)(2 * w));
    put16(e + 6, 2);
    put16(e + 8, (uint16_t)(2 * w));
    put16(e + 10, w == 0 ? 1 : 0);
    for (int u = 0; u < UPOS_COUNT; u++) put16(e + 12 + 2 * u, 0xFFFF);
    put16(e + 12 + 2 * UPOS_VERB, (uint16_t)(2 * w + 1));
  }
  memcpy(x + strings_off, str, str_n);
  return strings_off + str_n;
}

static int open_hom(const model *m, const tagger *t, char *err, size_t errlen) {
  uint8_t *c = dup_aligned(m->b, m->n);
  homograph *h = NULL;
  int rc = homograph_open_buffer(&h, c, m->n, t, err, errlen);
  if (rc == 0) {
    tagger_word w[3] = {{"They", 4}, {"lead", 4}, {".", 1}};
    uint8_t tags[3] = {0, 2, 0};
    homograph_choice ch;
    int got = homograph_choose(h, w, tags, 3, 1, &ch); /* a mutation may rename "lead" */
    CHECK(got ? ch.phones && ch.reading : !ch.phones, "choose");
  }
  homograph_close(h);
  free(c);
  return rc;
}

static void homograph_tests(void) {
  model tm;
  tiny_tagger(&tm);
  tagger *t;
  char err[256] = "";
  CHECK(tagger_open_buffer(&t, tm.b, tm.n, err, sizeof err) == 0, "tagger: %s", err);
  uint8_t x[512];
  size_t xn = hom_extra(x, tagger_checksum(t));
  static const char *const rnames[4] = {"lead_nou", "lead_vrb", "read_past", "read_present"};
  uint64_t W = linm_fnv_str("lead");
  feat f[1] = {{linm_mix(linm_add(linm_fnv_str("hb"), W)), 2, {0, 1}, {1.0f, -1.0f}}};
  model m;
  build(&m, LINM_KIND_HOMOGRAPH, rnames, 4, f, 1, x, xn);
  CHECK(open_hom(&m, t, err, sizeof err) == 0, "tiny homograph model refused: %s", err);
  {
    homograph *h;
    CHECK(homograph_open_buffer(&h, m.b, m.n, t, err, sizeof err) == 0, "%s", err);
    tagger_word w[2] = {{"We", 2}, {"READ", 4}};
    uint8_t tags[2] = {0, 2};
    homograph_choice ch;
    CHECK(homograph_choose(h, w, tags, 2, 1, &ch) == 1 && ch.how == HOMOGRAPH_POS_RULE &&
              strcmp(ch.phones, "R IY1 D") == 0,
          "read/VERB by rule: %s", ch.phones ? ch.phones : "(none)");
    tags[1] = 1;
    CHECK(homograph_choose(h, w, tags, 2, 1, &ch) == 1 && ch.how == HOMOGRAPH_MOST_FREQUENT &&
              strcmp(ch.reading, "read_past") == 0,
          "read/NOUN: default");
    w[1].s = "lead";
    CHECK(homograph_choose(h, w, tags, 2, 1, &ch) == 1 && ch.how == HOMOGRAPH_CLASSIFIER &&
              strcmp(ch.reading, "lead_nou") == 0,
          "lead by classifier");
    homograph_close(h);
  }
  { /* "read" taking "lead"'s classifier (flag 2, base 0): its readings by position */
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    uint8_t *X = c.b + c.extra_off;
    put16(X + 104 + 10, 2);
    put16(X + 104 + 46, 0);
    reseal(&c);
    homograph *h;
    CHECK(homograph_open_buffer(&h, c.b, c.n, t, err, sizeof err) == 0, "base: %s", err);
    tagger_word w[2] = {{"We", 2}, {"read", 4}};
    uint8_t tags[2] = {0, 1};
    homograph_choice ch;
    CHECK(homograph_choose(h, w, tags, 2, 1, &ch) == 1 && ch.how == HOMOGRAPH_CLASSIFIER &&
              strcmp(ch.reading, "read_past") == 0,
          "read by lead's classifier: %s", ch.reading ? ch.reading : "(none)");
    homograph_close(h);
    free(c.b);
  }
  for (size_t n = 0; n < m.n; n++) {
    err[0] = 0;
    CHECK(open_hom(&(model){.b = m.b, .n = n}, t, err, sizeof err) != 0, "cut %zu", n);
  }
#define HFORGE(label, needle, ...)                                                     \
  do {                                                                                 \
    model c = m;                                                                       \
    c.b = dup_aligned(m.b, m.n);                                                       \
    uint8_t *X = c.b + c.extra_off;                                                    \
    (void)X;                                                                           \
    __VA_ARGS__;                                                                       \
    reseal(&c);                                                                        \
    err[0] = 0;                                                                        \
    CHECK(open_hom(&c, t, err, sizeof err) != 0, "%s: accepted", label);               \
    CHECK(strstr(err, needle) != NULL, "%s: \"%s\" lacks \"%s\"", label, err, needle); \
    free(c.b);                                                                         \
  } while (0)
  HFORGE("kind", "kind 1, expected 2", put32(c.b + 24, LINM_KIND_TAGGER));
  HFORGE("other tagger", "another tagger", put32(X + 28, 0x12345678));
  HFORGE("n_upos", "POS classes", put32(X + 24, 12));
  HFORGE("readings != classes", "readings but", put32(X + 4, 5));
  HFORGE("no words", "n_words", put32(X, 0));
  HFORGE("words outside", "words at", put32(X, 1000));
  HFORGE("readings outside", "readings at", put32(X + 12, 500));
  HFORGE("strings outside", "strings at", put32(X + 20, 5000));
  HFORGE("tables overlap", "overlap", put32(X + 8, 40));
  HFORGE("margin nan", "margin", {
    float v = NAN;
    memcpy(X + 32, &v, 4);
  });
  HFORGE("margin negative", "margin", {
    float v = -1;
    memcpy(X + 32, &v, 4);
  });
  HFORGE("section reserved", "reserved", put32(X + 36, 1));
  HFORGE("strong rule out of range", "POS rule reading", put16(X + 56 + 12, 0x8003));
  HFORGE("strings unterminated", "NUL-terminated", put32(X + 20, 40));
  HFORGE("phones offset", "phonemes offset", put32(X + 40, 9999));
  HFORGE("phones chars", "phonemes hold", X[152] = 'l');
  HFORGE("word offset", "offset", put32(X + 56, 9999));
  HFORGE("word case", "not lower case", X[152 + 32] = 'L');
  HFORGE("word order", "ascending", {
    put32(X + 56, 37);
    put32(X + 104, 32);
  });
  HFORGE("reading range", "out of range", put16(X + 56 + 6, 9));
  HFORGE("reading count 0", "out of range", put16(X + 56 + 6, 0));
  HFORGE("default", "default reading", put16(X + 56 + 8, 3));
  HFORGE("flags", "unknown flags", put16(X + 56 + 10, 6));
  HFORGE("POS rule", "POS rule reading", put16(X + 56 + 12, 3));
  HFORGE("padding", "padding", put16(X + 56 + 46, 1));
  HFORGE("flags 1 and 2", "unknown flags", put16(X + 56 + 10, 3));
  HFORGE("base without classifier", "no classifier", {
    put16(X + 56 + 10, 2);
    put16(X + 56 + 46, 1);
  });
  HFORGE("base outside", "no classifier", {
    put16(X + 104 + 10, 2);
    put16(X + 104 + 46, 7);
  });
  HFORGE("base with other count", "no classifier", {
    put16(X + 104 + 10, 2);
    put16(X + 104 + 46, 0);
    put16(X + 104 + 6, 1);
    put16(X + 104 + 12 + 2 * UPOS_VERB, 0xFFFF);
  });
  HFORGE("section short", "header needs", put32(c.b + 88, 36));
  srand(16);
  int accepted = 0;
  for (int it = 0; it < 20000; it++) {
    model c = m;
    c.b = dup_aligned(m.b, m.n);
    int k = 1 + rand() % 3;
    for (int j = 0; j < k; j++) {
      size_t at = it % 3 ? c.extra_off + (size_t)rand() % xn : (size_t)rand() % c.n;
      c.b[at] ^= (uint8_t)(1u << (rand() % 8));
    }
    reseal(&c);
    accepted += open_hom(&c, t, err, sizeof err) == 0;
    free(c.b);
  }
  printf("homograph random mutations: %d of 20000 still valid\n", accepted);
  homograph *h;
  CHECK(homograph_open(&h, "/nonexistent/h.linm", t, err, sizeof err) == LINM_EIO,
        "missing file: %s", err);
  tagger_close(t);
  free(m.b);
  free(tm.b);
}

int main(void) {
  tagger_tests();
  homograph_tests();
  if (failures)
    printf("%d failures\n", failures);
  else
    printf("all hostile-file checks passed\n");
  return failures ? 1 : 0;
}
