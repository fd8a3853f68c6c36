/* matvec_avx512.c -- y = W x + b over column panels, AVX-512F.
 *
 * matvec_avx2.c with sixteen-lane vectors and 128-row panels: per column,
 * one broadcast and eight 64-byte loads feeding eight FMA chains. Same
 * per-row arithmetic (one FMA chain in column order), so the results equal
 * the AVX2 table's bit for bit; only the packing differs. Tails use masked
 * stores. matmat takes up to eight batch vectors per pass over W, in
 * strips whose accumulators fit the 32 registers (768x256: 6.0 us per
 * vector alone, 2.3 us per vector in eights). */
#include <immintrin.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

#define V KERN_AVX512_VEC
/* Bytes of W per column block of matmat: unblocked here. Blocking to L1
 * (12 KiB, as matvec_avx2.c does) measured slower with 16-lane strips:
 * 2.6 vs 2.3 us per vector for 768x256 at 4 and 8 vectors. */
#define MM_BLOCK_BYTES (1 << 30)
/* Batch vectors per pass over W (accumulators must fit 32 registers). */
#define MM_GROUP 8

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

/* Loads vector k of a partial result back (rows past nrows read as 0). */
static inline __attribute__((always_inline)) __m512
panel_load(int k, const float *y, int nrows) {
  int left = nrows - k * V;
  if (left <= 0)
    return _mm512_setzero_ps();
  __mmask16 m = left >= V ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
  return _mm512_maskz_loadu_ps(m, y + k * V);
}

/* Columns c0..c1 of one strip of nv vectors at offset s inside a panel of
 * width w, for nb batch vectors. The running sums live in registers within
 * the block and in Y between blocks (a float stored and reloaded is exact,
 * so every row is still one FMA chain in column order, as in matvec); the
 * bias is added once, after the last column. */
static inline __attribute__((always_inline)) void
strip_matmat(const float *P, int w, int s, const float *X, int ldx, float *Y,
             int ldy, int c0, int c1, int last, const int nv, const int nb,
             const float *b, int nrows) {
  __m512 acc[MM_GROUP][8];
#pragma GCC unroll 8
  for (int j = 0; j < nb; j++)
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      acc[j][k] = c0 == 0 ? _mm512_setzero_ps()
                          : panel_load(k, Y + (size_t)j * (size_t)ldy, nrows);
  const float *p = P + (size_t)c0 * (size_t)w + s;
  for (int c = c0; c < c1; c++, p += w) {
    __m512 wv[8];
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      wv[k] = _mm512_loadu_ps(p + k * V);
#pragma GCC unroll 8
    for (int j = 0; j < nb; j++) {
      __m512 bx = _mm512_set1_ps(X[(size_t)j * (size_t)ldx + c]);
#pragma GCC unroll 8
      for (int k = 0; k < nv; k++)
        acc[j][k] = _mm512_fmadd_ps(wv[k], bx, acc[j][k]);
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < nb; j++)
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      panel_store(acc[j][k], k, last ? b : NULL,
                  Y + (size_t)j * (size_t)ldy, nrows);
}

/* One panel for a group of nb batch vectors, in blocks of columns small
 * enough (MM_BLOCK_BYTES of W) to stay in L1 while every strip of the
 * block is processed: W is then read from L2 once per group. Full panels
 * are walked in strips of nvbig vectors (a divisor of the panel's 8), the
 * one narrower tail panel of a matrix in strips of 2 and 1 vectors. The
 * strip width per group size keeps nb x nv accumulators within the 32
 * registers: 2 vectors -> whole 8-vector panel columns, 3 or 4 -> 4-vector
 * strips, 5 to 8 -> 2-vector strips. */
static inline __attribute__((always_inline)) void
panel_matmat(const float *P, int w, const float *X, float *Y, int rows_left,
             int cols, int ldy, const int nb, const int nvbig, const float *b) {
  int cb = MM_BLOCK_BYTES / (w * (int)sizeof(float));
  for (int c0 = 0; c0 < cols; c0 += cb) {
    int c1 = cols - c0 < cb ? cols : c0 + cb;
    if (w == KERN_AVX512_PANEL) {
      for (int s = 0; s < w; s += nvbig * V) {
        int left = rows_left - s;
        int nrows = left < nvbig * V ? left : nvbig * V;
        strip_matmat(P, w, s, X, cols, Y + s, ldy, c0, c1, c1 == cols, nvbig, nb,
                     b ? b + s : NULL, nrows);
      }
      continue;
    }
    for (int s = 0; s < w; s += 2 * V) {
      int nv = w - s >= 2 * V ? 2 : 1;
      int left = rows_left - s;
      int nrows = left < nv * V ? left : nv * V;
      const float *sb = b ? b + s : NULL;
      if (nv == 2)
        strip_matmat(P, w, s, X, cols, Y + s, ldy, c0, c1, c1 == cols, 2, nb, sb,
                     nrows);
      else
        strip_matmat(P, w, s, X, cols, Y + s, ldy, c0, c1, c1 == cols, 1, nb, sb,
                     nrows);
    }
  }
}

/* A group of one is a plain matvec (same arithmetic, contiguous reads). */
void kern_matmat_avx512(const float *Wp, const float *b, const float *X, float *Y,
                      int rows, int cols, int nb) {
  for (int i0 = 0; i0 < nb; i0 += MM_GROUP) {
    int g = nb - i0 < MM_GROUP ? nb - i0 : MM_GROUP;
    const float *Xg = X + (size_t)i0 * (size_t)cols;
    float *Yg = Y + (size_t)i0 * (size_t)rows;
    if (g == 1) {
      kern_matvec_avx512(Wp, b, Xg, Yg, rows, cols);
      continue;
    }
    const float *P = Wp;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      int rem = rows - r0;
      w = rem >= KERN_AVX512_PANEL ? KERN_AVX512_PANEL : (rem + V - 1) / V * V;
      const float *pb = b ? b + r0 : NULL;
      float *Yp = Yg + r0;
      switch (g) {
      case 8: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 8, 2, pb); break;
      case 7: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 7, 2, pb); break;
      case 6: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 6, 2, pb); break;
      case 5: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 5, 2, pb); break;
      case 4: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 4, 4, pb); break;
      case 3: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 3, 4, pb); break;
      default: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 2, 8, pb); break;
      }
      P += (size_t)w * (size_t)cols;
    }
  }
}

/* Up to four matrices of one panel of nv vectors (nv <= 2), their chains
 * interleaved column by column; per row the same FMA chain in column
 * order from zero as panel_matvec, so the same bits. */
static inline __attribute__((always_inline)) void
matvec_group(const float *const *Wp, const float *const *x, float *const *y,
             const int *rows, int cols, const int nv, const int n) {
  __m512 acc[4][2];
#pragma GCC unroll 4
  for (int i = 0; i < n; i++)
#pragma GCC unroll 2
    for (int k = 0; k < nv; k++)
      acc[i][k] = _mm512_setzero_ps();
  for (int c = 0; c < cols; c++) {
#pragma GCC unroll 4
    for (int i = 0; i < n; i++) {
      __m512 bx = _mm512_set1_ps(x[i][c]);
      const float *p = Wp[i] + (size_t)c * (size_t)(nv * V);
#pragma GCC unroll 2
      for (int k = 0; k < nv; k++)
        acc[i][k] = _mm512_fmadd_ps(_mm512_loadu_ps(p + k * V), bx, acc[i][k]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < n; i++)
#pragma GCC unroll 2
    for (int k = 0; k < nv; k++)
      panel_store(acc[i][k], k, NULL, y[i], rows[i]);
}

/* Matrices of up to 32 rows (one panel of one or two vectors) go in
 * groups of up to four of the same panel width; the attention keys of a
 * batch's words (T <= 32 steps, D columns, words ordered by length) are
 * such runs. Anything else is a plain matvec. */
void kern_matvec_n_avx512(const float *const *Wp, const float *const *x,
                          float *const *y, const int *rows, int cols, int n) {
  int i = 0;
  while (i < n) {
    int nv = (rows[i] + V - 1) / V;
    int g = 1;
    if (nv <= 2)
      while (g < 4 && i + g < n && (rows[i + g] + V - 1) / V == nv)
        g++;
    if (g == 1) {
      kern_matvec_avx512(Wp[i], NULL, x[i], y[i], rows[i], cols);
    } else if (nv == 1) {
      switch (g) {
      case 4: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 1, 4); break;
      case 3: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 1, 3); break;
      default: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 1, 2); break;
      }
    } else {
      switch (g) {
      case 4: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 2, 4); break;
      case 3: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 2, 3); break;
      default: matvec_group(Wp + i, x + i, y + i, rows + i, cols, 2, 2); break;
      }
    }
    i += g;
  }
}
