/* act_avx2.h -- fast exp, tanh and sigmoid on eight floats (AVX2 + FMA).
 *
 * Included only by files built with -mavx2 -mfma. exp is Cephes' expf:
 * Cody-Waite reduction x = n ln2 + r (two-part ln2, FMA), a degree-6
 * polynomial on |r| <= ln2/2, and 2^n built in the exponent bits; input
 * clamped to [-87, 87] so 2^n stays a normal float. tanh is Cephes' tanhf:
 * an odd polynomial for |x| < 0.625, else 1 - 2 / (exp(2|x|) + 1) with the
 * sign restored. sigmoid is 1 / (1 + exp(-x)), g2p_en's formula. Divisions
 * are true IEEE divisions (no reciprocal estimates): a few ulp from libm,
 * measured in tests/kernels-test.c against KERN_*_MAX_ABS_ERR. Inputs are
 * assumed finite (NaN is not propagated). */
#ifndef RNNINFERD_ACT_AVX2_H
#define RNNINFERD_ACT_AVX2_H

#include <immintrin.h>

static inline __m256 kern_exp_avx2(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)),
                    _mm256_set1_ps(87.0f));
  __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f),
                              _mm256_set1_ps(0.5f));
  fx = _mm256_floor_ps(fx);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500E-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
  __m256 x2 = _mm256_mul_ps(x, x);
  y = _mm256_fmadd_ps(y, x2, x);
  y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
  __m256i n = _mm256_cvtps_epi32(fx);
  n = _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}

static inline __m256 kern_sigmoid_avx2(__m256 x) {
  __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = kern_exp_avx2(_mm256_sub_ps(_mm256_setzero_ps(), x));
  return _mm256_div_ps(one, _mm256_add_ps(one, e));
}

static inline __m256 kern_tanh_avx2(__m256 x) {
  __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 ax = _mm256_andnot_ps(sign, x);
  /* |x| >= 0.625: 1 - 2 / (exp(2|x|) + 1), sign of x */
  __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = kern_exp_avx2(_mm256_add_ps(ax, ax));
  __m256 big = _mm256_sub_ps(
      one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  big = _mm256_or_ps(big, _mm256_and_ps(sign, x));
  /* |x| < 0.625: x + x^3 P(x^2) */
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745E-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036E-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422E-1f));
  __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  __m256 is_small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm256_blendv_ps(big, small, is_small);
}

#endif
