/* lexicon_build.c -- the dictionary rules and the compiled layout, once
 * (see lexicon_build.h).
 *
 * Entries are collected as they come (key and text copied into one block
 * each), then sorted by key, priority (highest first), variant number and
 * line. A word's kept variants are those of its highest priority, in
 * variant order, without repeated numbers or repeated pronunciations; the
 * image is then written in one pass. Runs at build time and at start-up or
 * reload, never on the request path. */
#include "g2p/lexicon_build.h"

#include <stdlib.h>
#include <string.h>

#include "g2p/lexicon_format.h"
#include "common/utf8.h"

struct entry {
  char *key;        /* base key, lower-cased; key and text share one block */
  uint32_t key_len;
  uint32_t variant; /* N of "(N)", 1 for the plain key */
  uint32_t line;    /* source line, for stable ordering and messages */
  uint32_t priority;
  char *text;       /* normalised pronunciation */
  uint32_t text_len;
  uint32_t n_phones;
};

struct lexicon_builder {
  struct entry *ents;
  size_t n, cap;
  size_t kept;      /* after finish: ents[0..kept) are the image's entries */
  lexicon_counts c;
};

lexicon_builder *lexicon_builder_create(void) {
  return calloc(1, sizeof(lexicon_builder));
}

void lexicon_builder_destroy(lexicon_builder *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) free(b->ents[i].key);
  free(b->ents);
  free(b);
}

size_t lexicon_builder_size(const lexicon_builder *b) { return b ? b->n : 0; }

const lexicon_counts *lexicon_builder_counts(const lexicon_builder *b) {
  return &b->c;
}

/* Splits "word(N)" into base and N; returns N (1 for a plain key). */
static uint32_t split_variant(const char *k, size_t *len) {
  size_t n = *len;
  if (n < 4 || k[n - 1] != ')') return 1;
  size_t i = n - 1;
  uint32_t v = 0;
  size_t digits = 0;
  while (i > 0 && k[i - 1] >= '0' && k[i - 1] <= '9' && digits < 4) {
    i--;
    digits++;
  }
  if (digits == 0 || i < 2 || k[i - 1] != '(') return 1;
  for (size_t j = i; j < n - 1; j++) v = v * 10 + (uint32_t)(k[j] - '0');
  if (v == 0) return 1;
  *len = i - 1;
  return v;
}

/* Checks a base key and lower-cases it into out. */
static const char *check_key(const char *k, size_t n, char *out, lexicon_counts *c) {
  int folded = 0, non_ascii = 0;
  if (n == 0) return "empty key";
  if (n > LEXF_KEY_MAX) return "key longer than 256 bytes";
  if (!utf8_valid(k, n)) return "key is not valid UTF-8";
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)k[i];
    if (b >= 'A' && b <= 'Z') {
      b = (unsigned char)(b - 'A' + 'a');
      folded = 1;
    } else if (b >= 0x80) {
      non_ascii = 1;
    } else if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '\'' ||
                 b == '.' || b == '-' || b == '_')) {
      return "key has a character outside a-z 0-9 ' . - _";
    }
    out[i] = (char)b;
  }
  c->folded += (unsigned long)folded;
  c->non_ascii += (unsigned long)non_ascii;
  return NULL;
}

/* Normalises a pronunciation: strips the comment, collapses blanks,
 * validates phonemes. Writes into out (cap bytes). */
static const char *check_pron(const char *v, size_t n, char *out, size_t cap,
                              uint32_t *out_len, uint32_t *n_phones,
                              lexicon_counts *c) {
  const char *hash = memchr(v, '#', n);
  if (hash) {
    n = (size_t)(hash - v);
    c->comments++;
  }
  size_t o = 0;
  uint32_t np = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    if (i >= n) break;
    size_t s = i;
    while (i < n && v[i] != ' ' && v[i] != '\t') i++;
    if (!lexf_phone_valid(v + s, i - s)) {
      c->bad_phone++;
      return "phoneme not in the ARPAbet inventory";
    }
    if (++np > LEXF_PHONES_MAX) {
      c->too_many_phones++;
      return "more than 64 phonemes";
    }
    if (o + (o ? 1 : 0) + (i - s) > cap) {
      c->too_many_phones++;
      return "pronunciation too long";
    }
    if (o) out[o++] = ' ';
    memcpy(out + o, v + s, i - s);
    o += i - s;
  }
  if (np == 0) {
    c->empty_pron++;
    return "empty pronunciation";
  }
  *out_len = (uint32_t)o;
  *n_phones = np;
  return NULL;
}

const char *lexicon_builder_add(lexicon_builder *b, const char *key, size_t klen,
                                const char *pron, size_t plen, uint32_t line,
                                uint32_t priority) {
  char kbuf[LEXF_KEY_MAX], text[LEXF_TEXT_MAX];
  b->c.entries++;
  size_t base_len = klen;
  uint32_t variant = split_variant(key, &base_len);
  const char *why = check_key(key, base_len, kbuf, &b->c);
  if (why) {
    b->c.bad_key++;
    return why;
  }
  uint32_t tl = 0, np = 0;
  why = check_pron(pron, plen, text, sizeof text, &tl, &np, &b->c);
  if (why) return why;
  if (variant > 1) b->c.variant_keys++;
  if (b->n == b->cap) {
    size_t ncap = b->cap ? b->cap * 2 : 1024;
    struct entry *ne = realloc(b->ents, ncap * sizeof *ne);
    if (!ne) return "out of memory";
    b->ents = ne;
    b->cap = ncap;
  }
  char *blk = malloc(base_len + tl);
  if (!blk) return "out of memory";
  memcpy(blk, kbuf, base_len);
  memcpy(blk + base_len, text, tl);
  b->ents[b->n++] = (struct entry){blk, (uint32_t)base_len, variant, line, priority,
                                   blk + base_len, tl, np};
  return NULL;
}

static int same_key(const struct entry *x, const struct entry *y) {
  return x->key_len == y->key_len && !memcmp(x->key, y->key, x->key_len);
}

static int entry_cmp(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if (c) return c;
  if (x->key_len != y->key_len) return x->key_len < y->key_len ? -1 : 1;
  if (x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
  if (x->variant != y->variant) return x->variant < y->variant ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line ? 1 : 0;
}

int lexicon_builder_finish(lexicon_builder *b, unsigned char **image, size_t *len,
                           lexicon_report_fn report, void *ctx) {
  lexicon_counts *c = &b->c;
  struct entry *ents = b->ents;
  size_t n = b->n;
  *image = NULL;
  *len = 0;
  if (n) qsort(ents, n, sizeof *ents, entry_cmp);

  /* Decide per entry (a dropped entry's key is set to NULL once its group
   * is done), then move the kept ones down to ents[0..kept). */
  unsigned char *keep = malloc(n ? n : 1);
  if (!keep) return -1;
  size_t words = 0, str_bytes = 0;
  uint32_t max_var = 0, max_key = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && same_key(&ents[j], &ents[i])) j++;
    /* ents[i..j) share a key, highest priority first, then by variant and
     * line. */
    uint32_t prio = ents[i].priority, expect = 1, nv = 0;
    if (ents[i].variant != 1) c->orphan_variants++;
    for (size_t k = i; k < j; k++) {
      const struct entry *e = &ents[k];
      const char *drop = NULL;
      keep[k] = 0;
      if (e->priority != prio) {
        c->overridden++;
        continue;
      }
      if (k > i && e->variant == ents[k - 1].variant) {
        c->dup_keys++;
        drop = "repeated key (an earlier line has this word and variant)";
      }
      for (size_t m = i; !drop && m < k; m++)
        if (keep[m] && ents[m].text_len == e->text_len &&
            !memcmp(ents[m].text, e->text, e->text_len)) {
          c->dup_prons++;
          drop = "repeated pronunciation of this word";
        }
      if (!drop && nv >= LEXF_VARIANTS_MAX) drop = "more than 255 variants";
      if (drop) {
        if (report) report(ctx, e->line, drop, e->text, e->text_len);
        continue;
      }
      if (nv > 0 && e->variant != expect) c->gaps++;
      expect = e->variant + 1;
      keep[k] = 1;
      nv++;
      str_bytes += e->text_len;
    }
    if (nv > max_var) max_var = nv;
    if (ents[i].key_len > max_key) max_key = ents[i].key_len;
    str_bytes += ents[i].key_len;
    words++;
    i = j;
  }
  size_t kept = 0;
  for (size_t k = 0; k < n; k++) {
    if (keep[k])
      ents[kept++] = ents[k];
    else
      free(ents[k].key);
  }
  free(keep);
  b->n = kept;
  b->kept = kept;
  c->kept = kept;
  c->words = words;
  c->max_variants = max_var;
  c->max_key = max_key;
  if (words == 0) return -1;

  uint64_t words_off = LEXF_HDR_BYTES;
  uint64_t prons_off = words_off + (uint64_t)words * LEXF_WORD_BYTES;
  uint64_t str_off = prons_off + (uint64_t)kept * LEXF_PRON_BYTES;
  uint64_t total = str_off + str_bytes;
  if (total > UINT32_MAX) return -1;
  unsigned char *out = calloc(1, (size_t)total);
  if (!out) return -1;
  size_t so = (size_t)str_off;
  uint32_t wi = 0;
  for (size_t i = 0; i < kept;) {
    size_t j = i + 1;
    while (j < kept && same_key(&ents[j], &ents[i])) j++;
    unsigned char *w = out + words_off + (size_t)wi * LEXF_WORD_BYTES;
    lexf_put32(w, (uint32_t)so);
    lexf_put16(w + 4, (uint16_t)ents[i].key_len);
    lexf_put16(w + 6, (uint16_t)(j - i));
    lexf_put32(w + 8, (uint32_t)i);
    memcpy(out + so, ents[i].key, ents[i].key_len);
    so += ents[i].key_len;
    for (size_t k = i; k < j; k++) {
      unsigned char *pr = out + prons_off + k * LEXF_PRON_BYTES;
      lexf_put32(pr, (uint32_t)so);
      lexf_put16(pr + 4, (uint16_t)ents[k].text_len);
      lexf_put16(pr + 6, (uint16_t)ents[k].n_phones);
      memcpy(out + so, ents[k].text, ents[k].text_len);
      so += ents[k].text_len;
    }
    wi++;
    i = j;
  }
  memcpy(out + LEXF_HDR_MAGIC, LEXF_MAGIC, LEXF_MAGIC_LEN);
  lexf_put32(out + LEXF_HDR_VERSION, LEXF_VERSION);
  lexf_put32(out + LEXF_HDR_HDR_BYTES, LEXF_HDR_BYTES);
  lexf_put32(out + LEXF_HDR_N_WORDS, (uint32_t)words);
  lexf_put32(out + LEXF_HDR_N_PRONS, (uint32_t)kept);
  lexf_put32(out + LEXF_HDR_WORDS_OFF, (uint32_t)words_off);
  lexf_put32(out + LEXF_HDR_PRONS_OFF, (uint32_t)prons_off);
  lexf_put32(out + LEXF_HDR_STRINGS_OFF, (uint32_t)str_off);
  lexf_put32(out + LEXF_HDR_STRINGS_BYTES, (uint32_t)str_bytes);
  lexf_put32(out + LEXF_HDR_FILE_BYTES, (uint32_t)total);
  lexf_put32(out + LEXF_HDR_MAX_VARIANTS, max_var);
  lexf_put32(out + LEXF_HDR_MAX_KEY, max_key);
  lexf_put32(out + LEXF_HDR_FLAGS, 0);
  lexf_put32(out + LEXF_HDR_PAYLOAD_CRC,
             lexf_crc32(0, out + LEXF_HDR_BYTES, (size_t)(total - LEXF_HDR_BYTES)));
  lexf_put32(out + LEXF_HDR_HEADER_CRC, lexf_crc32(0, out, LEXF_HDR_HEADER_CRC));
  *image = out;
  *len = (size_t)total;
  return 0;
}

int lexicon_builder_each(const lexicon_builder *b, lexicon_entry_fn fn, void *ctx) {
  const struct entry *ents = b->ents;
  for (size_t i = 0; i < b->kept;) {
    size_t j = i;
    while (j < b->kept && same_key(&ents[j], &ents[i])) {
      int rc = fn(ctx, ents[j].key, ents[j].key_len, (unsigned)(j - i), ents[j].text,
                  ents[j].text_len);
      if (rc) return rc;
      j++;
    }
    i = j;
  }
  return 0;
}
