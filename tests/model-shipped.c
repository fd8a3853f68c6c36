/* model-shipped -- the model the project ships loads and talks sense.
 *
 * models/cmudict-bigru.g2pm (the trainer's "bigru-attn" network) must load
 * with every kernel table this CPU runs, name itself, and pronounce common
 * words as CMUdict does (at least MIN_RIGHT of 20; they are training
 * words). Its output must be well formed (real phonemes, a plausible
 * length), identical across kernel tables on nearly every word, and beam
 * search must work at every width. Skips (77) while the file is absent;
 * MODEL_SHIPPED=path checks another file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "kernels/kernels.h"

#define MIN_RIGHT 12 /* a broken decoder gets ~0; a trained model ~18+ */

static char path[4096];

static const struct {
  const char *word, *phones;
} common[] = {
    {"cat", "K AE1 T"},
    {"dog", "D AO1 G"},
    {"house", "HH AW1 S"},
    {"water", "W AO1 T ER0"},
    {"computer", "K AH0 M P Y UW1 T ER0"},
    {"table", "T EY1 B AH0 L"},
    {"green", "G R IY1 N"},
    {"happy", "HH AE1 P IY0"},
    {"music", "M Y UW1 Z IH0 K"},
    {"paper", "P EY1 P ER0"},
    {"window", "W IH1 N D OW0"},
    {"garden", "G AA1 R D AH0 N"},
    {"yellow", "Y EH1 L OW0"},
    {"number", "N AH1 M B ER0"},
    {"people", "P IY1 P AH0 L"},
    {"simple", "S IH1 M P AH0 L"},
    {"little", "L IH1 T AH0 L"},
    {"mother", "M AH1 DH ER0"},
    {"station", "S T EY1 SH AH0 N"},
    {"running", "R AH1 N IH0 NG"},
};
#define N_COMMON (sizeof common / sizeof common[0])

/* Made-up and unusual words: no reference, only well-formedness. */
static const char *const odd[] = {
    "rnninferd", "zyzzyva", "qwrtypsdfg", "o'brien", "naïve", "x",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "supercalifragilistic",
    "hello-world", "x86", "ŋ", "schwarzenegger", "blorptastic"};
#define N_ODD (sizeof odd / sizeof odd[0])

static void *scratch_for(const g2p_model *m) {
  size_t n = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (n + 63) / 64 * 64);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* Every symbol of out is a phoneme past the specials; returns the count. */
static int well_formed(const g2p_model *m, const char *out, int n) {
  int count = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && out[j] != ' ')
      j++;
    int id = g2p_model_phoneme_id(m, out + i, (size_t)(j - i));
    ck_assert_msg(id >= 4, "'%.*s' holds '%.*s', not a phoneme", n, out,
                  j - i, out + i);
    count++;
    i = j + 1;
  }
  return count;
}

START_TEST(loads_and_pronounces) {
  g2p_model *m;
  char err[512];
  int rc = g2p_model_open_ex(&m, path, "scalar", err, sizeof err);
  ck_assert_msg(rc == 0, "%s", err);
  ck_assert_str_eq(g2p_model_arch(m), "bigru-attn");
  ck_assert_int_gt((int)strlen(g2p_model_name(m)), 0);
  void *s = scratch_for(m);
  char out[G2P_TEXT_MAX];
  int right = 0;
  for (size_t i = 0; i < N_COMMON; i++) {
    int n = g2p_model_predict(m, s, common[i].word, strlen(common[i].word), 1,
                              out, sizeof out);
    ck_assert_int_gt(n, 0);
    well_formed(m, out, n);
    if ((size_t)n == strlen(common[i].phones) &&
        memcmp(out, common[i].phones, (size_t)n) == 0)
      right++;
    else
      printf("model-shipped: %s -> %.*s (CMUdict %s)\n", common[i].word, n,
             out, common[i].phones);
  }
  printf("model-shipped: %s: %d of %zu common words as CMUdict\n",
         g2p_model_name(m), right, N_COMMON);
  ck_assert_int_ge(right, MIN_RIGHT);
  for (size_t i = 0; i < N_ODD; i++) {
    size_t len = strlen(odd[i]);
    for (int b = 1; b <= G2P_BEAM_MAX; b *= 2) {
      int n = g2p_model_predict(m, s, odd[i], len, b, out, sizeof out);
      ck_assert_int_ge(n, 0);
      int k = well_formed(m, out, n);
      ck_assert_int_le(k, g2p_model_max_len(m));
    }
  }
  free(s);
  g2p_model_close(m);
}
END_TEST

START_TEST(kernels_agree) {
  static const char *const names[] = {"avx2", "avx512"};
  g2p_model *ref;
  char err[512];
  ck_assert_int_eq(g2p_model_open_ex(&ref, path, "scalar", err, sizeof err),
                   0);
  void *rs = scratch_for(ref);
  for (size_t k = 0; k < 2; k++) {
    if (!kern_cpu_supports(names[k]))
      continue;
    g2p_model *m;
    int rc = g2p_model_open_ex(&m, path, names[k], err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    void *s = scratch_for(m);
    int same = 0, total = 0;
    char a[G2P_TEXT_MAX], b[G2P_TEXT_MAX];
    for (size_t i = 0; i < N_COMMON + N_ODD; i++) {
      const char *w = i < N_COMMON ? common[i].word : odd[i - N_COMMON];
      int na = g2p_model_predict(ref, rs, w, strlen(w), 1, a, sizeof a);
      int nb = g2p_model_predict(m, s, w, strlen(w), 1, b, sizeof b);
      total++;
      if (na == nb && memcmp(a, b, (size_t)na) == 0)
        same++;
      else
        printf("model-shipped: %s: scalar '%.*s', %s '%.*s'\n", w, na, a,
               names[k], nb, b);
    }
    printf("model-shipped: %s agrees with scalar on %d of %d words\n",
           names[k], same, total);
    ck_assert_int_ge(same, total - 1); /* one near tie at most */
    free(s);
    g2p_model_close(m);
  }
  free(rs);
  g2p_model_close(ref);
}
END_TEST

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep the forked tests' lines */
  const char *override = getenv("MODEL_SHIPPED");
  const char *top = getenv("top_srcdir");
  if (override)
    snprintf(path, sizeof path, "%s", override);
  else
    snprintf(path, sizeof path, "%s/models/cmudict-bigru.g2pm",
             top ? top : ".");
  if (access(path, R_OK) != 0) {
    printf("model-shipped: %s absent, skipping\n", path);
    return 77;
  }
  Suite *su = suite_create("model-shipped");
  TCase *tc = tcase_create("shipped");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, loads_and_pronounces);
  tcase_add_test(tc, kernels_agree);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
