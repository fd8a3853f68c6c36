/* text-cases.h -- what the front end's unit tests share: a case is an input
 * and the spoken words a careful US English reader says for it (letters said
 * by their names written "f."), plus the kind of its first token; a small
 * fixed dictionary stands in for CMUdict so the tests need no data. */
#ifndef RNNINFERD_TESTS_TEXT_CASES_H
#define RNNINFERD_TESTS_TEXT_CASES_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "text/text.h"

typedef struct text_case {
  const char *in;
  const char *want;  /* spoken words, single spaces */
  int kind;          /* kind of the first token, -1: not checked */
} text_case;

static inline int fake_has(void *opaque, const char *key, size_t len) {
  static const char *const dict[] = {"nasa", "nato", "fbi", "html", "x-ray",
                                     "e-mail", "laser", "scuba", "aids",
                                     "unicef", "hello", "world", "the", "my", "un",
                                     "la", "it", "no", "ai", NULL};
  (void)opaque;
  for (size_t i = 0; dict[i]; i++)
    if (strlen(dict[i]) == len && memcmp(dict[i], key, len) == 0) return 1;
  return 0;
}

/* spoken words of s as one string; returns the first token's kind or -1 */
static inline int spoken(text_ctx *ctx, const char *s, char *out, size_t cap) {
  text_result r;
  char err[128];
  out[0] = '\0';
  int rc = text_analyze(ctx, s, strlen(s), fake_has, NULL, &r, err, sizeof err);
  if (rc) {
    snprintf(out, cap, "ERROR %d %s", rc, err);
    return -2;
  }
  size_t o = 0;
  for (uint32_t w = 0; w < r.n_words; w++) {
    int k = snprintf(out + o, cap - o, "%s%s%s", o ? " " : "", r.words[w].text,
                     r.words[w].say == TEXT_SAY_LETTER ? "." : "");
    if (k < 0 || (size_t)k >= cap - o) break;
    o += (size_t)k;
  }
  for (uint32_t t = 0; t < r.n_tokens; t++)
    if (r.tokens[t].kind != TEXT_KIND_PUNCT) return r.tokens[t].kind;
  return r.n_tokens ? r.tokens[0].kind : -1;
}

static inline void run_cases(const text_case *cases, size_t n) {
  text_ctx *ctx;
  ck_assert_int_eq(text_ctx_create(&ctx, NULL), 0);
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char got[1024];
    int kind = spoken(ctx, cases[i].in, got, sizeof got);
    int ok = strcmp(got, cases[i].want) == 0 && (cases[i].kind < 0 || kind == cases[i].kind);
    if (!ok) {
      fprintf(stderr, "  \"%s\": got \"%s\" (%s), want \"%s\" (%s)\n", cases[i].in, got,
              kind >= 0 ? text_kind_name((unsigned)kind) : "-", cases[i].want,
              cases[i].kind >= 0 ? text_kind_name((unsigned)cases[i].kind) : "-");
      bad++;
    }
  }
  text_ctx_destroy(ctx);
  ck_assert_msg(bad == 0, "%d of %zu cases wrong", bad, n);
  ck_assert_uint_ge(n, 20);
}

#define RUN(cases) run_cases(cases, sizeof cases / sizeof cases[0])

/* A Check test t_NAME that runs the case table NAME. */
#define CASES_TEST(name)                                                       \
  START_TEST(t_##name) { RUN(name); }                                          \
  END_TEST

/* Runs a suite; the process's exit status. */
static inline int run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}

#endif
