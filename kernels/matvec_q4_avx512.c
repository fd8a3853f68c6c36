/* matvec_q4_avx512.c -- 4-bit y = W x + b, AVX-512 VNNI.
 *
 * Each byte of the layout (kernels_impl.h) holds u = q + 8 for one weight
 * of a row in a super-panel's first half (low nibble) and for the same
 * column of the row half a panel below (high nibble). vpdpbusd takes the
 * weights as its unsigned operand and the quantized x as the signed one,
 * twice per 64-byte load against the same x: the whole byte v gives
 * sum (u_lo + 16 u_hi) x, v & 0x0f gives sum u_lo x, and the difference
 * divided by 16 (exact: a multiple of 16) is sum u_hi x. Both are sums of
 * u, so 8 * sum_c x[c] is taken back once per vector. Every sum is an exact
 * int32 (|255 x| * 4096 < 2^31), so the result equals the scalar
 * reference's bit for bit (same dequantization, built with
 * -ffp-contract=off). Even and odd column quads accumulate separately, to
 * cover the instruction's latency.
 *
 * matmat quantizes up to a stack buffer's worth of vectors, then walks the
 * matrix once, super-panel by super-panel (64 rows x cols / 2 bytes, which
 * stays in L1 while every vector of the pass uses it).
 *
 * Needs AVX-512 F/BW/VL and VNNI (kern_cpu_supports("avx512-int8")). */
#include <immintrin.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

/* xq[0..cp) = the quantized x, zero-padded; returns sum_c xq[c]. */
static int32_t quantize_signed(const float *x, int cols, int cp, int8_t *xq) {
  uint8_t *xu = (uint8_t *)xq;
  kern_q8_quantize_act_avx512(x, cols, xu); /* x + 128, up to quads */
  for (int c = (cols + 3) / 4 * 4; c < cp; c++)
    xu[c] = 128;
  __m512i s = _mm512_setzero_si512();
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (int c = 0; c < cp; c += 64) {
    int left = cp - c;
    __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
    __m512i v = _mm512_maskz_loadu_epi8(m, xu + c);
    s = _mm512_add_epi64(s, _mm512_sad_epu8(v, _mm512_setzero_si512()));
    _mm512_mask_storeu_epi8(xu + c, m, _mm512_xor_si512(v, flip));
  }
  return (int32_t)(_mm512_reduce_add_epi64(s) - 128 * (long long)cp);
}

/* One super-panel of 32 * nv rows (nv = 1, 2): nv vectors a column quad. */
static inline __attribute__((always_inline)) void
panel(const uint8_t *P, const int8_t *xq, int32_t sx, int nq, const int nv,
      const float *mul, const float *b, float *y, int nrows) {
  __m512i full[2][2], lo[2][2];
#pragma GCC unroll 2
  for (int j = 0; j < nv; j++)
    full[0][j] = full[1][j] = lo[0][j] = lo[1][j] = _mm512_setzero_si512();
  const int32_t *x32 = (const int32_t *)(const void *)xq;
  const __m512i m_lo = _mm512_set1_epi8(0x0f);
  size_t step = (size_t)nv * 64;
  for (int k = 0; k < nq; k += 2) { /* nq is even: cp is a multiple of 8 */
    const uint8_t *p = P + (size_t)k * step;
#pragma GCC unroll 2
    for (int e = 0; e < 2; e++) {
      __m512i x = _mm512_set1_epi32(x32[k + e]);
#pragma GCC unroll 2
      for (int j = 0; j < nv; j++) {
        __m512i v = _mm512_loadu_si512(p + step * (size_t)e + 64 * (size_t)j);
        full[e][j] = _mm512_dpbusd_epi32(full[e][j], v, x);
        lo[e][j] = _mm512_dpbusd_epi32(lo[e][j], _mm512_and_si512(v, m_lo), x);
      }
    }
  }
  const __m512i off = _mm512_set1_epi32(8 * sx);
#pragma GCC unroll 4
  for (int t = 0; t < 2 * nv; t++) { /* t < nv: first half; else the second */
    int j = t % nv, left = nrows - 16 * t;
    if (left <= 0)
      break;
    __m512i l = _mm512_add_epi32(lo[0][j], lo[1][j]);
    __m512i acc = t < nv ? l
                         : _mm512_srai_epi32(
                               _mm512_sub_epi32(_mm512_add_epi32(full[0][j], full[1][j]), l), 4);
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc, off)),
                             _mm512_loadu_ps(mul + 16 * t));
    __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    if (b)
      f = _mm512_add_ps(f, _mm512_maskz_loadu_ps(m, b + 16 * t));
    _mm512_mask_storeu_ps(y + 16 * t, m, f);
  }
}

static inline void panel_any(const uint8_t *P, const int8_t *xq, int32_t sx,
                             int nq, int w, const float *mul, const float *b,
                             float *y, int nrows) {
  if (w == 64)
    panel(P, xq, sx, nq, 2, mul, b, y, nrows);
  else
    panel(P, xq, sx, nq, 1, mul, b, y, nrows);
}

void kern_matvec_q4_avx512(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols) {
  kern_q4_view v = kern_q4_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xq[KERN_Q8_MAX_COLS + 64];
  int32_t sx = quantize_signed(x, cols, v.cp, xq);
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

#define MM_XBYTES (16 * 1024)
#define MM_PASS_MAX 16

void kern_matmat_q4_avx512(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb) {
  if (nb == 1) {
    kern_matvec_q4_avx512(Wp, b, X, Y, rows, cols);
    return;
  }
  kern_q4_view v = kern_q4_view_of(Wp, rows, cols);
  _Alignas(64) int8_t xbuf[MM_XBYTES + 64];
  int32_t sx[MM_PASS_MAX];
  int nq = v.cp / 4;
  int pass = MM_XBYTES / v.cp;
  pass = pass < MM_PASS_MAX ? pass : MM_PASS_MAX;
  for (int g0 = 0; g0 < nb; g0 += pass) {
    int ng = nb - g0 < pass ? nb - g0 : pass;
    for (int i = 0; i < ng; i++)
      sx[i] = quantize_signed(X + (size_t)(g0 + i) * (size_t)cols, cols, v.cp,
                              xbuf + (size_t)i * (size_t)v.cp);
    size_t off = 0;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
      int nrows = rows - r0 < w ? rows - r0 : w;
      for (int i = 0; i < ng; i++)
        panel_any(v.panels + off, xbuf + (size_t)i * (size_t)v.cp, sx[i], nq,
                  w, v.mul + r0, b ? b + r0 : NULL,
                  Y + (size_t)(g0 + i) * (size_t)rows + r0, nrows);
      off += (size_t)w * (size_t)v.cp / 2;
    }
  }
}

void kern_gru_step_q4_avx512(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H) {
  kern_matvec_q4_avx512(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx512(tmp, gi, h, H);
}
