/* gru_step_avx512.c -- one GRU step, AVX-512F.
 *
 * gru_step_avx2.c with sixteen lanes: recurrent mat-vec into tmp, then the
 * gates with the numpy formula unfused (-ffp-contract=off),
 * h' = (1 - z) * n + z * h; the tail uses masked loads and stores. */
#include <immintrin.h>

#include "kernels/act_avx512.h"
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static inline __attribute__((always_inline)) __m512
gates16(const float *gh, const float *gi, __m512 h, int H, int j, __mmask16 m) {
  __m512 r = kern_sigmoid_avx512(_mm512_add_ps(_mm512_maskz_loadu_ps(m, gi + j),
                                               _mm512_maskz_loadu_ps(m, gh + j)));
  __m512 z = kern_sigmoid_avx512(
      _mm512_add_ps(_mm512_maskz_loadu_ps(m, gi + H + j),
                    _mm512_maskz_loadu_ps(m, gh + H + j)));
  __m512 n = kern_tanh_avx512(_mm512_add_ps(
      _mm512_maskz_loadu_ps(m, gi + 2 * H + j),
      _mm512_mul_ps(r, _mm512_maskz_loadu_ps(m, gh + 2 * H + j))));
  __m512 a = _mm512_mul_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), z), n);
  __m512 c = _mm512_mul_ps(z, h);
  return _mm512_add_ps(a, c);
}

void kern_gru_gates_avx512(const float *gh, const float *gi, float *h, int H) {
  int j = 0;
  for (; j + 16 <= H; j += 16)
    _mm512_storeu_ps(h + j, gates16(gh, gi, _mm512_loadu_ps(h + j), H, j,
                                    (__mmask16)0xffff));
  if (j < H) {
    __mmask16 m = (__mmask16)((1u << (H - j)) - 1);
    __m512 hv = _mm512_maskz_loadu_ps(m, h + j);
    _mm512_mask_storeu_ps(h + j, m, gates16(gh, gi, hv, H, j, m));
  }
}

void kern_gru_step_avx512(const float *Whh_p, const float *bhh,
                          const float *gi, float *h, float *tmp, int H) {
  kern_matvec_avx512(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_avx512(tmp, gi, h, H);
}
