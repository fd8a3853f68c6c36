/* text-props.c -- properties of the front end over random text, and its
 * limits: tokens cover the input in order and never overlap, every
 * non-space character lies in exactly one token, byte and code point spans
 * agree, spoken words are a-z and apostrophes (never digits or symbols),
 * the output is deterministic; malformed input (invalid UTF-8, NUL, over
 * long, a flood of commas) gets a clear error or a correct reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tests/text-cases.h"

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* random text from pieces that exercise every class */
static size_t random_text(char *buf, size_t cap) {
  static const char *const pieces[] = {
      "Dr.", "Smith", "St.", "$3.50", "1984", "21st", "3:30", "pm", "Jan.", "5,",
      "2021", "FBI", "NASA", "II", "I", "John\xe2\x80\x99s", "na\xc3\xafve", "e.g.",
      "1/2", "\xc2\xbd", "50%", "5", "km", "72\xc2\xb0" "F", "6'2\"", "555-1234",
      "(555)", "user@example.org", "example.com", "&", "+", "#", "@", "\xe2\x80\x94",
      "...", "\xe2\x80\xa6", ",", ".", "!", "?", "\"", "'", "(", ")", "-", "--",
      "'90s", "1990s", "state-of-the-art", "COVID-19", "A380", "\xef\xac\x81",
      "\xe2\x84\xa2", "\xf0\x9f\x98\x80", "\xe4\xb8\xad\xe6\x96\x87", "e\xcc\x81",
      "\xcc\x81", "x", "ABC", "mph", "1,234", "-5", "3.14", "\xc2\xa3" "20", "\t",
      "\n", "\xc2\xa0", "'n'", "rock", "o'clock", "Mar.", "No.", "12/25/2020"};
  size_t n = 0;
  int count = (int)(next() % 40);
  for (int k = 0; k < count; k++) {
    const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
    size_t pn = strlen(p);
    if (n + pn + 2 >= cap) break;
    memcpy(buf + n, p, pn);
    n += pn;
    if (next() % 4) buf[n++] = ' ';
  }
  buf[n] = '\0';
  return n;
}

static void check_props(text_ctx *ctx, const char *s, size_t n) {
  text_result r;
  char err[128];
  int rc = text_analyze(ctx, s, n, fake_has, NULL, &r, err, sizeof err);
  ck_assert_msg(rc == 0, "\"%s\": %s", s, err);
  /* code points of the input, and which are spaces */
  static uint32_t cps[8192];
  static uint32_t cp_byte[8193];
  static int owner[8192];
  size_t ncp = 0, i = 0;
  while (i < n) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    ck_assert(k > 0);
    cp_byte[ncp] = (uint32_t)i;
    owner[ncp] = -1;
    cps[ncp++] = (uint32_t)c;
    i += (size_t)k;
  }
  cp_byte[ncp] = (uint32_t)n;
  uint32_t prev_end = 0;
  for (uint32_t t = 0; t < r.n_tokens; t++) {
    const text_token *tk = &r.tokens[t];
    ck_assert_msg(tk->start < tk->end && tk->start >= prev_end && tk->end <= ncp,
                  "\"%s\": token %u [%u,%u) after %u", s, t, tk->start, tk->end, prev_end);
    ck_assert_uint_eq(tk->byte_start, cp_byte[tk->start]);
    ck_assert_uint_eq(tk->byte_end, cp_byte[tk->end]);
    ck_assert_uint_lt(tk->kind, TEXT_KIND_COUNT);
    for (uint32_t k = tk->start; k < tk->end; k++) owner[k] = (int)t;
    prev_end = tk->end;
    ck_assert(tk->first_word + tk->n_words <= r.n_words);
    if (tk->kind == TEXT_KIND_PUNCT) ck_assert_uint_eq(tk->n_words, 0);
  }
  for (size_t k = 0; k < ncp; k++) {
    /* spaces as the front end defines them: Unicode separators (Z*) and
     * control characters */
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cps[k]);
    int space = cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC;
    if (!space) ck_assert_msg(owner[k] >= 0, "\"%s\": code point %zu in no token", s, k);
    if (space && owner[k] >= 0) {
      /* a space inside a token only when the token spans pieces (5 km) */
      const text_token *tk = &r.tokens[owner[k]];
      ck_assert_msg(k > tk->start && k + 1 < tk->end, "\"%s\": token starts/ends in space", s);
    }
  }
  for (uint32_t w = 0; w < r.n_words; w++) {
    const text_word *tw = &r.words[w];
    ck_assert(tw->len > 0 && tw->len <= TEXT_KEY_MAX && strlen(tw->text) == tw->len);
    for (uint16_t k = 0; k < tw->len; k++) {
      char ch = tw->text[k];
      ck_assert_msg((ch >= 'a' && ch <= 'z') || ch == '\'' ||
                        (ch == '-' && tw->say == TEXT_SAY_LOOKUP),
                    "\"%s\": spoken word \"%s\"", s, tw->text);
    }
    if (tw->say == TEXT_SAY_LETTER) ck_assert_ptr_nonnull(tw->phones);
  }
}

START_TEST(t_random) {
  text_ctx *a, *b;
  ck_assert_int_eq(text_ctx_create(&a, NULL), 0);
  ck_assert_int_eq(text_ctx_create(&b, NULL), 0);
  char buf[4096];
  for (int it = 0; it < 3000; it++) {
    size_t n = random_text(buf, sizeof buf);
    check_props(a, buf, n);
    /* deterministic: same text, fresh context, same tokens and words */
    char x[2048], y[2048];
    spoken(a, buf, x, sizeof x);
    spoken(b, buf, y, sizeof y);
    ck_assert_str_eq(x, y);
    spoken(a, buf, y, sizeof y);
    ck_assert_str_eq(x, y);
  }
  text_ctx_destroy(a);
  text_ctx_destroy(b);
}
END_TEST

START_TEST(t_random_bytes) {
  /* arbitrary bytes: an error or a reply that keeps the properties */
  text_ctx *ctx;
  ck_assert_int_eq(text_ctx_create(&ctx, NULL), 0);
  char buf[256];
  for (int it = 0; it < 20000; it++) {
    size_t n = next() % sizeof buf;
    for (size_t k = 0; k < n; k++) {
      uint32_t v = next();
      buf[k] = (char)((v & 3) ? 0x20 + (v >> 8) % 0x5f : (v >> 8));
    }
    text_result r;
    char err[128];
    int rc = text_analyze(ctx, buf, n, fake_has, NULL, &r, err, sizeof err);
    if (rc == 0) {
      char z[257];
      memcpy(z, buf, n);
      z[n] = 0;
      if (!memchr(buf, 0, n)) check_props(ctx, buf, n);
    } else {
      ck_assert(rc == TEXT_EUTF8 || rc == TEXT_ENUL);
      ck_assert(err[0] != '\0');
    }
  }
  text_ctx_destroy(ctx);
}
END_TEST

START_TEST(t_malformed) {
  text_ctx *ctx;
  text_limits lim;
  text_limits_default(&lim);
  ck_assert_uint_ge(lim.max_bytes, 8192);
  ck_assert_int_eq(text_ctx_create(&ctx, &lim), 0);
  text_result r;
  char err[128];
  ck_assert_int_eq(text_analyze(ctx, "ab\xff", 3, NULL, NULL, &r, err, sizeof err), TEXT_EUTF8);
  ck_assert_int_eq(text_analyze(ctx, "\xc0\xaf", 2, NULL, NULL, &r, err, sizeof err), TEXT_EUTF8);
  ck_assert_int_eq(text_analyze(ctx, "\xed\xa0\x80", 3, NULL, NULL, &r, err, sizeof err), TEXT_EUTF8);
  ck_assert_int_eq(text_analyze(ctx, "a\0b", 3, NULL, NULL, &r, err, sizeof err), TEXT_ENUL);
  ck_assert_ptr_nonnull(strstr(err, "NUL"));
  static char big[70000];
  memset(big, 'a', sizeof big);
  ck_assert_int_eq(text_analyze(ctx, big, 8193, NULL, NULL, &r, err, sizeof err), TEXT_ETOOLONG);
  ck_assert_int_eq(text_analyze(ctx, big, 8192, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  ck_assert_uint_eq(r.n_tokens, 1);
  ck_assert_uint_eq(r.tokens[0].error, TEXT_TOKEN_TOOLONG);
  /* a flood of commas: 8192 punctuation tokens > the token limit */
  memset(big, ',', 8192);
  ck_assert_int_eq(text_analyze(ctx, big, 8192, NULL, NULL, &r, err, sizeof err), TEXT_ETOKENS);
  ck_assert(err[0]);
  /* within the limit, answered in full */
  ck_assert_int_eq(text_analyze(ctx, big, 4000, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  ck_assert_uint_ge(r.n_tokens, 1);
  /* an empty text has no tokens */
  ck_assert_int_eq(text_analyze(ctx, "", 0, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  ck_assert_uint_eq(r.n_tokens, 0);
  ck_assert_int_eq(text_analyze(ctx, " \t\n ", 4, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  ck_assert_uint_eq(r.n_tokens, 0);
  /* unreadable scripts get a per-token error, not invented words */
  ck_assert_int_eq(text_analyze(ctx, "\xe4\xb8\xad\xe6\x96\x87 ok", 8, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  ck_assert_uint_eq(r.n_tokens, 2);
  ck_assert_uint_eq(r.tokens[0].error, TEXT_TOKEN_UNREADABLE);
  ck_assert_uint_eq(r.tokens[0].n_words, 0);
  ck_assert_uint_eq(r.tokens[1].error, 0);
  text_ctx_destroy(ctx);
  /* tiny limits: a clear error, never an overrun */
  text_limits t = {.max_bytes = 64, .max_tokens = 3, .max_words = 2};
  ck_assert_int_eq(text_ctx_create(&ctx, &t), 0);
  ck_assert_int_eq(text_analyze(ctx, "a b c d", 7, NULL, NULL, &r, err, sizeof err), TEXT_ETOKENS);
  ck_assert_int_eq(text_analyze(ctx, "$3.50", 5, NULL, NULL, &r, err, sizeof err), TEXT_EWORDS);
  ck_assert_int_eq(text_analyze(ctx, "hi", 2, NULL, NULL, &r, err, sizeof err), TEXT_OK);
  text_ctx_destroy(ctx);
  ck_assert_int_eq(text_ctx_create(&ctx, &(text_limits){0, 1, 1}), TEXT_EINVAL);
}
END_TEST

START_TEST(t_offsets) {
  /* offsets are code points: "naïve €5" */
  text_ctx *ctx;
  ck_assert_int_eq(text_ctx_create(&ctx, NULL), 0);
  text_result r;
  const char *s = "na\xc3\xafve \xe2\x82\xac" "5!";
  ck_assert_int_eq(text_analyze(ctx, s, strlen(s), NULL, NULL, &r, NULL, 0), 0);
  ck_assert_uint_eq(r.n_tokens, 3);
  ck_assert_uint_eq(r.tokens[0].start, 0);
  ck_assert_uint_eq(r.tokens[0].end, 5);
  ck_assert_uint_eq(r.tokens[1].start, 6);
  ck_assert_uint_eq(r.tokens[1].end, 8);
  ck_assert_uint_eq(r.tokens[1].byte_start, 7);
  ck_assert_uint_eq(r.tokens[1].byte_end, 11);
  ck_assert_uint_eq(r.tokens[2].kind, TEXT_KIND_PUNCT);
  ck_assert_uint_eq(r.tokens[2].start, 8);
  /* text_fold_key: the folding the words op shares */
  char key[32];
  ck_assert_int_eq(text_fold_key("Na\xc3\xafve", 6, key, sizeof key), 5);
  ck_assert_str_eq(key, "naive");
  ck_assert_int_eq(text_fold_key("John\xe2\x80\x99s", 8, key, sizeof key), 6);
  ck_assert_str_eq(key, "john's");
  ck_assert_int_eq(text_fold_key("42", 2, key, sizeof key), -1);
  ck_assert_int_eq(text_fold_key("hello", 5, key, 3), -1);
  text_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("text-props");
  TCase *tc = tcase_create("props");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_random);
  tcase_add_test(tc, t_random_bytes);
  tcase_add_test(tc, t_malformed);
  tcase_add_test(tc, t_offsets);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
