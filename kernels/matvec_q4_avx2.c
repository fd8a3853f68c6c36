/* matvec_q4_avx2.c -- 4-bit y = W x + b, AVX2.
 *
 * Per column quad of a super-panel: the low nibbles (u = q + 8 of the
 * panel's first half of rows) and the high ones (its second half) are
 * unpacked to bytes and multiplied as the unsigned operand of vpmaddubsw
 * by the quad's quantized x (signed); eight quads are added in int16
 * (each pair sum at most 2 * 15 * 127, the eight together 30480, so
 * nothing saturates) before vpmaddwd by ones widens to int32. 8 * sum_c
 * x[c] is taken back once per vector (the sums are of u). Exact int32 sums
 * and the int8 tables' dequantization: the scalar reference's bits (built
 * with -ffp-contract=off).
 *
 * matmat walks the matrix once per group of up to four vectors,
 * super-panel by super-panel, as the int8 AVX2 kernel does. */
#include <immintrin.h>

#include "kernels/dequant_avx2.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

#define GROUP 4

/* xq[0..cp) = the quantized x, zero-padded; returns sum_c xq[c]. */
static int32_t quantize(const float *x, int cols, int cp, int8_t *xq) {
  kern_q8_quantize_act_avx2(x, cols, xq);
  for (int c = (cols + 3) / 4 * 4; c < cp; c++)
    xq[c] = 0;
  __m256i s = _mm256_setzero_si256();
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  int c = 0;
  for (; c + 32 <= cp; c += 32) /* sad of x + 128 (flip the sign bit) */
    s = _mm256_add_epi64(
        s, _mm256_sad_epu8(_mm256_xor_si256(
                               _mm256_loadu_si256((const __m256i *)(const void *)(xq + c)),
                               flip),
                           _mm256_setzero_si256()));
  long long t = _mm256_extract_epi64(s, 0) + _mm256_extract_epi64(s, 1) +
                _mm256_extract_epi64(s, 2) + _mm256_extract_epi64(s, 3) -
                128LL * c;
  for (; c < cp; c++)
    t += xq[c];
  return (int32_t)t;
}

/* One super-panel of 16 * nv rows (nv = 2, 4): nv vectors a column quad,
 * each 8 rows of the first half (low nibbles) and 8 of the second. The
 * int16 pair sums of up to Q16_QUADS quads gather in int16 (each quad adds
 * at most 2 * 15 * 127 = 3810 to a lane, eight 30480 < 32767) before one
 * vpmaddwd widens them: a quarter of the widenings of one per quad pair,
 * which share the multiply ports with vpmaddubsw. */
#define Q16_QUADS 8

static inline __attribute__((always_inline)) void
panel(const uint8_t *P, const int8_t *xq, int32_t sx, int nq, const int nv,
      const float *mul, const float *b, float *y, int nrows) {
  __m256i acc[8];
  const __m256i ones = _mm256_set1_epi16(1), m_lo = _mm256_set1_epi8(0x0f);
#pragma GCC unroll 8
  for (int t = 0; t < 2 * nv; t++)
    acc[t] = _mm256_setzero_si256();
  const int32_t *x32 = (const int32_t *)(const void *)xq;
  size_t step = (size_t)nv * 32;
  for (int k0 = 0; k0 < nq; k0 += Q16_QUADS) { /* nq is even: cp is a multiple of 8 */
    int k1 = nq - k0 < Q16_QUADS ? nq : k0 + Q16_QUADS;
    __m256i s16[8];
#pragma GCC unroll 8
    for (int t = 0; t < 2 * nv; t++)
      s16[t] = _mm256_setzero_si256();
    for (int k = k0; k < k1; k += 2) {
      __m256i x0 = _mm256_set1_epi32(x32[k]), x1 = _mm256_set1_epi32(x32[k + 1]);
      const uint8_t *p = P + (size_t)k * step;
#pragma GCC unroll 4
      for (int j = 0; j < nv; j++) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * j));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + step + 32 * j));
        __m256i a = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(v0, m_lo), x0),
                                     _mm256_maddubs_epi16(_mm256_and_si256(v1, m_lo), x1));
        __m256i h = _mm256_add_epi16(
            _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v0, 4), m_lo), x0),
            _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v1, 4), m_lo), x1));
        s16[j] = _mm256_add_epi16(s16[j], a);
        s16[nv + j] = _mm256_add_epi16(s16[nv + j], h);
      }
    }
#pragma GCC unroll 8
    for (int t = 0; t < 2 * nv; t++)
      acc[t] = _mm256_add_epi32(acc[t], _mm256_madd_epi16(s16[t], ones));
  }
  const __m256i off = _mm256_set1_epi32(8 * sx);
#pragma GCC unroll 8
  for (int t = 0; t < 2 * nv; t++)
    kern_q8_store8_avx2(_mm256_sub_epi32(acc[t], off), mul + 8 * t,
                        b ? b + 8 * t : NULL, y + 8 * t, nrows - 8 * t);
}

static inline void panel_any(const uint8_t *P, const int8_t *xq, int32_t sx,
                             int nq, int w, const float *mul, const float *b,
                             float *y, int nrows) {
  if (w == 64)
    panel(P, xq, sx, nq, 4, mul, b, y, nrows);
  else
    panel(P, xq, sx, nq, 2, mul, b, y, nrows);
}

void kern_matvec_q4_avx2(const float *Wp, const float *b, const float *x,
                         float *y, int rows, int cols) {
  kern_q4_view v = kern_q4_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xq[KERN_Q8_MAX_COLS + 32];
  int32_t sx = quantize(x, cols, v.cp, xq);
  int nq = v.cp / 4, w;
  size_t off = 0;
  for (int r0 = 0; r0 < rows; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    int nrows = rows - r0 < w ? rows - r0 : w;
    panel_any(v.panels + off, xq, sx, nq, w, v.mul + r0, b ? b + r0 : NULL,
              y + r0, nrows);
    off += (size_t)w * (size_t)v.cp / 2;
  }
}

void kern_matmat_q4_avx2(const float *Wp, const float *b, const float *X,
                         float *Y, int rows, int cols, int nb) {
  if (nb == 1) {
    kern_matvec_q4_avx2(Wp, b, X, Y, rows, cols);
    return;
  }
  kern_q4_view v = kern_q4_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xq[GROUP][KERN_Q8_MAX_COLS + 32];
  int32_t sx[GROUP];
  int nq = v.cp / 4;
  for (int g0 = 0; g0 < nb; g0 += GROUP) {
    int ng = nb - g0 < GROUP ? nb - g0 : GROUP;
    for (int i = 0; i < ng; i++)
      sx[i] = quantize(X + (size_t)(g0 + i) * (size_t)cols, cols, v.cp, xq[i]);
    size_t off = 0;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
      int nrows = rows - r0 < w ? rows - r0 : w;
      for (int i = 0; i < ng; i++)
        panel_any(v.panels + off, xq[i], sx[i], nq, w, v.mul + r0,
                  b ? b + r0 : NULL, Y + (size_t)(g0 + i) * (size_t)rows + r0,
                  nrows);
      off += (size_t)w * (size_t)v.cp / 2;
    }
  }
}

void kern_gru_step_q4_avx2(const float *Whh_p, const float *bhh,
                           const float *gi, float *h, float *tmp, int H) {
  kern_matvec_q4_avx2(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx2(tmp, gi, h, H);
}
