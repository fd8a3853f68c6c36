/* gru_step_avx2.c -- one GRU step, AVX2 + FMA.
 *
 * The recurrent mat-vec (matvec_avx2.c) into tmp, then the gates eight
 * units at a time with the fast activations. The gate arithmetic is the
 * numpy formula operation for operation, unfused (this file is built with
 * -ffp-contract=off): h' = (1 - z) * n + z * h. */
#include <immintrin.h>

#include "kernels/act_avx2.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static inline __attribute__((always_inline)) __m256
gates8(const float *gh, const float *gi, __m256 h, int H, int j, __m256i m,
       int masked) {
#define LD(p) (masked ? _mm256_maskload_ps((p), m) : _mm256_loadu_ps(p))
  __m256 r = kern_sigmoid_avx2(_mm256_add_ps(LD(gi + j), LD(gh + j)));
  __m256 z = kern_sigmoid_avx2(_mm256_add_ps(LD(gi + H + j), LD(gh + H + j)));
  __m256 n = kern_tanh_avx2(
      _mm256_add_ps(LD(gi + 2 * H + j), _mm256_mul_ps(r, LD(gh + 2 * H + j))));
#undef LD
  __m256 a = _mm256_mul_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), z), n);
  __m256 c = _mm256_mul_ps(z, h);
  return _mm256_add_ps(a, c);
}

void kern_gru_gates_avx2(const float *gh, const float *gi, float *h, int H) {
  int j = 0;
  __m256i all = _mm256_set1_epi32(-1);
  for (; j + 8 <= H; j += 8)
    _mm256_storeu_ps(h + j, gates8(gh, gi, _mm256_loadu_ps(h + j), H, j, all, 0));
  if (j < H) {
    __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(H - j),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 hv = _mm256_maskload_ps(h + j, m);
    _mm256_maskstore_ps(h + j, m, gates8(gh, gi, hv, H, j, m, 1));
  }
}

void kern_gru_step_avx2(const float *Whh_p, const float *bhh, const float *gi,
                        float *h, float *tmp, int H) {
  kern_matvec_avx2(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx2(tmp, gi, h, H);
}
