/* kernels-test.c -- every optimised kernel table against the scalar
 * reference, the activation error bounds, and kern_select's behaviour.
 *
 * Shapes include rows and columns that are not multiples of the vector
 * width or the panel height, so tails and padding are exercised. Matrix
 * products are held to a rounding bound that follows from the arithmetic
 * (see matvec_tol), the AVX2 and AVX-512 tables to each other bit for bit
 * (they sum every row in the same order with FMA), and the activations to
 * KERN_TANH_MAX_ABS_ERR / KERN_SIGMOID_MAX_ABS_ERR over a dense sweep of
 * floats. Tables this CPU cannot run are skipped, not failed. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "tests/kernels-util.h"

static const char *const opt_names[] = {"avx2", "avx512"};
#define N_OPT ((int)(sizeof opt_names / sizeof opt_names[0]))

/* Both the reference and the FMA kernel sum cols products in order; each
 * result is within cols * u * sum|w x| of the exact dot product (u = eps/2),
 * plus one rounding for the bias. Their difference is within twice that. */
static float matvec_tol(const float *W, const float *b, const float *x, int r,
                        int cols) {
  double s = 0;
  for (int c = 0; c < cols; c++)
    s += fabs((double)W[(size_t)r * cols + c] * x[c]);
  if (b)
    s += fabs(b[r]);
  return (float)((cols + 2) * (double)FLT_EPSILON * s) + FLT_MIN;
}

static const int shape_rows[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33,
                                 63, 64, 65, 74, 127, 128, 129, 200, 768};
static const int shape_cols[] = {1, 2, 5, 8, 17, 64, 255, 256, 300};
#define NS(a) ((int)(sizeof a / sizeof a[0]))

START_TEST(matvec_matches_scalar) {
  const kern_ops *ops = kt_table(opt_names[_i], 0);
  if (!ops)
    return;
  const kern_ops *ref = kern_ops_scalar();
  for (int ri = 0; ri < NS(shape_rows); ri++)
    for (int ci = 0; ci < NS(shape_cols); ci++)
      for (int with_b = 0; with_b < 2; with_b++) {
        int rows = shape_rows[ri], cols = shape_cols[ci];
        float *W = kt_rand_vec((size_t)rows * cols, -1, 1);
        float *x = kt_rand_vec((size_t)cols, -1, 1);
        float *b = with_b ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
        float *Wr = kt_pack(ref, W, rows, cols), *Wo = kt_pack(ops, W, rows, cols);
        float *yr = kt_xalloc((size_t)rows * sizeof(float));
        float *yo = kt_xalloc(((size_t)rows + 32) * sizeof(float));
        for (int i = 0; i < rows + 32; i++)
          yo[i] = 12345.0f;
        ref->matvec(Wr, b, x, yr, rows, cols);
        ops->matvec(Wo, b, x, yo, rows, cols);
        for (int r = 0; r < rows; r++) {
          float tol = matvec_tol(W, b, x, r, cols);
          ck_assert_msg(fabsf(yr[r] - yo[r]) <= tol,
                        "%s matvec %dx%d b=%d row %d: %.9g vs ref %.9g (tol %g)",
                        ops->name, rows, cols, with_b, r, yo[r], yr[r], tol);
        }
        for (int i = rows; i < rows + 32; i++)
          ck_assert_msg(yo[i] == 12345.0f, "%s matvec %dx%d wrote past y",
                        ops->name, rows, cols);
        free(W), free(x), free(b), free(Wr), free(Wo), free(yr), free(yo);
      }
}
END_TEST

START_TEST(matmat_equals_matvec) {
  const kern_ops *ops = _i < N_OPT ? kt_table(opt_names[_i], 0) : kern_ops_scalar();
  if (!ops)
    return;
  static const int nbs[] = {1, 2, 3, 4, 5, 7, 8, 9, 16};
  static const int rws[] = {1, 9, 17, 74, 129, 768};
  static const int cls[] = {1, 7, 33, 256};
  for (int ni = 0; ni < NS(nbs); ni++)
    for (int ri = 0; ri < NS(rws); ri++)
      for (int ci = 0; ci < NS(cls); ci++) {
        int nb = nbs[ni], rows = rws[ri], cols = cls[ci];
        float *W = kt_rand_vec((size_t)rows * cols, -1, 1);
        float *b = kt_rand_vec((size_t)rows, -1, 1);
        float *X = kt_rand_vec((size_t)nb * cols, -1, 1);
        float *Wo = kt_pack(ops, W, rows, cols);
        float *Y = kt_xalloc(((size_t)nb * rows + 32) * sizeof(float));
        float *y = kt_xalloc((size_t)rows * sizeof(float));
        for (size_t i = 0; i < (size_t)nb * rows + 32; i++)
          Y[i] = 12345.0f;
        ops->matmat(Wo, b, X, Y, rows, cols, nb);
        for (int j = 0; j < nb; j++) {
          ops->matvec(Wo, b, X + (size_t)j * cols, y, rows, cols);
          ck_assert_msg(memcmp(y, Y + (size_t)j * rows,
                               (size_t)rows * sizeof(float)) == 0,
                        "%s matmat %dx%d nb=%d vector %d differs from matvec",
                        ops->name, rows, cols, nb, j);
        }
        for (int i = 0; i < 32; i++)
          ck_assert_msg(Y[(size_t)nb * rows + i] == 12345.0f,
                        "%s matmat wrote past Y", ops->name);
        free(W), free(b), free(X), free(Wo), free(Y), free(y);
      }
}
END_TEST

/* The two SIMD tables sum each row identically: results must be equal. */
START_TEST(avx2_avx512_bit_identical) {
  if (!kern_cpu_supports("avx2") || !kern_cpu_supports("avx512")) {
    printf("skip: CPU lacks avx2 or avx512\n");
    return;
  }
  const kern_ops *a = kern_ops_avx2(), *z = kern_ops_avx512();
  int H = 256;
  for (int rows = 1; rows <= 800; rows += 37) {
    float *W = kt_rand_vec((size_t)rows * H, -1, 1);
    float *b = kt_rand_vec((size_t)rows, -1, 1);
    float *x = kt_rand_vec((size_t)H, -1, 1);
    float *Wa = kt_pack(a, W, rows, H), *Wz = kt_pack(z, W, rows, H);
    float *ya = kt_xalloc((size_t)rows * 4), *yz = kt_xalloc((size_t)rows * 4);
    a->matvec(Wa, b, x, ya, rows, H);
    z->matvec(Wz, b, x, yz, rows, H);
    ck_assert(memcmp(ya, yz, (size_t)rows * 4) == 0);
    a->tanh_inplace(ya, rows);
    z->tanh_inplace(yz, rows);
    ck_assert(memcmp(ya, yz, (size_t)rows * 4) == 0);
    a->sigmoid_inplace(ya, rows);
    z->sigmoid_inplace(yz, rows);
    ck_assert(memcmp(ya, yz, (size_t)rows * 4) == 0);
    free(W), free(b), free(x), free(Wa), free(Wz), free(ya), free(yz);
  }
}
END_TEST

START_TEST(gru_step_matches_scalar) {
  const kern_ops *ops = kt_table(opt_names[_i], 0);
  if (!ops)
    return;
  const kern_ops *ref = kern_ops_scalar();
  static const int Hs[] = {1, 2, 5, 8, 13, 16, 17, 33, 64, 100, 256};
  for (int hi = 0; hi < NS(Hs); hi++) {
    int H = Hs[hi];
    /* Weights of the size a trained GRU has (|w| ~ 1/sqrt(H) .. a few). */
    float scale = 3.0f / sqrtf((float)H);
    float *W = kt_rand_vec((size_t)3 * H * H, -scale, scale);
    float *bhh = kt_rand_vec((size_t)3 * H, -1, 1);
    float *gi = kt_rand_vec((size_t)3 * H, -3, 3);
    float *h0 = kt_rand_vec((size_t)H, -1, 1);
    float *Wr = kt_pack(ref, W, 3 * H, H), *Wo = kt_pack(ops, W, 3 * H, H);
    float *hr = kt_xalloc((size_t)H * 4), *ho = kt_xalloc((size_t)H * 4),
          *hg = kt_xalloc((size_t)H * 4);
    float *tr = kt_xalloc((size_t)3 * H * 4), *to = kt_xalloc((size_t)3 * H * 4);
    memcpy(hr, h0, (size_t)H * 4);
    memcpy(ho, h0, (size_t)H * 4);
    memcpy(hg, h0, (size_t)H * 4);
    /* Several steps, so state errors would compound. */
    for (int step = 0; step < 8; step++) {
      ref->gru_step(Wr, bhh, gi, hr, tr, H);
      ops->gru_step(Wo, bhh, gi, ho, to, H);
      ops->matvec(Wo, bhh, hg, to, 3 * H, H);
      ops->gru_gates(to, gi, hg, H);
      ck_assert_msg(memcmp(ho, hg, (size_t)H * 4) == 0,
                    "%s gru_step != matvec + gru_gates", ops->name);
      for (int j = 0; j < H; j++)
        ck_assert_msg(fabsf(hr[j] - ho[j]) <= 2e-5f,
                      "%s gru_step H=%d step %d unit %d: %.9g vs ref %.9g",
                      ops->name, H, step, j, ho[j], hr[j]);
    }
    free(W), free(bhh), free(gi), free(h0), free(Wr), free(Wo);
    free(hr), free(ho), free(hg), free(tr), free(to);
  }
}
END_TEST

/* The encoders skip the first step's mat-vec (decode_common.h): from h = 0
 * a step must equal gru_gates with b_hh as the recurrent projection, bit
 * for bit, in every table, whatever the weights' signs. */
START_TEST(gru_step_from_zero_is_gates_of_bias) {
  const kern_ops *ops = _i < N_OPT ? kt_table(opt_names[_i], 0) : kern_ops_scalar();
  if (!ops)
    return;
  static const int Hs[] = {1, 5, 16, 17, 100, 256, 384};
  for (int hi = 0; hi < NS(Hs); hi++) {
    int H = Hs[hi];
    float *W = kt_rand_vec((size_t)3 * H * H, -2, 2);
    float *bhh = kt_rand_vec((size_t)3 * H, -1, 1);
    float *gi = kt_rand_vec((size_t)3 * H, -3, 3);
    float *h = kt_xalloc((size_t)H * 4), *h2 = kt_xalloc((size_t)H * 4);
    float *tmp = kt_xalloc((size_t)3 * H * 4);
    memset(h, 0, (size_t)H * 4);
    memset(h2, 0, (size_t)H * 4);
    float *Wp = kt_pack(ops, W, 3 * H, H);
    ops->gru_step(Wp, bhh, gi, h, tmp, H);
    ops->gru_gates(bhh, gi, h2, H);
    ck_assert_msg(memcmp(h, h2, (size_t)H * 4) == 0, "%s H=%d", ops->name, H);
    free(W), free(bhh), free(gi), free(h), free(h2), free(tmp), free(Wp);
  }
}
END_TEST

/* Error of one batch of inputs against libm, folded into *max_err. */
static void act_check(const kern_ops *ops, int which, const float *in,
                      float *buf, int n, double *max_err, float *at) {
  memcpy(buf, in, (size_t)n * 4);
  if (which == 0)
    ops->tanh_inplace(buf, n);
  else
    ops->sigmoid_inplace(buf, n);
  for (int i = 0; i < n; i++) {
    float ref = which == 0 ? tanhf(in[i]) : 1.0f / (1.0f + expf(-in[i]));
    double e = fabs((double)buf[i] - (double)ref);
    ck_assert_msg(isfinite(buf[i]), "%s act(%.9g) not finite", ops->name,
                  in[i]);
    if (e > *max_err)
      *max_err = e, *at = in[i];
  }
}

/* Every 2003rd float bit pattern (all finite magnitudes and both signs),
 * plus a 4e-5 grid over [-20, 20] where the functions are not saturated. */
static void act_sweep(const kern_ops *ops, int which, double *max_err,
                      float *at) {
  enum { CHUNK = 4096 };
  float *buf = kt_xalloc(CHUNK * sizeof(float));
  float *in = kt_xalloc(CHUNK * sizeof(float));
  int n = 0;
  *max_err = 0;
  for (uint64_t k = 0; k < (1ull << 32); k += 2003) {
    uint32_t u = (uint32_t)k;
    float v;
    memcpy(&v, &u, 4);
    if (!isfinite(v))
      continue;
    in[n++] = v;
    if (n == CHUNK)
      act_check(ops, which, in, buf, n, max_err, at), n = 0;
  }
  for (int k = 0; k <= 1000000; k++) {
    in[n++] = -20.0f + 40.0f * (float)k / 1000000.0f;
    if (n == CHUNK)
      act_check(ops, which, in, buf, n, max_err, at), n = 0;
  }
  if (n)
    act_check(ops, which, in, buf, n, max_err, at);
  free(buf);
  free(in);
}

START_TEST(tanh_error_bound) {
  const kern_ops *ops = kt_table(opt_names[_i], 0);
  if (!ops)
    return;
  double e;
  float at = 0;
  act_sweep(ops, 0, &e, &at);
  printf("%s tanh: max abs error %.3g at %.9g (bound %.3g)\n", ops->name, e,
         at, (double)KERN_TANH_MAX_ABS_ERR);
  ck_assert_msg(e <= KERN_TANH_MAX_ABS_ERR, "%s tanh error %g at %.9g",
                ops->name, e, at);
}
END_TEST

START_TEST(sigmoid_error_bound) {
  const kern_ops *ops = kt_table(opt_names[_i], 0);
  if (!ops)
    return;
  double e;
  float at = 0;
  act_sweep(ops, 1, &e, &at);
  printf("%s sigmoid: max abs error %.3g at %.9g (bound %.3g)\n", ops->name, e,
         at, (double)KERN_SIGMOID_MAX_ABS_ERR);
  ck_assert_msg(e <= KERN_SIGMOID_MAX_ABS_ERR, "%s sigmoid error %g at %.9g",
                ops->name, e, at);
}
END_TEST

/* Tails (n not a multiple of the vector width) give the same values as
 * full vectors, and nothing past n is touched. */
START_TEST(act_tails) {
  const kern_ops *ops = kt_table(opt_names[_i], 0);
  if (!ops)
    return;
  float *full = kt_rand_vec(64, -6, 6);
  float *ft = kt_xalloc(64 * 4), *fs = kt_xalloc(64 * 4);
  memcpy(ft, full, 64 * 4);
  memcpy(fs, full, 64 * 4);
  ops->tanh_inplace(ft, 64);
  ops->sigmoid_inplace(fs, 64);
  for (int n = 0; n <= 40; n++) {
    float *b = kt_xalloc(64 * 4);
    for (int start = 0; start < 3; start++) {
      memcpy(b, full, 64 * 4);
      ops->tanh_inplace(b + start, n);
      for (int i = 0; i < 64; i++)
        ck_assert(b[i] == (i >= start && i < start + n ? ft[i] : full[i]));
      memcpy(b, full, 64 * 4);
      ops->sigmoid_inplace(b + start, n);
      for (int i = 0; i < 64; i++)
        ck_assert(b[i] == (i >= start && i < start + n ? fs[i] : full[i]));
    }
    free(b);
  }
  free(full), free(ft), free(fs);
}
END_TEST

/* matvec_n equals one matvec per matrix, bit for bit and nothing written
 * past a result: random runs of short matrices (the interleaved groups of
 * one and two vectors, mixed widths) and longer ones, every table. */
START_TEST(matvec_n_equals_matvecs) {
  const kern_ops *ops = _i < N_OPT ? kt_table(opt_names[_i], 0) : kern_ops_scalar();
  if (!ops)
    return;
  static const int rws[] = {1, 5, 10, 16, 17, 30, 32, 33, 65, 129};
  static const int cls[] = {1, 7, 64, 256, 384};
  enum { NMAX = 11 };
  for (int round = 0; round < 40; round++) {
    int n = 1 + round % NMAX, cols = cls[round % 5];
    const float *Wp[NMAX], *x[NMAX];
    float *y[NMAX], *W[NMAX];
    int rows[NMAX];
    for (int i = 0; i < n; i++) {
      /* runs of equal widths, as the batch decoder's length order makes */
      int r = rws[(int)(kt_frand(0, 1) * 10) % 10];
      rows[i] = i > 0 && kt_frand(0, 1) < 0.6f ? rows[i - 1] - (rows[i - 1] > 1)
                                              : r;
      W[i] = kt_rand_vec((size_t)rows[i] * cols, -1, 1);
      Wp[i] = kt_pack(ops, W[i], rows[i], cols);
      x[i] = kt_rand_vec((size_t)cols, -1, 1);
      y[i] = kt_xalloc(((size_t)rows[i] + 16) * sizeof(float));
      for (int j = 0; j < rows[i] + 16; j++)
        y[i][j] = 12345.0f;
    }
    ops->matvec_n(Wp, x, y, rows, cols, n);
    for (int i = 0; i < n; i++) {
      float *ref = kt_xalloc((size_t)rows[i] * sizeof(float));
      ops->matvec(Wp[i], NULL, x[i], ref, rows[i], cols);
      ck_assert_msg(memcmp(ref, y[i], (size_t)rows[i] * sizeof(float)) == 0,
                    "%s matvec_n n=%d matrix %d (%dx%d) differs from matvec",
                    ops->name, n, i, rows[i], cols);
      for (int j = rows[i]; j < rows[i] + 16; j++)
        ck_assert(y[i][j] == 12345.0f);
      free(ref), free(W[i]), free((void *)Wp[i]), free((void *)x[i]), free(y[i]);
    }
  }
}
END_TEST

/* pack_matrix writes every byte of its packed_bytes (a buffer of 0x00 and
 * one of 0x5a come out equal), and pack_matrix_t of M^T gives the same
 * bytes as pack_matrix of M, for every fp32 table (packing is baseline
 * code: no CPU check needed). The int8 tables have no pack_matrix_t. */
static unsigned char *pack_fill(void (*fn)(float *, const float *, int, int),
                                size_t bytes, const float *src, int rows,
                                int cols, int fill) {
  unsigned char *p = aligned_alloc(KERN_ALIGN, bytes);
  ck_assert_ptr_nonnull(p);
  memset(p, fill, bytes);
  fn((float *)(void *)p, src, rows, cols);
  return p;
}

START_TEST(pack_matrix_t_equals_pack_of_transpose) {
  const kern_ops *tabs[] = {kern_ops_scalar(), kern_ops_avx2(),
                            kern_ops_avx512()};
  static const int dims[] = {1, 2, 7, 8, 9, 15, 16, 17, 33, 64, 65, 127,
                             128, 129, 200, 768};
  for (int ti = 0; ti < 3; ti++) {
    const kern_ops *k = tabs[ti];
    if (!k)
      continue;
    ck_assert_ptr_nonnull(k->pack_matrix_t);
    for (int ri = 0; ri < (int)(sizeof dims / sizeof dims[0]); ri++)
      for (int ci = 0; ci < (int)(sizeof dims / sizeof dims[0]); ci += 3) {
        int rows = dims[ri], cols = dims[ci];
        float *M = kt_rand_vec((size_t)rows * cols, -1, 1);
        float *Mt = malloc((size_t)rows * cols * sizeof(float));
        ck_assert_ptr_nonnull(Mt);
        for (int r = 0; r < rows; r++)
          for (int c = 0; c < cols; c++)
            Mt[(size_t)c * rows + r] = M[(size_t)r * cols + c];
        size_t bytes = k->packed_bytes(rows, cols);
        unsigned char *a = pack_fill(k->pack_matrix, bytes, M, rows, cols, 0);
        unsigned char *b =
            pack_fill(k->pack_matrix, bytes, M, rows, cols, 0x5a);
        unsigned char *c =
            pack_fill(k->pack_matrix_t, bytes, Mt, rows, cols, 0x5a);
        ck_assert_msg(memcmp(a, b, bytes) == 0,
                      "%s pack_matrix %dx%d left bytes unwritten", k->name,
                      rows, cols);
        ck_assert_msg(memcmp(a, c, bytes) == 0,
                      "%s pack_matrix_t %dx%d differs from pack_matrix",
                      k->name, rows, cols);
        free(M), free(Mt), free(a), free(b), free(c);
      }
  }
  ck_assert_ptr_null(kern_ops_scalar_int8()->pack_matrix_t);
  ck_assert_ptr_null(kern_ops_avx512_int8()->matvec_n);
  ck_assert_ptr_null(kern_ops_avx512_int8()->pack_matrix_t);
}
END_TEST

START_TEST(select_env_and_names) {
  char err[160];
  unsetenv("RNNINFERD_KERNEL");
  const kern_ops *best = kern_select(NULL, err, sizeof err);
  ck_assert_ptr_nonnull(best);
  ck_assert(kern_cpu_supports(best->name));
  if (kern_cpu_supports("avx512"))
    ck_assert_str_eq(best->name, "avx512");
  else if (kern_cpu_supports("avx2"))
    ck_assert_str_eq(best->name, "avx2");
  ck_assert_ptr_eq(kern_select("auto", err, sizeof err), best);
  ck_assert_ptr_eq(kern_select("", err, sizeof err), best);

  setenv("RNNINFERD_KERNEL", "scalar", 1);
  ck_assert_ptr_eq(kern_select(NULL, err, sizeof err), kern_ops_scalar());
  ck_assert_ptr_eq(kern_select("auto", err, sizeof err), kern_ops_scalar());
  /* An explicit name beats the environment. */
  if (kern_cpu_supports("avx2"))
    ck_assert_str_eq(kern_select("avx2", err, sizeof err)->name, "avx2");
  setenv("RNNINFERD_KERNEL", "auto", 1);
  ck_assert_ptr_eq(kern_select(NULL, err, sizeof err), best);

  setenv("RNNINFERD_KERNEL", "sse9", 1);
  err[0] = 0;
  ck_assert_ptr_null(kern_select(NULL, err, sizeof err));
  ck_assert_msg(strstr(err, "sse9") && strstr(err, "unknown") &&
                    strstr(err, "RNNINFERD_KERNEL"),
                "message: %s", err);
  unsetenv("RNNINFERD_KERNEL");
  err[0] = 0;
  ck_assert_ptr_null(kern_select("AVX2", err, sizeof err));
  ck_assert_msg(strstr(err, "unknown") != NULL, "message: %s", err);
  ck_assert_ptr_null(kern_select("bogus", NULL, 0));

  for (int i = 0; i < N_OPT; i++) {
    err[0] = 0;
    const kern_ops *o = kern_select(opt_names[i], err, sizeof err);
    if (kern_cpu_supports(opt_names[i]))
      ck_assert_ptr_nonnull(o);
    else
      ck_assert_msg(o == NULL && strstr(err, "not supported"), "%s", err);
  }
  ck_assert(kern_cpu_supports("scalar"));
  ck_assert(!kern_cpu_supports("bogus"));
  ck_assert(!kern_cpu_supports(NULL));
}
END_TEST

static Suite *kernels_suite(void) {
  Suite *s = suite_create("kernels");
  TCase *tc = tcase_create("kernels");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, matvec_matches_scalar, 0, N_OPT);
  tcase_add_loop_test(tc, matmat_equals_matvec, 0, N_OPT + 1);
  tcase_add_test(tc, avx2_avx512_bit_identical);
  tcase_add_loop_test(tc, gru_step_matches_scalar, 0, N_OPT);
  tcase_add_loop_test(tc, gru_step_from_zero_is_gates_of_bias, 0, N_OPT + 1);
  tcase_add_loop_test(tc, act_tails, 0, N_OPT);
  tcase_add_loop_test(tc, tanh_error_bound, 0, N_OPT);
  tcase_add_loop_test(tc, sigmoid_error_bound, 0, N_OPT);
  tcase_add_test(tc, pack_matrix_t_equals_pack_of_transpose);
  tcase_add_loop_test(tc, matvec_n_equals_matvecs, 0, N_OPT + 1);
  tcase_add_test(tc, select_env_and_names);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return kt_run(kernels_suite()); }
