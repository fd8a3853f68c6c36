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
 * The entry rules live in g2p/lexicon_build.c (shared with user lexicons);
 * this file only knows the JavaScript line shape.
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

#include "g2p/lexicon.h"
#include "g2p/lexicon_build.h"
#include "g2p/lexicon_format.h"

struct line_counts {
  unsigned long lines, structure, malformed, escaped;
};

static int quiet;
static const char *src_path;

static void reject(const char *path, unsigned long line, const char *why,
                   const char *what, size_t len) {
  if (quiet) return;
  fprintf(stderr, "%s:%lu: rejected (%s): %.*s\n", path, line, why,
          (int)(len > 80 ? 80 : len), what);
}

static void report_drop(void *ctx, uint32_t line, const char *why,
                        const char *what, size_t len) {
  (void)ctx;
  reject(src_path, line, why, what, len);
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

/* The reader's view of the image must equal the builder's entries. */
struct check_ctx {
  lexicon *lx;
  uint32_t first;
  unsigned nv;
};

static int check_entry(void *ctx, const char *key, size_t klen, unsigned vi,
                       const char *text, size_t tlen) {
  struct check_ctx *cc = ctx;
  if (vi == 0) cc->nv = lexicon_lookup(cc->lx, key, klen, &cc->first);
  uint16_t len = 0;
  const char *t = vi < cc->nv ? lexicon_pron(cc->lx, cc->first + vi, &len) : NULL;
  if (!t || len != tlen || memcmp(t, text, len)) {
    fprintf(stderr, "lexicon-compile: self-check failed at %.*s\n", (int)klen, key);
    return 1;
  }
  return 0;
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

  struct line_counts c;
  memset(&c, 0, sizeof c);
  src_path = src;
  lexicon_builder *lb = lexicon_builder_create();
  if (!lb) goto oom;

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
    const char *why = lexicon_builder_add(lb, k, kn, v, vn, (uint32_t)c.lines, 0);
    if (why) {
      if (!strcmp(why, "out of memory")) goto oom;
      reject(src, c.lines, why, p, (size_t)(line_end - p));
    }
    p = eol + 1;
  }

  unsigned char *out = NULL;
  size_t total = 0;
  int built = lexicon_builder_finish(lb, &out, &total, report_drop, NULL);
  const lexicon_counts *lc = lexicon_builder_counts(lb);
  unsigned long entries = c.malformed + c.escaped + lc->entries;
  unsigned long rejected = c.malformed + c.escaped + lc->bad_key + lc->bad_phone +
                           lc->too_many_phones + lc->empty_pron;
  printf("lexicon-compile: %s\n"
         "  lines %lu: structure %lu, entries %lu\n"
         "  rejected %lu: malformed %lu, escaped %lu, bad key %lu, bad phoneme %lu,"
         " too long %lu, empty %lu\n"
         "  comments stripped %lu, keys lower-cased %lu, non-ASCII keys %lu\n"
         "  variant keys %lu, variants without a plain key %lu, numbering gaps %lu\n"
         "  dropped: repeated keys %lu, repeated pronunciations %lu\n"
         "  written: %lu words, %lu pronunciations, max %u variants, longest key %u"
         " bytes\n",
         src, c.lines, c.structure, entries, rejected, c.malformed, c.escaped,
         lc->bad_key, lc->bad_phone, lc->too_many_phones, lc->empty_pron, lc->comments,
         lc->folded, lc->non_ascii, lc->variant_keys, lc->orphan_variants, lc->gaps,
         lc->dup_keys, lc->dup_prons, lc->words, lc->kept, lc->max_variants,
         lc->max_key);
  if (lc->words == 0) {
    fprintf(stderr, "lexicon-compile: %s: no entries\n", src);
    return 1;
  }
  if (built != 0) goto oom;
  if (strict && (rejected || lc->dup_keys || lc->dup_prons)) {
    fprintf(stderr, "lexicon-compile: --strict: %lu lines rejected or dropped\n",
            rejected + lc->dup_keys + lc->dup_prons);
    return 1;
  }

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
  struct check_ctx cc = {lx, 0, 0};
  if (lexicon_builder_each(lb, check_entry, &cc) != 0) {
    lexicon_close(lx);
    unlink(tmp);
    return 1;
  }
  lexicon_close(lx);
  if (rename(tmp, dst) != 0) {
    fprintf(stderr, "lexicon-compile: rename %s: %s\n", dst, strerror(errno));
    unlink(tmp);
    return 1;
  }
  printf("  %s: %lu bytes, checksum %08x, self-check passed\n", dst,
         (unsigned long)total, lexf_get32(out + LEXF_HDR_PAYLOAD_CRC));
  lexicon_builder_destroy(lb);
  free(out);
  free(tmp);
  free(buf);
  return 0;
oom:
  fprintf(stderr, "lexicon-compile: out of memory\n");
  return 1;
}
