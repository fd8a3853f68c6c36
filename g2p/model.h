/* model.h -- the neural network behind the engine: load a model file and
 * ask it what it holds. Decoding lives beside it: decode.h (one word,
 * greedy or beam) and decode_batch.h (greedy words in lockstep).
 *
 * A g2p_model is immutable after g2p_model_open() and shared by threads. */
#ifndef RNNINFERD_G2P_MODEL_H
#define RNNINFERD_G2P_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/g2p_limits.h"

typedef struct g2p_model g2p_model;

/* Loads, validates and packs a model file. Returns 0 or a negative
 * g2p_error with a message naming the problem in err. */
int g2p_model_open(g2p_model **out, const char *path, char *err, size_t errlen);
void g2p_model_close(g2p_model *model);

/* As g2p_model_open, with the kernel table named explicitly ("scalar",
 * "avx2", "avx512"); NULL, "" or "auto" choose as kern_select() does
 * (RNNINFERD_KERNEL, else the best this CPU runs). For benchmarks and
 * tests that compare kernel tables. */
int g2p_model_open_ex(g2p_model **out, const char *path, const char *kernel,
                      char *err, size_t errlen);

/* Loads a model from a file image in memory (what g2p_model_open_ex does
 * after reading the file). The image is not referenced after return. */
int g2p_model_open_mem(g2p_model **out, const void *image, size_t size,
                       const char *kernel, char *err, size_t errlen);

/* Identity for `info`. */
const char *g2p_model_name(const g2p_model *model);
const char *g2p_model_arch(const g2p_model *model);
const char *g2p_model_kernel(const g2p_model *model);
/* 1 when the file stores int8 weights (format version 2, G2PM_FLAG_INT8),
 * whichever kernel table runs them. */
int g2p_model_weights_int8(const g2p_model *model);
/* 1 when its recurrent matrices are 4-bit (format version 3, G2PM_FLAG_INT4). */
int g2p_model_weights_int4(const g2p_model *model);
/* 1 for a right-to-left network (G2PM_FLAG_REVERSED): a rescorer. */
int g2p_model_reversed(const g2p_model *model);
uint32_t g2p_model_checksum(const g2p_model *model);

/* Shape and symbols, for diagnostics and the parity tests. */
int g2p_model_num_phonemes(const g2p_model *model);
int g2p_model_max_len(const g2p_model *model);
/* Width of the state g2p_model_forced() reports (arch 1: H; arch 2: D). */
int g2p_model_state_size(const g2p_model *model);
/* Symbol text of phoneme id (not NUL-terminated: *len bytes). */
const char *g2p_model_phoneme(const g2p_model *model, int id, size_t *len);
/* Phoneme id of a symbol, or -1. */
int g2p_model_phoneme_id(const g2p_model *model, const char *sym, size_t len);

#endif
