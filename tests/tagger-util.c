/* tagger-util.c -- see tagger-util.h. */
#include "tests/tagger-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tu_src_path(char *buf, size_t n, const char *rel) {
  const char *top = getenv("top_srcdir");
  snprintf(buf, n, "%s/%s", top && *top ? top : ".", rel);
  return buf;
}

const char *tu_shared_path(char *buf, size_t n, const char *rel) {
  const char *top = getenv("top_srcdir");
  snprintf(buf, n, "%s/../shared/data/%s", top && *top ? top : ".", rel);
  return access(buf, R_OK) == 0 ? buf : NULL;
}

void *tu_read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0) {
    fclose(f);
    return NULL;
  }
  long len = ftell(f);
  rewind(f);
  void *buf = NULL;
  if (len < 0 || posix_memalign(&buf, 64, (size_t)len + 64) != 0) {
    fclose(f);
    return NULL;
  }
  if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *n = (size_t)len;
  return buf;
}

#define TU_MAX_WORDS 1024

long tu_read_conllu(const char *path, tu_sentence_fn fn, void *arg) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  static char lines[TU_MAX_WORDS][512];
  tagger_word w[TU_MAX_WORDS];
  const char *up[TU_MAX_WORDS], *xp[TU_MAX_WORDS];
  size_t n = 0;
  long sents = 0;
  char line[4096];
  for (;;) {
    char *got = fgets(line, sizeof line, f);
    size_t len = got ? strlen(line) : 0;
    if (len && line[len - 1] == '\n') line[--len] = 0;
    if (!got || len == 0) {
      if (n) {
        fn(arg, w, up, xp, n);
        sents++;
      }
      n = 0;
      if (!got) break;
      continue;
    }
    if (line[0] == '#') continue;
    char *col[10];
    int k = 0;
    char *p = line;
    col[k++] = p;
    while (k < 10 && (p = strchr(p, '\t'))) {
      *p++ = 0;
      col[k++] = p;
    }
    if (k != 10 || strspn(col[0], "0123456789") != strlen(col[0])) continue;
    if (n >= TU_MAX_WORDS) continue;
    char *dst = lines[n];
    snprintf(dst, sizeof lines[n], "%s%c%s%c%s", col[1], 0, col[3], 0, col[4]);
    size_t l1 = strlen(col[1]), l3 = strlen(col[3]);
    w[n].s = dst;
    w[n].len = l1;
    up[n] = dst + l1 + 1;
    xp[n] = dst + l1 + 1 + l3 + 1;
    n++;
  }
  fclose(f);
  return sents;
}

/* ---- homfeat.tokenize() in C ------------------------------------------- */
static uint32_t cp_at(const uint8_t *s, size_t n, size_t i, size_t *len) {
  uint8_t c = s[i];
  size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + l > n) l = 1;
  uint32_t v = l == 1 ? c : l == 2 ? c & 0x1F : l == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < l; k++) v = (v << 6) | (s[i + k] & 0x3F);
  *len = l;
  return v;
}

static int is_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
         c == 0xA0;
}
static int is_apos(uint32_t c) { return c == '\'' || c == 0x2019; }
static int is_upunct(uint32_t c) {
  return c == 0x2013 || c == 0x2014 || c == 0x2018 || c == 0x201C || c == 0x201D ||
         c == 0x2026 || c == 0xAB || c == 0xBB;
}
static int is_letter(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= 0x80 && !is_upunct(c) && !is_space(c) && !is_apos(c));
}
static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

static int lower_eq(const uint8_t *s, size_t n, const char *w) {
  size_t k = strlen(w);
  if (n != k) return 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
    if (c != (uint8_t)w[i]) return 0;
  }
  return 1;
}

size_t tu_tokenize(const char *str, size_t n, tagger_word *out, size_t max) {
  const uint8_t *s = (const uint8_t *)str;
  size_t cnt = 0, i = 0, l, l2;
#define EMIT(a, b)              \
  do {                          \
    if (cnt < max) {            \
      out[cnt].s = str + (a);   \
      out[cnt].len = (b) - (a); \
    }                           \
    cnt++;                      \
  } while (0)
  while (i < n) {
    uint32_t c = cp_at(s, n, i, &l);
    if (is_space(c)) {
      i += l;
      continue;
    }
    if (is_letter(c) || is_digit(c)) {
      size_t j = i;
      if (is_digit(c)) {
        while (j < n) {
          uint32_t d = cp_at(s, n, j, &l2);
          if (is_digit(d)) {
            j += l2;
          } else if ((d == '.' || d == ',') && j + 1 < n && is_digit(s[j + 1])) {
            j += 1;
          } else
            break;
        }
      }
      while (j < n) {
        uint32_t d = cp_at(s, n, j, &l2);
        if (!is_letter(d) && !is_digit(d)) break;
        j += l2;
      }
      int split = 0;
      while (j < n) {
        uint32_t d = cp_at(s, n, j, &l2);
        size_t la;
        if (!is_apos(d) || j + l2 >= n || !is_letter(cp_at(s, n, j + l2, &la))) break;
        size_t k = j + l2;
        while (k < n) {
          uint32_t e = cp_at(s, n, k, &la);
          if (!is_letter(e)) break;
          k += la;
        }
        const uint8_t *cl = s + j + l2;
        size_t cln = k - (j + l2);
        if (lower_eq(cl, cln, "t") && (s[j - 1] == 'n' || s[j - 1] == 'N') && j - 1 > i) {
          EMIT(i, j - 1);
          EMIT(j - 1, k);
          i = j = k;
          split = 1;
          break;
        }
        if (lower_eq(cl, cln, "s") || lower_eq(cl, cln, "re") || lower_eq(cl, cln, "ve") ||
            lower_eq(cl, cln, "ll") || lower_eq(cl, cln, "d") || lower_eq(cl, cln, "m")) {
          EMIT(i, j);
          EMIT(j, k);
          i = j = k;
          split = 1;
          break;
        }
        j = k;
        while (j < n) {
          uint32_t e = cp_at(s, n, j, &la);
          if (!is_letter(e) && !is_digit(e)) break;
          j += la;
        }
      }
      (void)split;
      if (j > i) EMIT(i, j);
      i = j;
      continue;
    }
    EMIT(i, i + l);
    i += l;
  }
#undef EMIT
  return cnt < max ? cnt : max;
}

size_t tu_cp_to_byte(const char *s, size_t n, size_t cp) {
  size_t i = 0, k = 0, l;
  while (i < n && k < cp) {
    cp_at((const uint8_t *)s, n, i, &l);
    i += l;
    k++;
  }
  return i;
}
