/* matvec_q4_scalar.c -- the 4-bit reference: y = W x + b with weights in
 * [-7, 7] (pack_q4.c) and x quantized as for int8, summed exactly in int32.
 *
 * Reads the packed nibbles element by element, so it is the plain
 * arithmetic the SIMD tables must match bit for bit: an exact integer dot
 * product per row, one int -> float conversion, one multiply by the row's
 * factor, one add of the bias (the int8 tables' dequantization). */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

void kern_matvec_q4_scalar(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols) {
  kern_q4_view v = kern_q4_view_of(Wp, rows, cols);
  int8_t xq[KERN_Q8_MAX_COLS + 8];
  kern_q8_quantize_act_scalar(x, cols, xq);
  for (int c = cols; c < v.cp; c++)
    xq[c] = 0;
  size_t off = 0;
  int w;
  for (int r0 = 0; r0 < v.rp; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    const uint8_t *P = v.panels + off;
    int h = w / 2;
    for (int i = 0; i < w && r0 + i < rows; i++) {
      int pair = i < h ? i : i - h, shift = i < h ? 0 : 4;
      int32_t acc = 0;
      for (int k = 0; k < v.cp / 4; k++)
        for (int j = 0; j < 4; j++) {
          uint8_t byte = P[((size_t)k * (size_t)h + (size_t)pair) * 4 + (size_t)j];
          acc += ((int32_t)(byte >> shift & 15) - 8) * (int32_t)xq[4 * k + j];
        }
      int r = r0 + i;
      float f = (float)acc * v.mul[r];
      y[r] = b ? f + b[r] : f;
    }
    off += (size_t)w * (size_t)v.cp / 2;
  }
}

void kern_matmat_q4_scalar(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb) {
  for (int i = 0; i < nb; i++)
    kern_matvec_q4_scalar(Wp, b, X + (size_t)i * (size_t)cols,
                          Y + (size_t)i * (size_t)rows, rows, cols);
}

void kern_gru_step_q4_scalar(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H) {
  kern_matvec_q4_scalar(Whh_p, bhh, h, tmp, 3 * H, H);
  kern_gru_gates_scalar(tmp, gi, h, H);
}
