/* kernels.h -- the numeric core: a table of operations per instruction set.
 *
 * Every operation exists as a plain scalar reference (the kernels/ files named _scalar)
 * and as optimised versions (AVX2+FMA, AVX-512) that tests compare against
 * it. One table is chosen at start-up from CPU detection, or by name (the
 * RNNINFERD_KERNEL environment variable or a flag), and used for the life of
 * the process: the hot path makes indirect calls and never branches on the
 * ISA.
 *
 * Weights are packed once, at model load, into whatever layout the chosen
 * table wants (pack_matrix); the packed buffer is 64-byte aligned and owned
 * by the caller. Nothing here allocates after packing, and nothing here
 * knows about models, words or sockets.
 *
 * GRU semantics are PyTorch's (gate order r, z, n):
 *   r  = sigmoid(gi_r + W_hr h + b_hr)
 *   z  = sigmoid(gi_z + W_hz h + b_hz)
 *   n  = tanh(gi_n + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h
 * where gi = W_ih x + b_ih is the input projection, precomputed per input
 * token at load (a table lookup at run time). */
#ifndef RNNINFERD_KERNELS_H
#define RNNINFERD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define KERN_ALIGN 64

typedef struct kern_ops {
  const char *name; /* "scalar", "avx2", "avx512" */

  /* Bytes needed to hold a rows x cols row-major matrix packed for this
   * table's mat-vec (a multiple of KERN_ALIGN). */
  size_t (*packed_bytes)(int rows, int cols);
  /* Packs src (row-major, rows x cols) into dst (KERN_ALIGN-aligned). */
  void (*pack_matrix)(float *dst, const float *src, int rows, int cols);

  /* y[rows] = Wp x[cols] + b; b may be NULL. x and y must not overlap. */
  void (*matvec)(const float *Wp, const float *b, const float *x, float *y,
                 int rows, int cols);

  /* One GRU step, in place on h[H]. Whh_p: packed 3H x H recurrent weights;
   * bhh[3H]; gi[3H]: input projection incl. b_ih; tmp[3H]: scratch. */
  void (*gru_step)(const float *Whh_p, const float *bhh, const float *gi,
                   float *h, float *tmp, int H);

  /* Element-wise, in place, n floats. */
  void (*tanh_inplace)(float *x, int n);
  void (*sigmoid_inplace)(float *x, int n);

  /* For batching several words (beam hypotheses, batched greedy words):
   * Y[nb][rows] = Wp X[nb][cols] + b, each row of X and Y one vector; the
   * packed matrix is read once for the whole batch. Results equal nb calls
   * of matvec bit for bit. X and Y must not overlap. nb >= 1. */
  void (*matmat)(const float *Wp, const float *b, const float *X, float *Y,
                 int rows, int cols, int nb);
  /* The gate half of gru_step, for callers that computed the recurrent
   * projection themselves (e.g. with matmat): gh[3H] = W_hh h + b_hh,
   * gi[3H] as in gru_step; updates h[H] in place. gru_step(...) equals
   * matvec into tmp followed by gru_gates(tmp, gi, h, H). */
  void (*gru_gates)(const float *gh, const float *gi, float *h, int H);

  /* Integer weights (compatible extension). The int8 tables ("scalar-int8",
   * "avx2-int8", "avx512-int8", "amx-int8") keep every field above, with packed_bytes,
   * pack_matrix, matvec, matmat and gru_step working on int8 weights: the
   * packed buffer is opaque (per-row scales and int8 panels, see
   * kernels_impl.h), pack_matrix quantizes an fp32 matrix per row
   * (kern_q8_quantize_rows), and the vector operand is quantized on the fly
   * with the fixed scale KERN_Q8_ACT_SCALE, so it must be bounded to
   * [-1, 1] (tanh outputs, GRU states, attention contexts); larger values
   * saturate. Accumulation is exact int32, so every int8 table gives the
   * scalar-int8 answers bit for bit, and matmat equals nb matvecs. The
   * activations and gru_gates are the fp32 table's of the same ISA. For
   * fp32 tables int8 is 0, f32 points to the table itself and pack_q8 is
   * NULL. */
  int int8;
  const struct kern_ops *f32; /* the fp32 table of the same ISA */
  /* Packs already quantized weights: q row-major rows x cols in
   * [-127, 127], scale[rows] > 0 (w = q * scale). */
  void (*pack_q8)(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols);

  /* pack_matrix of the transpose: packs the rows x cols matrix M with
   * M[r][c] = src[c * rows + r], i.e. src is M^T (cols x rows,
   * row-major); the packed bytes equal pack_matrix's of M. For operands
   * made at run time in the other orientation (the attention context
   * multiplies the encoder outputs, T x 2H, transposed): the panel
   * layouts hold M's columns contiguously, so this is a copy, not a
   * transpose. fp32 tables only; NULL in the int8 tables. */
  void (*pack_matrix_t)(float *dst, const float *src, int rows, int cols);

  /* n independent mat-vecs without bias: y[i][0..rows[i]) = Wp[i] x[i],
   * each Wp[i] a rows[i] x cols matrix packed by pack_matrix; equal to n
   * matvec calls bit for bit. For the attention scores of a batch's
   * words (each against its own keys): a few short rows of long dot
   * products are bound by the latency of one FMA chain, and tables may
   * run several words' chains at once. fp32 tables only; NULL in the
   * int8 tables. */
  void (*matvec_n)(const float *const *Wp, const float *const *x,
                   float *const *y, const int *rows, int cols, int n);

  /* 4-bit weights (int8 tables only; NULL in the fp32 ones), for the
   * recurrent matrices of an int4 model: pack_q4 packs q in [-7, 7] with
   * per-row scales (w = q * scale) into packed_bytes_q4 bytes, and
   * matvec_q4, matmat_q4 and gru_step_q4 are matvec, matmat and gru_step
   * on such a matrix, with the same activation rule and exact int32 sums:
   * every int8 table gives scalar-int8's answers bit for bit, and the
   * result equals the int8 entries' on the same q packed by pack_q8. */
  size_t (*packed_bytes_q4)(int rows, int cols);
  void (*pack_q4)(float *dst, const int8_t *q, const float *scale, int rows,
                  int cols);
  void (*matvec_q4)(const float *Wp, const float *b, const float *x, float *y,
                    int rows, int cols);
  void (*matmat_q4)(const float *Wp, const float *b, const float *X, float *Y,
                    int rows, int cols, int nb);
  void (*gru_step_q4)(const float *Whh_p, const float *bhh, const float *gi,
                      float *h, float *tmp, int H);
} kern_ops;

/* Activation scale of the int8 tables: x is stored as
 * clamp(rint(x * 127), -127, 127). */
#define KERN_Q8_ACT_SCALE 127.0f
/* Longest vector operand (cols) of an int8 mat-vec. */
#define KERN_Q8_MAX_COLS 4096

/* Symmetric per-row quantization of src (rows x cols, row-major):
 * scale[r] = max|w| / 127 over the row after clipping |w| to clip[r]
 * (clip NULL: no clipping), q = clamp(rint(w / scale), -127, 127). An
 * all-zero row gets scale 1 and zeros. */
void kern_q8_quantize_rows(const float *src, int rows, int cols,
                           const float *clip, int8_t *q, float *scale);

/* The 4-bit rule: per row, scale[r] = max|w| / 7 (1 for an all-zero row),
 * q = clamp(rint(w / scale), -7, 7) (tools/train/qat.py rounds the same
 * way). */
void kern_q4_quantize_rows(const float *src, int rows, int cols, int8_t *q,
                           float *scale);

/* The tables compiled in; an entry is NULL when this build lacks it. */
const kern_ops *kern_ops_scalar(void);
const kern_ops *kern_ops_avx2(void);
const kern_ops *kern_ops_avx512(void);
const kern_ops *kern_ops_scalar_int8(void);
const kern_ops *kern_ops_avx2_int8(void);
const kern_ops *kern_ops_avx512_int8(void);
const kern_ops *kern_ops_amx_int8(void);

/* Can this CPU run the named table? For "amx-int8" this also asks Linux
 * for the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM, once per
 * process; the permission then covers every thread): no AMX without it. */
int kern_cpu_supports(const char *name);

/* Chooses a table. want = NULL or "" or "auto": the RNNINFERD_KERNEL
 * environment variable if set, else the best one this CPU runs. Returns NULL
 * with a message in err when the requested one is unknown or unsupported.
 * "auto" picks an fp32 table. */
const kern_ops *kern_select(const char *want, char *err, size_t errlen);
/* As kern_select; "auto" (after RNNINFERD_KERNEL) picks the best int8
 * table when int8 is set, the best fp32 table otherwise. An explicit name
 * is taken as it is. */
const kern_ops *kern_select_for(const char *want, int int8, char *err,
                                size_t errlen);

/* Documented worst-case absolute error of the fast tanh/sigmoid against
 * libm's, over all finite floats (tests hold the kernels to it). What the
 * approximations (Cephes expf/tanhf with IEEE divisions,
 * kernels/act_avx2.h) measure: 1.19e-7 for both (two ulp just below 1.0) over every 997th float bit
 * pattern plus a 1e-5 grid on [-20, 20] (tests/kernels-test.c sweeps every
 * 2003rd pattern and a 4e-5 grid, to stay quick under sanitizers); the
 * bound keeps a 2x margin. */
#define KERN_TANH_MAX_ABS_ERR    2.5e-7f
#define KERN_SIGMOID_MAX_ABS_ERR 2.5e-7f

#endif
