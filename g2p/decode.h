/* decode.h -- one word through a loaded model: greedy or beam-search
 * prediction, and teacher-forced logits for the parity tests.
 *
 * Prediction works only in caller-provided scratch memory of
 * g2p_model_scratch_bytes() bytes (64-byte aligned), so it never
 * allocates. */
#ifndef RNNINFERD_G2P_DECODE_H
#define RNNINFERD_G2P_DECODE_H

#include <stddef.h>

#include "g2p/model.h"

/* Scratch needed by one thread for words of up to G2P_WORD_MAX bytes at
 * any beam width predict accepts (up to G2P_BEAM_MAX): predict cannot tell
 * how large the scratch it is handed is, so there is one size. */
size_t g2p_model_scratch_bytes(const g2p_model *model);

/* Predicts the phonemes of word (len bytes of UTF-8, already lower-cased).
 * Writes space-separated ARPAbet ("AA1 R D V AA2 R K") to out without a NUL
 * and returns its length, or a negative g2p_error. beam_width 1 = greedy;
 * at most G2P_BEAM_MAX. */
int g2p_model_predict(const g2p_model *model, void *scratch, const char *word,
                      size_t len, int beam_width, char *out, size_t outcap);
/* The same, also storing the answer's log-probability under the model
 * (the sum of log-softmax of its phonemes and of the final </s>; the
 * best finished score for a beam) in *logprob when not NULL. */
int g2p_model_predict_scored(const g2p_model *model, void *scratch, const char *word,
                             size_t len, int beam_width, char *out, size_t outcap,
                             double *logprob);

/* The n (1..beam_width) best finished hypotheses of a beam search at
 * beam_width (also at width 1, no greedy shortcut), best first: their
 * texts one after another in out (lens[i] bytes each, no separators or
 * NULs), their log-probabilities in logprobs[i]. Returns how many were
 * found (1..n; fewer when fewer ended within the beam), or a negative
 * g2p_error. Distinct hypotheses have distinct phoneme sequences; one may
 * be empty (lens[i] == 0). */
int g2p_model_nbest(const g2p_model *model, void *scratch, const char *word,
                    size_t len, int beam_width, int n, char *out,
                    size_t outcap, int *lens, double *logprobs);
/* The same, for a word this model has just read on this scratch (the
 * scratch's last call was a prediction or n-best of the same word by the
 * same model, as the gated rescorer's greedy try is): its encoding, still
 * in the scratch, is used again instead of running the encoder. The
 * answers are those of g2p_model_nbest, bit for bit; when the scratch
 * holds another word's or model's encoding, it encodes as that does. */
int g2p_model_nbest_after(const g2p_model *model, void *scratch, const char *word,
                          size_t len, int beam_width, int n, char *out,
                          size_t outcap, int *lens, double *logprobs);
/* A word's encoding as another decoder (the batch decoder) laid it out:
 * T grapheme ids; for arch 1 the final encoder state (H floats); for the
 * attention architectures the encoder outputs (T x 2H floats, row by
 * row) and the keys and projected outputs packed by the model's kernels
 * for T (packed_bytes(T, D) and packed_bytes(D, T) bytes), from which the
 * decoder's initial state is computed again. */
typedef struct g2p_encoding {
  int T;
  const int *toks;
  const float *h_last, *enc;
  const void *keys_p, *proj_t_p;
} g2p_encoding;

/* Leaves e, model's encoding of word, in scratch as a greedy read of word
 * would, so that g2p_model_nbest_after(word) skips the encoder. e must be
 * what model's encoder gives word (the batch decoder's is, bit for bit).
 * Returns 0, G2P_EINVAL when e's ids are not word's, or the errors of
 * g2p_model_predict for a word it cannot read. */
int g2p_model_adopt_encoding(const g2p_model *model, void *scratch, const char *word,
                             size_t len, const g2p_encoding *e);

/* Does scratch hold model's encoding of word (so that g2p_model_nbest_after
 * would skip the encoder)? 1 or 0; for the tests. */
int g2p_model_holds_encoding(const g2p_model *model, const void *scratch,
                             const char *word, size_t len);

/* Log-probabilities under the model of n (1..G2P_BEAM_MAX) given answers
 * for word: cands holds their texts one after another (lens[i] bytes
 * each, space-separated symbols as the model renders them), logprobs[i]
 * receives the sum of log-softmax of answer i's phonemes and of the final
 * </s> (none after max_len phonemes, as the decoders stop there),
 * teacher-forced, all n in one pass (the same bits as the beam's
 * score when the answer is one of its hypotheses). With a right-to-left
 * model (reversed) each answer is read last phoneme first. Returns 0, or
 * G2P_EINVAL for a symbol the model lacks or an answer longer than its
 * max_len. */
int g2p_model_score(const g2p_model *model, void *scratch, const char *word, size_t len,
                    const char *cands, const int *lens, int n, double *logprobs);

/* Beam search at any width 1..G2P_BEAM_MAX, never the greedy shortcut
 * g2p_model_predict takes at width 1 (so tests can compare the two). */
int g2p_model_beam(const g2p_model *model, void *scratch, const char *word,
                   size_t len, int beam_width, char *out, size_t outcap);

/* Teacher-forced decoding for diagnostics: encodes word, then runs nsteps
 * decoder steps whose inputs are <s>, prev[0], ..., prev[nsteps-2], writing
 * each step's logits (nsteps x P) to logits. state (may be NULL) receives
 * the decoder's initial state: the final encoder state for arch 1.
 * Returns 0 or a negative g2p_error. */
int g2p_model_forced(const g2p_model *model, void *scratch, const char *word,
                     size_t len, const int *prev, int nsteps, float *logits,
                     float *state);

#endif
