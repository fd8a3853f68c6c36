/* pack_q8.c -- the int8 weight layout every int8 table reads, per-row
 * quantization, and the reference rule for quantizing a vector operand.
 *
 * One layout for all ISAs (kernels_impl.h): 16-row padding suits both the
 * 8-lane AVX2 and the 16-lane AVX-512 accumulators, and column quads match
 * what vpmaddubsw+vpmaddwd and vpdpbusd sum into one int32 lane. Plain C,
 * built for the baseline ISA: packing runs at load on any CPU. */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static int pad_cols(int cols) { return (cols + 3) / 4 * 4; }

size_t kern_packed_bytes_q8(int rows, int cols) {
  size_t rp = (size_t)kern_q8_pad_rows(rows), cp = (size_t)pad_cols(cols);
  return KERN_A64(rp * sizeof(float)) + KERN_A64(rp * sizeof(int32_t)) +
         KERN_A64(rp * cp);
}

kern_q8_view kern_q8_view_of(const float *Wp, int rows, int cols) {
  kern_q8_view v;
  v.rp = kern_q8_pad_rows(rows);
  v.cp = pad_cols(cols);
  const uint8_t *base = (const uint8_t *)Wp;
  size_t rb = KERN_A64((size_t)v.rp * 4);
  v.mul = Wp;
  v.sum128 = (const int32_t *)(const void *)(base + rb);
  v.panels = (const int8_t *)(base + 2 * rb);
  return v;
}

void kern_pack_q8(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols) {
  size_t total = kern_packed_bytes_q8(rows, cols);
  memset(dst, 0, total);
  kern_q8_view v = kern_q8_view_of(dst, rows, cols);
  float *mul = dst;
  int32_t *sum = (int32_t *)(void *)((uint8_t *)dst + ((const uint8_t *)v.sum128 -
                                                       (const uint8_t *)dst));
  int8_t *pan = (int8_t *)dst + ((const int8_t *)v.panels - (const int8_t *)dst);
  for (int r = 0; r < rows; r++) {
    mul[r] = scale[r] / KERN_Q8_ACT_SCALE;
    int32_t s = 0;
    for (int c = 0; c < cols; c++)
      s += q[(size_t)r * (size_t)cols + (size_t)c];
    sum[r] = 128 * s;
  }
  size_t off = 0;
  int w;
  for (int r0 = 0; r0 < v.rp; r0 += w) {
    w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    for (int k = 0; k < v.cp / 4; k++)
      for (int i = 0; i < w; i++)
        for (int j = 0; j < 4; j++) {
          int r = r0 + i, c = 4 * k + j;
          pan[off + ((size_t)k * (size_t)w + (size_t)i) * 4 + (size_t)j] =
              r < rows && c < cols ? q[(size_t)r * (size_t)cols + (size_t)c]
                                   : 0;
        }
    off += (size_t)w * (size_t)v.cp;
  }
}

void kern_q8_quantize_rows(const float *src, int rows, int cols,
                           const float *clip, int8_t *q, float *scale) {
  for (int r = 0; r < rows; r++) {
    const float *w = src + (size_t)r * (size_t)cols;
    float lim = clip ? clip[r] : INFINITY;
    float mx = 0.0f;
    for (int c = 0; c < cols; c++) {
      float a = fabsf(w[c]);
      a = a < lim ? a : lim;
      mx = a > mx ? a : mx;
    }
    float s = mx > 0.0f ? mx / 127.0f : 1.0f;
    scale[r] = s;
    for (int c = 0; c < cols; c++) {
      float t = nearbyintf(w[c] / s);
      t = t > -127.0f ? t : -127.0f;
      t = t < 127.0f ? t : 127.0f;
      q[(size_t)r * (size_t)cols + (size_t)c] = (int8_t)t;
    }
  }
}

/* Packs an fp32 matrix: quantize per row (no clipping), one row at a time
 * through a stack buffer (dst is sized exactly, no room for temporaries).
 * Columns past KERN_Q8_MAX_COLS are not supported (left zero). */
void kern_pack_matrix_q8(float *dst, const float *src, int rows, int cols) {
  size_t total = kern_packed_bytes_q8(rows, cols);
  memset(dst, 0, total);
  kern_q8_view v = kern_q8_view_of(dst, rows, cols);
  float *mul = dst;
  int32_t *sum = (int32_t *)(void *)((uint8_t *)dst + ((const uint8_t *)v.sum128 -
                                                       (const uint8_t *)dst));
  int8_t *pan = (int8_t *)dst + ((const int8_t *)v.panels - (const int8_t *)dst);
  int8_t row[KERN_Q8_MAX_COLS];
  for (int r = 0; r < rows; r++) {
    float s;
    int cols_done = cols < KERN_Q8_MAX_COLS ? cols : KERN_Q8_MAX_COLS;
    kern_q8_quantize_rows(src + (size_t)r * (size_t)cols, 1, cols_done, NULL,
                          row, &s);
    mul[r] = s / KERN_Q8_ACT_SCALE;
    int32_t acc = 0;
    int r0 = r / KERN_Q8_PANEL * KERN_Q8_PANEL;
    int w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
    size_t base = (size_t)r0 * (size_t)v.cp;
    int i = r - r0;
    for (int c = 0; c < cols_done; c++) {
      acc += row[c];
      pan[base + ((size_t)(c / 4) * (size_t)w + (size_t)i) * 4 + (size_t)(c % 4)] =
          row[c];
    }
    sum[r] = 128 * acc;
  }
}

void kern_q8_quantize_act_scalar(const float *x, int cols, int8_t *xq) {
  int c = 0;
  for (; c < cols; c++) {
    float t = x[c] * KERN_Q8_ACT_SCALE;
    t = t > -127.0f ? t : -127.0f; /* maxps(t, -127): NaN -> -127 */
    t = t < 127.0f ? t : 127.0f;   /* minps(t, 127) */
    xq[c] = (int8_t)lrintf(t);
  }
  for (; c % 4; c++)
    xq[c] = 0;
}
