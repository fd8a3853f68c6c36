/* act_avx512.c -- in-place tanh and sigmoid over arrays, AVX-512F.
 *
 * Sixteen lanes at a time; the tail uses masked loads and stores so every
 * element sees the same approximation (act_avx512.h). */
#include <immintrin.h>

#include "kernels/act_avx512.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_tanh_inplace_avx512(float *x, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(x + i, kern_tanh_avx512(_mm512_loadu_ps(x + i)));
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(x + i, m,
                          kern_tanh_avx512(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void kern_sigmoid_inplace_avx512(float *x, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(x + i, kern_sigmoid_avx512(_mm512_loadu_ps(x + i)));
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(x + i, m,
                          kern_sigmoid_avx512(_mm512_maskz_loadu_ps(m, x + i)));
  }
}
