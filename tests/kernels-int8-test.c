/* kernels-int8-test.c -- the int8 tables: the scalar-int8 reference against
 * plain integer arithmetic written out here, and every optimised int8
 * table against scalar-int8 bit for bit (memcmp) on random shapes.
 *
 * Shapes cover rows that are not multiples of 8, 16 or the 64-row
 * super-panel, and columns that are not multiples of 4, 16 or 32 (the
 * quantization loops' widths), up to the widest operand the models use
 * (D + 2H = 3072). Vectors go past [-1, 1] so the clamp is exercised and
 * include exact rounding ties (k / 254). Tables this CPU cannot run are
 * skipped, not failed. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "tests/kernels-util.h"

static const char *const int8_names[] = {"avx2-int8", "avx512-int8",
                                         "amx-int8"};
#define N_OPT ((int)(sizeof int8_names / sizeof int8_names[0]))
#define NS(a) ((int)(sizeof a / sizeof a[0]))

/* Activations: mostly in [-1, 1], some past it, some exact ties. */
static float *rand_act(size_t n) {
  float *v = kt_xalloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    uint32_t k = kt_rnd() % 16;
    if (k == 0)
      v[i] = kt_frand(-1.5f, 1.5f);
    else if (k == 1)
      v[i] = (float)((int)(kt_rnd() % 509) - 254) / 254.0f;
    else
      v[i] = kt_frand(-1, 1);
  }
  return v;
}

static const int rows_set[] = {1, 3, 8, 15, 16, 17, 31, 48, 63, 64, 65,
                               70, 100, 129, 200, 384, 1152};
static const int cols_set[] = {1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33,
                               63, 100, 256, 384, 1152, 3072};

/* The reference against integer arithmetic written out here from the
 * row-major quantized weights: y = (float)sum(q xq) * (scale / 127) + b. */
START_TEST(scalar_int8_is_integer_arithmetic) {
  const kern_ops *ref = kern_ops_scalar_int8();
  ck_assert_int_eq(ref->int8, 1);
  ck_assert_ptr_eq(ref->f32, kern_ops_scalar());
  for (int ri = 0; ri < NS(rows_set); ri += 2)
    for (int ci = 0; ci < NS(cols_set); ci++)
      for (int with_b = 0; with_b < 2; with_b++) {
        int rows = rows_set[ri], cols = cols_set[ci];
        float *W = kt_rand_vec((size_t)rows * cols, -0.7f, 0.7f);
        float *x = rand_act((size_t)cols);
        float *b = with_b ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
        int8_t *q = kt_xalloc((size_t)rows * cols);
        float *scale = kt_xalloc((size_t)rows * sizeof(float));
        kern_q8_quantize_rows(W, rows, cols, NULL, q, scale);
        float *Wp = kt_pack(ref, W, rows, cols);
        float *y = kt_xalloc(((size_t)rows + 32) * sizeof(float));
        for (int i = 0; i < rows + 32; i++)
          y[i] = 12345.0f;
        ref->matvec(Wp, b, x, y, rows, cols);
        for (int r = 0; r < rows; r++) {
          int32_t acc = 0;
          double werr = 0, xerr = 0;
          for (int c = 0; c < cols; c++) {
            float t = x[c] * 127.0f;
            t = t > 127.0f ? 127.0f : t < -127.0f ? -127.0f : t;
            int xq = (int)lrintf(t);
            int w = q[(size_t)r * cols + c];
            ck_assert(w >= -127 && w <= 127);
            acc += w * xq;
            werr += fabs((double)W[(size_t)r * cols + c]);
            xerr += fabs((double)x[c]);
          }
          float want = (float)acc * (scale[r] / 127.0f);
          if (b)
            want = want + b[r];
          ck_assert_msg(memcmp(&want, &y[r], sizeof want) == 0,
                        "scalar-int8 %dx%d row %d: %.9g, integer sum says %.9g",
                        rows, cols, r, y[r], want);
          /* and it approximates the fp32 product (clamped x) */
          double f = b ? b[r] : 0;
          for (int c = 0; c < cols; c++) {
            float xc = x[c] > 1 ? 1 : x[c] < -1 ? -1 : x[c];
            f += (double)W[(size_t)r * cols + c] * xc;
          }
          double tol = werr * 0.5 / 127 + xerr * 0.5 * scale[r] +
                       cols * 0.25 * scale[r] / 127 + 1e-5;
          ck_assert_msg(fabs(f - y[r]) <= tol * 1.01,
                        "scalar-int8 %dx%d row %d: %.6g far from fp32 %.6g",
                        rows, cols, r, y[r], f);
        }
        for (int i = rows; i < rows + 32; i++)
          ck_assert(y[i] == 12345.0f);
        free(W), free(x), free(b), free(q), free(scale), free(Wp), free(y);
      }
}
END_TEST

/* pack_matrix (quantize then pack) and pack_q8 (from stored int8 weights)
 * give the same buffer; every int8 table shares the layout. */
START_TEST(pack_q8_equals_pack_matrix) {
  const kern_ops *ref = kern_ops_scalar_int8();
  for (int ri = 0; ri < NS(rows_set); ri++)
    for (int ci = 0; ci < NS(cols_set); ci += 3) {
      int rows = rows_set[ri], cols = cols_set[ci];
      float *W = kt_rand_vec((size_t)rows * cols, -2, 2);
      int8_t *q = kt_xalloc((size_t)rows * cols);
      float *scale = kt_xalloc((size_t)rows * sizeof(float));
      kern_q8_quantize_rows(W, rows, cols, NULL, q, scale);
      size_t bytes = ref->packed_bytes(rows, cols);
      float *a = kt_pack(ref, W, rows, cols), *p = kt_xalloc(bytes);
      ref->pack_q8(p, q, scale, rows, cols);
      ck_assert_msg(memcmp(a, p, bytes) == 0, "pack %dx%d differs", rows, cols);
      for (int i = 0; i < N_OPT; i++) {
        const kern_ops *o = kern_ops_avx2_int8();
        if (i == 1)
          o = kern_ops_avx512_int8();
        if (i == 2)
          o = kern_ops_amx_int8();
        ck_assert_uint_eq(o->packed_bytes(rows, cols), bytes);
      }
      free(W), free(q), free(scale), free(a), free(p);
    }
}
END_TEST

START_TEST(int8_matvec_bit_identical) {
  const kern_ops *ops = kt_table(int8_names[_i], 1);
  if (!ops)
    return;
  const kern_ops *ref = kern_ops_scalar_int8();
  for (int ri = 0; ri < NS(rows_set); ri++)
    for (int ci = 0; ci < NS(cols_set); ci++)
      for (int with_b = 0; with_b < 2; with_b++) {
        int rows = rows_set[ri], cols = cols_set[ci];
        if ((size_t)rows * cols > 1500000)
          continue;
        float *W = kt_rand_vec((size_t)rows * cols, -1, 1);
        float *x = rand_act((size_t)cols);
        float *b = with_b ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
        float *Wp = kt_pack(ref, W, rows, cols);
        float *yr = kt_xalloc((size_t)rows * sizeof(float));
        float *yo = kt_xalloc(((size_t)rows + 32) * sizeof(float));
        for (int i = 0; i < rows + 32; i++)
          yo[i] = 12345.0f;
        ref->matvec(Wp, b, x, yr, rows, cols);
        ops->matvec(Wp, b, x, yo, rows, cols);
        ck_assert_msg(memcmp(yr, yo, (size_t)rows * sizeof(float)) == 0,
                      "%s matvec %dx%d b=%d differs from scalar-int8",
                      ops->name, rows, cols, with_b);
        for (int i = rows; i < rows + 32; i++)
          ck_assert_msg(yo[i] == 12345.0f, "%s matvec %dx%d wrote past y",
                        ops->name, rows, cols);
        free(W), free(x), free(b), free(Wp), free(yr), free(yo);
      }
}
END_TEST

/* One matmat against nb scalar-int8 matvecs, and nothing written past Y. */
static void check_matmat(const kern_ops *ops, int rows, int cols, int nb,
                         int with_b) {
  const kern_ops *ref = kern_ops_scalar_int8();
  float *W = kt_rand_vec((size_t)rows * cols, -1, 1);
  float *b = with_b ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
  float *X = rand_act((size_t)nb * cols);
  float *Wp = kt_pack(ref, W, rows, cols);
  float *Y = kt_xalloc(((size_t)nb * rows + 32) * sizeof(float));
  float *y = kt_xalloc((size_t)rows * sizeof(float));
  for (size_t i = 0; i < (size_t)nb * rows + 32; i++)
    Y[i] = 12345.0f;
  ops->matmat(Wp, b, X, Y, rows, cols, nb);
  for (int j = 0; j < nb; j++) {
    ref->matvec(Wp, b, X + (size_t)j * cols, y, rows, cols);
    ck_assert_msg(memcmp(y, Y + (size_t)j * rows,
                         (size_t)rows * sizeof(float)) == 0,
                  "%s matmat %dx%d nb=%d bias=%d vector %d differs from "
                  "scalar-int8 matvec",
                  ops->name, rows, cols, nb, with_b, j);
  }
  for (int i = 0; i < 32; i++)
    ck_assert(Y[(size_t)nb * rows + i] == 12345.0f);
  free(W), free(b), free(X), free(Wp), free(Y), free(y);
}

/* Batch sizes 1..17 (register blocks of 1 to 4 vectors and their tails)
 * and 33 (several passes over W); row counts that leave a last
 * super-panel of 16, 32, 48 or 64 rows, or a part of one; columns from
 * one quad to KERN_Q8_MAX_COLS (fewer vectors per pass). */
START_TEST(int8_matmat_bit_identical) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  static const int rws[] = {1, 17, 48, 70, 129, 1152};
  static const int cls[] = {3, 33, 384, 1152};
  for (int nb = 1; nb <= 17; nb++)
    for (int ri = 0; ri < NS(rws); ri++)
      for (int ci = 0; ci < NS(cls); ci++)
        check_matmat(ops, rws[ri], cls[ci], nb, (nb + ri + ci) % 3 != 0);
  check_matmat(ops, 100, 384, 33, 1);
  check_matmat(ops, 64, KERN_Q8_MAX_COLS, 9, 1);
  check_matmat(ops, 65, KERN_Q8_MAX_COLS - 1, 5, 0);
}
END_TEST

/* Random shapes and batch sizes, with and without a bias. */
START_TEST(int8_matmat_random_shapes) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  for (int n = 0; n < 60; n++) {
    int rows = 1 + (int)(kt_rnd() % 300), cols = 1 + (int)(kt_rnd() % 1300);
    int nb = 1 + (int)(kt_rnd() % 20);
    check_matmat(ops, rows, cols, nb, (int)(kt_rnd() % 2));
  }
}
END_TEST

/* gru_step = int8 matvec into tmp, then the fp32 table's gates. */
START_TEST(int8_gru_step_is_matvec_then_gates) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  static const int Hs[] = {1, 5, 16, 17, 100, 256, 384};
  for (int hi = 0; hi < NS(Hs); hi++) {
    int H = Hs[hi];
    float *W = kt_rand_vec((size_t)3 * H * H, -0.3f, 0.3f);
    float *bhh = kt_rand_vec((size_t)3 * H, -1, 1);
    float *gi = kt_rand_vec((size_t)3 * H, -3, 3);
    float *h = kt_rand_vec((size_t)H, -1, 1);
    float *h2 = kt_xalloc((size_t)H * 4), *tmp = kt_xalloc((size_t)3 * H * 4),
          *gh = kt_xalloc((size_t)3 * H * 4);
    memcpy(h2, h, (size_t)H * 4);
    float *Wp = kt_pack(ops, W, 3 * H, H);
    ops->gru_step(Wp, bhh, gi, h, tmp, H);
    ops->matvec(Wp, bhh, h2, gh, 3 * H, H);
    ops->f32->gru_gates(gh, gi, h2, H);
    ck_assert_msg(memcmp(h, h2, (size_t)H * 4) == 0, "%s gru_step H=%d",
                  ops->name, H);
    free(W), free(bhh), free(gi), free(h), free(h2), free(tmp), free(gh),
        free(Wp);
  }
}
END_TEST

/* From h = 0 the int8 step's integer sum is zero: the step equals the
 * gates of b_hh bit for bit (decode_common.h skips that mat-vec). */
START_TEST(int8_gru_step_from_zero_is_gates_of_bias) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  static const int Hs[] = {1, 5, 16, 17, 100, 256, 384};
  for (int hi = 0; hi < NS(Hs); hi++) {
    int H = Hs[hi];
    float *W = kt_rand_vec((size_t)3 * H * H, -0.3f, 0.3f);
    float *bhh = kt_rand_vec((size_t)3 * H, -1, 1);
    float *gi = kt_rand_vec((size_t)3 * H, -3, 3);
    float *h = kt_xalloc((size_t)H * 4), *h2 = kt_xalloc((size_t)H * 4),
          *tmp = kt_xalloc((size_t)3 * H * 4);
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

/* --- 4-bit matrices --- */

/* q in [-7, 7] (a few rows all zero or all +-7) and positive scales. */
static void rand_q4(int rows, int cols, int8_t *q, float *scale) {
  for (int r = 0; r < rows; r++) {
    uint32_t kind = kt_rnd() % 8;
    for (int c = 0; c < cols; c++)
      q[(size_t)r * cols + c] = kind == 0   ? 0
                                : kind == 1 ? (int8_t)((kt_rnd() & 1) ? 7 : -7)
                                            : (int8_t)((int)(kt_rnd() % 15) - 7);
    scale[r] = kt_frand(0.001f, 0.2f);
  }
}

static float *pack_q4(const kern_ops *ops, const int8_t *q, const float *sc,
                      int rows, int cols) {
  float *Wp = kt_xalloc(ops->packed_bytes_q4(rows, cols));
  ops->pack_q4(Wp, q, sc, rows, cols);
  return Wp;
}

/* Every table's 4-bit mat-vec equals scalar-int8's int8 mat-vec of the same
 * q and scales bit for bit (so also the 4-bit reference), for shapes with
 * every kind of row and column tail, and writes nothing past y. */
START_TEST(q4_matvec_equals_int8_of_same_weights) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  const kern_ops *ref = kern_ops_scalar_int8();
  ck_assert(ops->pack_q4 && ops->matvec_q4 && ops->matmat_q4 && ops->gru_step_q4);
  for (int ri = 0; ri < NS(rows_set); ri++)
    for (int ci = 0; ci < NS(cols_set); ci++) {
      int rows = rows_set[ri], cols = cols_set[ci], with_b = (ri + ci) % 2;
      if ((size_t)rows * cols > 1500000)
        continue;
      int8_t *q = kt_xalloc((size_t)rows * cols);
      float *sc = kt_xalloc((size_t)rows * sizeof(float));
      rand_q4(rows, cols, q, sc);
      float *x = rand_act((size_t)cols);
      float *b = with_b ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
      float *P8 = kt_xalloc(ref->packed_bytes(rows, cols));
      ref->pack_q8(P8, q, sc, rows, cols);
      float *P4 = pack_q4(ops, q, sc, rows, cols);
      float *yr = kt_xalloc((size_t)rows * sizeof(float));
      float *yo = kt_xalloc(((size_t)rows + 32) * sizeof(float));
      for (int i = 0; i < rows + 32; i++)
        yo[i] = 12345.0f;
      ref->matvec(P8, b, x, yr, rows, cols);
      ops->matvec_q4(P4, b, x, yo, rows, cols);
      ck_assert_msg(memcmp(yr, yo, (size_t)rows * sizeof(float)) == 0,
                    "%s matvec_q4 %dx%d b=%d differs from the int8 mat-vec",
                    ops->name, rows, cols, with_b);
      for (int i = rows; i < rows + 32; i++)
        ck_assert_msg(yo[i] == 12345.0f, "%s matvec_q4 %dx%d wrote past y",
                      ops->name, rows, cols);
      free(q), free(sc), free(x), free(b), free(P8), free(P4), free(yr), free(yo);
    }
}
END_TEST

/* matmat_q4 of nb vectors (1..17 and 33: tails and several passes) equals
 * nb scalar-int8 4-bit mat-vecs; gru_step_q4 equals matvec_q4 + gates. */
START_TEST(q4_matmat_and_gru_step) {
  const kern_ops *ops = _i < N_OPT ? kt_table(int8_names[_i], 1) : kern_ops_scalar_int8();
  if (!ops)
    return;
  const kern_ops *ref = kern_ops_scalar_int8();
  static const int rws[] = {1, 17, 48, 70, 1152};
  static const int cls[] = {3, 33, 384, 4096};
  for (int ri = 0; ri < NS(rws); ri++)
    for (int ci = 0; ci < NS(cls); ci++)
      for (int nb = 1; nb <= 33; nb += nb < 17 ? 1 : 16) {
        int rows = rws[ri], cols = cls[ci];
        if ((size_t)rows * cols * nb > 20000000)
          continue;
        int8_t *q = kt_xalloc((size_t)rows * cols);
        float *sc = kt_xalloc((size_t)rows * sizeof(float));
        rand_q4(rows, cols, q, sc);
        float *b = nb % 2 ? kt_rand_vec((size_t)rows, -1, 1) : NULL;
        float *X = rand_act((size_t)nb * cols);
        float *Pr = pack_q4(ref, q, sc, rows, cols), *Po = pack_q4(ops, q, sc, rows, cols);
        float *Y = kt_xalloc(((size_t)nb * rows + 32) * sizeof(float));
        float *y = kt_xalloc((size_t)rows * sizeof(float));
        for (size_t i = 0; i < (size_t)nb * rows + 32; i++)
          Y[i] = 12345.0f;
        ops->matmat_q4(Po, b, X, Y, rows, cols, nb);
        for (int j = 0; j < nb; j++) {
          ref->matvec_q4(Pr, b, X + (size_t)j * cols, y, rows, cols);
          ck_assert_msg(memcmp(y, Y + (size_t)j * rows, (size_t)rows * sizeof(float)) == 0,
                        "%s matmat_q4 %dx%d nb=%d vector %d", ops->name, rows,
                        cols, nb, j);
        }
        for (int i = 0; i < 32; i++)
          ck_assert(Y[(size_t)nb * rows + i] == 12345.0f);
        free(q), free(sc), free(b), free(X), free(Pr), free(Po), free(Y), free(y);
      }
  static const int Hs[] = {1, 5, 16, 17, 100, 384};
  for (int hi = 0; hi < NS(Hs); hi++) {
    int H = Hs[hi];
    int8_t *q = kt_xalloc((size_t)3 * H * H);
    float *sc = kt_xalloc((size_t)3 * H * sizeof(float));
    rand_q4(3 * H, H, q, sc);
    float *bhh = kt_rand_vec((size_t)3 * H, -1, 1);
    float *gi = kt_rand_vec((size_t)3 * H, -3, 3);
    float *h = kt_rand_vec((size_t)H, -1, 1);
    float *h2 = kt_xalloc((size_t)H * 4), *tmp = kt_xalloc((size_t)3 * H * 4),
          *gh = kt_xalloc((size_t)3 * H * 4);
    memcpy(h2, h, (size_t)H * 4);
    float *Wp = pack_q4(ops, q, sc, 3 * H, H);
    ops->gru_step_q4(Wp, bhh, gi, h, tmp, H);
    ops->matvec_q4(Wp, bhh, h2, gh, 3 * H, H);
    ops->f32->gru_gates(gh, gi, h2, H);
    ck_assert_msg(memcmp(h, h2, (size_t)H * 4) == 0, "%s gru_step_q4 H=%d",
                  ops->name, H);
    free(q), free(sc), free(bhh), free(gi), free(h), free(h2), free(tmp),
        free(gh), free(Wp);
  }
}
END_TEST

/* The 4-bit rule: max|w| -> 7, round half to even, an all-zero row gets
 * scale 1, nothing outside [-7, 7]. */
START_TEST(q4_quantize_rows_rule) {
  const float src[3][4] = {{0.7f, -0.35f, 0.05f, 0.15f},
                           {0, 0, 0, 0},
                           {-1.4f, 0.3f, 0.1f, 1.0f}};
  int8_t q[12];
  float sc[3];
  kern_q4_quantize_rows(&src[0][0], 3, 4, q, sc);
  ck_assert_float_eq(sc[0], 0.7f / 7.0f);
  ck_assert_int_eq(q[0], 7);
  ck_assert_int_eq(q[1], (int8_t)nearbyintf(-0.35f / (0.7f / 7.0f)));
  ck_assert_int_eq(q[2], (int8_t)nearbyintf(0.05f / (0.7f / 7.0f)));
  ck_assert_float_eq(sc[1], 1.0f);
  for (int c = 4; c < 8; c++)
    ck_assert_int_eq(q[c], 0);
  ck_assert_int_eq(q[8], -7);
  ck_assert_int_eq(q[11], 5);
  for (int i = 0; i < 12; i++)
    ck_assert(q[i] >= -7 && q[i] <= 7);
}
END_TEST

START_TEST(quantize_rows_edges) {
  float W[3 * 5] = {0, 0, 0, 0, 0, /* all zero: scale 1, zeros */
                    1, -2, 0.5f, 4, -4,
                    100, 1, -1, 0.01f, 3};
  int8_t q[15];
  float scale[3], clip[3] = {1, 1, 10};
  kern_q8_quantize_rows(W, 3, 5, NULL, q, scale);
  ck_assert(scale[0] == 1.0f);
  for (int c = 0; c < 5; c++)
    ck_assert_int_eq(q[c], 0);
  ck_assert(scale[1] == 4.0f / 127.0f);
  ck_assert_int_eq(q[8], 127);
  ck_assert_int_eq(q[9], -127);
  ck_assert_int_eq(q[5], 32); /* 1 / (4/127) = 31.75 */
  /* clipping: the row's scale follows the clip, outliers saturate */
  kern_q8_quantize_rows(W, 3, 5, clip, q, scale);
  ck_assert(scale[2] == 10.0f / 127.0f);
  ck_assert_int_eq(q[10], 127);
  ck_assert_int_eq(q[14], 38); /* 3 / (10/127) = 38.1 */
}
END_TEST

START_TEST(select_int8) {
  char err[200];
  unsetenv("RNNINFERD_KERNEL");
  const kern_ops *b8 = kern_select_for(NULL, 1, err, sizeof err);
  ck_assert_ptr_nonnull(b8);
  ck_assert_int_eq(b8->int8, 1);
  if (kern_cpu_supports("amx-int8"))
    ck_assert_str_eq(b8->name, "amx-int8");
  else if (kern_cpu_supports("avx512-int8"))
    ck_assert_str_eq(b8->name, "avx512-int8");
  else if (kern_cpu_supports("avx2-int8"))
    ck_assert_str_eq(b8->name, "avx2-int8");
  else
    ck_assert_str_eq(b8->name, "scalar-int8");
  ck_assert_int_eq(kern_select_for("auto", 0, err, sizeof err)->int8, 0);
  ck_assert_int_eq(kern_select(NULL, err, sizeof err)->int8, 0);
  /* explicit names are taken as they are, whatever the weights */
  ck_assert_str_eq(kern_select_for("scalar", 1, err, sizeof err)->name,
                   "scalar");
  ck_assert_str_eq(kern_select_for("scalar-int8", 0, err, sizeof err)->name,
                   "scalar-int8");
  setenv("RNNINFERD_KERNEL", "scalar-int8", 1);
  ck_assert_ptr_eq(kern_select(NULL, err, sizeof err), kern_ops_scalar_int8());
  ck_assert_ptr_eq(kern_select_for(NULL, 0, err, sizeof err),
                   kern_ops_scalar_int8());
  setenv("RNNINFERD_KERNEL", "avx2-int9", 1);
  err[0] = 0;
  ck_assert_ptr_null(kern_select_for(NULL, 1, err, sizeof err));
  ck_assert_msg(strstr(err, "unknown") && strstr(err, "avx2-int8"), "%s", err);
  unsetenv("RNNINFERD_KERNEL");
  for (int i = 0; i < N_OPT; i++) {
    err[0] = 0;
    const kern_ops *o = kern_select(int8_names[i], err, sizeof err);
    if (kern_cpu_supports(int8_names[i]))
      ck_assert(o && o->int8 && o->f32 && !o->f32->int8);
    else
      ck_assert_msg(o == NULL && strstr(err, "not supported"), "%s", err);
  }
  ck_assert(kern_cpu_supports("scalar-int8"));
  const kern_ops *f = kern_ops_avx2();
  ck_assert_ptr_eq(f->f32, f);
  ck_assert_int_eq(f->int8, 0);
  ck_assert_ptr_null(f->pack_q8);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("kernels-int8");
  TCase *tc = tcase_create("int8");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, scalar_int8_is_integer_arithmetic);
  tcase_add_test(tc, pack_q8_equals_pack_matrix);
  tcase_add_loop_test(tc, int8_matvec_bit_identical, 0, N_OPT);
  tcase_add_loop_test(tc, int8_matmat_bit_identical, 0, N_OPT + 1);
  tcase_add_loop_test(tc, int8_matmat_random_shapes, 0, N_OPT + 1);
  tcase_add_loop_test(tc, int8_gru_step_is_matvec_then_gates, 0, N_OPT + 1);
  tcase_add_loop_test(tc, int8_gru_step_from_zero_is_gates_of_bias, 0, N_OPT + 1);
  tcase_add_loop_test(tc, q4_matvec_equals_int8_of_same_weights, 0, N_OPT + 1);
  tcase_add_loop_test(tc, q4_matmat_and_gru_step, 0, N_OPT + 1);
  tcase_add_test(tc, q4_quantize_rows_rule);
  tcase_add_test(tc, quantize_rows_edges);
  tcase_add_test(tc, select_int8);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return kt_run(suite()); }
