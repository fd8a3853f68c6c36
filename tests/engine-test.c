/* engine-test -- the engine seam the daemon calls, over the build's lexicon
 * and without a model: normalisation, errors, sources and variants. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/engine.h"
#include "g2p/lexicon.h"

static char lex_path[4096];
static g2p_engine *eng;
static g2p_scratch *scr;

static void setup(void) {
  g2p_engine_config cfg = {lex_path, NULL, 1};
  char err[512];
  ck_assert_msg(g2p_engine_open(&eng, &cfg, err, sizeof err) == G2P_OK, "%s", err);
  ck_assert_int_eq(g2p_scratch_create(&scr, eng), G2P_OK);
}

static void teardown(void) {
  g2p_scratch_destroy(scr);
  g2p_engine_close(eng);
  scr = NULL;
  eng = NULL;
}

static int look(const char *w, size_t n, unsigned flags, g2p_word_result *r) {
  return g2p_engine_lookup(eng, scr, w, n, flags, 0, r);
}

#define PHONES_EQ(r, s)                                                        \
  ck_assert_msg((r).phones_len == strlen(s) && !memcmp((r).phones, s, strlen(s)), \
                "got '%.*s', want '%s'", (int)(r).phones_len,                  \
                (r).phones ? (r).phones : "", s)

START_TEST(dictionary_words) {
  g2p_word_result r;
  ck_assert_int_eq(look("aardvark", 8, 0, &r), G2P_OK);
  ck_assert_int_eq(r.source, G2P_SOURCE_DICT);
  ck_assert_int_eq(r.error, 0);
  PHONES_EQ(r, "AA1 R D V AA2 R K");
  ck_assert_str_eq(g2p_source_name(r.source), "dict");
  /* ASCII case folding */
  ck_assert_int_eq(look("AardVARK", 8, 0, &r), G2P_OK);
  PHONES_EQ(r, "AA1 R D V AA2 R K");
  ck_assert_int_eq(look("A.D.", 4, 0, &r), G2P_OK);
  PHONES_EQ(r, "EY2 D IY1");
  /* comment stripped */
  ck_assert_int_eq(look("Aalborg", 7, 0, &r), G2P_OK);
  PHONES_EQ(r, "AO1 L B AO0 R G");
  ck_assert_int_eq(r.n_variants, 1);
}
END_TEST

START_TEST(variants_flag) {
  g2p_word_result r;
  ck_assert_int_eq(look("aalborg", 7, G2P_FLAG_VARIANTS, &r), G2P_OK);
  ck_assert_int_eq(r.n_variants, 2);
  ck_assert(r.variant[0] == r.phones);
  ck_assert_int_eq(r.variant_len[1], strlen("AA1 L B AO0 R G"));
  ck_assert(!memcmp(r.variant[1], "AA1 L B AO0 R G", r.variant_len[1]));
  ck_assert_int_eq(look("aardvark", 8, G2P_FLAG_VARIANTS, &r), G2P_OK);
  ck_assert_int_eq(r.n_variants, 1);
}
END_TEST

START_TEST(bad_words) {
  g2p_word_result r;
  char big[G2P_WORD_MAX + 2];
  memset(big, 'a', sizeof big);
  ck_assert_int_eq(look("", 0, 0, &r), G2P_EEMPTY);
  ck_assert_int_eq(r.source, G2P_SOURCE_NONE);
  ck_assert_int_eq(r.error, G2P_EEMPTY);
  ck_assert_int_eq(look(big, G2P_WORD_MAX + 1, 0, &r), G2P_ETOOLONG);
  ck_assert_int_eq(look(big, G2P_WORD_MAX, 0, &r), G2P_ENOTFOUND);
  ck_assert_int_eq(look("\xff", 1, 0, &r), G2P_EUTF8);
  ck_assert_int_eq(look("ab\xc3", 3, 0, &r), G2P_EUTF8);        /* cut short */
  ck_assert_int_eq(look("\xc0\xaf", 2, 0, &r), G2P_EUTF8);      /* overlong */
  ck_assert_int_eq(look("\xed\xa0\x80", 3, 0, &r), G2P_EUTF8);  /* surrogate */
  ck_assert_int_eq(look("\xf4\x90\x80\x80", 4, 0, &r), G2P_EUTF8); /* > U+10FFFF */
  ck_assert_int_eq(look("caf\xc3\xa9", 5, 0, &r), G2P_ENOTFOUND);  /* valid */
  ck_assert_int_eq(r.error, G2P_ENOTFOUND);
  ck_assert(r.phones == NULL);
  ck_assert_int_eq(look("qqqzzzxj", 8, 0, &r), G2P_ENOTFOUND);
  /* no model: model-only answers nothing, even for dictionary words */
  ck_assert_int_eq(look("aardvark", 8, G2P_FLAG_MODEL_ONLY, &r), G2P_ENOTFOUND);
  ck_assert_int_eq(r.source, G2P_SOURCE_NONE);
  /* NUL inside a word is a byte like any other, not an end */
  ck_assert_int_eq(look("aardvark\0", 9, 0, &r), G2P_ENOTFOUND);
  /* beam out of range, foreign scratch, NULL result */
  ck_assert_int_eq(g2p_engine_lookup(eng, scr, "a", 1, 0, 17, &r), G2P_EINVAL);
  ck_assert_int_eq(g2p_engine_lookup(eng, scr, "a", 1, 0, 0, NULL), G2P_EINVAL);
  ck_assert_int_eq(g2p_engine_lookup(eng, NULL, "a", 1, 0, 0, &r), G2P_EINVAL);
  ck_assert_str_ne(g2p_strerror(G2P_EUTF8), g2p_strerror(G2P_ETOOLONG));
}
END_TEST

START_TEST(info_and_open_errors) {
  g2p_engine_info info;
  g2p_engine_get_info(eng, &info);
  lexicon *lx;
  char err[512];
  ck_assert_int_eq(lexicon_open(&lx, lex_path, err, sizeof err), LEX_OK);
  ck_assert_uint_eq(info.lexicon_words, lexicon_words(lx));
  ck_assert_uint_eq(info.lexicon_prons, lexicon_prons(lx));
  ck_assert_uint_gt(info.lexicon_prons, info.lexicon_words);
  lexicon_close(lx);
  ck_assert_int_eq(info.has_model, 0);
  ck_assert_str_eq(info.lexicon_path, lex_path);

  /* no dictionary and no model: valid, answers nothing */
  g2p_engine *e2;
  g2p_scratch *s2;
  g2p_engine_config none = {NULL, NULL, 0};
  ck_assert_int_eq(g2p_engine_open(&e2, &none, err, sizeof err), G2P_OK);
  ck_assert_int_eq(g2p_scratch_create(&s2, e2), G2P_OK);
  g2p_word_result r;
  ck_assert_int_eq(g2p_engine_lookup(e2, s2, "aardvark", 8, 0, 0, &r), G2P_ENOTFOUND);
  /* a scratch belongs to its engine */
  ck_assert_int_eq(g2p_engine_lookup(eng, s2, "aardvark", 8, 0, 0, &r), G2P_EINVAL);
  g2p_engine_get_info(e2, &info);
  ck_assert_uint_eq(info.lexicon_words, 0);
  g2p_scratch_destroy(s2);
  g2p_engine_close(e2);

  g2p_engine_config missing = {"/nonexistent/cmudict.lex", NULL, 1};
  err[0] = '\0';
  ck_assert_int_eq(g2p_engine_open(&e2, &missing, err, sizeof err), G2P_EIO);
  ck_assert(e2 == NULL);
  ck_assert_msg(strstr(err, "/nonexistent/cmudict.lex") != NULL, "%s", err);
  /* not a lexicon: the engine's own source file */
  char path[4096];
  snprintf(path, sizeof path, "%s/g2p/engine.h",
           getenv("top_srcdir") ? getenv("top_srcdir") : ".");
  g2p_engine_config wrong = {path, NULL, 1};
  ck_assert_int_eq(g2p_engine_open(&e2, &wrong, err, sizeof err), G2P_EFORMAT);
  /* a model that cannot be loaded is an error, not a silent no-model */
  g2p_engine_config badmodel = {lex_path, "/nonexistent/model.g2pm", 1};
  ck_assert_int_lt(g2p_engine_open(&e2, &badmodel, err, sizeof err), 0);
  ck_assert(e2 == NULL);
  g2p_engine_config badbeam = {lex_path, NULL, 99};
  ck_assert_int_eq(g2p_engine_open(&e2, &badbeam, err, sizeof err), G2P_EINVAL);
}
END_TEST

int main(void) {
  const char *b = getenv("top_builddir");
  snprintf(lex_path, sizeof lex_path, "%s/data/cmudict.lex", b ? b : ".");
  Suite *su = suite_create("engine");
  TCase *tc = tcase_create("no-model");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, dictionary_words);
  tcase_add_test(tc, variants_flag);
  tcase_add_test(tc, bad_words);
  tcase_add_test(tc, info_and_open_errors);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
