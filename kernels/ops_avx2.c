/* ops_avx2.c -- the AVX2 + FMA table.
 *
 * Built for the baseline ISA (only the function bodies in
 * libkernels_avx2.la carry -mavx2 -mfma), so taking this table's address
 * is safe on any CPU; calling through it is not -- kern_select checks. */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

const kern_ops kern_table_avx2 = {
    .name = "avx2",
    .packed_bytes = kern_packed_bytes_avx2,
    .pack_matrix = kern_pack_matrix_avx2,
    .pack_matrix_t = kern_pack_matrix_t_avx2,
    .matvec_n = kern_matvec_n_avx2,
    .matvec = kern_matvec_avx2,
    .gru_step = kern_gru_step_avx2,
    .tanh_inplace = kern_tanh_inplace_avx2,
    .sigmoid_inplace = kern_sigmoid_inplace_avx2,
    .matmat = kern_matmat_avx2,
    .gru_gates = kern_gru_gates_avx2,
    .f32 = &kern_table_avx2,
};

const kern_ops *kern_ops_avx2(void) { return &kern_table_avx2; }
