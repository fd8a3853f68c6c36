/* pack_scalar.c -- the scalar reference keeps weights row-major.
 *
 * The reference's job is to be obviously right, so its "packing" is a plain
 * copy: row r, column c at r * cols + c. The size is rounded up to
 * KERN_ALIGN so callers can lay packed matrices back to back. */
#include <string.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

size_t kern_packed_bytes_scalar(int rows, int cols) {
  size_t n = (size_t)rows * (size_t)cols * sizeof(float);
  return (n + KERN_ALIGN - 1) / KERN_ALIGN * KERN_ALIGN;
}

void kern_pack_matrix_scalar(float *dst, const float *src, int rows, int cols) {
  size_t n = (size_t)rows * (size_t)cols;
  memcpy(dst, src, n * sizeof(float));
  memset(dst + n, 0, kern_packed_bytes_scalar(rows, cols) - n * sizeof(float));
}

void kern_pack_matrix_t_scalar(float *dst, const float *src, int rows,
                               int cols) {
  size_t n = (size_t)rows * (size_t)cols;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      dst[(size_t)r * (size_t)cols + (size_t)c] =
          src[(size_t)c * (size_t)rows + (size_t)r];
  memset(dst + n, 0, kern_packed_bytes_scalar(rows, cols) - n * sizeof(float));
}
