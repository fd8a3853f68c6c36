/* ops_q8.c -- the int8 tables: integer weights for the mat-vecs, the fp32
 * table of the same ISA for everything else.
 *
 * Built for the baseline ISA like the other tables; only the bodies in the
 * ISA libraries carry -m flags. */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

static const kern_ops scalar_int8 = {
    .name = "scalar-int8",
    .packed_bytes = kern_packed_bytes_q8,
    .pack_matrix = kern_pack_matrix_q8,
    .matvec = kern_matvec_q8_scalar,
    .gru_step = kern_gru_step_q8_scalar,
    .tanh_inplace = kern_tanh_inplace_scalar,
    .sigmoid_inplace = kern_sigmoid_inplace_scalar,
    .matmat = kern_matmat_q8_scalar,
    .gru_gates = kern_gru_gates_scalar,
    .int8 = 1,
    .f32 = &kern_table_scalar,
    .pack_q8 = kern_pack_q8,
    .packed_bytes_q4 = kern_packed_bytes_q4,
    .pack_q4 = kern_pack_q4,
    .matvec_q4 = kern_matvec_q4_scalar,
    .matmat_q4 = kern_matmat_q4_scalar,
    .gru_step_q4 = kern_gru_step_q4_scalar,
};

static const kern_ops avx2_int8 = {
    .name = "avx2-int8",
    .packed_bytes = kern_packed_bytes_q8,
    .pack_matrix = kern_pack_matrix_q8,
    .matvec = kern_matvec_q8_avx2,
    .gru_step = kern_gru_step_q8_avx2,
    .tanh_inplace = kern_tanh_inplace_avx2,
    .sigmoid_inplace = kern_sigmoid_inplace_avx2,
    .matmat = kern_matmat_q8_avx2,
    .gru_gates = kern_gru_gates_avx2,
    .int8 = 1,
    .f32 = &kern_table_avx2,
    .pack_q8 = kern_pack_q8,
    .packed_bytes_q4 = kern_packed_bytes_q4,
    .pack_q4 = kern_pack_q4,
    .matvec_q4 = kern_matvec_q4_avx2,
    .matmat_q4 = kern_matmat_q4_avx2,
    .gru_step_q4 = kern_gru_step_q4_avx2,
};

static const kern_ops avx512_int8 = {
    .name = "avx512-int8",
    .packed_bytes = kern_packed_bytes_q8,
    .pack_matrix = kern_pack_matrix_q8,
    .matvec = kern_matvec_q8_avx512,
    .gru_step = kern_gru_step_q8_avx512,
    .tanh_inplace = kern_tanh_inplace_avx512,
    .sigmoid_inplace = kern_sigmoid_inplace_avx512,
    .matmat = kern_matmat_q8_avx512,
    .gru_gates = kern_gru_gates_avx512,
    .int8 = 1,
    .f32 = &kern_table_avx512,
    .pack_q8 = kern_pack_q8,
    .packed_bytes_q4 = kern_packed_bytes_q4,
    .pack_q4 = kern_pack_q4,
    .matvec_q4 = kern_matvec_q4_avx512,
    .matmat_q4 = kern_matmat_q4_avx512,
    .gru_step_q4 = kern_gru_step_q4_avx512,
};

/* avx512-int8 with the AMX matmat: the same matvec, gru_step and results
 * (4-bit matrices take the VNNI kernels). */
static const kern_ops amx_int8 = {
    .name = "amx-int8",
    .packed_bytes = kern_packed_bytes_q8,
    .pack_matrix = kern_pack_matrix_q8,
    .matvec = kern_matvec_q8_avx512,
    .gru_step = kern_gru_step_q8_avx512,
    .tanh_inplace = kern_tanh_inplace_avx512,
    .sigmoid_inplace = kern_sigmoid_inplace_avx512,
    .matmat = kern_matmat_q8_amx,
    .gru_gates = kern_gru_gates_avx512,
    .int8 = 1,
    .f32 = &kern_table_avx512,
    .pack_q8 = kern_pack_q8,
    .packed_bytes_q4 = kern_packed_bytes_q4,
    .pack_q4 = kern_pack_q4,
    .matvec_q4 = kern_matvec_q4_avx512,
    .matmat_q4 = kern_matmat_q4_avx512,
    .gru_step_q4 = kern_gru_step_q4_avx512,
};

const kern_ops *kern_ops_scalar_int8(void) { return &scalar_int8; }
const kern_ops *kern_ops_avx2_int8(void) { return &avx2_int8; }
const kern_ops *kern_ops_avx512_int8(void) { return &avx512_int8; }
const kern_ops *kern_ops_amx_int8(void) { return &amx_int8; }
