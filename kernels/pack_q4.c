/* pack_q4.c -- the 4-bit weight layout every int8 table reads for the
 * recurrent matrices of an int4 model, and its per-row quantization.
 *
 * Why 4 bits there: a GRU step reads its whole W_hh (3H x H) for one
 * vector, so the per-step matrices are read T + S times a word and their
 * bytes, not the arithmetic, set the pace; in 4 bits the default network's
 * three recurrent matrices (1.3 MB in int8) fit a 1 MB L2 per phase. The
 * layout (kernels_impl.h) keeps int8's super-panels and column quads and
 * pairs the rows of a panel's two halves in the two nibbles of a byte: one
 * 64-byte load and one mask feed two vpdpbusd (the whole byte and its low
 * nibble against the same x), where pairing column quads took a load and
 * a mask for each nibble (the default network 9% slower a word on an AMD
 * EPYC Zen 4, doc/benchmarks.md).
 * Plain C, built for the baseline ISA: packing runs at load on any CPU. */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static int pad_cols(int cols) { return (cols + 7) / 8 * 8; }
static int pad_rows(int rows) { return (rows + 31) / 32 * 32; }

size_t kern_packed_bytes_q4(int rows, int cols) {
  size_t rp = (size_t)pad_rows(rows), cp = (size_t)pad_cols(cols);
  return KERN_A64(rp * sizeof(float)) + KERN_A64(rp * cp / 2);
}

kern_q4_view kern_q4_view_of(const float *Wp, int rows, int cols) {
  kern_q4_view v;
  v.rp = pad_rows(rows);
  v.cp = pad_cols(cols);
  v.mul = Wp;
  v.panels = (const uint8_t *)Wp + KERN_A64((size_t)v.rp * 4);
  return v;
}

void kern_pack_q4(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols) {
  memset(dst, 0, kern_packed_bytes_q4(rows, cols));
  kern_q4_view v = kern_q4_view_of(dst, rows, cols);
  uint8_t *pan = (uint8_t *)dst + (v.panels - (const uint8_t *)dst);
  for (int r = 0; r < rows; r++)
    dst[r] = scale[r] / KERN_Q8_ACT_SCALE;
  size_t off = 0;
  int w;
  for (int r0 = 0; r0 < v.rp; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    int h = w / 2;
    for (int k = 0; k < v.cp / 4; k++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < 4; j++) {
          int rl = r0 + i, rh = rl + h, c = 4 * k + j;
          int ql = rl < rows && c < cols ? q[(size_t)rl * (size_t)cols + (size_t)c] : 0;
          int qh = rh < rows && c < cols ? q[(size_t)rh * (size_t)cols + (size_t)c] : 0;
          pan[off + ((size_t)k * (size_t)h + (size_t)i) * 4 + (size_t)j] =
              (uint8_t)((ql + 8) | (qh + 8) << 4);
        }
    off += (size_t)w * (size_t)v.cp / 2;
  }
}

void kern_q4_quantize_rows(const float *src, int rows, int cols, int8_t *q,
                           float *scale) {
  for (int r = 0; r < rows; r++) {
    const float *w = src + (size_t)r * (size_t)cols;
    float mx = 0.0f;
    for (int c = 0; c < cols; c++) {
      float a = fabsf(w[c]);
      mx = a > mx ? a : mx;
    }
    float s = mx > 0.0f ? mx / 7.0f : 1.0f;
    scale[r] = s;
    for (int c = 0; c < cols; c++) {
      float t = nearbyintf(w[c] / s);
      t = t > -7.0f ? t : -7.0f;
      t = t < 7.0f ? t : 7.0f;
      q[(size_t)r * (size_t)cols + (size_t)c] = (int8_t)t;
    }
  }
}
