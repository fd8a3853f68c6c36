/* act_scalar.c -- reference activations straight from libm.
 *
 * tanhf, and sigmoid as 1 / (1 + expf(-x)) -- the formula g2p_en's numpy
 * code uses. The fast versions' error bounds (kernels.h) are stated
 * against these. */
#include <math.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_tanh_inplace_scalar(float *x, int n) {
  for (int i = 0; i < n; i++)
    x[i] = tanhf(x[i]);
}

void kern_sigmoid_inplace_scalar(float *x, int n) {
  for (int i = 0; i < n; i++)
    x[i] = 1.0f / (1.0f + expf(-x[i]));
}
