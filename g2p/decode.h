/* decode.h -- the decoders' extra entry points, beside model.h's
 * g2p_model_predict: an in-memory loader and the diagnostics the parity
 * tests need (teacher-forced logits, symbol lookups). Not installed; the
 * daemon needs none of it. */
#ifndef RNNINFERD_G2P_DECODE_H
#define RNNINFERD_G2P_DECODE_H

#include <stddef.h>

#include "g2p/model.h"

/* Widest beam g2p_model_predict accepts (the protocol's limit too). The
 * scratch of g2p_model_scratch_bytes() always covers it. */
#define G2P_BEAM_MAX 16

/* Loads a model from a file image in memory (what g2p_model_open_ex does
 * after mapping the file). The image is not referenced after return. */
int g2p_model_open_mem(g2p_model **out, const void *image, size_t size,
                       const char *kernel, char *err, size_t errlen);

/* Beam search at any width 1..G2P_BEAM_MAX, never the greedy shortcut
 * g2p_model_predict takes at width 1 (so tests can compare the two). */
int g2p_model_beam(const g2p_model *model, void *scratch, const char *word,
                   size_t len, int beam_width, char *out, size_t outcap);

int g2p_model_num_phonemes(const g2p_model *model);
int g2p_model_max_len(const g2p_model *model);
/* Width of the state g2p_model_forced() reports (arch 1: H; arch 2: D). */
int g2p_model_state_size(const g2p_model *model);
/* Symbol text of phoneme id (not NUL-terminated: *len bytes). */
const char *g2p_model_phoneme(const g2p_model *model, int id, size_t *len);
/* Phoneme id of a symbol, or -1. */
int g2p_model_phoneme_id(const g2p_model *model, const char *sym, size_t len);

/* Teacher-forced decoding for diagnostics: encodes word, then runs nsteps
 * decoder steps whose inputs are <s>, prev[0], ..., prev[nsteps-2], writing
 * each step's logits (nsteps x P) to logits. state (may be NULL) receives
 * the decoder's initial state: the final encoder state for arch 1.
 * Returns 0 or a negative g2p_error. */
int g2p_model_forced(const g2p_model *model, void *scratch, const char *word,
                     size_t len, const int *prev, int nsteps, float *logits,
                     float *state);

#endif
