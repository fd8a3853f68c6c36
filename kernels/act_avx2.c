/* act_avx2.c -- in-place tanh and sigmoid over arrays, AVX2 + FMA.
 *
 * Eight lanes at a time; the tail goes through masked loads and stores so
 * every element sees the same approximation (act_avx2.h). */
#include <immintrin.h>

#include "kernels/act_avx2.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static inline __m256i tail_mask(int left) {
  __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(left), idx);
}

void kern_tanh_inplace_avx2(float *x, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(x + i, kern_tanh_avx2(_mm256_loadu_ps(x + i)));
  if (i < n) {
    __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(x + i, m, kern_tanh_avx2(_mm256_maskload_ps(x + i, m)));
  }
}

void kern_sigmoid_inplace_avx2(float *x, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(x + i, kern_sigmoid_avx2(_mm256_loadu_ps(x + i)));
  if (i < n) {
    __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(x + i, m,
                        kern_sigmoid_avx2(_mm256_maskload_ps(x + i, m)));
  }
}
