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

/* --- scalar reference: row-major weights, libm activations --- */
size_t kern_packed_bytes_scalar(int rows, int cols);
void kern_pack_matrix_scalar(float *dst, const float *src, int rows, int cols);
void kern_matvec_scalar(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols);
void kern_matmat_scalar(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb);
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

#define KERN_AVX2_VEC 8
#define KERN_AVX2_PANEL 64
#define KERN_AVX512_VEC 16
#define KERN_AVX512_PANEL 128

/* --- AVX2 + FMA (kernels/libkernels_avx2.la) --- */
size_t kern_packed_bytes_avx2(int rows, int cols);
void kern_pack_matrix_avx2(float *dst, const float *src, int rows, int cols);
void kern_matvec_avx2(const float *Wp, const float *b, const float *x, float *y,
                      int rows, int cols);
void kern_matmat_avx2(const float *Wp, const float *b, const float *X, float *Y,
                      int rows, int cols, int nb);
void kern_gru_step_avx2(const float *Whh_p, const float *bhh, const float *gi,
                        float *h, float *tmp, int H);
void kern_gru_gates_avx2(const float *gh, const float *gi, float *h, int H);
void kern_tanh_inplace_avx2(float *x, int n);
void kern_sigmoid_inplace_avx2(float *x, int n);

/* --- AVX-512 F/BW/DQ/VL (kernels/libkernels_avx512.la) --- */
size_t kern_packed_bytes_avx512(int rows, int cols);
void kern_pack_matrix_avx512(float *dst, const float *src, int rows, int cols);
void kern_matvec_avx512(const float *Wp, const float *b, const float *x,
                        float *y, int rows, int cols);
void kern_matmat_avx512(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb);
void kern_gru_step_avx512(const float *Whh_p, const float *bhh,
                          const float *gi, float *h, float *tmp, int H);
void kern_gru_gates_avx512(const float *gh, const float *gi, float *h, int H);
void kern_tanh_inplace_avx512(float *x, int n);
void kern_sigmoid_inplace_avx512(float *x, int n);

#endif
