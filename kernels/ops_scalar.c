/* ops_scalar.c -- the scalar reference table.
 *
 * Always present and runs on any CPU: the fallback when detection finds
 * nothing better, and the yardstick the tests hold the other tables to. */
#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

const kern_ops kern_table_scalar = {
    .name = "scalar",
    .packed_bytes = kern_packed_bytes_scalar,
    .pack_matrix = kern_pack_matrix_scalar,
    .pack_matrix_t = kern_pack_matrix_t_scalar,
    .matvec_n = kern_matvec_n_scalar,
    .matvec = kern_matvec_scalar,
    .gru_step = kern_gru_step_scalar,
    .tanh_inplace = kern_tanh_inplace_scalar,
    .sigmoid_inplace = kern_sigmoid_inplace_scalar,
    .matmat = kern_matmat_scalar,
    .gru_gates = kern_gru_gates_scalar,
    .f32 = &kern_table_scalar,
};

const kern_ops *kern_ops_scalar(void) { return &kern_table_scalar; }
