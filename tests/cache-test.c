/* cache-test -- the engine's result cache of network answers.
 *
 * With the shipped H=256 int8 model: a repeated word is a hit with the
 * network's own answer and source "model"; the beam width is part of the
 * key; a dictionary-only twin (cache_of) answers cached words and nothing
 * else; G2P_FLAG_CACHE_CHECKED stores without looking; a new engine (what
 * a reload opens) starts empty; a tiny cache evicts and still answers
 * right; entries 0 means no cache; a size past the limit is refused. Skips
 * (77) without the model file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/engine.h"

static char model[4096];

static g2p_engine *open_engine(const char *m, size_t entries,
                               const g2p_engine *of) {
  g2p_engine_config cfg = {.model_path = m, .beam_width = 1, .cache_entries = entries,
                           .cache_of = of};
  g2p_engine *e;
  char err[512];
  ck_assert_msg(g2p_engine_open(&e, &cfg, err, sizeof err) == G2P_OK, "%s",
                err);
  return e;
}

static g2p_cache_stats stats(const g2p_engine *e) {
  g2p_cache_stats st;
  g2p_engine_cache_stats(e, &st);
  return st;
}

/* Looks a word up and copies the answer out (it lives in the scratch). */
static int ask(g2p_engine *e, g2p_scratch *s, const char *w, int beam,
               unsigned flags, char *out, enum g2p_source *src) {
  g2p_word_result r;
  int rc = g2p_engine_lookup(e, s, w, strlen(w), flags, beam, &r);
  if (rc == G2P_OK) {
    memcpy(out, r.phones, r.phones_len);
    out[r.phones_len] = 0;
    *src = r.source;
  }
  return rc;
}

START_TEST(hits_misses_and_keys) {
  g2p_engine *e = open_engine(model, 64, NULL);
  g2p_engine *plain = open_engine(model, 0, NULL);
  g2p_scratch *s, *ps;
  ck_assert_int_eq(g2p_scratch_create(&s, e), G2P_OK);
  ck_assert_int_eq(g2p_scratch_create(&ps, plain), G2P_OK);
  ck_assert_uint_eq(stats(plain).entries, 0);
  g2p_cache_stats st = stats(e);
  ck_assert_uint_eq(st.entries, 64);
  ck_assert_uint_eq(st.hits + st.misses + st.inserts, 0);

  char a[300], b[300], ref[300];
  enum g2p_source src;
  ck_assert_int_eq(ask(plain, ps, "kubernetes", 1, 0, ref, &src), G2P_OK);
  ck_assert_int_eq(ask(e, s, "kubernetes", 1, 0, a, &src), G2P_OK);
  st = stats(e);
  ck_assert_uint_eq(st.misses, 1);
  ck_assert_uint_eq(st.inserts, 1);
  ck_assert_uint_eq(st.hits, 0);
  ck_assert_int_eq(ask(e, s, "KUBERNETES", 1, 0, b, &src), G2P_OK);
  st = stats(e);
  ck_assert_uint_eq(st.hits, 1); /* normalised: same key */
  ck_assert_int_eq(src, G2P_SOURCE_MODEL);
  ck_assert_str_eq(a, ref);
  ck_assert_str_eq(b, ref);

  /* beam 4 is another key: a miss, then its own hit */
  char b4[300], b4ref[300];
  ck_assert_int_eq(ask(plain, ps, "kubernetes", 4, 0, b4ref, &src), G2P_OK);
  ck_assert_int_eq(ask(e, s, "kubernetes", 4, 0, b4, &src), G2P_OK);
  st = stats(e);
  ck_assert_uint_eq(st.misses, 2);
  ck_assert_uint_eq(st.inserts, 2);
  ck_assert_int_eq(ask(e, s, "kubernetes", 4, 0, b4, &src), G2P_OK);
  ck_assert_uint_eq(stats(e).hits, 2);
  ck_assert_str_eq(b4, b4ref);

  /* CACHE_CHECKED: stores, does not look */
  ck_assert_int_eq(ask(e, s, "kubernetes", 1, G2P_FLAG_CACHE_CHECKED, a, &src),
                   G2P_OK);
  st = stats(e);
  ck_assert_uint_eq(st.hits, 2);
  ck_assert_uint_eq(st.misses, 2);
  ck_assert_uint_eq(st.inserts, 3);

  /* the dictionary-only twin answers cached words only */
  g2p_engine *twin = open_engine(NULL, 0, e);
  g2p_scratch *ts;
  ck_assert_int_eq(g2p_scratch_create(&ts, twin), G2P_OK);
  ck_assert_int_eq(ask(twin, ts, "kubernetes", 1, 0, a, &src), G2P_OK);
  ck_assert_int_eq(src, G2P_SOURCE_MODEL);
  ck_assert_str_eq(a, ref);
  ck_assert_int_eq(ask(twin, ts, "zyzzogeton", 1, 0, a, &src), G2P_ENOTFOUND);
  ck_assert_uint_eq(stats(e).hits, 3);
  ck_assert_uint_eq(stats(twin).misses, 3);

  /* a new engine (a reload) starts empty */
  g2p_engine *fresh = open_engine(model, 64, NULL);
  g2p_scratch *fs;
  ck_assert_int_eq(g2p_scratch_create(&fs, fresh), G2P_OK);
  ck_assert_uint_eq(stats(fresh).inserts, 0);
  ck_assert_int_eq(ask(fresh, fs, "kubernetes", 1, 0, a, &src), G2P_OK);
  ck_assert_uint_eq(stats(fresh).hits, 0);
  ck_assert_uint_eq(stats(fresh).misses, 1);

  g2p_scratch_destroy(fs);
  g2p_engine_close(fresh);
  g2p_scratch_destroy(ts);
  g2p_engine_close(twin);
  g2p_scratch_destroy(s);
  g2p_scratch_destroy(ps);
  g2p_engine_close(e);
  g2p_engine_close(plain);
}
END_TEST

/* A 4-entry cache (one set) under 40 words, twice: evictions, answers
 * always the network's; batched lookups hit too. */
START_TEST(eviction_and_batches) {
  g2p_engine *e = open_engine(model, 3, NULL);
  g2p_engine *plain = open_engine(model, 0, NULL);
  g2p_scratch *s, *ps;
  ck_assert_int_eq(g2p_scratch_create(&s, e), G2P_OK);
  ck_assert_int_eq(g2p_scratch_create(&ps, plain), G2P_OK);
  ck_assert_uint_eq(stats(e).entries, 4);
  char w[40][16], a[300], ref[300];
  enum g2p_source src;
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 40; i++) {
      snprintf(w[i], sizeof w[i], "qx%cz%c", 'a' + i % 26, 'a' + i / 26);
      ck_assert_int_eq(ask(e, s, w[i], 1, 0, a, &src), G2P_OK);
      ck_assert_int_eq(ask(plain, ps, w[i], 1, 0, ref, &src), G2P_OK);
      ck_assert_str_eq(a, ref);
    }
  g2p_cache_stats st = stats(e);
  ck_assert_uint_eq(st.hits + st.misses, 80);
  ck_assert_uint_eq(st.inserts, st.misses);
  /* batch: the last 4 words are cached; ask them with 4 new ones */
  const char *bw[8];
  size_t bl[8];
  for (int i = 0; i < 8; i++) {
    bw[i] = i < 4 ? w[36 + i] : w[i];
    bl[i] = strlen(bw[i]);
  }
  g2p_word_result br[8];
  uint64_t hits0 = stats(e).hits;
  ck_assert_int_eq(g2p_engine_lookup_batch(e, s, bw, bl, 8, 0, 1, br), G2P_OK);
  ck_assert_uint_eq(stats(e).hits - hits0, 4);
  for (int i = 0; i < 8; i++) {
    ck_assert_int_eq(br[i].error, G2P_OK);
    ck_assert_int_eq(ask(plain, ps, bw[i], 1, 0, ref, &src), G2P_OK);
    ck_assert_int_eq((int)br[i].phones_len, (int)strlen(ref));
    ck_assert(memcmp(br[i].phones, ref, br[i].phones_len) == 0);
  }
  g2p_scratch_destroy(s);
  g2p_scratch_destroy(ps);
  g2p_engine_close(e);
  g2p_engine_close(plain);
}
END_TEST

START_TEST(sizes) {
  g2p_engine_config cfg = {.model_path = model, .beam_width = 1,
                           .cache_entries = (size_t)1 << 30};
  g2p_engine *e;
  char err[256];
  ck_assert_int_eq(g2p_engine_open(&e, &cfg, err, sizeof err), G2P_EINVAL);
  ck_assert_msg(strstr(err, "too large"), "%s", err);
  e = open_engine(model, 5, NULL);
  ck_assert_uint_eq(stats(e).entries, 8);
  g2p_engine_close(e);
}
END_TEST

int main(void) {
  const char *top = getenv("top_srcdir");
  snprintf(model, sizeof model, "%s/models/cmudict-bigru-h256-int8.g2pm",
           top ? top : ".");
  FILE *f = fopen(model, "rb");
  if (!f) {
    printf("SKIP: %s absent\n", model);
    return 77;
  }
  fclose(f);
  Suite *su = suite_create("cache");
  TCase *tc = tcase_create("cache");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, hits_misses_and_keys);
  tcase_add_test(tc, eviction_and_batches);
  tcase_add_test(tc, sizes);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
