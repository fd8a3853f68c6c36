/* matvec_scalar.c -- reference y = W x + b and its batched form.
 *
 * One dot product per row, summed in column order, then the bias added:
 * the order numpy's reference BLAS uses for h @ W.T + b. No FMA (the
 * baseline x86-64 target has none), so this is the arithmetic the
 * optimised tables are measured against. */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_matvec_scalar(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    const float *w = Wp + (size_t)r * (size_t)cols;
    float acc = 0.0f;
    for (int c = 0; c < cols; c++)
      acc += w[c] * x[c];
    y[r] = b ? acc + b[r] : acc;
  }
}

void kern_matvec_n_scalar(const float *const *Wp, const float *const *x,
                          float *const *y, const int *rows, int cols, int n) {
  for (int i = 0; i < n; i++)
    kern_matvec_scalar(Wp[i], NULL, x[i], y[i], rows[i], cols);
}

void kern_matmat_scalar(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb) {
  for (int i = 0; i < nb; i++)
    kern_matvec_scalar(Wp, b, X + (size_t)i * (size_t)cols,
                       Y + (size_t)i * (size_t)rows, rows, cols);
}
