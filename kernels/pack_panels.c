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

/* Panel by panel; inside one, four source rows at a time: contiguous reads
 * and short runs of writes (the decoders pack attention keys per word, so
 * this is on the serving path too: 10x384 for AVX-512 measured 3.3 us
 * column by column with a bounds test per element, 0.7 us so). A panel
 * with padding rows is zeroed first. */
void kern_panel_pack(float *dst, const float *src, int rows, int cols, int vec,
                     int max_rows) {
  size_t off = 0, C = (size_t)cols;
  int w;
  for (int r0 = 0; r0 < rows; r0 += w) {
    int rem = rows - r0;
    w = rem >= max_rows ? max_rows : (rem + vec - 1) / vec * vec;
    int n = rem < w ? rem : w;
    float *P = dst + off;
    if (n < w)
      memset(P, 0, (size_t)w * C * sizeof(float));
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      const float *s0 = src + (size_t)(r0 + i) * C;
      const float *s1 = s0 + C, *s2 = s1 + C, *s3 = s2 + C;
      for (size_t c = 0; c < C; c++) {
        float *d = P + c * (size_t)w + (size_t)i;
        d[0] = s0[c];
        d[1] = s1[c];
        d[2] = s2[c];
        d[3] = s3[c];
      }
    }
    for (; i < n; i++) {
      const float *s0 = src + (size_t)(r0 + i) * C;
      for (size_t c = 0; c < C; c++)
        P[c * (size_t)w + (size_t)i] = s0[c];
    }
    off += (size_t)w * C;
  }
  size_t total = kern_panel_bytes(rows, cols, vec);
  memset(dst + off, 0, total - off * sizeof(float));
}

/* Column c of a panel is rows r0.. of src's row c: a copy per column. */
void kern_panel_pack_t(float *dst, const float *src, int rows, int cols,
                       int vec, int max_rows) {
  size_t off = 0;
  int w;
  for (int r0 = 0; r0 < rows; r0 += w) {
    int rem = rows - r0;
    w = rem >= max_rows ? max_rows : (rem + vec - 1) / vec * vec;
    int n = rem < w ? rem : w;
    for (int c = 0; c < cols; c++) {
      float *col = dst + off + (size_t)c * (size_t)w;
      memcpy(col, src + (size_t)c * (size_t)rows + (size_t)r0,
             (size_t)n * sizeof(float));
      memset(col + n, 0, (size_t)(w - n) * sizeof(float));
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

void kern_pack_matrix_t_avx2(float *dst, const float *src, int rows, int cols) {
  kern_panel_pack_t(dst, src, rows, cols, KERN_AVX2_VEC, KERN_AVX2_PANEL);
}

size_t kern_packed_bytes_avx512(int rows, int cols) {
  return kern_panel_bytes(rows, cols, KERN_AVX512_VEC);
}

void kern_pack_matrix_avx512(float *dst, const float *src, int rows, int cols) {
  kern_panel_pack(dst, src, rows, cols, KERN_AVX512_VEC, KERN_AVX512_PANEL);
}

void kern_pack_matrix_t_avx512(float *dst, const float *src, int rows,
                               int cols) {
  kern_panel_pack_t(dst, src, rows, cols, KERN_AVX512_VEC, KERN_AVX512_PANEL);
}
