/* decode_common.h -- what the per-word decoder (decode.c) and the batched
 * one (decode_batch.c) share, so the two compute each step the same way
 * and agree bit for bit. Internal to g2p/.
 *
 * The small step helpers are static inline: they sit in the decoders' inner
 * loops. */
#ifndef RNNINFERD_G2P_DECODE_COMMON_H
#define RNNINFERD_G2P_DECODE_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "g2p/model.h"
#include "g2p/model_impl.h"

/* A typed pointer at byte offset off of a scratch arena. */
#define AT(base, off, type) ((type *)(void *)((uint8_t *)(base) + (off)))

/* The tabulated input projection (W_ih emb + b_ih) of symbol sym. */
static inline const float *gi_row(const g2pm_gru *g, int sym) {
  return g->gi + (size_t)sym * g->gi_stride;
}

/* Y = W X + b for nb vectors: the plain mat-vec for one (faster than a
 * batch of one), matmat for more; the kernel tables guarantee the same
 * bits either way, which keeps beam width 1 identical to greedy and a
 * batch identical to one word at a time. */
static inline void mul(const kern_ops *k, const float *W, const float *b,
                       const float *X, float *Y, int rows, int cols, int nb) {
  if (nb == 1)
    k->matvec(W, b, X, Y, rows, cols);
  else
    k->matmat(W, b, X, Y, rows, cols, nb);
}

/* One GRU step for the first n rows of h (n x hidden) with input rows
 * gi[i]: a single row takes gru_step, more take one matmat and the gate
 * half per row (equal by the kernel table's contract). gh: n x 3 hidden. */
static inline void gru_rows(const kern_ops *k, const g2pm_gru *g, float *h,
                            float *gh, const float *const *gi, int n) {
  int Hn = g->hidden;
  if (n == 1) {
    (g->q4 ? k->gru_step_q4 : k->gru_step)(g->whh, g->bhh, gi[0], h, gh, Hn);
    return;
  }
  (g->q4 ? k->matmat_q4 : k->matmat)(g->whh, g->bhh, h, gh, 3 * Hn, Hn, n);
  for (int i = 0; i < n; i++)
    k->gru_gates(gh + (size_t)i * 3 * Hn, gi[i], h + (size_t)i * Hn, Hn);
}

/* Row s of an encoder's one-symbol state table (model_impl.h). */
static inline const float *state_row(const float *table, const g2pm_gru *g,
                                     int sym) {
  return table + (size_t)sym * (size_t)g->hidden;
}

/* Arch 3 input feeding for n decoder rows: gin (n x 3D) = dec_w_if feed +
 * the tabulated row gi[i], and gi[i] then points at its row of gin. */
static inline void feed_inputs(const g2p_model *m, const float *feed,
                               float *gin, const float **gi, int n) {
  int D = m->D;
  mul(m->kw, m->dec_wif, NULL, feed, gin, 3 * D, D, n);
  for (int i = 0; i < n; i++) {
    float *g = gin + (size_t)i * 3 * D;
    for (int j = 0; j < 3 * D; j++)
      g[j] += gi[i][j];
    gi[i] = g;
  }
}

/* The attentional vector: comb[0..n) = tanh(comb + ctxp), where comb
 * holds comb_wh h + b and ctxp the projected context (model_impl.h). */
static inline void comb_finish(const kern_ops *k, float *comb,
                               const float *ctxp, int n) {
  for (int i = 0; i < n; i++)
    comb[i] += ctxp[i];
  k->tanh_inplace(comb, n);
}

/* Attention weights: a[0..T) becomes softmax(a) (max subtracted first). */
static inline void softmax_inplace(float *a, int T) {
  float mx = a[0];
  for (int t = 1; t < T; t++)
    mx = a[t] > mx ? a[t] : mx;
  float sum = 0.0f;
  for (int t = 0; t < T; t++) {
    a[t] = expf(a[t] - mx);
    sum += a[t];
  }
  for (int t = 0; t < T; t++)
    a[t] /= sum;
}

/* The greedy choice: the first maximum of logits[0..P). */
static inline int argmax_first(const float *logits, int P) {
  int best = 0;
  for (int j = 1; j < P; j++)
    if (logits[j] > logits[best])
      best = j;
  return best;
}

/* log softmax(logits)[j] when logits[j] is their maximum (the greedy
 * choice): what a chosen phoneme adds to the answer's log-probability.
 * Both greedy decoders use it, so a word scores the same alone and
 * batched. */
static inline double log_prob_of_max(const float *logits, int P, int j) {
  double sum = 0.0;
  for (int k = 0; k < P; k++)
    sum += exp((double)logits[k] - (double)logits[j]);
  return -log(sum);
}

/* Word (len bytes of UTF-8) -> grapheme ids + </s> in toks (len + 1 room);
 * bytes that are not UTF-8 become <unk> (the engine validates first).
 * Returns the count including </s>. */
int decode_tokenize(const g2p_model *m, const char *word, size_t len,
                    int *toks);

/* Writes phoneme ids as space-separated symbols to out (no NUL), last
 * first for a right-to-left model (m->reversed); returns the length, or
 * G2P_EINVAL when outcap is too small. */
int decode_render(const g2p_model *m, const uint16_t *ids, int n, char *out,
                  size_t outcap);

/* The inverse: space-separated symbols (len bytes) -> phoneme ids in ids
 * (cap room), in the order written. Returns the count, or G2P_EINVAL for a
 * symbol the model does not have, for </s> (which ends every answer, never
 * inside one) or for more than cap of them. */
int decode_parse(const g2p_model *m, const char *text, size_t len, uint16_t *ids,
                 int cap);

#endif
