/* decode.c -- turns a word into phonemes with a loaded model: encoder, then
 * greedy or beam-search decoding.
 *
 * Greedy decoding follows g2p_en 2.0's predict() exactly: input = the
 * word's code points mapped to grapheme ids (unknown -> <unk>) plus </s>;
 * the decoder starts from <s>, takes the first maximum of the logits at
 * each step, and stops at </s> or after max_len phonemes.
 *
 * Beam search keeps the B best partial hypotheses by the sum of their
 * log-softmax scores (no length normalisation: a finished hypothesis is
 * compared with the others by its raw total). A hypothesis ends when </s>
 * ranks among the B best candidates of a step; the search stops when the
 * best finished score is at least the best live one (scores only fall, so
 * nothing live can overtake it) or after max_len steps, when the live
 * hypotheses count as finished at the cap. Ties go to the lower phoneme
 * id and to the earlier hypothesis, which makes width 1 the greedy decoder.
 * For n-best (g2p_model_nbest) the search keeps the K <= B best finished
 * hypotheses and stops when the K-th of them is at least the best live one.
 *
 * Every byte of working memory is carved out of the caller's scratch by
 * layout(), the same function that sizes it, so the two cannot disagree
 * and prediction never allocates. All matrix arithmetic goes through the
 * model's kernel table; the B live hypotheses of a beam are advanced
 * together with one matmat per weight matrix.
 *
 * Arch 3 ("bigru-attn-if") adds input feeding: a step's GRU input is the
 * tabulated projection of the previous phoneme plus dec_w_if times the
 * previous step's attentional vector (the tanh combination layer's output,
 * zero before the first step). That vector is part of a hypothesis's state,
 * so the beam carries it along with the GRU state.
 *
 * The scratch remembers which word it holds the encoding of (a tag at
 * offset 0 of every model's layout, cleared by every call's start and set
 * by encode), so g2p_model_nbest_after, asked for the word a greedy call
 * just read, skips the encoder: the gated rescorer's unsure words pay for
 * it once. Any other use of the scratch, by any model, clears the tag. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "g2p/decode.h"
#include "g2p/decode_common.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_impl.h"

#define T_MAX (G2P_WORD_MAX + 1) /* code points + </s> */

typedef struct cand {
  double score;
  int hyp, tok;
} cand;

/* Whose encoding the scratch holds: model is NULL when none (or when
 * another call has used the scratch since); toks then holds its T ids. */
typedef struct enc_tag {
  const g2p_model *model;
  int T;
} enc_tag;

/* Offsets into the scratch (bytes). */
typedef struct layout {
  size_t tag;           /* enc_tag, at offset 0 for every model */
  size_t toks;          /* int[T_MAX] */
  size_t tmp;           /* float[3 * max(H, D)] */
  size_t h;             /* float[H]: running encoder state */
  size_t enc;           /* arch 2: float[T_MAX][2H] encoder outputs */
  size_t keys;          /* arch 2: float[T_MAX][D] att_w enc_t */
  size_t keys_p;        /* arch 2: keys packed */
  size_t proj_t_p;      /* arch 2: (comb_wc enc_t)^T (D x T) packed */
  size_t cat;           /* arch 2: float[2H] [f_{T-1}; b_0] */
  size_t att;           /* arch 2: float[B][T_MAX] scores / weights */
  size_t ctxp;          /* arch 2: float[B][D] comb_wc ctx */
  size_t comb;          /* arch 2: float[B][D] tanh(comb_w [h;ctx] + b) */
  size_t feed;          /* arch 3: float[B][D] previous step's comb */
  size_t gin;           /* arch 3: float[B][3D] gi row + dec_w_if feed */
  size_t hs[2];         /* float[B][D] decoder states, double-buffered */
  size_t gh;            /* float[B][3D] recurrent projections */
  size_t logits;        /* float[B][P] */
  size_t seq[2];        /* uint16[B][max_len], double-buffered */
  size_t score[2];      /* double[B] */
  size_t prev;          /* int[B] */
  size_t cand;          /* cand[B * (B + 1)] */
  size_t best;          /* uint16[B][max_len] best finished hypotheses */
  size_t fin_score;     /* double[B] their scores, best first */
  size_t fin_len;       /* int[B] their lengths */
  size_t h0;            /* float[D]: the decoder's initial state */
  size_t total;
  size_t keys_p_bytes, proj_t_p_bytes;
} layout;

static void plan_scratch(layout *L, const g2p_model *m) {
  const size_t f = sizeof(float), B = G2P_BEAM_MAX;
  size_t H = (size_t)m->H, D = (size_t)m->D, P = (size_t)m->P;
  size_t wide = H > D ? H : D;
  size_t o = 0;
  memset(L, 0, sizeof *L);
  L->tag = g2p_layout_put(&o, sizeof(enc_tag));
  L->toks = g2p_layout_put(&o, T_MAX * sizeof(int));
  L->tmp = g2p_layout_put(&o, 3 * wide * f);
  L->h = g2p_layout_put(&o, H * f);
  if (g2pm_arch_attn(m->arch)) {
    L->keys_p_bytes = m->k->packed_bytes(T_MAX, m->D);
    L->proj_t_p_bytes = m->k->packed_bytes(m->D, T_MAX);
    L->enc = g2p_layout_put(&o, T_MAX * 2 * H * f);
    L->keys = g2p_layout_put(&o, T_MAX * D * f);
    L->keys_p = g2p_layout_put(&o, L->keys_p_bytes);
    L->proj_t_p = g2p_layout_put(&o, L->proj_t_p_bytes);
    L->cat = g2p_layout_put(&o, 2 * H * f);
    L->att = g2p_layout_put(&o, B * T_MAX * f);
    L->ctxp = g2p_layout_put(&o, B * D * f);
    L->comb = g2p_layout_put(&o, B * D * f);
  }
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF) {
    L->feed = g2p_layout_put(&o, B * D * f);
    L->gin = g2p_layout_put(&o, B * 3 * D * f);
  }
  L->hs[0] = g2p_layout_put(&o, B * D * f);
  L->hs[1] = g2p_layout_put(&o, B * D * f);
  L->gh = g2p_layout_put(&o, B * 3 * D * f);
  L->logits = g2p_layout_put(&o, B * P * f);
  L->seq[0] = g2p_layout_put(&o, B * (size_t)m->max_len * sizeof(uint16_t));
  L->seq[1] = g2p_layout_put(&o, B * (size_t)m->max_len * sizeof(uint16_t));
  L->score[0] = g2p_layout_put(&o, B * sizeof(double));
  L->score[1] = g2p_layout_put(&o, B * sizeof(double));
  L->prev = g2p_layout_put(&o, B * sizeof(int));
  L->cand = g2p_layout_put(&o, B * (B + 1) * sizeof(cand));
  L->best = g2p_layout_put(&o, B * (size_t)m->max_len * sizeof(uint16_t));
  L->fin_score = g2p_layout_put(&o, B * sizeof(double));
  L->fin_len = g2p_layout_put(&o, B * sizeof(int));
  L->h0 = g2p_layout_put(&o, D * f);
  L->total = G2P_ALIGN64(o);
}

size_t g2p_model_scratch_bytes(const g2p_model *model) {
  layout L;
  plan_scratch(&L, model);
  return L.total;
}


/* The per-word state every step needs. */
typedef struct run {
  const g2p_model *m;
  const kern_ops *k, *kw; /* the model's tables (model_impl.h) */
  layout L;
  void *s;
  int T; /* encoder steps incl. </s> */
  int encoded; /* the scratch holds this word's encoding (enc_tag) */
} run;

/* Word -> grapheme ids + </s>. r->encoded: the tag names this model and
 * these ids (the scratch still holds their encoding); the tag is cleared
 * otherwise, and always unless keep. */
static int tokenize(run *r, const char *word, size_t len, int keep) {
  if (len == 0)
    return G2P_EEMPTY;
  if (len > G2P_WORD_MAX)
    return G2P_ETOOLONG;
  enc_tag *tag = AT(r->s, r->L.tag, enc_tag);
  int *toks = AT(r->s, r->L.toks, int);
  int ids[T_MAX];
  r->T = decode_tokenize(r->m, word, len, ids);
  r->encoded = keep && tag->model == r->m && tag->T == r->T &&
               memcmp(ids, toks, (size_t)r->T * sizeof(int)) == 0;
  if (!r->encoded) {
    tag->model = NULL;
    memcpy(toks, ids, (size_t)r->T * sizeof(int));
  }
  return 0;
}

/* Arch 2: the decoder's initial state from the encoder outputs in the
 * scratch, tanh(init_w [f_{T-1}; b_0] + b), into hs0. */
static void init_state(run *r, float *hs0) {
  const g2p_model *m = r->m;
  size_t H = (size_t)m->H, hb = H * sizeof(float);
  const float *enc = AT(r->s, r->L.enc, float);
  float *cat = AT(r->s, r->L.cat, float);
  memcpy(cat, enc + (size_t)(r->T - 1) * 2 * H, hb);
  memcpy(cat + H, enc + H, hb);
  r->kw->matvec(m->init_w, m->init_b, cat, hs0, m->D, 2 * m->H);
  r->k->tanh_inplace(hs0, m->D);
}

/* Runs the encoder and leaves the decoder's initial state in hs0. */
static void encode_word(run *r, float *hs0) {
  const g2p_model *m = r->m;
  const kern_ops *k = r->k, *kw = r->kw;
  const int *toks = AT(r->s, r->L.toks, int);
  float *tmp = AT(r->s, r->L.tmp, float);
  float *h = AT(r->s, r->L.h, float);
  int H = m->H, T = r->T;
  size_t hb = (size_t)H * sizeof(float);

  const float *gi0[1];
  if (m->arch == G2PM_ARCH_GRU) {
    memcpy(h, state_row(m->enc.first, &m->enc, toks[0]), hb);
    for (int t = 1; t < T; t++) {
      gi0[0] = gi_row(&m->enc, toks[t]);
      gru_rows(kw, &m->enc, h, tmp, gi0, 1);
    }
    memcpy(hs0, h, hb); /* D == H */
    return;
  }

  /* arch 2: enc_t = [f_t ; b_t] */
  size_t H2 = 2 * (size_t)H;
  float *enc = AT(r->s, r->L.enc, float);
  /* the first forward state, and the backward ones after </s> (the last
   * token) and after the token before it, come from the tables */
  for (int t = 0; t < T; t++) {
    if (t == 0) {
      memcpy(h, state_row(m->enc.first, &m->enc, toks[0]), hb);
    } else {
      gi0[0] = gi_row(&m->enc, toks[t]);
      gru_rows(kw, &m->enc, h, tmp, gi0, 1);
    }
    memcpy(enc + (size_t)t * H2, h, hb);
  }
  for (int t = T - 1; t >= 0; t--) {
    if (t == T - 1) {
      memcpy(h, state_row(m->encb.first, &m->encb, toks[t]), hb);
    } else if (t == T - 2) {
      memcpy(h, state_row(m->encb.second, &m->encb, toks[t]), hb);
    } else {
      gi0[0] = gi_row(&m->encb, toks[t]);
      gru_rows(kw, &m->encb, h, tmp, gi0, 1);
    }
    memcpy(enc + (size_t)t * H2 + H, h, hb);
  }
  init_state(r, hs0);

  /* Attention keys K_t = att_w enc_t (T x D) and the projected outputs
   * comb_wc enc_t (model_impl.h), transposed (D x T), both packed for this
   * word's mat-vecs; the keys buffer holds each in turn. */
  float *keys = AT(r->s, r->L.keys, float);
  kw->matmat(m->att_w, NULL, enc, keys, m->D, 2 * H, T);
  k->pack_matrix(AT(r->s, r->L.keys_p, float), keys, T, m->D);
  kw->matmat(m->comb_wc, NULL, enc, keys, m->D, 2 * H, T);
  k->pack_matrix_t(AT(r->s, r->L.proj_t_p, float), keys, m->D, T);
}

/* encode_word, or its results still in the scratch (r->encoded); either
 * way the scratch is then tagged with this word. */
static void encode(run *r, float *hs0) {
  size_t db = (size_t)r->m->D * sizeof(float);
  float *h0 = AT(r->s, r->L.h0, float);
  if (r->encoded) {
    memcpy(hs0, h0, db);
    return;
  }
  encode_word(r, hs0);
  memcpy(h0, hs0, db);
  enc_tag *tag = AT(r->s, r->L.tag, enc_tag);
  tag->model = r->m;
  tag->T = r->T;
  r->encoded = 1;
}

/* Advances nb decoder states (hs, nb x D, in place) by one step with
 * inputs prev[nb], writing logits (nb x P); for arch 3 the step reads the
 * feed vectors (scratch feed, nb x D) and leaves the new ones in comb. */
static void dec_step(run *r, float *hs, const int *prev, int nb,
                     float *logits) {
  const g2p_model *m = r->m;
  const kern_ops *k = r->k, *kw = r->kw;
  int D = m->D;
  float *gh = AT(r->s, r->L.gh, float);
  const float *gi[G2P_BEAM_MAX];
  for (int b = 0; b < nb; b++)
    gi[b] = gi_row(&m->dec, prev[b]);
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    feed_inputs(m, AT(r->s, r->L.feed, float), AT(r->s, r->L.gin, float), gi,
                nb);
  gru_rows(kw, &m->dec, hs, gh, gi, nb);
  if (m->arch == G2PM_ARCH_GRU) {
    mul(kw, m->fc_w, m->fc_b, hs, logits, m->P, D, nb);
    return;
  }

  int T = r->T;
  float *att = AT(r->s, r->L.att, float);
  float *ctxp = AT(r->s, r->L.ctxp, float);
  float *comb = AT(r->s, r->L.comb, float);
  /* scores (nb x T) = K h, softmax per row, ctxp (nb x D) = comb_wc ctx =
   * (comb_wc enc)^T alpha, comb = tanh(comb_wh h + b + ctxp) */
  mul(k, AT(r->s, r->L.keys_p, float), NULL, hs, att, T, D, nb);
  for (int b = 0; b < nb; b++)
    softmax_inplace(att + (size_t)b * T, T);
  mul(k, AT(r->s, r->L.proj_t_p, float), NULL, att, ctxp, D, T, nb);
  mul(kw, m->comb_wh, m->comb_b, hs, comb, D, D, nb);
  comb_finish(k, comb, ctxp, nb * D);
  mul(kw, m->fc_w, m->fc_b, comb, logits, m->P, D, nb);
}

static int start(run *r, const g2p_model *m, void *scratch, const char *word,
                 size_t len, int keep) {
  if (!m || !scratch || (!word && len))
    return G2P_EINVAL;
  if ((uintptr_t)scratch % KERN_ALIGN)
    return G2P_EINVAL;
  r->m = m;
  r->k = m->k;
  r->kw = m->kw;
  r->s = scratch;
  plan_scratch(&r->L, m);
  int rc = tokenize(r, word, len, keep);
  if (rc)
    return rc;
  if (g2pm_arch_attn(m->arch) &&
      (m->k->packed_bytes(r->T, m->D) > r->L.keys_p_bytes ||
       m->k->packed_bytes(m->D, r->T) > r->L.proj_t_p_bytes))
    return G2P_EINVAL; /* a kernel whose packing grows oddly; never seen */
  return 0;
}

/* Arch 3: zeroes the first n feed vectors (before the first step). */
static void feed_reset_n(run *r, int n) {
  if (r->m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    memset(AT(r->s, r->L.feed, float), 0, (size_t)n * (size_t)r->m->D * sizeof(float));
}

static void feed_reset(run *r) { feed_reset_n(r, 1); }

/* Arch 3: the next step's feed vector `to` is this step's attentional
 * vector of hypothesis `from`. */
static void feed_take(run *r, int to, int from) {
  if (r->m->arch != G2PM_ARCH_BIGRU_ATTN_IF)
    return;
  size_t D = (size_t)r->m->D;
  memcpy(AT(r->s, r->L.feed, float) + (size_t)to * D,
         AT(r->s, r->L.comb, float) + (size_t)from * D, D * sizeof(float));
}

/* Greedy decoding; with lp, also the log-probability of the answer (its
 * phonemes and the final </s>, or the phonemes alone at the length cap). */
static int greedy(run *r, char *out, size_t outcap, double *lp) {
  const g2p_model *m = r->m;
  float *h = AT(r->s, r->L.hs[0], float);
  float *logits = AT(r->s, r->L.logits, float);
  uint16_t *seq = AT(r->s, r->L.seq[0], uint16_t);
  encode(r, h);
  feed_reset(r);
  int prev = G2PM_P_SOS, n = 0;
  double total = 0.0;
  while (n < m->max_len) {
    dec_step(r, h, &prev, 1, logits);
    feed_take(r, 0, 0);
    int best = argmax_first(logits, m->P);
    if (lp)
      total += log_prob_of_max(logits, m->P, best);
    if (best == G2PM_P_EOS)
      break;
    seq[n++] = (uint16_t)best;
    prev = best;
  }
  if (lp)
    *lp = total;
  return decode_render(m, seq, n, out, outcap);
}

/* Candidate order: higher score first, then earlier hypothesis, then lower
 * phoneme id. */
static int cand_before(const cand *a, const cand *b) {
  if (a->score != b->score)
    return a->score > b->score;
  if (a->hyp != b->hyp)
    return a->hyp < b->hyp;
  return a->tok < b->tok;
}

/* Keeps the K best finished hypotheses, best first, in fin (K x ML
 * sequences) with their scores and lengths; a newcomer goes after those of
 * equal score (the earlier-found wins a tie). Returns the new count. */
static int fin_insert(uint16_t *fin, double *fs, int *fl, int nf, int K,
                      int ML, const uint16_t *seq, int len, double score) {
  if (nf == K && !(score > fs[K - 1]))
    return nf;
  int at = nf < K ? nf++ : K - 1;
  while (at > 0 && score > fs[at - 1]) {
    memcpy(fin + (size_t)at * ML, fin + (size_t)(at - 1) * ML,
           (size_t)fl[at - 1] * sizeof(uint16_t));
    fs[at] = fs[at - 1];
    fl[at] = fl[at - 1];
    at--;
  }
  memcpy(fin + (size_t)at * ML, seq, (size_t)len * sizeof(uint16_t));
  fs[at] = score;
  fl[at] = len;
  return nf;
}

/* log sum exp of logits[0..P), in double (max subtracted first): a
 * phoneme's log-probability is its logit less this. The beam and
 * g2p_model_score share it, so a scored answer gets the beam's bits. */
static double log_sum_exp(const float *l, int P) {
  float mx = l[0];
  for (int j = 1; j < P; j++)
    mx = l[j] > mx ? l[j] : mx;
  double sum = 0.0;
  for (int j = 0; j < P; j++)
    sum += exp((double)l[j] - (double)mx);
  return (double)mx + log(sum);
}

/* Beam search at width B keeping the K <= B best finished hypotheses;
 * returns how many were found (>= 1), left in the scratch's best/fin_*
 * tables, best first. */
static int beam_search(run *r, int B, int K) {
  const g2p_model *m = r->m;
  int P = m->P, D = m->D, ML = m->max_len;
  float *logits = AT(r->s, r->L.logits, float);
  float *hs[2] = {AT(r->s, r->L.hs[0], float), AT(r->s, r->L.hs[1], float)};
  uint16_t *seq[2] = {AT(r->s, r->L.seq[0], uint16_t),
                      AT(r->s, r->L.seq[1], uint16_t)};
  double *score[2] = {AT(r->s, r->L.score[0], double),
                      AT(r->s, r->L.score[1], double)};
  int *prev = AT(r->s, r->L.prev, int);
  cand *cands = AT(r->s, r->L.cand, cand);
  uint16_t *fin = AT(r->s, r->L.best, uint16_t);
  double *fs = AT(r->s, r->L.fin_score, double);
  int *fl = AT(r->s, r->L.fin_len, int);
  int nf = 0;
  size_t hb = (size_t)D * sizeof(float);

  encode(r, hs[0]);
  feed_reset(r);
  int cur = 0, live = 1;
  score[0][0] = 0.0;
  prev[0] = G2PM_P_SOS;
  for (int step = 0; step < ML; step++) {
    dec_step(r, hs[cur], prev, live, logits);
    /* Each hypothesis offers its B + 1 best tokens (so that B of them are
     * not </s>), kept sorted by insertion. */
    int nc = 0;
    for (int b = 0; b < live; b++) {
      const float *l = logits + (size_t)b * P;
      double lse = log_sum_exp(l, P);
      int want = B + 1 < P ? B + 1 : P;
      cand *mine = cands + nc;
      int have = 0;
      for (int j = 0; j < P; j++) {
        cand c = {score[cur][b] + ((double)l[j] - lse), b, j};
        if (have == want && !cand_before(&c, &mine[have - 1]))
          continue;
        int at = have < want ? have++ : want - 1;
        while (at > 0 && cand_before(&c, &mine[at - 1])) {
          mine[at] = mine[at - 1];
          at--;
        }
        mine[at] = c;
      }
      nc += have;
    }
    /* Global order over all hypotheses' offers (insertion sort: at most
     * 16 * 17 entries). */
    for (int i = 1; i < nc; i++) {
      cand c = cands[i];
      int j = i;
      while (j > 0 && cand_before(&c, &cands[j - 1])) {
        cands[j] = cands[j - 1];
        j--;
      }
      cands[j] = c;
    }
    int nxt = cur ^ 1, nlive = 0;
    for (int i = 0; i < nc; i++) {
      const cand *c = &cands[i];
      if (c->tok == G2PM_P_EOS) {
        if (i < B)
          nf = fin_insert(fin, fs, fl, nf, K, ML,
                          seq[cur] + (size_t)c->hyp * ML, step, c->score);
        continue;
      }
      if (nlive == B)
        continue;
      memcpy(hs[nxt] + (size_t)nlive * D, hs[cur] + (size_t)c->hyp * D, hb);
      feed_take(r, nlive, c->hyp);
      uint16_t *s = seq[nxt] + (size_t)nlive * ML;
      memcpy(s, seq[cur] + (size_t)c->hyp * ML,
             (size_t)step * sizeof(uint16_t));
      s[step] = (uint16_t)c->tok;
      score[nxt][nlive] = c->score;
      nlive++;
    }
    for (int b = 0; b < nlive; b++)
      prev[b] = seq[nxt][(size_t)b * ML + step];
    cur = nxt;
    live = nlive;
    /* scores only fall: once K finished ones are at least the best live
     * score, nothing live can enter the K best */
    if (live == 0 || (nf == K && fs[K - 1] >= score[cur][0]))
      break;
    if (step == ML - 1) {
      /* length cap: the live hypotheses count as finished */
      for (int b = 0; b < live; b++)
        nf = fin_insert(fin, fs, fl, nf, K, ML, seq[cur] + (size_t)b * ML, ML,
                        score[cur][b]);
    }
  }
  if (nf == 0) { /* unreachable: some hypothesis always ends */
    fl[0] = 0;
    fs[0] = -DBL_MAX;
    nf = 1;
  }
  return nf;
}

static int beam(run *r, int B, char *out, size_t outcap, double *lp) {
  beam_search(r, B, 1);
  if (lp)
    *lp = AT(r->s, r->L.fin_score, double)[0];
  return decode_render(r->m, AT(r->s, r->L.best, uint16_t),
                       AT(r->s, r->L.fin_len, int)[0], out, outcap);
}

/* One word at beam_width; greedy_at_1: width 1 takes the greedy decoder
 * (the same answer, without the beam's bookkeeping). */
static int predict(const g2p_model *model, void *scratch, const char *word,
                   size_t len, int beam_width, int greedy_at_1, char *out,
                   size_t outcap, double *lp) {
  if (beam_width < 1 || beam_width > G2P_BEAM_MAX || !out)
    return G2P_EINVAL;
  run r;
  int rc = start(&r, model, scratch, word, len, 0);
  if (rc)
    return rc;
  if (beam_width == 1 && greedy_at_1)
    return greedy(&r, out, outcap, lp);
  return beam(&r, beam_width, out, outcap, lp);
}

int g2p_model_predict(const g2p_model *model, void *scratch, const char *word,
                      size_t len, int beam_width, char *out, size_t outcap) {
  return predict(model, scratch, word, len, beam_width, 1, out, outcap, NULL);
}

int g2p_model_predict_scored(const g2p_model *model, void *scratch, const char *word,
                             size_t len, int beam_width, char *out, size_t outcap,
                             double *logprob) {
  return predict(model, scratch, word, len, beam_width, 1, out, outcap, logprob);
}

int g2p_model_beam(const g2p_model *model, void *scratch, const char *word,
                   size_t len, int beam_width, char *out, size_t outcap) {
  return predict(model, scratch, word, len, beam_width, 0, out, outcap, NULL);
}

static int nbest(const g2p_model *model, void *scratch, const char *word, size_t len,
                 int beam_width, int n, char *out, size_t outcap, int *lens,
                 double *logprobs, int keep) {
  if (beam_width < 1 || beam_width > G2P_BEAM_MAX || n < 1 || n > beam_width ||
      !out || !lens || !logprobs)
    return G2P_EINVAL;
  run r;
  int rc = start(&r, model, scratch, word, len, keep);
  if (rc)
    return rc;
  int nf = beam_search(&r, beam_width, n);
  const uint16_t *fin = AT(r.s, r.L.best, uint16_t);
  const double *fs = AT(r.s, r.L.fin_score, double);
  const int *fl = AT(r.s, r.L.fin_len, int);
  size_t used = 0;
  for (int i = 0; i < nf; i++) {
    int k = decode_render(model, fin + (size_t)i * model->max_len, fl[i],
                          out + used, outcap - used);
    if (k < 0)
      return k;
    lens[i] = k;
    logprobs[i] = fs[i];
    used += (size_t)k;
  }
  return nf;
}

int g2p_model_nbest(const g2p_model *model, void *scratch, const char *word,
                    size_t len, int beam_width, int n, char *out,
                    size_t outcap, int *lens, double *logprobs) {
  return nbest(model, scratch, word, len, beam_width, n, out, outcap, lens, logprobs, 0);
}

int g2p_model_adopt_encoding(const g2p_model *model, void *scratch, const char *word,
                             size_t len, const g2p_encoding *e) {
  if (!e)
    return G2P_EINVAL;
  run r;
  int rc = start(&r, model, scratch, word, len, 0);
  if (rc)
    return rc;
  if (e->T != r.T || memcmp(e->toks, AT(r.s, r.L.toks, int), (size_t)r.T * sizeof(int)))
    return G2P_EINVAL; /* another word's encoding */
  float *h0 = AT(r.s, r.L.h0, float);
  if (g2pm_arch_attn(model->arch)) {
    memcpy(AT(r.s, r.L.enc, float), e->enc, (size_t)r.T * 2 * (size_t)model->H * sizeof(float));
    memcpy(AT(r.s, r.L.keys_p, float), e->keys_p, model->k->packed_bytes(r.T, model->D));
    memcpy(AT(r.s, r.L.proj_t_p, float), e->proj_t_p, model->k->packed_bytes(model->D, r.T));
    init_state(&r, h0); /* the same call encode_word makes, so the same bits */
  } else {
    memcpy(h0, e->h_last, (size_t)model->H * sizeof(float)); /* D == H */
  }
  enc_tag *tag = AT(r.s, r.L.tag, enc_tag);
  tag->model = model;
  tag->T = r.T;
  return 0;
}

int g2p_model_holds_encoding(const g2p_model *model, const void *scratch,
                             const char *word, size_t len) {
  if (!model || !scratch || !word || len == 0 || len > G2P_WORD_MAX)
    return 0;
  layout L;
  plan_scratch(&L, model);
  const uint8_t *base = scratch;
  const enc_tag *tag = (const enc_tag *)(const void *)(base + L.tag);
  int ids[T_MAX];
  int T = decode_tokenize(model, word, len, ids);
  return tag->model == model && tag->T == T &&
         memcmp(ids, base + L.toks, (size_t)T * sizeof(int)) == 0;
}

int g2p_model_nbest_after(const g2p_model *model, void *scratch, const char *word,
                          size_t len, int beam_width, int n, char *out,
                          size_t outcap, int *lens, double *logprobs) {
  return nbest(model, scratch, word, len, beam_width, n, out, outcap, lens, logprobs, 1);
}

int g2p_model_forced(const g2p_model *model, void *scratch, const char *word,
                     size_t len, const int *prev, int nsteps, float *logits,
                     float *state) {
  if (nsteps < 0 || (nsteps > 0 && !logits))
    return G2P_EINVAL;
  for (int i = 0; i + 1 < nsteps; i++)
    if (!prev || prev[i] < 0 || prev[i] >= model->P)
      return G2P_EINVAL;
  run r;
  int rc = start(&r, model, scratch, word, len, 0);
  if (rc)
    return rc;
  float *h = AT(r.s, r.L.hs[0], float);
  float *l = AT(r.s, r.L.logits, float);
  encode(&r, h);
  feed_reset(&r);
  if (state)
    memcpy(state, h, (size_t)model->D * sizeof(float));
  for (int i = 0; i < nsteps; i++) {
    int in = i == 0 ? G2PM_P_SOS : prev[i - 1];
    dec_step(&r, h, &in, 1, l);
    feed_take(&r, 0, 0);
    memcpy(logits + (size_t)i * model->P, l, (size_t)model->P * sizeof(float));
  }
  return 0;
}

int g2p_model_score(const g2p_model *model, void *scratch, const char *word, size_t len,
                    const char *cands, const int *lens, int n, double *logprobs) {
  if (n < 1 || n > G2P_BEAM_MAX || !cands || !lens || !logprobs)
    return G2P_EINVAL;
  run r;
  int rc = start(&r, model, scratch, word, len, 0);
  if (rc)
    return rc;
  int ML = model->max_len, P = model->P, D = model->D;
  /* the answers' ids in the beam's sequence table (n x max_len) */
  uint16_t *ids = AT(r.s, r.L.seq[1], uint16_t);
  int nid[G2P_BEAM_MAX], longest = 0;
  size_t off = 0;
  for (int b = 0; b < n; b++) {
    if (lens[b] < 0)
      return G2P_EINVAL;
    uint16_t *s = ids + (size_t)b * ML;
    nid[b] = decode_parse(model, cands + off, (size_t)lens[b], s, ML);
    if (nid[b] < 0)
      return nid[b];
    if (model->reversed)
      for (int i = 0, j = nid[b] - 1; i < j; i++, j--) {
        uint16_t t = s[i];
        s[i] = s[j];
        s[j] = t;
      }
    longest = nid[b] > longest ? nid[b] : longest;
    off += (size_t)lens[b];
  }
  /* Answers that agree on their first t phonemes share the decoder's state
   * for step t: one row a distinct prefix (grp[b] is answer b's row), so n
   * answers cost as many rows as they have distinct prefixes. A row's
   * computation does not depend on the others (the kernels give a row the
   * same bits in any batch), so the scores are those of one answer alone. */
  float *hs[2] = {AT(r.s, r.L.hs[0], float), AT(r.s, r.L.hs[1], float)};
  float *logits = AT(r.s, r.L.logits, float);
  int *prev = AT(r.s, r.L.prev, int);
  int grp[G2P_BEAM_MAX], ng = 1, cur = 0;
  encode(&r, hs[0]);
  feed_reset(&r);
  prev[0] = G2PM_P_SOS;
  for (int b = 0; b < n; b++) {
    logprobs[b] = 0.0;
    grp[b] = 0;
  }
  /* step t scores phoneme t (or </s> at t == nid, except at the length
   * cap, where the decoder stops without one: the beam's and greedy's
   * rule) */
  for (int t = 0; t <= longest && t < ML && ng > 0; t++) {
    dec_step(&r, hs[cur], prev, ng, logits);
    double lse[G2P_BEAM_MAX];
    int have[G2P_BEAM_MAX] = {0};
    int parent[G2P_BEAM_MAX], tok[G2P_BEAM_MAX], nn = 0;
    for (int b = 0; b < n; b++) {
      if (t > nid[b])
        continue;
      int g = grp[b];
      const float *l = logits + (size_t)g * P;
      if (!have[g]) {
        lse[g] = log_sum_exp(l, P);
        have[g] = 1;
      }
      int want = t < nid[b] ? ids[(size_t)b * ML + t] : G2PM_P_EOS;
      logprobs[b] += (double)l[want] - lse[g];
      if (want == G2PM_P_EOS)
        continue;
      int k = 0; /* the next step's row: shared with an earlier answer? */
      while (k < nn && !(parent[k] == g && tok[k] == want))
        k++;
      if (k == nn) {
        parent[nn] = g;
        tok[nn++] = want;
      }
      grp[b] = k;
    }
    int nxt = cur ^ 1;
    for (int k = 0; k < nn; k++) {
      memcpy(hs[nxt] + (size_t)k * D, hs[cur] + (size_t)parent[k] * D,
             (size_t)D * sizeof(float));
      feed_take(&r, k, parent[k]);
      prev[k] = tok[k];
    }
    cur = nxt;
    ng = nn;
  }
  return 0;
}
