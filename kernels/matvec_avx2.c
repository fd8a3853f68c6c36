/* matvec_avx2.c -- y = W x + b over column panels, AVX2 + FMA.
 *
 * The mat-vec is bound by reading W from L2, so the loop does nothing but
 * stream it: per column of a 64-row panel, one broadcast of x[c] and eight
 * loads feeding eight independent FMA chains (enough to cover FMA latency
 * on two pipes). Narrower tail panels run the same code with fewer
 * accumulators (specialised per width). Each row is one FMA chain in column
 * order, so results are bit-identical to the AVX-512 table.
 *
 * matmat does the same for a batch of up to four vectors at a time: it
 * walks each panel in strips narrow enough that all the batch's
 * accumulators stay in registers, in column blocks that stay in L1, so W
 * comes from L2 once per four words instead of once per word. A batch of
 * one is a plain matvec. Measured here (768x256): 7.7 us per vector alone,
 * 5.0 us per vector in fours. */
#include <immintrin.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

#define V KERN_AVX2_VEC
/* Bytes of W per column block of matmat (a third of the 32 KiB L1). */
#define MM_BLOCK_BYTES 12288
/* Batch vectors per pass over W (accumulators must fit 16 registers). */
#define MM_GROUP 4

/* Stores vector k of a panel's result (plus bias) into y[0..nrows). Takes
 * the accumulator by value: passing the accumulator array by address would
 * keep it in memory, and the compiler would store it on every column. */
static inline __attribute__((always_inline)) void
panel_store(__m256 v, int k, const float *b, float *y, int nrows) {
  int left = nrows - k * V;
  if (left >= V) {
    if (b)
      v = _mm256_add_ps(v, _mm256_loadu_ps(b + k * V));
    _mm256_storeu_ps(y + k * V, v);
  } else if (left > 0) {
    __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(left),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    if (b)
      v = _mm256_add_ps(v, _mm256_maskload_ps(b + k * V, m));
    _mm256_maskstore_ps(y + k * V, m, v);
  }
}

static inline __attribute__((always_inline)) void
panel_matvec(const float *P, const float *x, int cols, const int nv,
             const float *b, float *y, int nrows) {
  __m256 acc[KERN_AVX2_PANEL / V];
#pragma GCC unroll 8
  for (int k = 0; k < nv; k++)
    acc[k] = _mm256_setzero_ps();
  for (int c = 0; c < cols; c++) {
    __m256 bx = _mm256_broadcast_ss(x + c);
    const float *p = P + (size_t)c * (size_t)(nv * V);
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(p + k * V), bx, acc[k]);
  }
#pragma GCC unroll 8
  for (int k = 0; k < nv; k++)
    panel_store(acc[k], k, b, y, nrows);
}

void kern_matvec_avx2(const float *Wp, const float *b, const float *x, float *y,
                      int rows, int cols) {
  const float *P = Wp;
  int w;
  for (int r0 = 0; r0 < rows; r0 += w) {
    int rem = rows - r0;
    w = rem >= KERN_AVX2_PANEL ? KERN_AVX2_PANEL : (rem + V - 1) / V * V;
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
static inline __attribute__((always_inline)) __m256
panel_load(int k, const float *y, int nrows) {
  int left = nrows - k * V;
  if (left >= V)
    return _mm256_loadu_ps(y + k * V);
  if (left <= 0)
    return _mm256_setzero_ps();
  __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(left),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  return _mm256_maskload_ps(y + k * V, m);
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
  __m256 acc[MM_GROUP][8];
#pragma GCC unroll 8
  for (int j = 0; j < nb; j++)
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      acc[j][k] = c0 == 0 ? _mm256_setzero_ps()
                          : panel_load(k, Y + (size_t)j * (size_t)ldy, nrows);
  const float *p = P + (size_t)c0 * (size_t)w + s;
  for (int c = c0; c < c1; c++, p += w) {
    __m256 wv[8];
#pragma GCC unroll 8
    for (int k = 0; k < nv; k++)
      wv[k] = _mm256_loadu_ps(p + k * V);
#pragma GCC unroll 8
    for (int j = 0; j < nb; j++) {
      __m256 bx = _mm256_set1_ps(X[(size_t)j * (size_t)ldx + c]);
#pragma GCC unroll 8
      for (int k = 0; k < nv; k++)
        acc[j][k] = _mm256_fmadd_ps(wv[k], bx, acc[j][k]);
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
 * strip width per group size keeps nb x nv accumulators within the 16
 * registers: 2 vectors -> 4-vector strips, 3 or 4 -> 2-vector strips. */
static inline __attribute__((always_inline)) void
panel_matmat(const float *P, int w, const float *X, float *Y, int rows_left,
             int cols, int ldy, const int nb, const int nvbig, const float *b) {
  int cb = MM_BLOCK_BYTES / (w * (int)sizeof(float));
  for (int c0 = 0; c0 < cols; c0 += cb) {
    int c1 = cols - c0 < cb ? cols : c0 + cb;
    if (w == KERN_AVX2_PANEL) {
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
void kern_matmat_avx2(const float *Wp, const float *b, const float *X, float *Y,
                      int rows, int cols, int nb) {
  for (int i0 = 0; i0 < nb; i0 += MM_GROUP) {
    int g = nb - i0 < MM_GROUP ? nb - i0 : MM_GROUP;
    const float *Xg = X + (size_t)i0 * (size_t)cols;
    float *Yg = Y + (size_t)i0 * (size_t)rows;
    if (g == 1) {
      kern_matvec_avx2(Wp, b, Xg, Yg, rows, cols);
      continue;
    }
    const float *P = Wp;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      int rem = rows - r0;
      w = rem >= KERN_AVX2_PANEL ? KERN_AVX2_PANEL : (rem + V - 1) / V * V;
      const float *pb = b ? b + r0 : NULL;
      float *Yp = Yg + r0;
      switch (g) {
      case 4: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 4, 2, pb); break;
      case 3: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 3, 2, pb); break;
      default: panel_matmat(P, w, Xg, Yp, rem, cols, rows, 2, 4, pb); break;
      }
      P += (size_t)w * (size_t)cols;
    }
  }
}

/* Plain matvecs, one after the other (the interleaved form is AVX-512's). */
void kern_matvec_n_avx2(const float *const *Wp, const float *const *x,
                        float *const *y, const int *rows, int cols, int n) {
  for (int i = 0; i < n; i++)
    kern_matvec_avx2(Wp[i], NULL, x[i], y[i], rows[i], cols);
}
