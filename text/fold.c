/* fold.c -- the first stage of the front end: strict UTF-8 decoding and
 * Unicode folding (NFKC compatibility forms, marks stripped, curly quotes
 * and dashes to their ASCII forms) of the input, one input code point at a
 * time, so that every folded code point remembers the input span it came
 * from and offsets into the caller's text stay exact. Case is kept here;
 * lookup keys are case-folded when they are made (text_fold_key).
 *
 * Uses libutf8proc's per-character decomposition only, which writes into
 * our buffers: nothing here allocates. */
#include <string.h>
#include <stdio.h>
#include <utf8proc.h>

#include "text/text_impl.h"

int text_is_space(uint32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
    return 1;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 1; /* other controls */
  utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP;
}

/* Folds done before (and instead of) NFKC: typographic forms that NFKC
 * keeps but a reader does not distinguish, and forms NFKC would turn into
 * letters that are not words (trade mark sign -> "TM"). Returns the folded
 * code point, or 0 when NFKC should decide. */
static uint32_t fold_special(uint32_t c) {
  switch (c) {
  case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
  case 0x02bc: case 0x00b4: case 0xff07:
    return '\'';
  case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
  case 0x00ab: case 0x00bb: case 0xff02:
    return '"';
  case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2212:
  case 0xfe63: case 0xff0d:
    return '-';
  case 0x2014: case 0x2015:
    return 0x2014; /* em dash stays itself: a pause, not a hyphen */
  case 0x2044: case 0x2215:
    return '/';
  case 0x2122: case 0x2120: case 0x00a9: case 0x00ae: case 0x2116:
  case 0x2260: /* not equal to: NFKC would leave "=" once its mark is stripped */
    return c;
  default:
    return 0;
  }
}

static int put_folded(text_ctx *ctx, uint32_t c, uint32_t orig) {
  if (ctx->n_f >= ctx->f_cap) return -1;
  ctx->fc[ctx->n_f] = c;
  ctx->fs[ctx->n_f] = orig;
  ctx->fe[ctx->n_f] = orig + 1;
  ctx->n_f++;
  return 0;
}

int text_fold_input(text_ctx *ctx, const unsigned char *s, size_t n,
                    char *err, size_t errlen) {
  size_t i = 0;
  int prev_sup = 0; /* the code point before was a superscript */
  ctx->n_orig = 0;
  ctx->n_f = 0;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) {
      if (err) snprintf(err, errlen, "text is not valid UTF-8 at byte %zu", i);
      return TEXT_EUTF8;
    }
    if (cp == 0) {
      if (err) snprintf(err, errlen, "text contains a NUL character at byte %zu", i);
      return TEXT_ENUL;
    }
    uint32_t orig = ctx->n_orig;
    ctx->obyte[ctx->n_orig++] = (uint32_t)i;
    i += (size_t)k;
    uint32_t c = (uint32_t)cp;
    /* 10² and 10⁻³ are powers: a caret keeps the exponent from joining the
     * number (NFKC alone makes 102) */
    int sup = c >= 0xb2 && (c == 0xb2 || c == 0xb3 || c == 0xb9 || c == 0x2070 ||
                            (c >= 0x2074 && c <= 0x2079) || c == 0x207b);
    if (sup && !prev_sup && ctx->n_f > 0) {
      uint32_t p = ctx->fc[ctx->n_f - 1], q = ctx->n_f > 1 ? ctx->fc[ctx->n_f - 2] : ' ';
      int lone_letter = ((p | 0x20) >= 'a' && (p | 0x20) <= 'z' && p != 'm' &&
                         !((q | 0x20) >= 'a' && (q | 0x20) <= 'z')); /* x², not m² */
      if ((p >= '0' && p <= '9') || lone_letter)
        if (put_folded(ctx, '^', orig)) goto full;
    }
    prev_sup = sup;
    uint32_t sp = fold_special(c);
    if (sp || c < 0x80 || text_is_space(c)) {
      if (put_folded(ctx, sp ? sp : c, orig)) goto full;
      continue;
    }
    utf8proc_int32_t dec[16];
    int bound = 0;
    utf8proc_ssize_t m = utf8proc_decompose_char(
        cp, dec, 16,
        UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
        &bound);
    if (m < 0 || m > 16) m = 0;
    if (m == 0) {
      /* a mark or an ignorable: it joins the code point before it when that
       * is part of a word, else it stands as itself */
      if (ctx->n_f > 0 && ctx->fe[ctx->n_f - 1] == orig &&
          !text_is_space(ctx->fc[ctx->n_f - 1])) {
        ctx->fe[ctx->n_f - 1] = orig + 1;
        continue;
      }
      if (put_folded(ctx, c, orig)) goto full;
      continue;
    }
    /* 1½ decomposes to 1 1⁄2: a space of its own keeps the whole number
     * apart from the fraction (else 11/2) */
    int vulgar = 0;
    for (utf8proc_ssize_t j = 0; j < m; j++) vulgar |= dec[j] == 0x2044;
    if (vulgar && ctx->n_f > 0 && ctx->fc[ctx->n_f - 1] >= '0' && ctx->fc[ctx->n_f - 1] <= '9')
      if (put_folded(ctx, ' ', orig)) goto full;
    for (utf8proc_ssize_t j = 0; j < m; j++) {
      uint32_t d = (uint32_t)dec[j];
      uint32_t sd = fold_special(d);
      if (sd) d = sd;
      if (put_folded(ctx, d, orig)) goto full;
    }
  }
  ctx->obyte[ctx->n_orig] = (uint32_t)n;
  return TEXT_OK;
full:
  if (err) snprintf(err, errlen, "text too long after Unicode normalisation");
  return TEXT_ETOOLONG;
}

int text_fold_key(const char *s, size_t n, char *key, size_t cap) {
  size_t i = 0, o = 0;
  const unsigned char *u = (const unsigned char *)s;
  if (!key || cap == 0) return -1;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0 || cp == 0) return -1;
    i += (size_t)k;
    uint32_t c = (uint32_t)cp;
    uint32_t sp = fold_special(c);
    if (sp) c = sp;
    utf8proc_int32_t dec[16];
    utf8proc_ssize_t m;
    if (c < 0x80) {
      dec[0] = (utf8proc_int32_t)c;
      m = 1;
    } else {
      int bound = 0;
      m = utf8proc_decompose_char((utf8proc_int32_t)c, dec, 16,
                                  UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                      UTF8PROC_STRIPMARK | UTF8PROC_IGNORE |
                                      UTF8PROC_CASEFOLD,
                                  &bound);
      if (m < 0 || m > 16) return -1;
    }
    for (utf8proc_ssize_t j = 0; j < m; j++) {
      uint32_t d = (uint32_t)dec[j];
      uint32_t sd = fold_special(d);
      if (sd) d = sd;
      if (d >= 'A' && d <= 'Z') d += 'a' - 'A';
      if (!((d >= 'a' && d <= 'z') || d == '\'')) return -1;
      if (o + 1 >= cap) return -1;
      key[o++] = (char)d;
    }
  }
  key[o] = '\0';
  return (int)o;
}
