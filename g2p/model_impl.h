/* model_impl.h -- the inside of a loaded g2p_model, shared by the loader
 * (model.c) and the decoders (decode.c). Not part of any public seam.
 *
 * Everything the hot path reads lives in one 64-byte aligned block owned by
 * the model: input-projection tables (one row per symbol, padded to a
 * multiple of 16 floats so every row is aligned), weights packed by the
 * kernel table, biases, and the symbol tables. The file's image is freed
 * once the block is built. */
#ifndef RNNINFERD_G2P_MODEL_IMPL_H
#define RNNINFERD_G2P_MODEL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/g2p_limits.h"
#include "g2p/model_format.h"
#include "kernels/kernels.h"

/* Reserves bytes at the aligned end of a layout being planned (*off) and
 * returns where they start; offsets, not pointers, so one plan serves every
 * arena of that size. */
static inline size_t g2p_layout_put(size_t *off, size_t bytes) {
  size_t at = G2P_ALIGN64(*off);
  *off = at + G2P_ALIGN64(bytes);
  return at;
}

/* A non-ASCII grapheme: code point -> id (sorted by cp for bsearch). */
typedef struct g2pm_cp {
  uint32_t cp;
  uint32_t id;
} g2pm_cp;

/* One unidirectional GRU: tabulated input projection and packed W_hh. */
typedef struct g2pm_gru {
  const float *gi;   /* n_symbols rows of gi_stride floats: W_ih emb + b_ih */
  size_t gi_stride;  /* floats per row (>= 3*hidden, multiple of 16) */
  const float *whh;  /* packed by kw (3*hidden x hidden); by kw->pack_q4 if q4 */
  int q4;            /* whh holds 4-bit weights (an int4 file, int8 table) */
  /* Encoders only (NULL in the decoder): the states that depend on one
   * input symbol, tabulated at load by the same kernels, so a word starts
   * from a table row instead of computing them. first[s] (hidden floats
   * per symbol): one step from h = 0 on s; second[s] (the backward
   * encoder only, which always reads </s> first): </s>, then s. */
  const float *first, *second;
  const float *bhh;  /* 3*hidden */
  int hidden;
} g2pm_gru;

struct g2p_model {
  /* k: an fp32 table, for the input-projection tables and the per-word
   * attention matrices (keys, projected outputs), whose operands are not
   * bounded; kw: the table chosen for the weight matrices below (k itself,
   * or an int8 table whose fp32 half is k). Every operand kw multiplies is
   * a GRU state or a tanh output, all in [-1, 1]. */
  const kern_ops *k, *kw;
  uint32_t arch;
  int G, P, E, H, Ed, D, max_len;
  uint32_t checksum; /* data CRC-32C from the file */
  int weights_int8;  /* the file stores int8 weights (G2PM_FLAG_INT8) */
  int weights_int4;  /* its recurrent matrices are i4 (G2PM_FLAG_INT4) */
  int reversed;      /* right to left (G2PM_FLAG_REVERSED) */
  char name[G2PM_MAX_NAME_BYTES + 1];

  /* graphemes */
  uint32_t ascii_id[128]; /* id of each ASCII code point (<unk> if none) */
  const g2pm_cp *cps;     /* non-ASCII graphemes, sorted */
  int n_cps;

  /* phonemes: symbol i is phon_text + phon_off[i], phon_len[i] bytes */
  const char *phon_text;
  const uint32_t *phon_off;
  const uint8_t *phon_len;

  /* networks */
  g2pm_gru enc;   /* arch 1 encoder; arch 2/3 forward encoder */
  g2pm_gru encb;  /* arch 2/3 backward encoder ("arch 2" below: 2 and 3) */
  g2pm_gru dec;   /* decoder (input: previous phoneme) */
  /* matrices packed by kw */
  const float *fc_w, *fc_b;       /* packed (P x D), P */
  const float *init_w, *init_b;   /* arch 2: packed (D x 2H), D */
  const float *att_w;             /* arch 2: packed (D x 2H) */
  /* arch 2: the file's comb_w (D x (D+2H)) split by columns: comb_wh
   * multiplies the decoder state, comb_wc the encoder outputs. Since
   * ctx = sum_t a_t enc_t, comb_wc ctx = sum_t a_t (comb_wc enc_t): the
   * decoder projects each word's outputs once (a matmat) and each step
   * only weights the projections, a D x T product instead of D x 2H. */
  const float *comb_wh, *comb_wc; /* arch 2: packed (D x D), (D x 2H) */
  const float *comb_b;            /* arch 2: D */
  const float *dec_wif;           /* arch 3: packed (3D x D), no bias */

  void *block; /* everything above that points somewhere points here */
  size_t block_bytes;
};

/* Grapheme id of a code point (<unk> when the table lacks it). */
uint32_t g2pm_grapheme_id(const struct g2p_model *m, uint32_t cp);

#endif
