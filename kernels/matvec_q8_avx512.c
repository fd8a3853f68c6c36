/* matvec_q8_avx512.c -- int8 y = W x + b, AVX-512 VNNI.
 *
 * vpdpbusd multiplies unsigned by signed bytes and adds each group of four
 * products straight into an int32 lane, without the int16 step that can
 * saturate. x is made unsigned by adding 128 (x + 128 in [1, 255]), and the
 * surplus 128 * sum_c w[r][c] is taken back with the row sums stored at
 * pack time: the int32 result is the exact dot product, so the output
 * equals the scalar reference's bit for bit (same dequantization, built
 * with -ffp-contract=off). Odd and even quads accumulate separately (two
 * chains per 16 rows) to cover the instruction's latency.
 *
 * matmat quantizes up to 16 vectors, then walks the matrix once,
 * super-panel by super-panel, in register blocks of up to four vectors:
 * one weight load feeds up to four vpdpbusd, so the batch runs at the
 * instruction's throughput instead of the loads' (1152x384 per vector,
 * 2026-12-01: 2.65 us alone, 1.82 us in fours with a load per vpdpbusd,
 * 1.07 us in 4x4 register blocks at 16 vectors).
 *
 * Needs AVX-512 F/BW/VL and VNNI (kern_cpu_supports("avx512-int8")). */
#include <immintrin.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_q8_quantize_act_avx512(const float *x, int cols, uint8_t *xu) {
  int c = 0;
  const __m512 s = _mm512_set1_ps(KERN_Q8_ACT_SCALE);
  const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
  for (; c + 16 <= cols; c += 16) {
    __m512 t = _mm512_mul_ps(_mm512_loadu_ps(x + c), s);
    t = _mm512_min_ps(_mm512_max_ps(t, lo), hi);
    __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(t), _mm512_set1_epi32(128));
    _mm_storeu_si128((__m128i *)(void *)(xu + c), _mm512_cvtusepi32_epi8(q));
  }
  int8_t tail[KERN_Q8_ROW_ALIGN + 4];
  kern_q8_quantize_act_scalar(x + c, cols - c, tail);
  for (int i = 0; c + i < (cols + 3) / 4 * 4; i++)
    xu[c + i] = (uint8_t)(tail[i] + 128);
}

static inline __attribute__((always_inline)) void
panel(const int8_t *P, const uint8_t *xu, int nq, const int nv,
      const int32_t *sum128, const float *mul, const float *b, float *y,
      int nrows) {
  __m512i a0[4], a1[4];
#pragma GCC unroll 4
  for (int j = 0; j < nv; j++)
    a0[j] = a1[j] = _mm512_setzero_si512();
  const int32_t *x32 = (const int32_t *)(const void *)xu;
  size_t step = (size_t)nv * 64;
  int k = 0;
  for (; k + 2 <= nq; k += 2) {
    __m512i x0 = _mm512_set1_epi32(x32[k]), x1 = _mm512_set1_epi32(x32[k + 1]);
    const int8_t *p0 = P + (size_t)k * step, *p1 = p0 + step;
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++) {
      a0[j] = _mm512_dpbusd_epi32(a0[j], x0, _mm512_loadu_si512(p0 + 64 * j));
      a1[j] = _mm512_dpbusd_epi32(a1[j], x1, _mm512_loadu_si512(p1 + 64 * j));
    }
  }
  if (k < nq) {
    __m512i x0 = _mm512_set1_epi32(x32[k]);
    const int8_t *p0 = P + (size_t)k * step;
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++)
      a0[j] = _mm512_dpbusd_epi32(a0[j], x0, _mm512_loadu_si512(p0 + 64 * j));
  }
#pragma GCC unroll 4
  for (int j = 0; j < nv; j++) {
    __m512i acc = _mm512_sub_epi32(_mm512_add_epi32(a0[j], a1[j]),
                                   _mm512_loadu_si512(sum128 + 16 * j));
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc),
                             _mm512_loadu_ps(mul + 16 * j));
    int left = nrows - 16 * j;
    if (left <= 0)
      continue;
    __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    if (b)
      f = _mm512_add_ps(f, _mm512_maskz_loadu_ps(m, b + 16 * j));
    _mm512_mask_storeu_ps(y + 16 * j, m, f);
  }
}

static inline void panel_any(const int8_t *P, const uint8_t *xu, int nq, int w,
                             const int32_t *sum128, const float *mul,
                             const float *b, float *y, int nrows) {
  switch (w / 16) {
  case 4: panel(P, xu, nq, 4, sum128, mul, b, y, nrows); break;
  case 3: panel(P, xu, nq, 3, sum128, mul, b, y, nrows); break;
  case 2: panel(P, xu, nq, 2, sum128, mul, b, y, nrows); break;
  default: panel(P, xu, nq, 1, sum128, mul, b, y, nrows); break;
  }
}

void kern_matvec_q8_avx512(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols) {
  kern_q8_view v = kern_q8_view_of(Wp, rows, cols);
  _Alignas(64) uint8_t xu[KERN_Q8_MAX_COLS];
  kern_q8_quantize_act_avx512(x, cols, xu);
  int nq = v.cp / 4, w;
  size_t off = 0;
  for (int r0 = 0; r0 < rows; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    int nrows = rows - r0 < w ? rows - r0 : w;
    panel_any(v.panels + off, xu, nq, w, v.sum128 + r0, v.mul + r0,
              b ? b + r0 : NULL, y + r0, nrows);
    off += (size_t)w * (size_t)v.cp;
  }
}

/* Register block of matmat: nb vectors (2..4) against nv * 16 rows of a
 * super-panel. Each weight load feeds nb vpdpbusd (one per vector), where
 * panel() spends one load per vpdpbusd; the int32 sums are the same exact
 * dot products (integer addition does not care about order) and the
 * dequantization the same two float operations, so every vector's result
 * equals panel()'s bit for bit. nb * nv accumulators (at most 16) plus nv
 * weights and a broadcast fit the 32 registers. Blocks of five and six
 * (24 accumulators) measured within 4% of fours. */
#define TILE_MAX 4

static inline __attribute__((always_inline)) void
tile(const int8_t *P, const uint8_t *const *xu, int nq, const int nv,
     const int nb, const int32_t *sum128, const float *mul, const float *b,
     float *const *y, int nrows) {
  __m512i acc[TILE_MAX][4];
#pragma GCC unroll 8
  for (int i = 0; i < nb; i++)
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++)
      acc[i][j] = _mm512_setzero_si512();
  const int32_t *x32[TILE_MAX];
#pragma GCC unroll 8
  for (int i = 0; i < nb; i++)
    x32[i] = (const int32_t *)(const void *)xu[i];
  size_t step = (size_t)nv * 64;
  for (int k = 0; k < nq; k++) {
    const int8_t *p = P + (size_t)k * step;
    __m512i wv[4];
#pragma GCC unroll 4
    for (int j = 0; j < nv; j++)
      wv[j] = _mm512_loadu_si512(p + 64 * j);
#pragma GCC unroll 8
    for (int i = 0; i < nb; i++) {
      __m512i xb = _mm512_set1_epi32(x32[i][k]);
#pragma GCC unroll 4
      for (int j = 0; j < nv; j++)
        acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], xb, wv[j]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < nv; j++) {
    int left = nrows - 16 * j;
    if (left <= 0)
      break;
    __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    __m512i s = _mm512_loadu_si512(sum128 + 16 * j);
    __m512 mj = _mm512_loadu_ps(mul + 16 * j);
    __m512 bj = b ? _mm512_maskz_loadu_ps(m, b + 16 * j) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int i = 0; i < nb; i++) {
      __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc[i][j], s)),
                               mj);
      if (b)
        f = _mm512_add_ps(f, bj);
      _mm512_mask_storeu_ps(y[i] + 16 * j, m, f);
    }
  }
}

/* A super-panel of width w against nb (1..4) vectors. */
static inline void tile_any(const int8_t *P, const uint8_t *const *xu, int nq,
                            int w, int nb, const int32_t *sum128,
                            const float *mul, const float *b, float *const *y,
                            int nrows) {
#define TILE_NB(nv)                                                            \
  switch (nb) {                                                                \
  case 4: tile(P, xu, nq, nv, 4, sum128, mul, b, y, nrows); break;             \
  case 3: tile(P, xu, nq, nv, 3, sum128, mul, b, y, nrows); break;             \
  case 2: tile(P, xu, nq, nv, 2, sum128, mul, b, y, nrows); break;             \
  default: panel(P, xu[0], nq, nv, sum128, mul, b, y[0], nrows); break;        \
  }
  switch (w / 16) {
  case 4: TILE_NB(4) break;
  case 3: TILE_NB(3) break;
  case 2: TILE_NB(2) break;
  default: TILE_NB(1) break;
  }
#undef TILE_NB
}

/* Vectors per pass over the matrix: as many quantized vectors as fit
 * MM_XBYTES of stack (at least 4 at the longest KERN_Q8_MAX_COLS). Each
 * super-panel is then read once per pass, from L1 or L2, by register
 * blocks of up to four vectors. */
#define MM_XBYTES (16 * 1024)
#define MM_PASS_MAX 16

void kern_matmat_q8_avx512(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb) {
  if (nb == 1) {
    kern_matvec_q8_avx512(Wp, b, X, Y, rows, cols);
    return;
  }
  kern_q8_view v = kern_q8_view_of(Wp, rows, cols);
  _Alignas(64) uint8_t xbuf[MM_XBYTES];
  int nq = v.cp / 4;
  int pass = MM_XBYTES / v.cp;
  pass = pass < MM_PASS_MAX ? pass : MM_PASS_MAX;
  int npass = (nb + pass - 1) / pass;
  for (int g0 = 0, pi = 0; g0 < nb; pi++) {
    /* passes (and below, blocks) of even sizes: 16 vectors in two passes
     * of 8, not 14 and 2; 5 in blocks of 3 and 2, not 4 and 1 */
    int ng = (nb - g0 + (npass - pi) - 1) / (npass - pi);
    const uint8_t *xu[MM_PASS_MAX];
    for (int i = 0; i < ng; i++) {
      uint8_t *d = xbuf + (size_t)i * (size_t)v.cp;
      kern_q8_quantize_act_avx512(X + (size_t)(g0 + i) * (size_t)cols, cols, d);
      xu[i] = d;
    }
    size_t off = 0;
    int w, n;
    for (int r0 = 0; r0 < rows; r0 += w) {
      w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
      int nrows = rows - r0 < w ? rows - r0 : w;
      int nt = (ng + TILE_MAX - 1) / TILE_MAX;
      for (int i = 0, ti = 0; i < ng; i += n, ti++) {
        n = (ng - i + (nt - ti) - 1) / (nt - ti);
        float *y[TILE_MAX];
        for (int j = 0; j < n; j++)
          y[j] = Y + (size_t)(g0 + i + j) * (size_t)rows + r0;
        tile_any(v.panels + off, xu + i, nq, w, n, v.sum128 + r0, v.mul + r0,
                 b ? b + r0 : NULL, y, nrows);
      }
      off += (size_t)w * (size_t)v.cp;
    }
    g0 += ng;
  }
}

void kern_gru_step_q8_avx512(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H) {
  kern_matvec_q8_avx512(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx512(tmp, gi, h, H);
}
