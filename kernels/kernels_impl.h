/* kernels_impl.h -- prototypes shared between the files of kernels/.
 *
 * Each operation lives in its own file per instruction set (matvec_avx2.c,
 * gru_step_scalar.c, ...); the tables in ops_*.c tie them together. The ISA
 * files are compiled with their own -m flags into separate convenience
 * libraries, so nothing outside them may contain ISA instructions: the tables
 * and the packing code are built for the baseline and are safe to touch on
 * any CPU. Not installed; only kernels/ and its tests include this. */
#ifndef RNNINFERD_KERNELS_IMPL_H
#define RNNINFERD_KERNELS_IMPL_H

#include <stddef.h>
#include <stdint.h>

/* The fp32 tables (ops_*.c), which the int8 tables point to. */
struct kern_ops;
extern const struct kern_ops kern_table_scalar, kern_table_avx2,
    kern_table_avx512;

/* --- scalar reference: row-major weights, libm activations --- */
size_t kern_packed_bytes_scalar(int rows, int cols);
void kern_pack_matrix_scalar(float *dst, const float *src, int rows, int cols);
void kern_pack_matrix_t_scalar(float *dst, const float *src, int rows,
                               int cols);
void kern_matvec_scalar(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols);
void kern_matmat_scalar(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb);
void kern_matvec_n_scalar(const float *const *Wp, const float *const *x,
                          float *const *y, const int *rows, int cols, int n);
void kern_gru_step_scalar(const float *Whh_p, const float *bhh, const float *gi,
                          float *h, float *tmp, int H);
void kern_gru_gates_scalar(const float *gh, const float *gi, float *h, int H);
void kern_tanh_inplace_scalar(float *x, int n);
void kern_sigmoid_inplace_scalar(float *x, int n);

/* --- column panels: the layout of the SIMD mat-vecs ---
 * Rows are cut into panels of up to max_rows rows (the last one rounded up to
 * a multiple of vec, padded with zeros). Inside a panel the matrix is stored
 * column by column: for c = 0..cols-1 the panel's rows of column c are
 * contiguous. A mat-vec then streams the whole matrix once, front to back,
 * broadcasting x[c] against one column of a panel per step and keeping one
 * accumulator per row, so each row is summed in column order with FMA --
 * the same arithmetic whatever the vector width, hence bit-identical results
 * across the AVX2 and AVX-512 tables. */
size_t kern_panel_bytes(int rows, int cols, int vec);
void kern_panel_pack(float *dst, const float *src, int rows, int cols, int vec,
                     int max_rows);
/* The same layout from src = M^T (cols x rows, row-major). */
void kern_panel_pack_t(float *dst, const float *src, int rows, int cols,
                       int vec, int max_rows);

#define KERN_AVX2_VEC 8
#define KERN_AVX2_PANEL 64
#define KERN_AVX512_VEC 16
#define KERN_AVX512_PANEL 128

/* --- AVX2 + FMA (kernels/libkernels_avx2.la) --- */
size_t kern_packed_bytes_avx2(int rows, int cols);
void kern_pack_matrix_avx2(float *dst, const float *src, int rows, int cols);
void kern_pack_matrix_t_avx2(float *dst, const float *src, int rows, int cols);
void kern_matvec_avx2(const float *Wp, const float *b, const float *x, float *y,
                      int rows, int cols);
void kern_matmat_avx2(const float *Wp, const float *b, const float *X, float *Y,
                      int rows, int cols, int nb);
void kern_matvec_n_avx2(const float *const *Wp, const float *const *x,
                        float *const *y, const int *rows, int cols, int n);
void kern_gru_step_avx2(const float *Whh_p, const float *bhh, const float *gi,
                        float *h, float *tmp, int H);
void kern_gru_gates_avx2(const float *gh, const float *gi, float *h, int H);
void kern_tanh_inplace_avx2(float *x, int n);
void kern_sigmoid_inplace_avx2(float *x, int n);

/* --- AVX-512 F/BW/DQ/VL (kernels/libkernels_avx512.la) --- */
size_t kern_packed_bytes_avx512(int rows, int cols);
void kern_pack_matrix_avx512(float *dst, const float *src, int rows, int cols);
void kern_pack_matrix_t_avx512(float *dst, const float *src, int rows,
                               int cols);
void kern_matvec_avx512(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols);
void kern_matmat_avx512(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb);
void kern_matvec_n_avx512(const float *const *Wp, const float *const *x,
                          float *const *y, const int *rows, int cols, int n);
void kern_gru_step_avx512(const float *Whh_p, const float *bhh,
                          const float *gi, float *h, float *tmp, int H);
void kern_gru_gates_avx512(const float *gh, const float *gi, float *h, int H);
void kern_tanh_inplace_avx512(float *x, int n);
void kern_sigmoid_inplace_avx512(float *x, int n);

/* --- int8 weights: one packed layout for every int8 table ---
 * Rows are padded to a multiple of 16 (rp) and columns to a multiple of 4
 * (cp), with zeros. The buffer holds, each part 64-byte aligned:
 *   float mul[rp]     dequantization factor per row, scale[r] / 127
 *   int32 sum128[rp]  128 * sum_c q[r][c] (for unsigned-activation ISAs)
 *   int8  panels      super-panels of up to 64 rows (the last one rp - r0
 *                     rows); inside one, column quad k (columns 4k..4k+3)
 *                     holds its w rows x 4 bytes contiguously, row-major
 *                     within the quad.
 * y[r] = (float)(sum_c q[r][c] xq[c]) * mul[r], then + b[r]: the same two
 * float operations, in that order, in every table. */
#define KERN_Q8_ROW_ALIGN 16
#define KERN_Q8_PANEL 64
/* Rows padded as both packed layouts pad them. */
static inline int kern_q8_pad_rows(int rows) {
  return (rows + KERN_Q8_ROW_ALIGN - 1) / KERN_Q8_ROW_ALIGN * KERN_Q8_ROW_ALIGN;
}
/* Bytes rounded up to the 64-byte alignment of each part of a layout. */
#define KERN_A64(n) (((n) + (size_t)63) & ~(size_t)63)
typedef struct kern_q8_view {
  const float *mul;
  const int32_t *sum128;
  const int8_t *panels;
  int rp, cp; /* padded rows, padded cols */
} kern_q8_view;
kern_q8_view kern_q8_view_of(const float *Wp, int rows, int cols);
size_t kern_packed_bytes_q8(int rows, int cols);
void kern_pack_q8(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols);
void kern_pack_matrix_q8(float *dst, const float *src, int rows, int cols);
/* xq[0..cp) = quantized x[0..cols), zero-padded (the reference rule). */
void kern_q8_quantize_act_scalar(const float *x, int cols, int8_t *xq);

void kern_matvec_q8_scalar(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols);
void kern_matmat_q8_scalar(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb);
void kern_gru_step_q8_scalar(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H);
void kern_matvec_q8_avx2(const float *Wp, const float *b, const float *x,
                         float *y, int rows, int cols);
void kern_matmat_q8_avx2(const float *Wp, const float *b, const float *X,
                         float *Y, int rows, int cols, int nb);
void kern_gru_step_q8_avx2(const float *Whh_p, const float *bhh,
                           const float *gi, float *h, float *tmp, int H);
/* AVX-512 VNNI (kernels/libkernels_avx512vnni.la) */
void kern_matvec_q8_avx512(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols);
void kern_matmat_q8_avx512(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb);
void kern_gru_step_q8_avx512(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H);
/* xu[0..cp) = quantized x + 128 (unsigned, the vpdpbusd operand; padding
 * quads 128 + 0), the reference rule otherwise. */
void kern_q8_quantize_act_avx512(const float *x, int cols, uint8_t *xu);
void kern_q8_quantize_act_avx2(const float *x, int cols, int8_t *xq);

/* int4 packed layout (pack_q4.c), for the recurrent matrices of an int4
 * model; what the int8 tables' *_q4 entries read:
 *   float mul[rp]   scale[r] / KERN_Q8_ACT_SCALE
 *   uint8 panels    super-panels of up to 64 rows (the last one rp - r0
 *                   rows, 32 or 64); in one of w rows, column quad k
 *                   (columns 4k..4k+3) holds w / 2 row pairs x 4 bytes,
 *                   row-major: byte j of pair i is
 *                   (q[r0 + i][4k+j] + 8) | (q[r0 + w/2 + i][4k+j] + 8) << 4.
 * rp = rows padded to 32, cp = cols padded to 8, padding q = 0; q lies in
 * [-7, 7]. y[r] = (float)(sum_c q[r][c] xq[c]) * mul[r], then + b[r], with
 * xq the int8 tables' quantized x: the int8 dequantization exactly. */
typedef struct kern_q4_view {
  const float *mul;
  const uint8_t *panels;
  int rp, cp;
} kern_q4_view;
kern_q4_view kern_q4_view_of(const float *Wp, int rows, int cols);
size_t kern_packed_bytes_q4(int rows, int cols);
void kern_pack_q4(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols);
void kern_matvec_q4_scalar(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols);
void kern_matmat_q4_scalar(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb);
void kern_gru_step_q4_scalar(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H);
void kern_matvec_q4_avx2(const float *Wp, const float *b, const float *x,
                         float *y, int rows, int cols);
void kern_matmat_q4_avx2(const float *Wp, const float *b, const float *X,
                         float *Y, int rows, int cols, int nb);
void kern_gru_step_q4_avx2(const float *Whh_p, const float *bhh,
                           const float *gi, float *h, float *tmp, int H);
void kern_matvec_q4_avx512(const float *Wp, const float *b, const float *x,
                           float *y, int rows, int cols);
void kern_matmat_q4_avx512(const float *Wp, const float *b, const float *X,
                           float *Y, int rows, int cols, int nb);
void kern_gru_step_q4_avx512(const float *Whh_p, const float *bhh,
                             const float *gi, float *h, float *tmp, int H);
/* AMX-TILE + AMX-INT8 (kernels/libkernels_amx.la); matvec and gru_step
 * are the VNNI ones. */
void kern_matmat_q8_amx(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb);

#endif
