/* pack_panels.c -- packs a row-major matrix into column panels.
 *
 * The layout of the SIMD mat-vecs (described in kernels_impl.h): panels of
 * up to max_rows rows, each stored column by column, the last one padded to
 * a multiple of the vector width with zero rows. Plain C, built for the
 * baseline ISA: packing runs once at load and must not fault on any CPU. */
#include <string.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

size_t kern_panel_bytes(int rows, int cols, int vec) {
  size_t padded = ((size_t)rows + (size_t)vec - 1) / (size_t)vec * (size_t)vec;
  size_t n = padded * (size_t)cols * sizeof(float);
  return (n + KERN_ALIGN - 1) / KERN_ALIGN * KERN_ALIGN;
}

void kern_panel_pack(float *dst, const float *src, int rows, int cols, int vec,
                     int max_rows) {
  size_t off = 0;
  int w;
  for (int r0 = 0; r0 < rows; r0 += w) {
    int rem = rows - r0;
    w = rem >= max_rows ? max_rows : (rem + vec - 1) / vec * vec;
    for (int c = 0; c < cols; c++) {
      float *col = dst + off + (size_t)c * (size_t)w;
      for (int i = 0; i < w; i++)
        col[i] = r0 + i < rows ? src[(size_t)(r0 + i) * (size_t)cols + c] : 0.0f;
    }
    off += (size_t)w * (size_t)cols;
  }
  size_t total = kern_panel_bytes(rows, cols, vec);
  memset(dst + off, 0, total - off * sizeof(float));
}

size_t kern_packed_bytes_avx2(int rows, int cols) {
  return kern_panel_bytes(rows, cols, KERN_AVX2_VEC);
}

void kern_pack_matrix_avx2(float *dst, const float *src, int rows, int cols) {
  kern_panel_pack(dst, src, rows, cols, KERN_AVX2_VEC, KERN_AVX2_PANEL);
}

size_t kern_packed_bytes_avx512(int rows, int cols) {
  return kern_panel_bytes(rows, cols, KERN_AVX512_VEC);
}

void kern_pack_matrix_avx512(float *dst, const float *src, int rows, int cols) {
  kern_panel_pack(dst, src, rows, cols, KERN_AVX512_VEC, KERN_AVX512_PANEL);
}
