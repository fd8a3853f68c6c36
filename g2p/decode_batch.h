/* decode_batch.h -- batched greedy prediction: up to G2P_BATCH_MAX words
 * decoded in lockstep, one matmat per step over the words still running,
 * with the same answers as g2p_model_predict at beam width 1, bit for bit.
 * Words of more than G2P_BATCH_WORD_MAX bytes are refused per word (decode
 * them with g2p_model_predict). */
#ifndef RNNINFERD_G2P_DECODE_BATCH_H
#define RNNINFERD_G2P_DECODE_BATCH_H

#include <stddef.h>

#include "g2p/model.h"

/* Scratch (64-byte aligned) for g2p_model_predict_batch, any batch size up
 * to G2P_BATCH_MAX; independent of g2p_model_scratch_bytes(). */
size_t g2p_model_batch_scratch_bytes(const g2p_model *model);

/* Predicts words[0..n) (lens[i] bytes of lower-cased UTF-8 each), n <=
 * G2P_BATCH_MAX. Word i's answer goes to out + i * outcap (no NUL) and its
 * length, or a negative g2p_error for that word, to out_len[i]. Returns 0,
 * or G2P_EINVAL for bad arguments (then out_len is not set). */
int g2p_model_predict_batch(const g2p_model *model, void *scratch,
                            const char *const *words, const size_t *lens,
                            int n, char *out, size_t outcap, int *out_len);
/* The same with each answer's log-probability in logprob[i] (as
 * g2p_model_predict_scored). */
int g2p_model_predict_batch_scored(const g2p_model *model, void *scratch,
                                   const char *const *words, const size_t *lens,
                                   int n, char *out, size_t outcap, int *out_len,
                                   double *logprob);

/* Leaves the encoding of words[i] of the last batch run on batch_scratch
 * in scratch (a g2p_model_scratch_bytes() scratch), as a greedy read of it
 * would, so that g2p_model_nbest_after(word) skips the encoder; word and
 * len are that word again. Returns 0, or G2P_EINVAL when the last batch
 * did not encode word i (refused, or another word). */
int g2p_model_batch_export(const g2p_model *model, const void *batch_scratch, int i,
                           const char *word, size_t len, void *scratch);

#endif
