/* model-int8-shipped -- every shipped int8 model gives the same answers on
 * every int8 kernel table this CPU runs.
 *
 * For models/en-us-h384-int4.g2pm (the default; its recurrent matrices
 * 4-bit), en-us-h384-int8.g2pm, en-us-h256-int8.g2pm,
 * en-us-r2l-h256-int8.g2pm (the right-to-left rescorer),
 * cmudict-bigru-int8.g2pm, cmudict-bigru-h256-int8.g2pm and
 * cmudict-r2l-h256-int8.g2pm (the benchmark checkpoint's rescorer):
 * (1) each of the model's packed int8 (or 4-bit) weight matrices, multiplied by
 * bounded random vectors (and batches), gives bit-identical results from
 * scalar-int8, avx2-int8, avx512-int8 and amx-int8 (all read the same
 * layout); (2) avx2-int8, avx512-int8 and amx-int8 give bit-identical
 * logits on every decoding step of the test words (their fp32 halves are
 * bit-identical too), and (3) scalar-int8 gives the same phonemes, greedy
 * and beam 4, as all of them.
 * Words: the first lines of ../shared/data/cmudict-split/g014b2b.test when
 * present, else a built-in list. Skips (77) when no int8 model is shipped.
 * Plain C (no Check): one process, quick under sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/decode.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_impl.h"
#include "kernels/kernels.h"

#define N_WORDS 120
#define N_SCALAR 40 /* words checked against scalar-int8 (slow) */

static char words[N_WORDS][64];
static int n_words;
static int failures;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      printf("FAIL: " __VA_ARGS__);                                            \
      printf("\n");                                                            \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void load_words(const char *top) {
  static const char *const builtin[] = {
      "kubernetes", "rnninferd", "zyzzyva", "schwarzenegger", "aardvark",
      "naïve",      "o'brien",   "x86",     "blorptastic",    "hello",
      "a",          "pneumonoultramicroscopic"};
  char p[4096];
  snprintf(p, sizeof p, "%s/../shared/data/cmudict-split/g014b2b.test", top);
  FILE *f = fopen(p, "r");
  char line[512];
  while (f && n_words < N_WORDS && fgets(line, sizeof line, f)) {
    size_t n = strcspn(line, "\t \r\n");
    if (n == 0 || n >= sizeof words[0])
      continue;
    for (size_t i = 0; i < n; i++)
      words[n_words][i] = (char)(line[i] >= 'A' && line[i] <= 'Z'
                                     ? line[i] - 'A' + 'a' : line[i]);
    words[n_words][n] = 0;
    n_words++;
  }
  if (f)
    fclose(f);
  for (size_t i = 0; n_words < N_WORDS && i < sizeof builtin / sizeof *builtin;
       i++)
    snprintf(words[n_words++], sizeof words[0], "%s", builtin[i]);
}

static uint32_t rng = 99;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return ((float)(rng >> 8) / 16777216.0f - 0.5f) * 2.0f;
}

/* (1) one packed matrix, every int8 table against scalar-int8. */
static void matrix_check(const char *what, const float *W, int rows, int cols,
                         int q4, const kern_ops *const *t, int nt) {
  enum { NB = 5 };
  float *X = aligned_alloc(64, ((size_t)NB * cols * 4 + 63) / 64 * 64);
  float *Y0 = aligned_alloc(64, ((size_t)NB * rows * 4 + 63) / 64 * 64);
  float *Y = aligned_alloc(64, ((size_t)NB * rows * 4 + 63) / 64 * 64);
  for (size_t i = 0; i < (size_t)NB * cols; i++)
    X[i] = frand();
  for (int v = 0; v < NB; v++)
    (q4 ? kern_ops_scalar_int8()->matvec_q4 : kern_ops_scalar_int8()->matvec)(
        W, NULL, X + (size_t)v * cols, Y0 + (size_t)v * rows, rows, cols);
  for (int i = 0; i < nt; i++) {
    (q4 ? t[i]->matmat_q4 : t[i]->matmat)(W, NULL, X, Y, rows, cols, NB);
    CHECK(memcmp(Y, Y0, (size_t)NB * rows * 4) == 0,
          "%s: %s matmat differs from scalar-int8", what, t[i]->name);
    (q4 ? t[i]->matvec_q4 : t[i]->matvec)(W, NULL, X, Y, rows, cols);
    CHECK(memcmp(Y, Y0, (size_t)rows * 4) == 0,
          "%s: %s matvec differs from scalar-int8", what, t[i]->name);
  }
  free(X), free(Y0), free(Y);
}

#define NT 4 /* int8 tables: scalar, avx2, avx512, amx */

static void check_model(const char *path) {
  const char *names[NT] = {"scalar-int8", "avx2-int8", "avx512-int8",
                           "amx-int8"};
  g2p_model *m[NT] = {0};
  const kern_ops *simd[NT - 1];
  int nsimd = 0;
  for (int i = 0; i < NT; i++) {
    if (!kern_cpu_supports(names[i])) {
      printf("model-int8-shipped: CPU lacks %s, not checked\n", names[i]);
      continue;
    }
    char err[512];
    if (g2p_model_open_ex(&m[i], path, names[i], err, sizeof err)) {
      CHECK(0, "%s does not load with %s: %s", path, names[i], err);
      m[i] = NULL;
      continue;
    }
    CHECK(g2p_model_weights_int8(m[i]), "%s is not an int8 file", path);
    if (i > 0)
      simd[nsimd++] = m[i]->kw;
  }
  if (!m[0])
    return;
  const g2p_model *r = m[0];
  matrix_check("dec_w_hh", r->dec.whh, 3 * r->D, r->D, r->dec.q4, simd, nsimd);
  matrix_check("enc_w_hh", r->enc.whh, 3 * r->H, r->H, r->enc.q4, simd, nsimd);
  matrix_check("fc_w", r->fc_w, r->P, r->D, 0, simd, nsimd);
  if (r->comb_wh) {
    matrix_check("encb_w_hh", r->encb.whh, 3 * r->H, r->H, r->encb.q4, simd,
                 nsimd);
    matrix_check("init_w", r->init_w, r->D, 2 * r->H, 0, simd, nsimd);
    matrix_check("att_w", r->att_w, r->D, 2 * r->H, 0, simd, nsimd);
    matrix_check("comb_w (h columns)", r->comb_wh, r->D, r->D, 0, simd, nsimd);
    matrix_check("comb_w (context columns)", r->comb_wc, r->D, 2 * r->H, 0,
                 simd, nsimd);
  }

  int P = g2p_model_num_phonemes(r), ML = g2p_model_max_len(r);
  void *s[NT];
  for (int i = 0; i < NT; i++) {
    size_t n = m[i] ? g2p_model_scratch_bytes(m[i]) : 64;
    s[i] = aligned_alloc(64, (n + 63) / 64 * 64);
  }
  float *L[NT];
  for (int i = 0; i < NT; i++)
    L[i] = malloc((size_t)ML * P * sizeof(float));
  int same_logits = 0, same_text = 0, checked_text = 0;
  for (int w = 0; w < n_words; w++) {
    size_t len = strlen(words[w]);
    char out[NT][G2P_TEXT_MAX];
    int n[NT] = {-1, -1, -1, -1};
    for (int beam = 1; beam <= 4; beam += 3) {
      for (int i = 0; i < NT; i++)
        if (m[i] && (i > 0 || w < N_SCALAR))
          n[i] = g2p_model_predict(m[i], s[i], words[w], len, beam, out[i],
                                   sizeof out[i]);
      for (int i = 1; i < NT; i++) {
        if (!m[i])
          continue;
        if (w < N_SCALAR) {
          checked_text++;
          int ok = n[i] == n[0] && n[0] >= 0 &&
                   memcmp(out[i], out[0], (size_t)n[0]) == 0;
          same_text += ok;
          CHECK(ok, "%s '%s' beam %d: %s '%.*s', scalar-int8 '%.*s'", path,
                words[w], beam, names[i], n[i] > 0 ? n[i] : 0, out[i],
                n[0] > 0 ? n[0] : 0, out[0]);
        }
      }
    }
    /* (2) logits along the avx2-int8 greedy path, step by step */
    if (m[1] && m[2]) {
      int prev[64];
      int np = 0;
      int k = g2p_model_predict(m[1], s[1], words[w], len, 1, out[1],
                                sizeof out[1] - 1);
      CHECK(k >= 0, "%s '%s': avx2-int8 predict failed (%d)", path, words[w],
            k);
      if (k < 0)
        continue;
      out[1][k] = '\0';
      for (int c = 0; c < k && np < ML - 1; c++)
        if (c == 0 || out[1][c - 1] == ' ') {
          size_t e = strcspn(out[1] + c, " ");
          prev[np++] = g2p_model_phoneme_id(m[1], out[1] + c, e);
        }
      prev[np++] = 3; /* </s> */
      int steps = np;
      int r1 = g2p_model_forced(m[1], s[1], words[w], len, prev, steps, L[1],
                                NULL);
      int r2 = g2p_model_forced(m[2], s[2], words[w], len, prev, steps, L[2],
                                NULL);
      CHECK(r1 == 0 && r2 == 0, "%s '%s': forced decoding failed (%d, %d)",
            path, words[w], r1, r2);
      int ok = r1 == 0 && r2 == 0 && memcmp(L[1], L[2], (size_t)steps * P * sizeof(float)) == 0;
      same_logits += ok;
      CHECK(ok, "%s '%s': avx2-int8 and avx512-int8 logits differ", path,
            words[w]);
      if (m[3]) { /* amx-int8: the avx512-int8 matvec, an AMX matmat */
        int r3 = g2p_model_forced(m[3], s[3], words[w], len, prev, steps, L[3],
                                  NULL);
        CHECK(r3 == 0 && r2 == 0 &&
                  memcmp(L[3], L[2], (size_t)steps * P * sizeof(float)) == 0,
              "%s '%s': amx-int8 and avx512-int8 logits differ", path,
              words[w]);
      }
    }
  }
  printf("model-int8-shipped: %s: %d/%d phoneme strings equal to "
         "scalar-int8's; avx2-int8 == avx512-int8 logits on %d/%d words\n",
         path, same_text, checked_text, same_logits, n_words);
  for (int i = 0; i < NT; i++) {
    free(s[i]);
    free(L[i]);
    g2p_model_close(m[i]);
  }
}

int main(void) {
  const char *top = getenv("top_srcdir");
  if (!top)
    top = ".";
  load_words(top);
  const char *models[] = {"en-us-h384-int4.g2pm", "en-us-h384-int8.g2pm",
                          "en-us-h256-int8.g2pm",
                          "en-us-r2l-h256-int8.g2pm", "cmudict-bigru-int8.g2pm",
                          "cmudict-bigru-h256-int8.g2pm", "cmudict-r2l-h256-int8.g2pm"};
  int found = 0;
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/models/%s", top, models[i]);
    FILE *f = fopen(p, "rb");
    if (!f) {
      printf("model-int8-shipped: %s absent\n", p);
      continue;
    }
    fclose(f);
    found++;
    check_model(p);
  }
  if (!found)
    return 77;
  return failures ? 1 : 0;
}
