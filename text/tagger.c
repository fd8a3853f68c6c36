/* tagger.c -- the greedy averaged-perceptron tagger (see tagger.h).
 *
 * Features are exactly tools/train-tagger/tagfeat.py's: each is a template
 * name and one or two values, hashed as linmodel.py hashes them. Per word
 * the values (normalised word, suffixes, first letter, shape) are hashed
 * once into a five-word window, so a feature costs a multiply and a table
 * probe. The table probes that do not depend on the previous tags are
 * prefetched before scoring. Words of the tag dictionary (frequent and
 * unambiguous in training) take their tag from one probe, unscored. */
#include "text/tagger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errbuf.h"
#include "text/tagger_format.h"

static const char *const upos_names[UPOS_COUNT] = {
    "ADJ",  "ADP",  "ADV",   "AUX",   "CCONJ", "DET", "INTJ", "NOUN", "NUM",
    "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"};

/* templates, in tagfeat.features() order */
enum {
  T_B,
  T_W,
  T_S1,
  T_S2,
  T_S3,
  T_P1,
  T_SH,
  T_T1,
  T_T2,
  T_T1W,
  T_WM1,
  T_SM1,
  T_WM2,
  T_WP1,
  T_SP1,
  T_WP2,
  T_WWM1,
  T_WWP1,
  T_SHM1,
  T_SHP1,
  T_COUNT
};
static const char *const tmpl_names[T_COUNT] = {
    "b",   "w",   "s1",  "s2",  "s3",  "p1",  "sh",   "t1",   "t2",   "t1w",
    "w-1", "s-1", "w-2", "w+1", "s+1", "w+2", "ww-1", "ww+1", "sh-1", "sh+1"};

enum { P_NORM, P_S1, P_S2, P_S3, P_P1, P_SHAPE, P_COUNT };

typedef struct parts {
  uint64_t v[P_COUNT];
} parts;

struct tagger {
  linm m;
  unsigned n;
  uint8_t upos[TAGGER_MAX_TAGS];
  char xpos[TAGGER_MAX_TAGS][32];
  uint64_t name_hash[TAGGER_MAX_TAGS];
  uint64_t upos_hash[TAGGER_MAX_TAGS], xpos_hash[TAGGER_MAX_TAGS];
  uint64_t tmpl[T_COUNT];
  uint64_t bias;                  /* the whole hash of the bias feature */
  uint64_t td;                    /* template of the tag dictionary */
  uint64_t start[2];              /* "-START-", "-START2-" */
  parts pad_start[2], pad_end[2]; /* [0] nearer the sentence */
};

static void pad_parts(parts *p, const char *s) {
  uint64_t h = linm_fnv_str(s);
  for (int i = 0; i < P_COUNT; i++) p->v[i] = h;
}

static int setup(tagger *t, char *err, size_t errlen) {
  linm *m = &t->m;
  if (m->n_classes > TAGGER_MAX_TAGS) {
    if (err && errlen)
      snprintf(err, errlen, "tagger model: %u tags, at most %u", m->n_classes,
               TAGGER_MAX_TAGS);
    return LINM_EFORMAT;
  }
  t->n = m->n_classes;
  for (unsigned i = 0; i < t->n; i++) {
    char name[256];
    memcpy(name, m->class_name[i], m->class_len[i]);
    name[m->class_len[i]] = 0;
    t->name_hash[i] = linm_fnv(name, m->class_len[i]);
    char *bar = strchr(name, '|');
    if (bar) *bar = 0;
    const char *x = bar ? bar + 1 : "";
    int u = -1;
    for (int k = 0; k < UPOS_COUNT; k++)
      if (strcmp(name, upos_names[k]) == 0) u = k;
    if (u < 0)
      return err_set(err, errlen, LINM_EFORMAT, "tagger model: tag \"%s\" has no known UPOS",
                     name);
    if (strlen(x) >= sizeof t->xpos[0] || strchr(x, '|'))
      return err_set(err, errlen, LINM_EFORMAT, "tagger model: bad Penn tag \"%s\"", x);
    t->upos[i] = (uint8_t)u;
    strcpy(t->xpos[i], x);
    t->upos_hash[i] = linm_fnv_str(upos_names[u]);
    t->xpos_hash[i] = linm_fnv_str(x);
  }
  for (int k = 0; k < T_COUNT; k++) t->tmpl[k] = linm_fnv_str(tmpl_names[k]);
  t->bias = linm_mix(t->tmpl[T_B]);
  t->td = linm_fnv_str("td");
  t->start[0] = linm_fnv_str("-START-");
  t->start[1] = linm_fnv_str("-START2-");
  pad_parts(&t->pad_start[0], "-START-");
  pad_parts(&t->pad_start[1], "-START2-");
  pad_parts(&t->pad_end[0], "-END-");
  pad_parts(&t->pad_end[1], "-END2-");
  return LINM_OK;
}

int tagger_open(tagger **out, const char *path, char *err, size_t errlen) {
  *out = NULL;
  tagger *t = calloc(1, sizeof *t);
  if (!t) return LINM_ENOMEM;
  int rc = linm_open(&t->m, path, LINM_KIND_TAGGER, err, errlen);
  if (rc == LINM_OK) {
    char why[200];
    rc = setup(t, why, sizeof why);
    if (rc != LINM_OK && err && errlen) snprintf(err, errlen, "%s: %s", path, why);
  }
  if (rc != LINM_OK) {
    linm_close(&t->m);
    free(t);
    return rc;
  }
  *out = t;
  return LINM_OK;
}

int tagger_open_buffer(tagger **out, const void *buf, size_t n, char *err, size_t errlen) {
  *out = NULL;
  tagger *t = calloc(1, sizeof *t);
  if (!t) return LINM_ENOMEM;
  int rc = linm_open_buffer(&t->m, buf, n, LINM_KIND_TAGGER, err, errlen);
  if (rc == LINM_OK) rc = setup(t, err, errlen);
  if (rc != LINM_OK) {
    linm_close(&t->m);
    free(t);
    return rc;
  }
  *out = t;
  return LINM_OK;
}

void tagger_close(tagger *t) {
  if (!t) return;
  linm_close(&t->m);
  free(t);
}

unsigned tagger_n_tags(const tagger *t) { return t->n; }
int tagger_upos(const tagger *t, unsigned tag) { return tag < t->n ? t->upos[tag] : UPOS_X; }
const char *tagger_xpos(const tagger *t, unsigned tag) {
  return tag < t->n ? t->xpos[tag] : "";
}
const char *tagger_upos_name(int upos) {
  return upos >= 0 && upos < UPOS_COUNT ? upos_names[upos] : "X";
}
uint32_t tagger_checksum(const tagger *t) { return t->m.data_crc; }
uint64_t tagger_upos_hash(const tagger *t, unsigned tag) {
  return t->upos_hash[tag < t->n ? tag : 0];
}
uint64_t tagger_xpos_hash(const tagger *t, unsigned tag) {
  return t->xpos_hash[tag < t->n ? tag : 0];
}

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static void word_parts(parts *p, const tagger_word *w) {
  const uint8_t *s = (const uint8_t *)w->s;
  size_t n = w->len;
  /* normalised word (tagfeat.norm) */
  int hyphen = n > 1 && memchr(s + 1, '-', n - 1) != NULL;
  int alldig = n == 4;
  for (size_t i = 0; alldig && i < n; i++) alldig = is_digit(s[i]);
  if (hyphen)
    p->v[P_NORM] = linm_fnv_str("!HYPHEN");
  else if (alldig)
    p->v[P_NORM] = linm_fnv_str("!YEAR");
  else if (n && is_digit(s[0]))
    p->v[P_NORM] = linm_fnv_str("!DIGITS");
  else
    p->v[P_NORM] = linm_fnv_lower(s, n);
  p->v[P_S1] = linm_fnv_lower(s + (n > 1 ? n - 1 : 0), n < 1 ? n : 1);
  p->v[P_S2] = linm_fnv_lower(s + (n > 2 ? n - 2 : 0), n < 2 ? n : 2);
  p->v[P_S3] = linm_fnv_lower(s + (n > 3 ? n - 3 : 0), n < 3 ? n : 3);
  p->v[P_P1] = linm_fnv_lower(s, n < 1 ? n : 1);
  uint8_t sh[6];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 6; i++) {
    uint8_t c = s[i], x;
    if (c >= 'A' && c <= 'Z')
      x = 'X';
    else if (c >= 'a' && c <= 'z')
      x = 'x';
    else if (is_digit(c))
      x = 'd';
    else if (c >= 0x80)
      x = 'u';
    else
      x = c;
    if (k && sh[k - 1] == x) continue;
    sh[k++] = x;
  }
  p->v[P_SHAPE] = linm_fnv(sh, k);
}

static inline uint64_t f1(uint64_t tmpl, uint64_t a) { return linm_mix(linm_add(tmpl, a)); }
static inline uint64_t f2(uint64_t tmpl, uint64_t a, uint64_t b) {
  return linm_mix(linm_add(linm_add(tmpl, a), b));
}

void tagger_tag(const tagger *t, const tagger_word *words, size_t n, uint8_t *tags) {
  /* win[k] holds position i - 2 + k */
  parts win[5];
  win[0] = t->pad_start[1];
  win[1] = t->pad_start[0];
  for (int k = 2; k < 5; k++) {
    size_t j = (size_t)(k - 2);
    if (j < n)
      word_parts(&win[k], &words[j]);
    else
      win[k] = t->pad_end[j - n < 2 ? j - n : 1];
  }
  uint64_t p1 = t->start[0], p2 = t->start[1];
  const uint64_t *T = t->tmpl;
  for (size_t i = 0; i < n; i++) {
    const parts *c = &win[2], *m1 = &win[1], *m2 = &win[0], *n1 = &win[3], *n2 = &win[4];
    uint64_t w = c->v[P_NORM];
    unsigned best = 0;
    const linm_pair *dict;
    /* frequent unambiguous words: the tag dictionary, no scoring */
    if (linm_find(&t->m, f1(t->td, linm_fnv(words[i].s, words[i].len)), &dict) == 1) {
      best = dict[0].cls;
      goto tagged;
    }
    uint64_t h[T_COUNT];
    h[T_B] = t->bias;
    h[T_W] = f1(T[T_W], w);
    h[T_S1] = f1(T[T_S1], c->v[P_S1]);
    h[T_S2] = f1(T[T_S2], c->v[P_S2]);
    h[T_S3] = f1(T[T_S3], c->v[P_S3]);
    h[T_P1] = f1(T[T_P1], c->v[P_P1]);
    h[T_SH] = f1(T[T_SH], c->v[P_SHAPE]);
    h[T_WM1] = f1(T[T_WM1], m1->v[P_NORM]);
    h[T_SM1] = f1(T[T_SM1], m1->v[P_S3]);
    h[T_WM2] = f1(T[T_WM2], m2->v[P_NORM]);
    h[T_WP1] = f1(T[T_WP1], n1->v[P_NORM]);
    h[T_SP1] = f1(T[T_SP1], n1->v[P_S3]);
    h[T_WP2] = f1(T[T_WP2], n2->v[P_NORM]);
    h[T_WWM1] = f2(T[T_WWM1], m1->v[P_NORM], w);
    h[T_WWP1] = f2(T[T_WWP1], w, n1->v[P_NORM]);
    h[T_SHM1] = f1(T[T_SHM1], m1->v[P_SHAPE]);
    h[T_SHP1] = f1(T[T_SHP1], n1->v[P_SHAPE]);
    h[T_T1] = f1(T[T_T1], p1);
    h[T_T2] = f2(T[T_T2], p1, p2);
    h[T_T1W] = f2(T[T_T1W], p1, w);
    for (int k = 0; k < T_COUNT; k++) linm_prefetch(&t->m, h[k]);

    double score[TAGGER_MAX_TAGS];
    memset(score, 0, sizeof(double) * t->n);
    for (int k = 0; k < T_COUNT; k++) {
      const linm_pair *pw;
      uint32_t cnt = linm_find(&t->m, h[k], &pw);
      for (uint32_t j = 0; j < cnt; j++) score[pw[j].cls] += pw[j].w;
    }
    for (unsigned k = 1; k < t->n; k++)
      if (score[k] > score[best]) best = k;
  tagged:
    tags[i] = (uint8_t)best;
    p2 = p1;
    p1 = t->name_hash[best];

    memmove(&win[0], &win[1], sizeof(parts) * 4);
    size_t j = i + 3;
    if (j < n)
      word_parts(&win[4], &words[j]);
    else
      win[4] = t->pad_end[j - n < 2 ? j - n : 1];
  }
}
