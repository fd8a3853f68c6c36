/* matvec_avx512.c -- y = W x + b over column panels, AVX-512F.
 *
 * matvec_avx2.c with sixteen-lane vectors and 128-row panels: per column,
 * one broadcast and eight 64-byte loads feeding eight FMA chains. Same
 * per-row arithmetic (one FMA chain in column order), so the results equal
 * the AVX2 table's bit for bit; only the packing differs. Tails use masked
 * stores. matmat walks 32-row strips holding four batch vectors'
 * accumulators, reading each strip of W once per four words. */
#include <immintrin.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

#define V KERN_AVX512_VEC

/* Stores vector k of a panel's result (plus bias) into y[0..nrows), by
 * value so the accumulators stay in registers (see matvec_avx2.c). */
static inline __attribute__((always_inline)) void
panel_store(__m512 v, int k, const float *b, float *y, int nrows) {
  int left = nrows - k * V;
  if (left <= 0)
    return;
  __mmask16 m = left >= V ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
  if (b)
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, b + k * V));
  _mm512_mask_storeu_ps(y + k * V, m, v);
}

static inline __attribute__((always_inline)) void
panel_matvec(const float *P, const float *x, int cols, const int nv,
             const float *b, float *y, int nrows) {
  __m512 acc[KERN_AVX512_PANEL / V];
#pragma GCC unroll 8
  for (int k = 0; k < nv; k++)
    acc[k] = _mm512_setzero_ps();
  for (int c = 0; c < cols; c++) {
    __m512 bx = _mm512_set1_ps(x[c]);
    const float *p = P + (size_t)c * (size_t)(nv * V);
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      acc[k] = _mm512_fmadd_ps(_mm512_loadu_ps(p + k * V), bx, acc[k]);
  }
#pragma GCC unroll 8
  for (int k = 0; k < nv; k++)
    panel_store(acc[k], k, b, y, nrows);
}

void kern_matvec_avx512(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols) {
  const float *P = Wp;
  int w;
  for (int r0 = 0; r0 < rows; r0 += w) {
    int rem = rows - r0;
    w = rem >= KERN_AVX512_PANEL ? KERN_AVX512_PANEL : (rem + V - 1) / V * V;
    int nrows = rem < w ? rem : w;
    const float *pb = b ? b + r0 : NULL;
    switch (w / V) {
    case 8: panel_matvec(P, x, cols, 8, pb, y + r0, nrows); break;
    case 7: panel_matvec(P, x, cols, 7, pb, y + r0, nrows); break;
    case 6: panel_matvec(P, x, cols, 6, pb, y + r0, nrows); break;
    case 5: panel_matvec(P, x, cols, 5, pb, y + r0, nrows); break;
    case 4: panel_matvec(P, x, cols, 4, pb, y + r0, nrows); break;
    case 3: panel_matvec(P, x, cols, 3, pb, y + r0, nrows); break;
    case 2: panel_matvec(P, x, cols, 2, pb, y + r0, nrows); break;
    default: panel_matvec(P, x, cols, 1, pb, y + r0, nrows); break;
    }
    P += (size_t)w * (size_t)cols;
  }
}

static inline __attribute__((always_inline)) void
strip_matmat(const float *P, int w, int s, const float *X, int ldx, float *Y,
             int ldy, int cols, const int nv, const int nb, const float *b,
             int nrows) {
  __m512 acc[4][2];
#pragma GCC unroll 4
  for (int j = 0; j < nb; j++)
#pragma GCC unroll 2
    for (int k = 0; k < nv; k++)
      acc[j][k] = _mm512_setzero_ps();
  const float *p = P + s;
  for (int c = 0; c < cols; c++, p += w) {
    __m512 wv[2];
#pragma GCC unroll 2
    for (int k = 0; k < nv; k++)
      wv[k] = _mm512_loadu_ps(p + k * V);
#pragma GCC unroll 4
    for (int j = 0; j < nb; j++) {
      __m512 bx = _mm512_set1_ps(X[(size_t)j * (size_t)ldx + c]);
#pragma GCC unroll 2
      for (int k = 0; k < nv; k++)
        acc[j][k] = _mm512_fmadd_ps(wv[k], bx, acc[j][k]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < nb; j++)
#pragma GCC unroll 2
    for (int k = 0; k < nv; k++)
      panel_store(acc[j][k], k, b, Y + (size_t)j * (size_t)ldy, nrows);
}

static inline __attribute__((always_inline)) void
panel_matmat(const float *P, int w, const float *X, float *Y, int rows_left,
             int cols, int ldx, int ldy, const int nb, const float *b) {
  for (int s = 0; s < w; s += 2 * V) {
    int nv = w - s >= 2 * V ? 2 : 1;
    int left = rows_left - s;
    int nrows = left < nv * V ? left : nv * V;
    const float *sb = b ? b + s : NULL;
    if (nv == 2)
      strip_matmat(P, w, s, X, ldx, Y + s, ldy, cols, 2, nb, sb, nrows);
    else
      strip_matmat(P, w, s, X, ldx, Y + s, ldy, cols, 1, nb, sb, nrows);
  }
}

void kern_matmat_avx512(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb) {
  for (int i0 = 0; i0 < nb; i0 += 4) {
    int g = nb - i0 < 4 ? nb - i0 : 4;
    const float *Xg = X + (size_t)i0 * (size_t)cols;
    float *Yg = Y + (size_t)i0 * (size_t)rows;
    const float *P = Wp;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      int rem = rows - r0;
      w = rem >= KERN_AVX512_PANEL ? KERN_AVX512_PANEL : (rem + V - 1) / V * V;
      const float *pb = b ? b + r0 : NULL;
      switch (g) {
      case 4: panel_matmat(P, w, Xg, Yg + r0, rem, cols, cols, rows, 4, pb); break;
      case 3: panel_matmat(P, w, Xg, Yg + r0, rem, cols, cols, rows, 3, pb); break;
      case 2: panel_matmat(P, w, Xg, Yg + r0, rem, cols, cols, rows, 2, pb); break;
      default: panel_matmat(P, w, Xg, Yg + r0, rem, cols, cols, rows, 1, pb); break;
      }
      P += (size_t)w * (size_t)cols;
    }
  }
}
