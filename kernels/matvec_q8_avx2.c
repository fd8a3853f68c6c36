/* matvec_q8_avx2.c -- int8 y = W x + b, AVX2.
 *
 * A quarter of the fp32 kernel's bytes per weight. Per column quad of a
 * 64-row super-panel: broadcast the quad of quantized x, take |x| and move
 * x's sign onto the weights (vpsignb), vpmaddubsw |x| (u8) by sign(x) w
 * (s8) into int16 pair sums, vpmaddwd by ones into int32. Weights and
 * activations both lie in [-127, 127], so a pair sum is at most 2 * 127 *
 * 127 = 32258 and vpmaddubsw never saturates: the int32 sums are exact and
 * equal the scalar reference's, and the dequantization is the same two
 * float operations (built with -ffp-contract=off). Odd and even quads
 * accumulate separately (two chains per 8 rows), added at the end.
 *
 * matmat walks the matrix once per group of up to four vectors, super-panel
 * by super-panel: a super-panel (64 x cols bytes) stays in L1/L2 while the
 * group's vectors use it. */
#include <immintrin.h>
#include <math.h>

#include "kernels/dequant_avx2.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

#define GROUP 4

/* The reference rule (pack_q8.c), eight lanes at a time. */
static inline __m256i quant8(const float *x) {
  __m256 t = _mm256_mul_ps(_mm256_loadu_ps(x), _mm256_set1_ps(KERN_Q8_ACT_SCALE));
  t = _mm256_max_ps(t, _mm256_set1_ps(-127.0f));
  t = _mm256_min_ps(t, _mm256_set1_ps(127.0f));
  return _mm256_cvtps_epi32(t);
}

void kern_q8_quantize_act_avx2(const float *x, int cols, int8_t *xq) {
  int c = 0;
  const __m256i perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (; c + 32 <= cols; c += 32) {
    __m256i a = _mm256_packs_epi32(quant8(x + c), quant8(x + c + 8));
    __m256i b = _mm256_packs_epi32(quant8(x + c + 16), quant8(x + c + 24));
    __m256i p = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(a, b), perm);
    _mm256_storeu_si256((__m256i *)(void *)(xq + c), p);
  }
  kern_q8_quantize_act_scalar(x + c, cols - c, xq + c);
}

static inline __attribute__((always_inline)) __m256i
dot_quad(__m256i w, __m256i xb, __m256i ax, __m256i ones) {
  __m256i p = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(w, xb));
  return _mm256_madd_epi16(p, ones);
}

/* One super-panel of nv * 8 rows (nv = 2, 4, 6, 8). */
static inline __attribute__((always_inline)) void
panel(const int8_t *P, const int8_t *xq, int nq, const int nv, const float *mul,
      const float *b, float *y, int nrows) {
  __m256i a0[8], a1[8];
  const __m256i ones = _mm256_set1_epi16(1);
#pragma GCC unroll 8
  for (int j = 0; j < nv; j++)
    a0[j] = a1[j] = _mm256_setzero_si256();
  const int32_t *xq32 = (const int32_t *)(const void *)xq;
  int k = 0;
  size_t step = (size_t)nv * 32;
  for (; k + 2 <= nq; k += 2) {
    __m256i x0 = _mm256_set1_epi32(xq32[k]), x1 = _mm256_set1_epi32(xq32[k + 1]);
    __m256i ax0 = _mm256_abs_epi8(x0), ax1 = _mm256_abs_epi8(x1);
    const int8_t *p0 = P + (size_t)k * step, *p1 = p0 + step;
#pragma GCC unroll 8
    for (int j = 0; j < nv; j++) {
      a0[j] = _mm256_add_epi32(
          a0[j], dot_quad(_mm256_loadu_si256((const __m256i *)(const void *)(p0 + 32 * j)),
                          x0, ax0, ones));
      a1[j] = _mm256_add_epi32(
          a1[j], dot_quad(_mm256_loadu_si256((const __m256i *)(const void *)(p1 + 32 * j)),
                          x1, ax1, ones));
    }
  }
  if (k < nq) {
    __m256i x0 = _mm256_set1_epi32(xq32[k]);
    __m256i ax0 = _mm256_abs_epi8(x0);
    const int8_t *p0 = P + (size_t)k * step;
#pragma GCC unroll 8
    for (int j = 0; j < nv; j++)
      a0[j] = _mm256_add_epi32(
          a0[j], dot_quad(_mm256_loadu_si256((const __m256i *)(const void *)(p0 + 32 * j)),
                          x0, ax0, ones));
  }
#pragma GCC unroll 8
  for (int j = 0; j < nv; j++)
    kern_q8_store8_avx2(_mm256_add_epi32(a0[j], a1[j]), mul + 8 * j,
                        b ? b + 8 * j : NULL, y + 8 * j, nrows - 8 * j);
}

/* Rows r0.. of one super-panel of width w against one quantized vector. */
static inline void panel_any(const int8_t *P, const int8_t *xq, int nq, int w,
                             const float *mul, const float *b, float *y,
                             int nrows) {
  switch (w / 8) {
  case 8: panel(P, xq, nq, 8, mul, b, y, nrows); break;
  case 6: panel(P, xq, nq, 6, mul, b, y, nrows); break;
  case 4: panel(P, xq, nq, 4, mul, b, y, nrows); break;
  default: panel(P, xq, nq, 2, mul, b, y, nrows); break;
  }
}

void kern_matvec_q8_avx2(const float *Wp, const float *b, const float *x,
                         float *y, int rows, int cols) {
  kern_q8_view v = kern_q8_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xq[KERN_Q8_MAX_COLS];
  kern_q8_quantize_act_avx2(x, cols, xq);
  int nq = v.cp / 4, w;
  size_t off = 0;
  for (int r0 = 0; r0 < rows; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    int nrows = rows - r0 < w ? rows - r0 : w;
    panel_any(v.panels + off, xq, nq, w, v.mul + r0, b ? b + r0 : NULL, y + r0,
              nrows);
    off += (size_t)w * (size_t)v.cp;
  }
}

void kern_matmat_q8_avx2(const float *Wp, const float *b, const float *X,
                         float *Y, int rows, int cols, int nb) {
  if (nb == 1) {
    kern_matvec_q8_avx2(Wp, b, X, Y, rows, cols);
    return;
  }
  kern_q8_view v = kern_q8_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xq[GROUP][KERN_Q8_MAX_COLS];
  int nq = v.cp / 4;
  for (int g0 = 0; g0 < nb; g0 += GROUP) {
    int ng = nb - g0 < GROUP ? nb - g0 : GROUP;
    for (int i = 0; i < ng; i++)
      kern_q8_quantize_act_avx2(X + (size_t)(g0 + i) * (size_t)cols, cols, xq[i]);
    size_t off = 0;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
      int nrows = rows - r0 < w ? rows - r0 : w;
      for (int i = 0; i < ng; i++)
        panel_any(v.panels + off, xq[i], nq, w, v.mul + r0, b ? b + r0 : NULL,
                  Y + (size_t)(g0 + i) * (size_t)rows + r0, nrows);
      off += (size_t)w * (size_t)v.cp;
    }
  }
}

void kern_gru_step_q8_avx2(const float *Whh_p, const float *bhh,
                           const float *gi, float *h, float *tmp, int H) {
  kern_matvec_q8_avx2(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx2(tmp, gi, h, H);
}
