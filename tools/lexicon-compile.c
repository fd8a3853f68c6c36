/* lexicon-compile -- turns the vendored CMUdict (the npm package's index.js)
 * into the binary lexicon the engine maps (g2p/lexicon_format.h).
 *
 * The source is a JavaScript object literal, one `"key": "PRONUNCIATION",`
 * per line. We do not run a JavaScript parser: we accept exactly that line
 * shape and account for every line that is not it. The rules (also in
 * doc/lexicon.md), each counted and printed:
 *   - lines whose first non-blank byte is not '"' are structure (the type
 *     comment, `export const dictionary = {`, `}`) and are skipped;
 *   - an entry line that does not have the shape above is malformed and
 *     rejected (so are strings with backslash escapes, which CMUdict never
 *     needs);
 *   - a value's " # comment" (e.g. "# place, danish") is stripped; runs of
 *     blanks between phonemes collapse to one space;
 *   - every phoneme must be one of the 39 ARPAbet bases or a vowel with
 *     stress 0/1/2, at most 64 per pronunciation; otherwise the entry is
 *     rejected;
 *   - a key "word(N)" is variant N of "word"; variants are stored in order
 *     of N (the plain key counts as 1), so the first is the default answer;
 *     a variant whose plain key is missing still becomes a word (counted);
 *   - keys are lower-cased (ASCII A-Z); the bytes a-z 0-9 ' . - _ and any
 *     valid non-ASCII UTF-8 are kept; a key with any other byte (blank,
 *     control, other punctuation, invalid UTF-8) or longer than 256 bytes is
 *     rejected;
 *   - a repeated (word, N) or a repeated identical pronunciation of a word is
 *     dropped (the first wins).
 * With --strict any rejected line is an error (the build uses it: a refresh
 * of the source that brings surprises must be looked at, not swallowed).
 * The output is written to a temporary file, reopened with the real reader
 * and checked entry by entry against what was compiled, and only then
 * renamed into place. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"
#include "g2p/lexicon.h"
#include "g2p/lexicon_format.h"

struct entry {
  char *key;        /* base key, lower-cased, in the source buffer */
  uint32_t key_len;
  uint32_t variant; /* N of "(N)", 1 for the plain key */
  uint32_t line;    /* source line, for stable ordering and messages */
  char *text;       /* normalised pronunciation, in its own buffer */
  uint32_t text_len;
  uint32_t n_phones;
};

struct counts {
  unsigned long lines, structure, entries, malformed, escaped, bad_key,
      bad_phone, too_many_phones, empty_pron, comments, folded, non_ascii,
      variant_keys, orphan_variants, dup_keys, dup_prons, kept, words, gaps;
};

static int quiet;

static void reject(const char *path, unsigned long line, const char *why,
                   const char *what, size_t len) {
  if (quiet) return;
  fprintf(stderr, "%s:%lu: rejected (%s): %.*s\n", path, line, why,
          (int)(len > 80 ? 80 : len), what);
}

/* Parses one JSON string without escapes starting at *p (at '"'); sets
 * *s,*n to its contents and advances *p past the closing quote. Returns 0 on
 * success, 1 on a backslash, -1 when malformed. */
static int parse_string(char **p, char *end, char **s, size_t *n) {
  char *q = *p;
  if (q >= end || *q != '"') return -1;
  q++;
  char *start = q;
  while (q < end && *q != '"') {
    if (*q == '\\') return 1;
    q++;
  }
  if (q >= end) return -1;
  *s = start;
  *n = (size_t)(q - start);
  *p = q + 1;
  return 0;
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

/* Checks and lower-cases a base key in place. */
static const char *check_key(char *k, size_t n, struct counts *c) {
  int folded = 0, non_ascii = 0;
  if (n == 0) return "empty key";
  if (n > LEXF_KEY_MAX) return "key longer than 256 bytes";
  if (!utf8_valid(k, n)) return "key is not valid UTF-8";
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)k[i];
    if (b >= 'A' && b <= 'Z') {
      k[i] = (char)(b - 'A' + 'a');
      folded = 1;
    } else if (b >= 0x80)
      non_ascii = 1;
    else if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '\'' ||
               b == '.' || b == '-' || b == '_'))
      return "key has a character outside a-z 0-9 ' . - _";
  }
  c->folded += (unsigned long)folded;
  c->non_ascii += (unsigned long)non_ascii;
  return NULL;
}

/* Normalises a pronunciation: strips the comment, collapses blanks,
 * validates phonemes. Writes into out (cap bytes). */
static const char *check_pron(const char *v, size_t n, char *out, size_t cap,
                              uint32_t *out_len, uint32_t *n_phones,
                              struct counts *c) {
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

static int entry_cmp(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if (c) return c;
  if (x->key_len != y->key_len) return x->key_len < y->key_len ? -1 : 1;
  if (x->variant != y->variant) return x->variant < y->variant ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line ? 1 : 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 20, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (n < cap) break;
    char *nb = realloc(buf, cap * 2 + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: lexicon-compile [--strict] [--quiet] SOURCE.js OUTPUT.lex\n"
          "Compiles the cmu-pronouncing-dictionary index.js into a binary "
          "lexicon.\n");
}

int main(int argc, char **argv) {
  int strict = 0, argi = 1;
  for (; argi < argc && argv[argi][0] == '-'; argi++) {
    if (!strcmp(argv[argi], "--strict"))
      strict = 1;
    else if (!strcmp(argv[argi], "--quiet"))
      quiet = 1;
    else if (!strcmp(argv[argi], "--help")) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (argc - argi != 2) {
    usage(stderr);
    return 2;
  }
  const char *src = argv[argi], *dst = argv[argi + 1];
  size_t src_len = 0;
  char *buf = read_file(src, &src_len);
  if (!buf) {
    fprintf(stderr, "lexicon-compile: %s: %s\n", src, strerror(errno));
    return 1;
  }

  struct counts c;
  memset(&c, 0, sizeof c);
  size_t cap = 1024, n = 0;
  struct entry *ents = malloc(cap * sizeof *ents);
  if (!ents) goto oom;

  char *p = buf, *end = buf + src_len;
  while (p < end) {
    char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    char *line_end = eol;
    if (line_end > p && line_end[-1] == '\r') line_end--;
    c.lines++;
    char *q = p;
    while (q < line_end && (*q == ' ' || *q == '\t')) q++;
    if (q >= line_end || *q != '"') {
      c.structure++;
      p = eol + 1;
      continue;
    }
    c.entries++;
    char *k, *v;
    size_t kn, vn;
    int rk = parse_string(&q, line_end, &k, &kn);
    int rv = -1;
    if (rk == 0) {
      while (q < line_end && (*q == ' ' || *q == '\t')) q++;
      if (q < line_end && *q == ':') {
        q++;
        while (q < line_end && (*q == ' ' || *q == '\t')) q++;
        rv = parse_string(&q, line_end, &v, &vn);
      }
    }
    if (rk == 0 && rv == 0) {
      while (q < line_end && (*q == ' ' || *q == '\t')) q++;
      if (q < line_end && *q == ',') q++;
      while (q < line_end && (*q == ' ' || *q == '\t')) q++;
      if (q != line_end) rv = -1;
    }
    if (rk == 1 || rv == 1) {
      c.escaped++;
      reject(src, c.lines, "backslash escape", p, (size_t)(line_end - p));
      p = eol + 1;
      continue;
    }
    if (rk != 0 || rv != 0) {
      c.malformed++;
      reject(src, c.lines, "malformed line", p, (size_t)(line_end - p));
      p = eol + 1;
      continue;
    }
    size_t base_len = kn;
    uint32_t variant = split_variant(k, &base_len);
    const char *why = check_key(k, base_len, &c);
    if (why) {
      c.bad_key++;
      reject(src, c.lines, why, k, kn);
      p = eol + 1;
      continue;
    }
    char text[LEXF_TEXT_MAX];
    uint32_t tl = 0, np = 0;
    why = check_pron(v, vn, text, sizeof text, &tl, &np, &c);
    if (why) {
      reject(src, c.lines, why, p, (size_t)(line_end - p));
      p = eol + 1;
      continue;
    }
    if (variant > 1) c.variant_keys++;
    if (n == cap) {
      struct entry *ne = realloc(ents, cap * 2 * sizeof *ents);
      if (!ne) goto oom;
      ents = ne;
      cap *= 2;
    }
    char *t = malloc(tl);
    if (!t) goto oom;
    memcpy(t, text, tl);
    ents[n++] = (struct entry){k, (uint32_t)base_len, variant, (uint32_t)c.lines,
                               t, tl, np};
    p = eol + 1;
  }

  qsort(ents, n, sizeof *ents, entry_cmp);

  /* Drop repeats, count words, variants and string bytes. */
  size_t kept = 0, words = 0, str_bytes = 0;
  uint32_t max_var = 0, max_key = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && ents[j].key_len == ents[i].key_len &&
           !memcmp(ents[j].key, ents[i].key, ents[i].key_len))
      j++;
    /* ents[i..j) share a key, sorted by variant then line. */
    size_t first_kept = kept;
    uint32_t expect = 1;
    if (ents[i].variant != 1) c.orphan_variants++;
    for (size_t k2 = i; k2 < j; k2++) {
      struct entry *e = &ents[k2];
      int drop = 0;
      if (k2 > i && e->variant == ents[k2 - 1].variant) {
        c.dup_keys++;
        drop = 1;
      }
      for (size_t m = first_kept; !drop && m < kept; m++)
        if (ents[m].text_len == e->text_len && !memcmp(ents[m].text, e->text, e->text_len)) {
          c.dup_prons++;
          drop = 1;
        }
      if (!drop && kept - first_kept >= LEXF_VARIANTS_MAX) drop = 1;
      if (drop) {
        reject(src, e->line, "repeated key or pronunciation", e->text, e->text_len);
        free(e->text);
        continue;
      }
      if (kept > first_kept && e->variant != expect) c.gaps++;
      expect = e->variant + 1;
      ents[kept++] = *e;
      str_bytes += e->text_len;
    }
    uint32_t nv = (uint32_t)(kept - first_kept);
    if (nv > max_var) max_var = nv;
    if (ents[first_kept].key_len > max_key) max_key = ents[first_kept].key_len;
    str_bytes += ents[first_kept].key_len;
    words++;
    i = j;
  }
  c.kept = kept;
  c.words = words;

  unsigned long rejected = c.malformed + c.escaped + c.bad_key + c.bad_phone +
                           c.too_many_phones + c.empty_pron;
  printf("lexicon-compile: %s\n"
         "  lines %lu: structure %lu, entries %lu\n"
         "  rejected %lu: malformed %lu, escaped %lu, bad key %lu, bad phoneme %lu,"
         " too long %lu, empty %lu\n"
         "  comments stripped %lu, keys lower-cased %lu, non-ASCII keys %lu\n"
         "  variant keys %lu, variants without a plain key %lu, numbering gaps %lu\n"
         "  dropped: repeated keys %lu, repeated pronunciations %lu\n"
         "  written: %lu words, %lu pronunciations, max %u variants, longest key %u"
         " bytes\n",
         src, c.lines, c.structure, c.entries, rejected, c.malformed, c.escaped,
         c.bad_key, c.bad_phone, c.too_many_phones, c.empty_pron, c.comments,
         c.folded, c.non_ascii, c.variant_keys, c.orphan_variants, c.gaps,
         c.dup_keys, c.dup_prons, c.words, c.kept, max_var, max_key);
  if (words == 0) {
    fprintf(stderr, "lexicon-compile: %s: no entries\n", src);
    return 1;
  }
  if (strict && (rejected || c.dup_keys || c.dup_prons)) {
    fprintf(stderr, "lexicon-compile: --strict: %lu lines rejected or dropped\n",
            rejected + c.dup_keys + c.dup_prons);
    return 1;
  }

  uint64_t words_off = LEXF_HDR_BYTES;
  uint64_t prons_off = words_off + (uint64_t)words * LEXF_WORD_BYTES;
  uint64_t str_off = prons_off + (uint64_t)kept * LEXF_PRON_BYTES;
  uint64_t total = str_off + str_bytes;
  if (total > UINT32_MAX) {
    fprintf(stderr, "lexicon-compile: output would exceed 4 GiB\n");
    return 1;
  }
  unsigned char *out = calloc(1, (size_t)total);
  if (!out) goto oom;
  size_t so = (size_t)str_off;
  uint32_t wi = 0;
  for (size_t i = 0; i < kept;) {
    size_t j = i + 1;
    while (j < kept && ents[j].key_len == ents[i].key_len &&
           !memcmp(ents[j].key, ents[i].key, ents[i].key_len))
      j++;
    unsigned char *w = out + words_off + (size_t)wi * LEXF_WORD_BYTES;
    lexf_put32(w, (uint32_t)so);
    lexf_put16(w + 4, (uint16_t)ents[i].key_len);
    lexf_put16(w + 6, (uint16_t)(j - i));
    lexf_put32(w + 8, (uint32_t)i);
    memcpy(out + so, ents[i].key, ents[i].key_len);
    so += ents[i].key_len;
    for (size_t k2 = i; k2 < j; k2++) {
      unsigned char *pr = out + prons_off + k2 * LEXF_PRON_BYTES;
      lexf_put32(pr, (uint32_t)so);
      lexf_put16(pr + 4, (uint16_t)ents[k2].text_len);
      lexf_put16(pr + 6, (uint16_t)ents[k2].n_phones);
      memcpy(out + so, ents[k2].text, ents[k2].text_len);
      so += ents[k2].text_len;
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

  size_t tmp_len = strlen(dst) + 16;
  char *tmp = malloc(tmp_len);
  if (!tmp) goto oom;
  snprintf(tmp, tmp_len, "%s.tmp%ld", dst, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f || fwrite(out, 1, (size_t)total, f) != (size_t)total || fclose(f) != 0) {
    fprintf(stderr, "lexicon-compile: %s: %s\n", tmp, strerror(errno));
    unlink(tmp);
    return 1;
  }

  /* Read it back with the real reader and check every entry. */
  lexicon *lx;
  char err[512];
  int rc = lexicon_open(&lx, tmp, err, sizeof err);
  if (rc != LEX_OK) {
    fprintf(stderr, "lexicon-compile: self-check: %s\n", err);
    unlink(tmp);
    return 1;
  }
  for (size_t i = 0; i < kept;) {
    size_t j = i + 1;
    while (j < kept && ents[j].key_len == ents[i].key_len &&
           !memcmp(ents[j].key, ents[i].key, ents[i].key_len))
      j++;
    uint32_t first = 0;
    unsigned nv = lexicon_lookup(lx, ents[i].key, ents[i].key_len, &first);
    int ok = nv == j - i;
    for (size_t k2 = i; ok && k2 < j; k2++) {
      uint16_t len = 0;
      const char *t = lexicon_pron(lx, first + (uint32_t)(k2 - i), &len);
      ok = t && len == ents[k2].text_len && !memcmp(t, ents[k2].text, len);
    }
    if (!ok) {
      fprintf(stderr, "lexicon-compile: self-check failed at %.*s\n",
              (int)ents[i].key_len, ents[i].key);
      lexicon_close(lx);
      unlink(tmp);
      return 1;
    }
    i = j;
  }
  lexicon_close(lx);
  if (rename(tmp, dst) != 0) {
    fprintf(stderr, "lexicon-compile: rename %s: %s\n", dst, strerror(errno));
    unlink(tmp);
    return 1;
  }
  printf("  %s: %lu bytes, checksum %08x, self-check passed\n", dst,
         (unsigned long)total, lexf_get32(out + LEXF_HDR_PAYLOAD_CRC));
  for (size_t i = 0; i < kept; i++) free(ents[i].text);
  free(ents);
  free(out);
  free(tmp);
  free(buf);
  return 0;
oom:
  fprintf(stderr, "lexicon-compile: out of memory\n");
  return 1;
}
