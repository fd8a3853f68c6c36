/* tokenize.c -- cuts the folded text into raw pieces: whitespace-separated
 * chunks, with punctuation peeled off their ends and split out of their
 * middles, except where it belongs to the word (the period of "Dr." and
 * "U.S.", the comma of "1,234", the colon of "3:30", the apostrophes of
 * "don't", "'90s" and "rock 'n' roll", the inch mark of 6'2").
 *
 * Pieces never split the folded expansion of one input code point, so
 * every input character ends up in exactly one piece. */
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/text_impl.h"
#include "text/tables.h"

static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int is_alpha(uint32_t c) {
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return 1;
  if (c < 0x80) return 0;
  utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
  return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}
static int is_upper(uint32_t c) { return c >= 'A' && c <= 'Z'; }

/* may a piece boundary fall before folded index i? */
static int boundary(const text_ctx *ctx, uint32_t i) {
  return i == 0 || i >= ctx->n_f || ctx->fs[i] != ctx->fs[i - 1];
}

static int is_open_punct(uint32_t c) {
  switch (c) {
  case '(': case '[': case '{': case '"': case '\'': case '`':
  case 0xbf: case 0xa1: case 0x2014: case '*': case '_':
    return 1;
  }
  if (c >= 0x80) {
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return k == UTF8PROC_CATEGORY_PS || k == UTF8PROC_CATEGORY_PI;
  }
  return 0;
}

static int is_close_punct(uint32_t c) {
  switch (c) {
  case ')': case ']': case '}': case '"': case '\'': case ',': case ';':
  case ':': case '!': case '?': case '.': case 0x2014: case '*': case '_':
    return 1;
  }
  if (c >= 0x80) {
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
    return k == UTF8PROC_CATEGORY_PE || k == UTF8PROC_CATEGORY_PF ||
           k == UTF8PROC_CATEGORY_PO;
  }
  return 0;
}

static int add_raw(text_ctx *ctx, uint32_t fa, uint32_t fb, int punct,
                   int space_before) {
  if (fa >= fb) return 0;
  if (ctx->n_raw >= ctx->raw_cap) return TEXT_ETOKENS;
  text_raw *r = &ctx->raw[ctx->n_raw];
  r->fa = fa;
  r->fb = fb;
  r->punct = (uint8_t)punct;
  r->space_before = (uint8_t)space_before;
  r->s_off = ctx->rbuf_len;
  for (uint32_t i = fa; i < fb; i++) {
    if (ctx->rbuf_len + 5 > ctx->rbuf_cap) return TEXT_ETOOLONG;
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)ctx->fc[i],
                                              (utf8proc_uint8_t *)ctx->rbuf + ctx->rbuf_len);
    if (k <= 0) ctx->rbuf[ctx->rbuf_len++] = '?';
    else ctx->rbuf_len += (uint32_t)k;
  }
  uint32_t len = ctx->rbuf_len - r->s_off;
  r->s_len = (uint16_t)(len > 0xffff ? 0xffff : len);
  ctx->rbuf[ctx->rbuf_len++] = '\0';
  ctx->n_raw++;
  return 0;
}

/* ASCII copy of folded [a, b) into out (non-ASCII as 0x80), NUL-terminated */
static size_t ascii_of(const text_ctx *ctx, uint32_t a, uint32_t b, char *out,
                       size_t cap) {
  size_t n = 0;
  for (uint32_t i = a; i < b && n + 1 < cap; i++)
    out[n++] = ctx->fc[i] < 0x80 ? (char)ctx->fc[i] : (char)0x80;
  out[n] = '\0';
  return n;
}

/* letters separated by single periods: U.S, e.g, a.m, Ph.D */
static int dotted_letters(const char *w, size_t n) {
  size_t i = 0, groups = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && ((w[j] | 0x20) >= 'a' && (w[j] | 0x20) <= 'z')) j++;
    if (j == i || j - i > 2) return 0;
    groups++;
    if (j == n) break;
    if (w[j] != '.') return 0;
    i = j + 1;
    if (i == n) return 0;
  }
  return groups >= 2;
}

/* Does the period after core w (w without it) belong to the word? */
static int keeps_period(const char *w, size_t n, int next_digit,
                        int prev_number) {
  if (n == 1 && is_upper((unsigned char)w[0])) return 1; /* J. Smith */
  if (dotted_letters(w, n)) return 1;
  const text_abbr *a = text_abbr_find(w, n);
  if (!a) return 0;
  switch (a->when) {
  case TEXT_ABBR_CAP: return is_upper((unsigned char)w[0]);
  case TEXT_ABBR_BEFORE_NUM: return next_digit;
  case TEXT_ABBR_AFTER_NUM: return prev_number;
  case TEXT_ABBR_CONTEXT: return is_upper((unsigned char)w[0]) || prev_number;
  case TEXT_ABBR_LOWER: return w[0] >= 'a' && w[0] <= 'z';
  default: return 1;
  }
}

static int prev_raw_is_number(const text_ctx *ctx) {
  if (!ctx->n_raw) return 0;
  const text_raw *r = &ctx->raw[ctx->n_raw - 1];
  if (r->punct) return 0;
  const char *s = ctx->rbuf + r->s_off;
  return s[0] >= '0' && s[0] <= '9' && is_digit((unsigned char)s[r->s_len - 1]);
}

/* Splits a core [a, b) at punctuation inside it and adds the pieces. */
static int add_core(text_ctx *ctx, uint32_t a, uint32_t b, int space_before) {
  char w[256];
  size_t wn = ascii_of(ctx, a, b, w, sizeof w);
  int urlish = (wn < sizeof w - 1) &&
               (strstr(w, "://") || strncasecmp(w, "www.", 4) == 0 ||
                strchr(w, '@'));
  int dotted_host = memchr(w, '.', wn) != NULL; /* example.com/about */
  /* a query keeps its '?' (example.com/search?q=1); text_classify decides
   * whether the whole is an address */
  int query_ok = urlish || (dotted_host && (memchr(w, '/', wn) || memchr(w, '=', wn)));
  int has_digit = 0;
  for (uint32_t i = a; i < b; i++) has_digit |= is_digit(ctx->fc[i]);
  uint32_t start = a;
  for (uint32_t i = a; i < b; i++) {
    uint32_t c = ctx->fc[i];
    uint32_t len = 0;
    int digits_around = i > a && i + 1 < b && is_digit(ctx->fc[i - 1]) &&
                        is_digit(ctx->fc[i + 1]);
    if (c == 0x2014 || c == '(' || c == ')' || c == '[' || c == ']' ||
        c == '{' || c == '}' || c == ';' || (c == '!' && !(i + 1 < b && ctx->fc[i + 1] == '=')) ||
        (c == '?' && !query_ok)) {
      len = 1;
    } else if (c == '-' && i + 1 < b && ctx->fc[i + 1] == '-') {
      len = 2;
    } else if (c == '-' && i >= a + 2 && i + 1 < b && ctx->fc[i - 1] == '.' &&
               (ctx->fc[i - 2] | 0x20) == 'm' && is_digit(ctx->fc[i + 1])) {
      len = 1; /* 9:00 a.m.-5:00 p.m.: the dash between two times */
    } else if (c == '.' && i + 1 < b && ctx->fc[i + 1] == '.' && !urlish) {
      len = 2;
      while (i + len < b && ctx->fc[i + len] == '.') len++;
    } else if (c == ',' && !digits_around && !urlish) {
      len = 1;
    } else if (c == ':' && !digits_around && !urlish) {
      len = 1;
    } else if (c == '"' && !(i + 1 == b && i > a && is_digit(ctx->fc[i - 1]))) {
      len = 1;
    } else if (c == '/' && !urlish && !dotted_host && !has_digit && i > a && i + 1 < b &&
               is_alpha(ctx->fc[i - 1]) && is_alpha(ctx->fc[i + 1])) {
      char u[16];
      size_t un = ascii_of(ctx, a, b, u, sizeof u);
      const char *sl = memchr(u, '/', un);
      int unit_pair = sl && text_unit_find(u, (size_t)(sl - u)) &&
                      text_unit_find(sl + 1, (size_t)(u + un - sl - 1));
      if (!text_unit_find(u, un) && !text_fixed_name(u, un) && !unit_pair)
        len = 1; /* and/or; not km/h, y/y, mL/kg */
    }
    if (!len || !boundary(ctx, i) || !boundary(ctx, i + len)) continue;
    int rc = add_raw(ctx, start, i, 0, space_before && start == a);
    if (rc) return rc;
    rc = add_raw(ctx, i, i + len, 1, space_before && i == a);
    if (rc) return rc;
    start = i + len;
    i += len - 1;
  }
  return add_raw(ctx, start, b, 0, space_before && start == a);
}

/* chunk text in lower case equals one of the clipped words ('n', 'em) */
static int clipped_word(const text_ctx *ctx, uint32_t a, uint32_t b) {
  static const char *const words[] = {"'n'", "'n", "'em", "'til", "'tis",
                                      "'twas", "'cause", "'bout", "'round"};
  char w[16];
  size_t n = ascii_of(ctx, a, b, w, sizeof w);
  while (n > 0 && (w[n - 1] == '.' || w[n - 1] == ',' || w[n - 1] == '!' ||
                   w[n - 1] == '?' || w[n - 1] == ';'))
    n--;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == n && strncasecmp(words[i], w, n) == 0) return 1;
  return 0;
}

static int add_chunk(text_ctx *ctx, uint32_t a, uint32_t b, int next_digit) {
  int space_before = 1;
  int peeled_quote = 0, peeled_dq = 0;
  int clipped = clipped_word(ctx, a, b);
  /* leading punctuation */
  while (a < b) {
    uint32_t c = ctx->fc[a];
    if (!is_open_punct(c) && !(c == '.' && a + 1 < b && ctx->fc[a + 1] == '.') &&
        !(c == '-' && a + 1 < b && ctx->fc[a + 1] == '-'))
      break;
    if (c == '\'' && (clipped || (a + 1 < b && is_digit(ctx->fc[a + 1])))) break;
    uint32_t len = 1;
    while (a + len < b && ctx->fc[a + len] == c && (c == '.' || c == '-' || c == '*'))
      len++;
    if (!boundary(ctx, a + len)) break;
    if (c == '\'') peeled_quote = 1;
    if (c == '"') peeled_dq = 1;
    int rc = add_raw(ctx, a, a + len, 1, space_before);
    if (rc) return rc;
    space_before = 0;
    a += len;
  }
  /* trailing punctuation, peeled into a small stack */
  uint32_t tail_a[32], tail_b[32];
  int nt = 0;
  while (b > a && nt < 32) {
    uint32_t c = ctx->fc[b - 1];
    /* a dash or slash that ends a chunk joins nothing: $10m- Amount, $0.10/ */
    int dangling = b - a > 1 && ctx->fc[b - 2] != c &&
                   (c == '-' || (c == '/' && is_digit(ctx->fc[b - 2])) || /* not w/ */
                    (c == '+' && (is_digit(ctx->fc[a]) || ctx->fc[a] == '$'))); /* $50+ */
    if (!is_close_punct(c) && !dangling) break;
    uint32_t len = 1;
    if (c == '.' || c == '!' || c == '?' || c == '-' || c == '*')
      while (b - len > a && ctx->fc[b - len - 1] == c) len++;
    if (c == '.' && len == 1) {
      char w[64];
      size_t n = ascii_of(ctx, a, b - 1, w, sizeof w);
      if (n > 0 && keeps_period(w, n, next_digit, prev_raw_is_number(ctx))) break;
    }
    if (c == '\'') {
      if (clipped) break;
      uint32_t p = b - a >= 2 ? ctx->fc[b - 2] : 0;
      if ((p == 's' || p == 'S') && !peeled_quote) break; /* students' */
      if (is_digit(p)) { /* 6' (feet) */
        int all = 1;
        for (uint32_t i = a; i + 1 < b; i++) all &= is_digit(ctx->fc[i]);
        if (all) break;
      }
    }
    if (c == '"' && b - a >= 2 && is_digit(ctx->fc[b - 2]) && !peeled_dq) {
      /* 6'2", 12" (inches) unless a quote opened the chunk */
      break;
    }
    if (!boundary(ctx, b - len)) break;
    tail_a[nt] = b - len;
    tail_b[nt] = b;
    nt++;
    b -= len;
  }
  if (a < b) {
    int rc = add_core(ctx, a, b, space_before);
    if (rc) return rc;
    space_before = 0;
  }
  while (nt > 0) {
    nt--;
    int rc = add_raw(ctx, tail_a[nt], tail_b[nt], 1, space_before);
    if (rc) return rc;
    space_before = 0;
  }
  return 0;
}

int text_tokenize(text_ctx *ctx) {
  ctx->n_raw = 0;
  ctx->rbuf_len = 0;
  uint32_t i = 0;
  while (i < ctx->n_f) {
    while (i < ctx->n_f && text_is_space(ctx->fc[i])) i++;
    if (i >= ctx->n_f) break;
    uint32_t a = i;
    while (i < ctx->n_f && !text_is_space(ctx->fc[i])) i++;
    uint32_t j = i;
    while (j < ctx->n_f && text_is_space(ctx->fc[j])) j++;
    int next_digit = j < ctx->n_f && (is_digit(ctx->fc[j]) ||
                                      (ctx->fc[j] == '#' && j + 1 < ctx->n_f &&
                                       is_digit(ctx->fc[j + 1])));
    int rc = add_chunk(ctx, a, i, next_digit);
    if (rc) return rc;
  }
  return 0;
}
