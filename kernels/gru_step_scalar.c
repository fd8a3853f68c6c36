/* gru_step_scalar.c -- reference GRU step (PyTorch semantics, r z n).
 *
 * Written the way g2p_en's numpy grucell computes it, operation for
 * operation: gh = W_hh h + b_hh; r, z = sigmoid(gi + gh); n = tanh(gi_n +
 * r * gh_n); h' = (1 - z) * n + z * h. The gate half is its own function
 * so batched callers can compute gh for several words with one matmat. */
#include <math.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_gru_gates_scalar(const float *gh, const float *gi, float *h, int H) {
  for (int j = 0; j < H; j++) {
    float r = 1.0f / (1.0f + expf(-(gi[j] + gh[j])));
    float z = 1.0f / (1.0f + expf(-(gi[H + j] + gh[H + j])));
    float n = tanhf(gi[2 * H + j] + r * gh[2 * H + j]);
    float a = (1.0f - z) * n;
    float c = z * h[j];
    h[j] = a + c;
  }
}

void kern_gru_step_scalar(const float *Whh_p, const float *bhh, const float *gi,
                          float *h, float *tmp, int H) {
  kern_matvec_scalar(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_scalar(tmp, gi, h, H);
}
