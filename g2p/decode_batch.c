/* decode_batch.c -- greedy decoding of several words at once.
 *
 * One word at a time, every recurrent step streams a whole weight matrix
 * from cache or memory to multiply it by one vector. Words that arrive
 * together (a worker finding several queued) can share that stream: here up
 * to G2P_BATCH_MAX words advance in lockstep and each step makes one
 * matmat over all words still running, so the weights are read once per
 * step for the batch instead of once per word.
 *
 * The answers are the per-word greedy decoder's (decode.c) bit for bit.
 * That holds because every number is produced by the same kernel calls in
 * the same order per word: the kernel table guarantees that matmat over nb
 * vectors equals nb matvecs, that matvec_n (the attention scores of all
 * running words, each against its own keys) equals one matvec per word,
 * and that gru_step equals matvec followed by gru_gates; element-wise functions (tanh, softmax) are applied per word
 * over the same lengths as there. Words of different lengths: the words
 * are ordered by encoder length, longest first, so the words still being
 * encoded at any step are a prefix of the batch (the backward encoder of
 * arch 2 runs each word from its own last token, so the same prefix
 * holds). The decoder keeps the running words packed at the front and
 * drops a word when it emits </s> or reaches max_len.
 *
 * Words longer than G2P_BATCH_WORD_MAX bytes are refused (the caller
 * decodes them one at a time), which keeps the per-word encoder buffers of
 * arch 2 small. All memory is carved from the caller's scratch by the same
 * function that sizes it, so decoding never allocates. Arch 3's feed
 * vectors (see decode.c) move with their word when the running words are
 * compacted. "arch 2" below means arch 2 and 3. */
#include <stdint.h>
#include <string.h>

#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/decode_common.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_impl.h"

#define BT_MAX (G2P_BATCH_WORD_MAX + 1) /* code points + </s> */
#define AT_C(base, off, type) \
  ((const type *)(const void *)((const uint8_t *)(base) + (off)))

/* Offsets into the scratch (bytes); per-word arrays are indexed by slot
 * (the word's place in the length order), decoder arrays by position
 * (the word's place among the running ones). */
typedef struct blayout {
  size_t toks;    /* int[NB][BT_MAX] */
  size_t T;       /* int[NB] encoder steps incl. </s> */
  size_t order;   /* int[NB] slot -> caller's index */
  size_t nb;      /* int: words of the last batch (slots 0..nb-1) */
  size_t h;       /* float[NB][H] encoder states */
  size_t gh;      /* float[NB][3 max(H, D)] recurrent projections */
  size_t hs;      /* float[NB][D] decoder states */
  size_t logits;  /* float[NB][P] */
  size_t seq;     /* uint16[NB][max_len] */
  size_t enc;     /* arch 2: float[NB][BT_MAX][2H] encoder outputs */
  size_t keys;    /* arch 2: float[BT_MAX][D] (one word at a time) */
  size_t keys_p;  /* arch 2: NB x keys_p_bytes */
  size_t proj_t_p; /* arch 2: NB x proj_t_p_bytes, (comb_wc enc)^T */
  size_t cat;     /* arch 2: float[NB][2H] */
  size_t att;     /* arch 2: float[NB][BT_MAX] attention weights */
  size_t ctxp;    /* arch 2: float[NB][D] comb_wc ctx */
  size_t comb;    /* arch 2: float[NB][D] */
  size_t feed;    /* arch 3: float[NB][D] previous comb, by position */
  size_t gin;     /* arch 3: float[NB][3D] gi row + dec_w_if feed */
  size_t total;
  size_t keys_p_bytes, proj_t_p_bytes;
} blayout;

static void plan_batch(blayout *L, const g2p_model *m) {
  const size_t f = sizeof(float), NB = G2P_BATCH_MAX, TB = BT_MAX;
  size_t H = (size_t)m->H, D = (size_t)m->D, P = (size_t)m->P;
  size_t wide = H > D ? H : D;
  size_t o = 0;
  memset(L, 0, sizeof *L);
  L->toks = g2p_layout_put(&o, NB * TB * sizeof(int));
  L->T = g2p_layout_put(&o, NB * sizeof(int));
  L->order = g2p_layout_put(&o, NB * sizeof(int));
  L->nb = g2p_layout_put(&o, sizeof(int));
  L->h = g2p_layout_put(&o, NB * H * f);
  L->gh = g2p_layout_put(&o, NB * 3 * wide * f);
  L->hs = g2p_layout_put(&o, NB * D * f);
  L->logits = g2p_layout_put(&o, NB * P * f);
  L->seq = g2p_layout_put(&o, NB * (size_t)m->max_len * sizeof(uint16_t));
  if (g2pm_arch_attn(m->arch)) {
    L->keys_p_bytes = G2P_ALIGN64(m->k->packed_bytes(BT_MAX, m->D));
    L->proj_t_p_bytes = G2P_ALIGN64(m->k->packed_bytes(m->D, BT_MAX));
    L->enc = g2p_layout_put(&o, NB * TB * 2 * H * f);
    L->keys = g2p_layout_put(&o, TB * D * f);
    L->keys_p = g2p_layout_put(&o, NB * L->keys_p_bytes);
    L->proj_t_p = g2p_layout_put(&o, NB * L->proj_t_p_bytes);
    L->cat = g2p_layout_put(&o, NB * 2 * H * f);
    L->att = g2p_layout_put(&o, NB * TB * f);
    L->ctxp = g2p_layout_put(&o, NB * D * f);
    L->comb = g2p_layout_put(&o, NB * D * f);
  }
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF) {
    L->feed = g2p_layout_put(&o, NB * D * f);
    L->gin = g2p_layout_put(&o, NB * 3 * D * f);
  }
  L->total = G2P_ALIGN64(o);
}

size_t g2p_model_batch_scratch_bytes(const g2p_model *model) {
  blayout L;
  plan_batch(&L, model);
  return L.total;
}


/* Encoders of all nb words; leaves the decoder's initial states in hs
 * (slot order) and, for arch 2, each word's packed keys and outputs. */
static void encode_all(const g2p_model *m, void *s, const blayout *L, int nb) {
  const kern_ops *k = m->k, *kw = m->kw; /* model_impl.h */
  const int *toks = AT(s, L->toks, int);
  const int *T = AT(s, L->T, int);
  float *h = AT(s, L->h, float);
  float *gh = AT(s, L->gh, float);
  float *hs = AT(s, L->hs, float);
  const float *gi[G2P_BATCH_MAX];
  int H = m->H, Tmax = T[0];
  size_t hb = (size_t)H * sizeof(float), H2 = 2 * (size_t)H;
  float *enc = AT(s, L->enc, float); /* arch 2 only */
  size_t enc_stride = (size_t)BT_MAX * H2;

  for (int t = 0, na = nb; t < Tmax; t++) {
    while (na > 0 && T[na - 1] <= t)
      na--;
    if (t == 0) { /* the one-symbol states come from the tables */
      for (int b = 0; b < na; b++)
        memcpy(h + (size_t)b * H,
               state_row(m->enc.first, &m->enc, toks[b * BT_MAX]), hb);
    } else {
      for (int b = 0; b < na; b++)
        gi[b] = gi_row(&m->enc, toks[b * BT_MAX + t]);
      gru_rows(kw, &m->enc, h, gh, gi, na);
    }
    if (g2pm_arch_attn(m->arch))
      for (int b = 0; b < na; b++)
        memcpy(enc + b * enc_stride + (size_t)t * H2, h + (size_t)b * H, hb);
  }
  if (m->arch == G2PM_ARCH_GRU) {
    memcpy(hs, h, (size_t)nb * hb); /* D == H */
    return;
  }

  for (int st = 0, na = nb; st < Tmax; st++) {
    while (na > 0 && T[na - 1] <= st)
      na--;
    if (st < 2) {
      const float *table = st == 0 ? m->encb.first : m->encb.second;
      for (int b = 0; b < na; b++)
        memcpy(h + (size_t)b * H,
               state_row(table, &m->encb, toks[b * BT_MAX + (T[b] - 1 - st)]),
               hb);
    } else {
      for (int b = 0; b < na; b++)
        gi[b] = gi_row(&m->encb, toks[b * BT_MAX + (T[b] - 1 - st)]);
      gru_rows(kw, &m->encb, h, gh, gi, na);
    }
    for (int b = 0; b < na; b++)
      memcpy(enc + b * enc_stride + (size_t)(T[b] - 1 - st) * H2 + H,
             h + (size_t)b * H, hb);
  }

  int D = m->D;
  float *cat = AT(s, L->cat, float);
  for (int b = 0; b < nb; b++) {
    const float *e = enc + b * enc_stride;
    memcpy(cat + b * H2, e + (size_t)(T[b] - 1) * H2, hb);
    memcpy(cat + b * H2 + H, e + H, hb);
  }
  mul(kw, m->init_w, m->init_b, cat, hs, D, 2 * H, nb);
  for (int b = 0; b < nb; b++)
    k->tanh_inplace(hs + (size_t)b * D, D);

  float *keys = AT(s, L->keys, float);
  for (int b = 0; b < nb; b++) {
    const float *e = enc + b * enc_stride;
    int Tb = T[b];
    kw->matmat(m->att_w, NULL, e, keys, D, 2 * H, Tb);
    k->pack_matrix(AT(s, L->keys_p + (size_t)b * L->keys_p_bytes, float), keys,
                   Tb, D);
    kw->matmat(m->comb_wc, NULL, e, keys, D, 2 * H, Tb);
    k->pack_matrix_t(AT(s, L->proj_t_p + (size_t)b * L->proj_t_p_bytes, float),
                     keys, D, Tb);
  }
}

/* One decoder step for the na running words (positions 0..na-1, slot
 * pos[i]), inputs prev[i]; writes logits (na x P). */
static void dec_step_all(const g2p_model *m, void *s, const blayout *L,
                         const int *pos, const int *prev, int na) {
  const kern_ops *k = m->k, *kw = m->kw;
  int D = m->D;
  float *hs = AT(s, L->hs, float);
  float *gh = AT(s, L->gh, float);
  float *logits = AT(s, L->logits, float);
  const float *gi[G2P_BATCH_MAX];
  for (int i = 0; i < na; i++)
    gi[i] = gi_row(&m->dec, prev[i]);
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    feed_inputs(m, AT(s, L->feed, float), AT(s, L->gin, float), gi, na);
  gru_rows(kw, &m->dec, hs, gh, gi, na);
  if (m->arch == G2PM_ARCH_GRU) {
    mul(kw, m->fc_w, m->fc_b, hs, logits, m->P, D, na);
    return;
  }

  const int *T = AT(s, L->T, int);
  float *att = AT(s, L->att, float);
  float *ctxp = AT(s, L->ctxp, float);
  float *comb = AT(s, L->comb, float);
  /* scores of all running words in one call (matvec_n: each word against
   * its own keys, the same bits as one matvec per word) */
  const float *kp[G2P_BATCH_MAX], *hx[G2P_BATCH_MAX];
  float *ya[G2P_BATCH_MAX];
  int rows[G2P_BATCH_MAX];
  for (int i = 0; i < na; i++) {
    int b = pos[i];
    kp[i] = AT(s, L->keys_p + (size_t)b * L->keys_p_bytes, float);
    hx[i] = hs + (size_t)i * D;
    ya[i] = att + (size_t)i * BT_MAX;
    rows[i] = T[b];
  }
  k->matvec_n(kp, hx, ya, rows, D, na);
  for (int i = 0; i < na; i++) {
    int b = pos[i], Tb = T[b];
    float *a = ya[i];
    softmax_inplace(a, Tb);
    k->matvec(AT(s, L->proj_t_p + (size_t)b * L->proj_t_p_bytes, float), NULL,
              a, ctxp + (size_t)i * D, D, Tb);
  }
  mul(kw, m->comb_wh, m->comb_b, hs, comb, D, D, na);
  for (int i = 0; i < na; i++)
    comb_finish(k, comb + (size_t)i * D, ctxp + (size_t)i * D, D);
  mul(kw, m->fc_w, m->fc_b, comb, logits, m->P, D, na);
}

int g2p_model_predict_batch(const g2p_model *model, void *scratch,
                            const char *const *words, const size_t *lens,
                            int n, char *out, size_t outcap, int *out_len) {
  return g2p_model_predict_batch_scored(model, scratch, words, lens, n, out, outcap,
                                        out_len, NULL);
}

int g2p_model_predict_batch_scored(const g2p_model *model, void *scratch,
                                   const char *const *words, const size_t *lens,
                                   int n, char *out, size_t outcap, int *out_len,
                                   double *logprob) {
  if (!model || !scratch || !words || !lens || !out || !out_len || n < 0 ||
      n > G2P_BATCH_MAX || (uintptr_t)scratch % KERN_ALIGN)
    return G2P_EINVAL;
  const g2p_model *m = model;
  blayout L;
  plan_batch(&L, m);
  if (g2pm_arch_attn(m->arch) &&
      (m->k->packed_bytes(BT_MAX, m->D) > L.keys_p_bytes ||
       m->k->packed_bytes(m->D, BT_MAX) > L.proj_t_p_bytes))
    return G2P_EINVAL;
  void *s = scratch;
  int *toks = AT(s, L.toks, int);
  int *T = AT(s, L.T, int);
  int *order = AT(s, L.order, int);
  *AT(s, L.nb, int) = 0; /* no word's encoding until encode_all's */

  /* Tokenize the words that can run; order them longest first (stable). */
  int nb = 0;
  for (int i = 0; i < n; i++) {
    if (lens[i] == 0) {
      out_len[i] = G2P_EEMPTY;
      continue;
    }
    if (lens[i] > G2P_BATCH_WORD_MAX) {
      out_len[i] = G2P_ETOOLONG;
      continue;
    }
    if (!words[i]) {
      out_len[i] = G2P_EINVAL;
      continue;
    }
    int Ti = decode_tokenize(m, words[i], lens[i], toks + nb * BT_MAX);
    int at = nb;
    while (at > 0 && T[at - 1] < Ti)
      at--;
    if (at < nb) {
      int *dst = toks + at * BT_MAX;
      int tmp[BT_MAX];
      memcpy(tmp, toks + nb * BT_MAX, (size_t)Ti * sizeof(int));
      memmove(dst + BT_MAX, dst, (size_t)(nb - at) * BT_MAX * sizeof(int));
      memcpy(dst, tmp, (size_t)Ti * sizeof(int));
      memmove(T + at + 1, T + at, (size_t)(nb - at) * sizeof(int));
      memmove(order + at + 1, order + at, (size_t)(nb - at) * sizeof(int));
    }
    T[at] = Ti;
    order[at] = i;
    nb++;
  }
  if (nb == 0)
    return 0;

  encode_all(m, s, &L, nb);
  *AT(s, L.nb, int) = nb;

  int D = m->D, P = m->P, ML = m->max_len;
  float *hs = AT(s, L.hs, float);
  const float *logits = AT(s, L.logits, float);
  uint16_t *seq = AT(s, L.seq, uint16_t);
  int pos[G2P_BATCH_MAX], prev[G2P_BATCH_MAX], len[G2P_BATCH_MAX];
  double lp[G2P_BATCH_MAX];
  for (int b = 0; b < nb; b++) {
    pos[b] = b;
    prev[b] = G2PM_P_SOS;
    len[b] = 0;
    lp[b] = 0.0;
  }
  int feed = m->arch == G2PM_ARCH_BIGRU_ATTN_IF;
  float *fd = feed ? AT(s, L.feed, float) : NULL;
  const float *comb = feed ? AT(s, L.comb, float) : NULL;
  if (feed)
    memset(fd, 0, (size_t)nb * D * sizeof(float));
  int na = ML > 0 ? nb : 0;
  while (na > 0) {
    dec_step_all(m, s, &L, pos, prev, na);
    int keep = 0;
    for (int i = 0; i < na; i++) {
      const float *l = logits + (size_t)i * P;
      int best = argmax_first(l, P);
      int b = pos[i];
      if (logprob)
        lp[b] += log_prob_of_max(l, P, best);
      if (best == G2PM_P_EOS)
        continue;
      seq[(size_t)b * ML + len[b]++] = (uint16_t)best;
      if (len[b] >= ML)
        continue;
      if (keep != i)
        memcpy(hs + (size_t)keep * D, hs + (size_t)i * D,
               (size_t)D * sizeof(float));
      if (feed)
        memcpy(fd + (size_t)keep * D, comb + (size_t)i * D,
               (size_t)D * sizeof(float));
      pos[keep] = b;
      prev[keep] = best;
      keep++;
    }
    na = keep;
  }
  for (int b = 0; b < nb; b++) {
    int i = order[b];
    out_len[i] = decode_render(m, seq + (size_t)b * ML, len[b], out + (size_t)i * outcap,
                        outcap);
    if (logprob)
      logprob[i] = lp[b];
  }
  return 0;
}

int g2p_model_batch_export(const g2p_model *model, const void *batch_scratch, int i,
                           const char *word, size_t len, void *scratch) {
  if (!model || !batch_scratch || !scratch)
    return G2P_EINVAL;
  blayout L;
  plan_batch(&L, model);
  const void *s = batch_scratch;
  const int *order = AT_C(s, L.order, int);
  int nb = *AT_C(s, L.nb, int), b = 0;
  while (b < nb && order[b] != i)
    b++;
  if (b == nb)
    return G2P_EINVAL; /* not a word the last batch encoded */
  const size_t H = (size_t)model->H, H2 = 2 * H;
  /* the encoder's buffers are not written after encode_all; for arch 1
   * each slot's row of h is its final encoder state */
  g2p_encoding e = {
      .T = AT_C(s, L.T, int)[b],
      .toks = AT_C(s, L.toks, int) + (size_t)b * BT_MAX,
      .h_last = AT_C(s, L.h, float) + (size_t)b * H,
  };
  if (g2pm_arch_attn(model->arch)) {
    e.enc = AT_C(s, L.enc, float) + (size_t)b * BT_MAX * H2;
    e.keys_p = AT_C(s, L.keys_p + (size_t)b * L.keys_p_bytes, float);
    e.proj_t_p = AT_C(s, L.proj_t_p + (size_t)b * L.proj_t_p_bytes, float);
  }
  return g2p_model_adopt_encoding(model, scratch, word, len, &e);
}
