/* homograph.c -- the homograph chooser (see homograph.h).
 *
 * The kind-specific section of the model file ("extra", offsets relative
 * to its start, all little-endian):
 *   header   u32 n_words, n_readings (= n_classes), words_off, readings_off,
 *            strings_off, strings_bytes, n_upos (17), tagger_crc,
 *            f32 margin (>= 0, finite), u32 0
 *   readings n_readings x u32 phones_off (into strings)
 *   words    n_words x 48 bytes, ascending by word:
 *            u32 word_off, u16 first, u16 count, u16 default, u16 flags
 *            (1: has a classifier; 2: uses the classifier of the entry at
 *            base, whose readings its own parallel: tears, of tear),
 *            u16 pos_rule[17] (0xFFFF: none; else the reading, | 0x8000
 *            when the rule is strong), u16 base (0 without flag 2)
 *   strings  NUL-terminated UTF-8
 * The classifier's features are tools/train-tagger/homfeat.py's. */
#include "text/homograph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/errbuf.h"
#include "text/tagger_format.h"

#define EXTRA_HDR 40u
#define ENTRY_BYTES 48u
#define NO_RULE 0xFFFFu
#define STRONG_RULE 0x8000u
#define FLAG_CLASSIFIER 1u
#define FLAG_BASE 2u
#define BAG 6

typedef struct entry {
  const char *word;
  size_t len;
  uint64_t hash; /* FNV-1a of the word */
  uint16_t first, count, dflt, flags;
  uint16_t rule[UPOS_COUNT];
  uint16_t base; /* with FLAG_BASE: the entry whose classifier this one uses */
} entry;

struct homograph {
  linm m;
  const tagger *t;
  uint32_t n_words;
  entry *words;
  const char **phones; /* per reading */
  char **names;        /* per reading, NUL-terminated copies */
  char *name_arena;
  uint64_t tmpl[20];
  uint64_t pad_l, pad_r;
  uint64_t cap[6]; /* l U A, then with "0" (sentence-initial) */
  double margin;   /* the classifier decides when it leads by more */
};

enum {
  H_B,
  H_U,
  H_X,
  H_UM1,
  H_UP1,
  H_XM1,
  H_XP1,
  H_UM2,
  H_UP2,
  H_UT,
  H_WM1,
  H_WP1,
  H_WM2,
  H_WP2,
  H_WW,
  H_SM1,
  H_SP1,
  H_F,
  H_C,
  H_BW,
  H_COUNT
};
static const char *const tmpl_names[H_COUNT] = {
    "hb",   "hu",   "hx",   "hu-1", "hu+1", "hx-1", "hx+1", "hu-2", "hu+2", "hut",
    "hw-1", "hw+1", "hw-2", "hw+2", "hww",  "hs-1", "hs+1", "hf",   "hc",   "hbw"};

static uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint16_t rd16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

static int range_ok(uint64_t off, uint64_t len, uint64_t total) {
  return off <= total && len <= total - off;
}

static int setup(homograph *h, char *err, size_t errlen) {
  const linm *m = &h->m;
  const uint8_t *x = m->extra;
  if (m->extra_bytes < EXTRA_HDR)
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: %u bytes, header needs %u",
                   m->extra_bytes, EXTRA_HDR);
  uint32_t n_words = rd32(x), n_read = rd32(x + 4), words_off = rd32(x + 8),
           read_off = rd32(x + 12), str_off = rd32(x + 16), str_bytes = rd32(x + 20),
           n_upos = rd32(x + 24), tcrc = rd32(x + 28);
  float margin;
  memcpy(&margin, x + 32, 4);
  if (!isfinite(margin) || margin < 0)
    return err_set(err, errlen, LINM_EFORMAT,
                   "homograph section: margin not a finite number >= 0");
  if (rd32(x + 36) != 0)
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: reserved field not 0");
  h->margin = margin;
  if (n_upos != UPOS_COUNT)
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: %u POS classes, expected %u",
                   n_upos, UPOS_COUNT);
  if (n_read != m->n_classes)
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: %u readings but %u classes",
                   n_read, m->n_classes);
  if (n_words < 1 || n_words > (1u << 20))
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: n_words %u outside 1..%u",
                   n_words, 1u << 20);
  if (tcrc != tagger_checksum(h->t))
    return err_set(err, errlen, LINM_EFORMAT,
                   "trained with another tagger (tagger checksum %08x, this tagger %08x)",
                   tcrc, tagger_checksum(h->t));
  uint64_t total = m->extra_bytes;
  if (!range_ok(read_off, 4ull * n_read, total) || read_off < EXTRA_HDR || read_off % 4)
    return err_set(err, errlen, LINM_EFORMAT,
                   "homograph section: readings at %u (x%u) out of range", read_off, n_read);
  if (!range_ok(words_off, (uint64_t)ENTRY_BYTES * n_words, total) || words_off < EXTRA_HDR ||
      words_off % 4)
    return err_set(err, errlen, LINM_EFORMAT,
                   "homograph section: words at %u (x%u) out of range", words_off, n_words);
  if (!range_ok(str_off, str_bytes, total) || str_bytes < 1 || str_off < EXTRA_HDR)
    return err_set(err, errlen, LINM_EFORMAT,
                   "homograph section: strings at %u (+%u) out of range", str_off, str_bytes);
  uint64_t r0 = read_off, r1 = r0 + 4ull * n_read, w0 = words_off,
           w1 = w0 + (uint64_t)ENTRY_BYTES * n_words, s0 = str_off, s1 = s0 + str_bytes;
  if ((r0 < w1 && w0 < r1) || (r0 < s1 && s0 < r1) || (w0 < s1 && s0 < w1))
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: tables overlap");
  const char *str = (const char *)x + str_off;
  if (str[str_bytes - 1] != 0)
    return err_set(err, errlen, LINM_EFORMAT, "homograph section: strings not NUL-terminated");

  h->phones = calloc(n_read, sizeof *h->phones);
  h->names = calloc(n_read, sizeof *h->names);
  size_t arena = 0;
  for (uint32_t i = 0; i < n_read; i++) arena += (size_t)m->class_len[i] + 1;
  h->name_arena = malloc(arena);
  h->words = calloc(n_words, sizeof *h->words);
  if (!h->phones || !h->names || !h->name_arena || !h->words) return LINM_ENOMEM;
  char *a = h->name_arena;
  for (uint32_t i = 0; i < n_read; i++) {
    uint32_t po = rd32(x + read_off + 4 * i);
    if (po >= str_bytes)
      return err_set(err, errlen, LINM_EFORMAT,
                     "reading %u: phonemes offset %u outside the strings", i, po);
    const char *p = str + po;
    if (!*p) return err_set(err, errlen, LINM_EFORMAT, "reading %u: no phonemes", i);
    for (const char *q = p; *q; q++)
      if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '2') || *q == ' '))
        return err_set(err, errlen, LINM_EFORMAT, "reading %u: phonemes hold byte 0x%02x", i,
                       (uint8_t)*q);
    h->phones[i] = p;
    memcpy(a, m->class_name[i], m->class_len[i]);
    a[m->class_len[i]] = 0;
    h->names[i] = a;
    a += m->class_len[i] + 1;
  }
  const char *prev = NULL;
  for (uint32_t i = 0; i < n_words; i++) {
    const uint8_t *e = x + words_off + (size_t)ENTRY_BYTES * i;
    entry *w = &h->words[i];
    uint32_t wo = rd32(e);
    if (wo >= str_bytes)
      return err_set(err, errlen, LINM_EFORMAT, "word %u: offset %u outside the strings", i,
                     wo);
    w->word = str + wo;
    w->len = strlen(w->word);
    if (w->len == 0) return err_set(err, errlen, LINM_EFORMAT, "word %u: empty", i);
    for (size_t k = 0; k < w->len; k++)
      if (w->word[k] >= 'A' && w->word[k] <= 'Z')
        return err_set(err, errlen, LINM_EFORMAT, "word %u: not lower case", i);
    if (prev && strcmp(prev, w->word) >= 0)
      return err_set(err, errlen, LINM_EFORMAT, "word %u: table not in ascending order", i);
    prev = w->word;
    w->hash = linm_fnv(w->word, w->len);
    w->first = rd16(e + 4);
    w->count = rd16(e + 6);
    w->dflt = rd16(e + 8);
    w->flags = rd16(e + 10);
    if (w->count < 1 || w->count > HOMOGRAPH_MAX_READINGS || w->first >= n_read ||
        w->count > n_read - w->first)
      return err_set(err, errlen, LINM_EFORMAT, "word %u: readings [first, +%u) out of range",
                     i, w->count);
    if (w->dflt < w->first || w->dflt >= w->first + w->count)
      return err_set(err, errlen, LINM_EFORMAT, "word %u: default reading %u not its own", i,
                     w->dflt);
    if ((w->flags & ~(FLAG_CLASSIFIER | FLAG_BASE)) ||
        w->flags == (FLAG_CLASSIFIER | FLAG_BASE))
      return err_set(err, errlen, LINM_EFORMAT, "word %u: unknown flags 0x%x", i, w->flags);
    for (unsigned u = 0; u < UPOS_COUNT; u++) {
      w->rule[u] = rd16(e + 12 + 2 * u);
      unsigned r = w->rule[u] & ~STRONG_RULE;
      if (w->rule[u] != NO_RULE && (r < w->first || r >= (unsigned)w->first + w->count))
        return err_set(err, errlen, LINM_EFORMAT, "word %u: POS rule reading %u not its own",
                       i, r);
    }
    w->base = rd16(e + 46);
    if (!(w->flags & FLAG_BASE) && w->base != 0)
      return err_set(err, errlen, LINM_EFORMAT, "word %u: padding not 0", i);
  }
  for (uint32_t i = 0; i < n_words; i++) { /* a base has its own classifier */
    const entry *w = &h->words[i];
    if ((w->flags & FLAG_BASE) &&
        (w->base >= n_words || !(h->words[w->base].flags & FLAG_CLASSIFIER) ||
         h->words[w->base].count != w->count))
      return err_set(err, errlen, LINM_EFORMAT,
                     "word %u: base %u has no classifier with %u readings", i, w->base,
                     w->count);
  }
  h->n_words = n_words;
  for (int k = 0; k < H_COUNT; k++) h->tmpl[k] = linm_fnv_str(tmpl_names[k]);
  h->pad_l = linm_fnv_str("-S-");
  h->pad_r = linm_fnv_str("-E-");
  static const char *const caps[6] = {"l", "U", "A", "l0", "U0", "A0"};
  for (int k = 0; k < 6; k++) h->cap[k] = linm_fnv_str(caps[k]);
  return LINM_OK;
}

static void free_parts(homograph *h) {
  free(h->phones);
  free(h->names);
  free(h->name_arena);
  free(h->words);
}

static int finish_open(homograph **out, homograph *h, int rc, const char *path, char *err,
                       size_t errlen) {
  if (rc == LINM_OK) {
    char why[200] = "";
    rc = setup(h, why, sizeof why);
    if (rc != LINM_OK && err && errlen) {
      if (path)
        snprintf(err, errlen, "%s: %s", path, rc == LINM_ENOMEM ? "out of memory" : why);
      else
        snprintf(err, errlen, "%s", rc == LINM_ENOMEM ? "out of memory" : why);
    }
  }
  if (rc != LINM_OK) {
    linm_close(&h->m);
    free_parts(h);
    free(h);
    return rc;
  }
  *out = h;
  return LINM_OK;
}

int homograph_open(homograph **out, const char *path, const tagger *t, char *err,
                   size_t errlen) {
  *out = NULL;
  homograph *h = calloc(1, sizeof *h);
  if (!h) return LINM_ENOMEM;
  h->t = t;
  return finish_open(out, h, linm_open(&h->m, path, LINM_KIND_HOMOGRAPH, err, errlen), path,
                     err, errlen);
}

int homograph_open_buffer(homograph **out, const void *buf, size_t n, const tagger *t,
                          char *err, size_t errlen) {
  *out = NULL;
  homograph *h = calloc(1, sizeof *h);
  if (!h) return LINM_ENOMEM;
  h->t = t;
  return finish_open(out, h, linm_open_buffer(&h->m, buf, n, LINM_KIND_HOMOGRAPH, err, errlen),
                     NULL, err, errlen);
}

void homograph_close(homograph *h) {
  if (!h) return;
  linm_close(&h->m);
  free_parts(h);
  free(h);
}

size_t homograph_n_words(const homograph *h) { return h->n_words; }

/* compares the ASCII-lowercased token with a table word */
static int cmp_word(const char *s, size_t n, const entry *e) {
  size_t k = n < e->len ? n : e->len;
  for (size_t i = 0; i < k; i++) {
    uint8_t c = (uint8_t)s[i], d = (uint8_t)e->word[i];
    if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
    if (c != d) return c < d ? -1 : 1;
  }
  return n < e->len ? -1 : n > e->len ? 1 : 0;
}

static const entry *find(const homograph *h, const char *s, size_t n) {
  size_t lo = 0, hi = h->n_words;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_word(s, n, &h->words[mid]);
    if (c == 0) return &h->words[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

int homograph_known(const homograph *h, const char *word, size_t len) {
  return find(h, word, len) != NULL;
}

static int capclass(const tagger_word *w, int first) {
  const uint8_t *s = (const uint8_t *)w->s;
  size_t letters = 0, upper = 0;
  for (size_t i = 0; i < w->len; i++) {
    if (s[i] >= 'A' && s[i] <= 'Z')
      letters++, upper++;
    else if (s[i] >= 'a' && s[i] <= 'z')
      letters++;
  }
  int k;
  if (letters > 1 && upper == letters)
    k = 2;
  else if (w->len && s[0] >= 'A' && s[0] <= 'Z')
    k = 1;
  else
    k = 0;
  return k + (first ? 3 : 0);
}

typedef struct ctx {
  const homograph *h;
  const tagger_word *words;
  const uint8_t *tags;
  size_t n, i;
} ctx;

static uint64_t at_u(const ctx *c, long k) {
  long j = (long)c->i + k;
  if (j < 0) return c->h->pad_l;
  if ((size_t)j >= c->n) return c->h->pad_r;
  return tagger_upos_hash(c->h->t, c->tags[j]);
}
static uint64_t at_x(const ctx *c, long k) {
  long j = (long)c->i + k;
  if (j < 0) return c->h->pad_l;
  if ((size_t)j >= c->n) return c->h->pad_r;
  return tagger_xpos_hash(c->h->t, c->tags[j]);
}
static uint64_t at_l(const ctx *c, long k) {
  long j = (long)c->i + k;
  if (j < 0) return c->h->pad_l;
  if ((size_t)j >= c->n) return c->h->pad_r;
  return linm_fnv_lower(c->words[j].s, c->words[j].len);
}
static uint64_t at_s3(const ctx *c, long k) {
  long j = (long)c->i + k;
  if (j < 0) return c->h->pad_l;
  if ((size_t)j >= c->n) return c->h->pad_r;
  size_t len = c->words[j].len;
  return linm_fnv_lower(c->words[j].s + (len > 3 ? len - 3 : 0), len < 3 ? len : 3);
}

static void add_feature(const homograph *h, uint64_t fh, const entry *e, double *score) {
  const linm_pair *pw;
  uint32_t cnt = linm_find(&h->m, linm_mix(fh), &pw);
  for (uint32_t j = 0; j < cnt; j++) {
    uint32_t c = pw[j].cls;
    if (c >= e->first && c < (uint32_t)e->first + e->count) score[c - e->first] += pw[j].w;
  }
}

static void classify(const homograph *h, const entry *e, const tagger_word *words,
                     const uint8_t *tags, size_t n, size_t i, double *score) {
  ctx c = {h, words, tags, n, i};
  const uint64_t *T = h->tmpl;
  uint64_t W = e->hash;
#define F1(t, v) add_feature(h, linm_add(linm_add(T[t], W), (v)), e, score)
#define F2(t, v, w) add_feature(h, linm_add(linm_add(linm_add(T[t], W), (v)), (w)), e, score)
  add_feature(h, linm_add(T[H_B], W), e, score);
  F1(H_U, at_u(&c, 0));
  F1(H_X, at_x(&c, 0));
  F1(H_UM1, at_u(&c, -1));
  F1(H_UP1, at_u(&c, 1));
  F1(H_XM1, at_x(&c, -1));
  F1(H_XP1, at_x(&c, 1));
  F1(H_UM2, at_u(&c, -2));
  F1(H_UP2, at_u(&c, 2));
  F2(H_UT, at_u(&c, -1), at_u(&c, 1));
  uint64_t lm1 = at_l(&c, -1), lp1 = at_l(&c, 1);
  F1(H_WM1, lm1);
  F1(H_WP1, lp1);
  F1(H_WM2, at_l(&c, -2));
  F1(H_WP2, at_l(&c, 2));
  F2(H_WW, lm1, lp1);
  F1(H_SM1, at_s3(&c, -1));
  F1(H_SP1, at_s3(&c, 1));
  F1(H_F, at_l(&c, 0));
  F1(H_C, h->cap[capclass(&words[i], i == 0)]);
  size_t lo = i > BAG ? i - BAG : 0, hi = i + BAG + 1 < n ? i + BAG + 1 : n;
  for (size_t j = lo; j < hi; j++)
    if (j != i) F1(H_BW, linm_fnv_lower(words[j].s, words[j].len));
#undef F1
#undef F2
}

/* The word before i makes a base-form verb of it: to, a modal, do, please */
static int verb_before(const tagger_word *words, size_t i) {
  static const char *const w[] = {"to", "will", "would", "can", "could", "should", "must",
                                  "may", "might", "shall", "do", "does", "did", "please",
                                  "not", "n't", "let's", "cannot", NULL};
  if (i == 0) return 0;
  const tagger_word *p = &words[i - 1];
  for (size_t k = 0; w[k]; k++)
    if (strlen(w[k]) == p->len && strncasecmp(w[k], p->s, p->len) == 0) return 1;
  return 0;
}

/* The entry's one reading named as a verb's (close_vrb, lead_nou-vrb,
 * read_present), or -1 when it has none or several */
static int verb_reading(const homograph *h, const entry *e) {
  int found = -1;
  for (unsigned k = e->first; k < (unsigned)e->first + e->count; k++) {
    const char *nm = h->names[k];
    if (strstr(nm, "vrb") || strstr(nm, "_present")) {
      if (found >= 0) return -1;
      found = (int)k;
    }
  }
  return found;
}

/* Order of decision: a strong POS rule; a base-form verb after to, a modal,
 * do or please, when the word has one verb reading; the classifier when its
 * best reading leads the next by more than the margin; the POS rule; the
 * most frequent reading. */
int homograph_choose(const homograph *h, const tagger_word *words, const uint8_t *tags,
                     size_t n, size_t i, homograph_choice *out) {
  out->phones = NULL;
  out->reading = NULL;
  out->how = HOMOGRAPH_NONE;
  if (i >= n) return 0;
  const entry *e = find(h, words[i].s, words[i].len);
  if (!e) return 0;
  unsigned pick = e->dflt;
  int how = HOMOGRAPH_MOST_FREQUENT, vb;
  unsigned rule = e->rule[tagger_upos(h->t, tags[i])];
  if (rule != NO_RULE && (rule & STRONG_RULE)) {
    pick = rule & ~STRONG_RULE;
    how = HOMOGRAPH_POS_RULE;
  } else if (tagger_upos(h->t, tags[i]) == UPOS_VERB &&
             strcmp(tagger_xpos(h->t, tags[i]), "VB") == 0 && verb_before(words, i) &&
             !(words[i].len && words[i].s[0] >= 'A' && words[i].s[0] <= 'Z') &&
             (vb = verb_reading(h, e)) >= 0) {
    /* to wind, will graduate, please close: a base-form verb after a word
     * that demands one takes the verb's reading, where the classifier has
     * seen too few verbs to overrule its noun (a capital: a name, to
     * Associate Director) */
    pick = (unsigned)vb;
    how = HOMOGRAPH_POS_RULE;
  } else if ((e->flags & (FLAG_CLASSIFIER | FLAG_BASE)) && e->count > 1) {
    double score[HOMOGRAPH_MAX_READINGS] = {0};
    classify(h, (e->flags & FLAG_BASE) ? &h->words[e->base] : e, words, tags, n, i, score);
    unsigned best = 0;
    for (unsigned k = 1; k < e->count; k++)
      if (score[k] > score[best]) best = k;
    double second = -INFINITY;
    for (unsigned k = 0; k < e->count; k++)
      if (k != best && score[k] > second) second = score[k];
    if (score[best] - second > h->margin) {
      pick = e->first + best;
      how = HOMOGRAPH_CLASSIFIER;
    }
  }
  if (how == HOMOGRAPH_MOST_FREQUENT && rule != NO_RULE) {
    pick = rule & ~STRONG_RULE;
    how = HOMOGRAPH_POS_RULE;
  }
  out->phones = h->phones[pick];
  out->reading = h->names[pick];
  out->how = how;
  return 1;
}
