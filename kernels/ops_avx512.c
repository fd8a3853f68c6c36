/* ops_avx512.c -- the AVX-512 table.
 *
 * Built for the baseline ISA (only the function bodies in
 * libkernels_avx512.la carry the AVX-512 flags), so taking this table's
 * address is safe on any CPU; calling through it is not -- kern_select
 * checks. */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

const kern_ops kern_table_avx512 = {
    .name = "avx512",
    .packed_bytes = kern_packed_bytes_avx512,
    .pack_matrix = kern_pack_matrix_avx512,
    .pack_matrix_t = kern_pack_matrix_t_avx512,
    .matvec_n = kern_matvec_n_avx512,
    .matvec = kern_matvec_avx512,
    .gru_step = kern_gru_step_avx512,
    .tanh_inplace = kern_tanh_inplace_avx512,
    .sigmoid_inplace = kern_sigmoid_inplace_avx512,
    .matmat = kern_matmat_avx512,
    .gru_gates = kern_gru_gates_avx512,
    .f32 = &kern_table_avx512,
};

const kern_ops *kern_ops_avx512(void) { return &kern_table_avx512; }
