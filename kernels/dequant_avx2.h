/* dequant_avx2.h -- the int8 tables' dequantization, eight rows at a time,
 * shared by the int8 and 4-bit AVX2 mat-vecs (matvec_q8_avx2.c,
 * matvec_q4_avx2.c) so both end in the same two float operations as the
 * scalar reference. Include only from files built with -mavx2. */
#ifndef RNNINFERD_KERNELS_DEQUANT_AVX2_H
#define RNNINFERD_KERNELS_DEQUANT_AVX2_H

#include <immintrin.h>

/* y[0..left) = (float)acc * mul (+ b), for left < 8 through masks. */
static inline __attribute__((always_inline)) void
kern_q8_store8_avx2(__m256i acc, const float *mul, const float *b, float *y,
                    int left) {
  __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(mul));
  if (left >= 8) {
    if (b)
      f = _mm256_add_ps(f, _mm256_loadu_ps(b));
    _mm256_storeu_ps(y, f);
  } else if (left > 0) {
    __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(left),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    if (b)
      f = _mm256_add_ps(f, _mm256_maskload_ps(b, m));
    _mm256_maskstore_ps(y, m, f);
  }
}

#endif
