/* dispatch.c -- request -> engine -> reply (see dispatch.h).
 *
 * Per-word problems (empty, too long, bad UTF-8, not found) are per-word
 * results inside a successful reply, so one bad word never costs the caller
 * the rest of the batch. Request-level problems are error replies that echo
 * the id whenever it could be read. Counters are committed only once the
 * reply is in the buffer, so a reply retried for lack of room is counted
 * once.
 *
 * With workers a text is first packed as it is read, without the network;
 * most texts need no network word and are done then. At the first word
 * that does, that reply is dropped, and one whose network words went to
 * the workers is packed in a second pass once they are back: the first
 * pass records, in order, which spoken words took a slot
 * (network words, and the result cache's answers, which may be evicted
 * meanwhile), and the pack reads the text again (the dispatcher's text
 * context serves other requests in between) and takes the slots' answers
 * for those words and the deterministic ones (letters, homographs, user
 * lexicon, dictionary) afresh for the rest.
 *
 * An nbest words request with workers is split the same way as a plain
 * one; only its alternatives need more than a word slot: up to 16 texts a
 * word, 16 x 256 bytes at worst. Reserving that for every connection
 * (max_words each) would cost 128 x 256 x 4 KiB = 128 MiB with the default
 * limits, so the dispatcher keeps DISPATCH_NBEST_POOLS pools of max_words
 * records (~4.3 KiB each: 1.1 MiB a pool by default), lent to one request
 * from its first pass until its reply is packed, like the text pool. A
 * request that finds both lent and has a network word waits, without
 * stalling the loop (DISPATCH_WAIT; the owner resumes it when a pool is
 * given back); one whose words are all the dictionary's is answered at
 * once inline, which runs no network. A pool is taken (or waited for)
 * only with the connection's output empty, so the reply always packs when
 * the words are back and the pool returns then, whether or not the client
 * reads. */
#include "config.h"

#include "daemon/dispatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "daemon/workers.h"

/* Where the wire meets the engine their limits must agree: a beam the
 * protocol accepts is one the engine runs, and every variant the engine
 * returns fits a reply. */
_Static_assert(PROTO_MAX_BEAM == G2P_BEAM_MAX, "wire and engine beam limits agree");
_Static_assert(PROTO_VARIANTS_MAX == G2P_VARIANTS_MAX,
               "wire and engine variant limits agree");

int dispatcher_init(dispatcher *d, const daemon_config *cfg,
                    daemon_stats *stats, engine_ref **current) {
  memset(d, 0, sizeof *d);
  d->cfg = cfg;
  d->stats = stats;
  d->current = current;
  d->words = calloc(cfg->lim.max_words ? cfg->lim.max_words : 1,
                    sizeof *d->words);
  d->stat_table = calloc(STATS_MAX_ENTRIES, sizeof *d->stat_table);
  uint32_t max_tokens = cfg->lim.max_tokens ? cfg->lim.max_tokens : 1;
  if (g2p_text_ctx_create(&d->text, cfg->lim.max_text_bytes ? cfg->lim.max_text_bytes : 1,
                          max_tokens, max_tokens * 8) != G2P_OK)
    d->text = NULL;
  int nb_ok = 1;
  if (cfg->workers > 0 && cfg->model_path) {
    d->text_pool_cap = max_tokens;
    d->text_pool = calloc(d->text_pool_cap, sizeof *d->text_pool);
    if (!d->text_pool) d->text_pool_cap = 0;
    for (unsigned i = 0; i < DISPATCH_NBEST_POOLS; i++) {
      nbest_pool *p = &d->nbest[i];
      p->alts = calloc(cfg->lim.max_words ? cfg->lim.max_words : 1, sizeof *p->alts);
      p->owner = d;
      if (!p->alts) nb_ok = 0;
    }
    d->n_nbest = DISPATCH_NBEST_POOLS;
  }
  if (!d->words || !d->stat_table || !d->text || !nb_ok ||
      (cfg->workers > 0 && cfg->model_path && !d->text_pool)) {
    dispatcher_destroy(d);
    return -1;
  }
  return 0;
}

void dispatcher_destroy(dispatcher *d) {
  free(d->words);
  free(d->stat_table);
  free(d->text_pool);
  d->text_pool = NULL;
  for (unsigned i = 0; i < DISPATCH_NBEST_POOLS; i++) {
    free(d->nbest[i].alts);
    d->nbest[i].alts = NULL;
  }
  d->n_nbest = 0;
  d->text_pool_cap = 0;
  g2p_text_ctx_destroy(d->text);
  d->words = NULL;
  d->stat_table = NULL;
  d->text = NULL;
}

int dispatch_error(dispatcher *d, proto_buf *out, uint64_t id, int code,
                   const char *message) {
  if (proto_encode_error(out, id, code, message) != 0) return -1;
  d->stats->requests[PROTO_OP_NONE]++;
  if (code > 0 && code <= PROTO_E_MAX) d->stats->errors[code]++;
  return 0;
}

/* Counts gathered while a words reply is built, committed on success. */
typedef struct word_tally {
  uint64_t sources[STATS_N_SOURCES];
  uint64_t errors[PROTO_E_MAX + 1];
} word_tally;

static void word_result_of(const word_slot *s, int variants,
                           proto_word_result *r) {
  memset(r, 0, sizeof *r);
  r->source = s->source;
  r->error = s->code;
  if (s->code != PROTO_OK) {
    r->source = PROTO_SOURCE_NONE;
    return;
  }
  r->phones = s->phones;
  r->phones_len = s->phones_len;
  r->has_confidence = s->source == PROTO_SOURCE_MODEL;
  r->confidence = s->confidence;
  if (variants) {
    uint32_t n = s->n_variants;
    if (n > PROTO_VARIANTS_MAX) n = PROTO_VARIANTS_MAX;
    for (uint32_t v = 0; v < n; v++) {
      r->variant[v] = s->variant[v];
      r->variant_len[v] = s->variant_len[v];
    }
    if (n == 0) { /* the network gives one answer: it is the list */
      r->variant[0] = s->phones;
      r->variant_len[0] = s->phones_len;
      n = 1;
    }
    r->n_variants = n;
  }
}

/* An nbest request's alternatives (inline: the engine's, valid until the
 * next lookup; with workers: a pool's record); a written form read by the
 * text front end ("42") has none of its own: one reading, its answer. */
static void alternatives_of(const word_alts *a, int nbest, const word_slot *s,
                            proto_word_result *r) {
  if (!nbest || r->error != PROTO_OK) return;
  uint32_t n = a->n;
  if (n > PROTO_NBEST_MAX) n = PROTO_NBEST_MAX;
  for (uint32_t i = 0; i < n; i++) {
    r->alternative[i] = a->alt[i];
    r->alternative_len[i] = a->len[i];
    r->alternative_logprob[i] = a->logprob[i];
  }
  if (n == 0) {
    r->alternative[0] = s->phones;
    r->alternative_len[0] = s->phones_len;
    r->alternative_logprob[0] =
        s->source == PROTO_SOURCE_MODEL && s->confidence > 0 ? log(s->confidence) : NAN;
    n = 1;
  }
  r->n_alternatives = n;
}

static int request_form(const proto_request *req) {
  return (req->opt_no_stress ? DISPATCH_FORM_NO_STRESS : 0) |
         (req->opt_ipa ? DISPATCH_FORM_IPA : 0);
}

/* Respells one pronunciation into buf (G2P_FORM_MAX bytes); < 0 on failure. */
static int respell(const char *p, uint32_t len, int form, char *buf) {
  unsigned f = ((form & DISPATCH_FORM_IPA) ? G2P_FORM_IPA : 0) |
               ((form & DISPATCH_FORM_NO_STRESS) ? G2P_FORM_NO_STRESS : 0);
  return g2p_respell(p, len, f, buf, G2P_FORM_MAX);
}

/* Packs one result in the request's form: the answer and its variants are
 * respelled on the stack just before they are copied into the reply. */
static void encode_word_form(proto_words_writer *w, proto_word_result *r, int form) {
  char buf[1 + PROTO_VARIANTS_MAX + PROTO_NBEST_MAX][G2P_FORM_MAX];
  if (form && r->error == PROTO_OK && r->phones) {
    int n = respell(r->phones, r->phones_len, form, buf[0]);
    for (uint32_t v = 0; n >= 0 && v < r->n_variants; v++) {
      int k = respell(r->variant[v], r->variant_len[v], form, buf[1 + v]);
      if (k < 0) n = -1;
      r->variant[v] = buf[1 + v];
      r->variant_len[v] = (uint32_t)k;
    }
    for (uint32_t v = 0; n >= 0 && v < r->n_alternatives; v++) {
      char *o = buf[1 + PROTO_VARIANTS_MAX + v];
      int k = respell(r->alternative[v], r->alternative_len[v], form, o);
      if (k < 0) n = -1;
      r->alternative[v] = o;
      r->alternative_len[v] = (uint32_t)k;
    }
    if (n < 0) {
      memset(r, 0, sizeof *r);
      r->error = PROTO_E_INTERNAL;
      r->source = PROTO_SOURCE_NONE;
    } else {
      r->phones = buf[0];
      r->phones_len = (uint32_t)n;
    }
  }
  proto_encode_word(w, r);
}

static void tally_word(word_tally *t, const proto_word_result *r) {
  if (r->error) t->errors[r->error]++;
  t->sources[r->source]++;
}

static unsigned lookup_flags(const proto_request *req) {
  unsigned flags = 0;
  if (req->opt_variants) flags |= G2P_FLAG_VARIANTS;
  if (req->opt_model_only) flags |= G2P_FLAG_MODEL_ONLY;
  return flags;
}

enum { WORD_LOOKUP = 0, WORD_ANSWERED = 1, WORD_READ_ON_WORKER = 2 };

/* The longest word without vowels that is spelled: initialisms are short
 * (DVD, HDTV, KPMG); longer vowelless strings are typing noise, and
 * spelling them gains nothing over the network's guess. */
#define SPELL_MAX_LETTERS 5

/* The words op reads what the text op reads: a word of ASCII letters and
 * apostrophes is looked up as it is, except one of 2..SPELL_MAX_LETTERS
 * letters without a vowel letter that no lexicon holds (xkcd, hdtv), which
 * the text front end spells as it does in running text (not with
 * model_only: that asks the network); one that folds to them (naïve,
 * John’s) is looked up folded (key into keybuf); any other written form
 * (42, Dr., $3.50, x-ray) is read by the text front end, its spoken words'
 * phonemes joined into ws->text. Returns WORD_ANSWERED when ws was answered here,
 * WORD_LOOKUP when *key (of *klen bytes) is to be looked up as usual, and
 * with split (workers) WORD_READ_ON_WORKER for a written form whose spoken
 * words need the network: a worker reads it whole, and the loop runs no
 * network. */
static int prepare_word(dispatcher *d, const engine_ref *eng,
                        const proto_request *req, const char *w, size_t n,
                        char *keybuf, size_t keycap, const char **key,
                        size_t *klen, word_slot *ws, int split) {
  *key = w;
  *klen = n;
  int plain = 1, vowel = 0, apostrophe = 0;
  for (size_t i = 0; i < n && plain; i++) {
    char c = (char)(w[i] | 0x20);
    plain = (c >= 'a' && c <= 'z') || w[i] == '\'';
    vowel |= c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    apostrophe |= w[i] == '\'';
  }
  if (plain && (vowel || apostrophe || n < 2 || n > SPELL_MAX_LETTERS || req->opt_model_only))
    return WORD_LOOKUP;
  int k = 0;
  if (plain) { /* no vowel: spelled unless a lexicon has it (lower case) */
    char low[SPELL_MAX_LETTERS];
    for (size_t i = 0; i < n; i++) low[i] = (char)(w[i] | 0x20);
    if (g2p_engine_has_word(eng->engine, low, n)) return WORD_LOOKUP;
  } else {
    k = g2p_fold_word(w, n, keybuf, keycap);
  }
  if (k > 0) {
    *key = keybuf;
    *klen = (size_t)k;
    return WORD_LOOKUP;
  }
  enum g2p_source src = G2P_SOURCE_NONE;
  double conf = 0.0;
  unsigned flags = (req->opt_model_only ? G2P_FLAG_MODEL_ONLY : 0) |
                   (split ? G2P_FLAG_NO_NETWORK : 0);
  int rc = g2p_engine_text_reading(eng->engine, eng->scratch, d->text, w, n, flags,
                                   req->opt_beam, ws->text, sizeof ws->text, &src,
                                   &conf);
  if (split && rc == G2P_ENEEDNET) return WORD_READ_ON_WORKER;
  word_slot_set_reading(ws, rc, src, conf);
  return WORD_ANSWERED;
}

/* All words on the loop thread, each packed right after its lookup (the
 * answer may live in the scratch the next lookup reuses). */
static int answer_words_inline(dispatcher *d, const engine_ref *eng,
                               const proto_request *req, proto_buf *out,
                               word_tally *t) {
  const proto_limits *lim = &d->cfg->lim;
  unsigned flags = lookup_flags(req);
  proto_words_writer w;
  word_alts *alts = &d->inline_alts;
  proto_encode_words_begin(&w, out, req->id, req->n_words);
  for (uint32_t i = 0; i < req->n_words; i++) {
    const proto_slice *s = &req->words[i];
    word_slot slot;
    int code = proto_word_check(s->ptr, s->len, lim);
    const char *key;
    size_t klen;
    g2p_word_result g;
    g.n_alternatives = 0;
    if (code == PROTO_OK && prepare_word(d, eng, req, s->ptr, s->len, slot.key,
                                         sizeof slot.key, &key, &klen, &slot,
                                         0) == WORD_LOOKUP) {
      int rc = req->opt_nbest > 0
                   ? g2p_engine_lookup_nbest(eng->engine, eng->scratch, key, klen,
                                             flags, req->opt_beam, req->opt_nbest, &g)
                   : g2p_engine_lookup(eng->engine, eng->scratch, key, klen,
                                       flags, req->opt_beam, &g);
      word_slot_set(&slot, rc, &g, 0);
      if (rc != 0) g.n_alternatives = 0;
    } else if (code != PROTO_OK) {
      slot.code = code;
      slot.source = PROTO_SOURCE_NONE;
    }
    proto_word_result r;
    word_result_of(&slot, req->opt_variants, &r);
    if (req->opt_nbest > 0) {
      word_alts_set(alts, 0, &g, 0); /* pointers into the scratch or lexicon */
      alternatives_of(alts, req->opt_nbest, &slot, &r);
    }
    encode_word_form(&w, &r, request_form(req));
    tally_word(t, &r);
  }
  return proto_encode_words_end(&w);
}

/* Packs a words reply from ar's slots (and, for nbest, its pool's
 * alternatives). */
static int pack_slots(const async_req *ar, proto_buf *out, word_tally *t) {
  proto_words_writer w;
  proto_encode_words_begin(&w, out, ar->id, ar->n_words);
  for (uint32_t i = 0; i < ar->n_words; i++) {
    proto_word_result r;
    word_result_of(&ar->slots[i], ar->variants, &r);
    if (ar->nbest > 0) alternatives_of(&ar->pool->alts[i], ar->nbest, &ar->slots[i], &r);
    encode_word_form(&w, &r, ar->form);
    tally_word(t, &r);
  }
  return proto_encode_words_end(&w);
}

/* Queues one word's job; 1 when queued, else 0 with the word answered
 * busy (cannot happen: the rings hold every slot's words). */
static int submit_word(dispatcher *d, const word_job *job) {
  if (workers_submit(d->workers, job) == 0) return 1;
  word_slot *ws = job->out;
  ws->needs_model = 0;
  ws->code = PROTO_E_BUSY;
  ws->source = PROTO_SOURCE_NONE;
  return 0;
}

/* Dictionary on the loop, network words to the workers. pool: an nbest
 * request's (lent to ar; NULL without opts.nbest), whose records take the
 * words' alternatives. Returns DISPATCH_ASYNC when words were queued, else
 * DISPATCH_DONE with the answers in ar->slots (ar not active; the pool, if
 * any, is ar's until given back). */
static int answer_words_split(dispatcher *d, engine_ref *eng,
                              const proto_request *req, async_req *ar,
                              uint32_t slot, nbest_pool *pool) {
  const proto_limits *lim = &d->cfg->lim;
  unsigned flags = lookup_flags(req);
  int nbest = pool ? req->opt_nbest : 0;
  uint32_t queued = 0;
  ar->pool = pool;
  ar->nbest = nbest;
  ar->gen++;
  /* no job of an earlier request is left (a new one starts only when none
   * is pending), so nobody reads the flag meanwhile */
  __atomic_store_n(&ar->cancelled, 0, __ATOMIC_RELAXED);
  for (uint32_t i = 0; i < req->n_words; i++) {
    const proto_slice *s = &req->words[i];
    word_slot *ws = &ar->slots[i];
    word_alts *wa = pool ? &pool->alts[i] : NULL;
    if (wa) wa->n = 0;
    int code = proto_word_check(s->ptr, s->len, lim);
    if (code != PROTO_OK) {
      ws->code = code;
      ws->source = PROTO_SOURCE_NONE;
      ws->needs_model = 0;
      continue;
    }
    const char *key;
    size_t klen;
    int how = prepare_word(d, eng, req, s->ptr, s->len, ws->key, sizeof ws->key,
                           &key, &klen, ws, 1);
    if (how == WORD_ANSWERED) continue;
    if (how == WORD_READ_ON_WORKER) { /* the frame stays put: s->ptr lives */
      ws->needs_model = 1;
      word_job job = { eng, s->ptr, s->len,
                       req->opt_model_only ? G2P_FLAG_MODEL_ONLY : 0u, req->opt_beam,
                       ws, &ar->cancelled, slot, ar->gen, 0, NULL, 1 };
      queued += submit_word(d, &job);
      continue;
    }
    { /* the dictionary (unless model-only), then the result cache (which
       * nbest never asks: it holds one answer) */
      g2p_word_result g;
      int rc = nbest ? g2p_engine_lookup_nbest(eng->dict, eng->dict_scratch, key, klen,
                                               flags, req->opt_beam, nbest, &g)
                     : g2p_engine_lookup(eng->dict, eng->dict_scratch, key, klen,
                                         flags, req->opt_beam, &g);
      if (rc != G2P_ENOTFOUND) { /* answered, or an error the model shares */
        /* a cached network answer lives in the scratch: copy it */
        word_slot_set(ws, rc, &g, rc == 0 && g.source == G2P_SOURCE_MODEL);
        if (wa) word_alts_set(wa, rc, &g, 0); /* into the lexicon */
        continue;
      }
    }
    ws->needs_model = 1;
    word_job job = { eng, key, (uint32_t)klen, flags, req->opt_beam, ws,
                     &ar->cancelled, slot, ar->gen, nbest, wa, 0 };
    queued += submit_word(d, &job);
  }
  ar->n_words = req->n_words;
  ar->id = req->id;
  ar->variants = req->opt_variants;
  ar->form = request_form(req);
  if (queued == 0) return DISPATCH_DONE;
  ar->pending = queued;
  ar->active = 1;
  ar->eng = engine_ref_acquire(eng);
  workers_note_submitted(d->workers, queued);
  workers_kick(d->workers);
  return DISPATCH_ASYNC;
}

/* Does an nbest request have a word that only the network answers (or a
 * written form with such a word)? As answer_words_split decides, in a
 * scratch slot of the dispatcher's. */
static int nbest_needs_network(dispatcher *d, engine_ref *eng, const proto_request *req) {
  unsigned flags = lookup_flags(req);
  for (uint32_t i = 0; i < req->n_words; i++) {
    const proto_slice *s = &req->words[i];
    if (proto_word_check(s->ptr, s->len, &d->cfg->lim) != PROTO_OK) continue;
    const char *key;
    size_t klen;
    word_slot *ws = &d->probe;
    int how = prepare_word(d, eng, req, s->ptr, s->len, ws->key, sizeof ws->key, &key,
                           &klen, ws, 1);
    if (how == WORD_READ_ON_WORKER) return 1;
    if (how == WORD_ANSWERED) continue;
    g2p_word_result g;
    if (g2p_engine_lookup_nbest(eng->dict, eng->dict_scratch, key, klen, flags,
                                req->opt_beam, req->opt_nbest, &g) == G2P_ENOTFOUND)
      return 1;
  }
  return 0;
}

static nbest_pool *nbest_pool_take(dispatcher *d) {
  for (unsigned i = 0; i < d->n_nbest; i++)
    if (!d->nbest[i].busy) {
      d->nbest[i].busy = 1;
      return &d->nbest[i];
    }
  return NULL;
}

int dispatch_pool_free(const dispatcher *d, int kind) {
  if (kind == DISPATCH_POOL_TEXT) return d->text_pool && !d->text_pool_busy;
  for (unsigned i = 0; i < d->n_nbest; i++)
    if (!d->nbest[i].busy) return 1;
  return 0;
}

/* DISPATCH_WAIT for a pool of that kind: nothing done, nothing counted
 * but the wait; the request is asked again when one is given back. */
static int wait_for_pool(dispatcher *d, async_req *ar, int kind, uint64_t t0) {
  ar->wait_ticket = ++d->wait_serial;
  ar->wait_pool = kind;
  ar->waited_since = t0;
  d->n_waiting[kind]++;
  if (kind == DISPATCH_POOL_TEXT)
    d->stats->text_waits++;
  else
    d->stats->nbest_waits++;
  /* waiting behind older waiters while a pool is free: have them resumed
   * now rather than at the next give-back */
  if (dispatch_pool_free(d, kind) && d->on_pool_free) d->on_pool_free(d->pool_ctx);
  return DISPATCH_WAIT;
}

/* Takes ar off the waiting (its request is asked again, or its client has
 * gone); 1 when it was waiting. */
static int unwait(dispatcher *d, async_req *ar) {
  if (!ar || !ar->wait_pool) return 0;
  d->n_waiting[ar->wait_pool]--;
  ar->wait_pool = 0;
  return 1;
}

void dispatch_wait_cancel(dispatcher *d, async_req *ar) {
  int kind = ar->wait_pool;
  if (!unwait(d, ar)) return;
  ar->waited_since = 0;
  /* those behind it may go now */
  if (d->n_waiting[kind] && dispatch_pool_free(d, kind) && d->on_pool_free)
    d->on_pool_free(d->pool_ctx);
}

/* Gives ar's nbest pool back and tells the owner (who may resume a
 * request waiting for one; not from here: we may be inside a reply). */
static void nbest_pool_give_back(async_req *ar) {
  nbest_pool *p = ar->pool;
  if (!p) return;
  ar->pool = NULL;
  ar->nbest = 0;
  p->busy = 0;
  if (p->owner->on_pool_free) p->owner->on_pool_free(p->owner->pool_ctx);
}

static int token_error_code(int e) {
  switch (e) {
  case G2P_TOKEN_OK: return PROTO_OK;
  case G2P_TOKEN_TOOLONG: return PROTO_E_WORD_TOO_LONG;
  default: return PROTO_E_UNREADABLE;
  }
}

/* Reads a text into d->text: 0 with *n_tokens, or a request-level PROTO_E_*
 * with the reason in err. */
static int text_read(dispatcher *d, const engine_ref *eng, const char *text,
                     uint32_t len, uint32_t *n_tokens, char *err, size_t errlen) {
  char why[160];
  why[0] = '\0';
  int rc = g2p_engine_text_analyze(eng->engine, d->text, text, len, n_tokens, why,
                                   sizeof why);
  if (rc == G2P_OK) return PROTO_OK;
  snprintf(err, errlen, "%s", why[0] ? why : g2p_strerror(rc));
  switch (rc) {
  case G2P_EUTF8: return PROTO_E_BAD_UTF8;
  case G2P_ETOOLONG: return PROTO_E_TEXT_TOO_LONG;
  case G2P_ETOKENS: return PROTO_E_TOO_MANY_TOKENS;
  default: return PROTO_E_INTERNAL;
  }
}

/* Packs the reply to the text held in d->text (text: its bytes), each
 * spoken word right after its lookup (the answer may live in the scratch
 * the next lookup reuses). Without slots every word is looked up as usual,
 * the network inline with the loop's scratch. With slots (a text the
 * workers helped with) the words the first pass gave slots, in order, are
 * answered from them and the others, which that pass answered without the
 * network, are asked again without it. trying (without slots): the
 * network is not run, and the first word that needs it stops the packing
 * with TEXT_NEEDS_NET (out then holds a partial reply, for the caller to
 * drop). Returns 0 or -1 when the reply does not fit. */
enum { TEXT_NEEDS_NET = 3 };
static int pack_text(dispatcher *d, const engine_ref *eng, uint64_t id,
                     const char *text, uint32_t n_tokens, unsigned flags,
                     int beam, const word_slot *slots, uint32_t n_slots,
                     int trying, proto_buf *out) {
  proto_text_writer w;
  uint32_t j = 0, at = 0; /* spoken word of the text, next slot */
  if (slots || trying) flags |= G2P_FLAG_NO_NETWORK;
  proto_encode_text_begin(&w, out, id, n_tokens);
  for (uint32_t t = 0; t < n_tokens; t++) {
    g2p_text_token tk;
    g2p_text_token_get(d->text, t, &tk);
    proto_encode_token(&w, text + tk.byte_start, tk.byte_end - tk.byte_start,
                       tk.start, tk.end, tk.kind, token_error_code(tk.error), tk.n_words);
    for (uint32_t k = 0; k < tk.n_words; k++, j++) {
      if (slots && at < n_slots && slots[at].text_word == j) {
        const word_slot *ws = &slots[at++];
        if (ws->code == PROTO_OK)
          proto_encode_token_word(&w, ws->key, ws->key_len, ws->phones, ws->phones_len,
                                  ws->source, 0);
        else
          proto_encode_token_word(&w, ws->key, ws->key_len, NULL, 0, PROTO_SOURCE_NONE,
                                  ws->code);
        continue;
      }
      const char *word = "";
      uint16_t wlen = 0;
      g2p_word_result g;
      int lrc = g2p_engine_text_word(eng->engine, eng->scratch, d->text, t, k, flags,
                                     beam, &word, &wlen, &g);
      if (trying && lrc == G2P_ENEEDNET) return TEXT_NEEDS_NET;
      if (lrc == 0 && g.source != G2P_SOURCE_NONE)
        proto_encode_token_word(&w, word, wlen, g.phones, g.phones_len,
                                (enum proto_source)g.source, 0);
      else
        proto_encode_token_word(&w, word, wlen, NULL, 0, PROTO_SOURCE_NONE,
                                word_slot_error_code(lrc ? lrc : G2P_ENOTFOUND));
    }
  }
  return proto_encode_text_end(&w);
}

enum { TEXT_INLINE = 2 }; /* answer_text_split: more than the slots hold */

/* The first pass of a text the workers help with, over the analysis in
 * d->text: every spoken word is answered without the network where it can
 * be (letters, homograph, user lexicon, dictionary, result cache); those
 * that need the network, and those the cache answered (the cache may drop
 * them before the reply is packed), get the request's slots in order, and
 * the network words go to the workers. slots (cap of them) are the
 * connection's or the dispatcher's text pool (then lent to ar). Returns
 * DISPATCH_ASYNC (ar active), DISPATCH_DONE (nothing for the network:
 * slots[0..ar->n_words) ready for pack_text, ar not active) or TEXT_INLINE
 * when the slots are too few (nothing queued). */
static int answer_text_split(dispatcher *d, engine_ref *eng, const proto_request *req,
                             uint32_t n_tokens, async_req *ar, uint32_t slot,
                             word_slot *slots, uint32_t cap) {
  unsigned flags = req->opt_model_only ? G2P_FLAG_MODEL_ONLY : 0;
  uint32_t used = 0, need = 0, j = 0;
  for (uint32_t t = 0; t < n_tokens; t++) {
    g2p_text_token tk;
    g2p_text_token_get(d->text, t, &tk);
    for (uint32_t k = 0; k < tk.n_words; k++, j++) {
      const char *word = "";
      uint16_t wlen = 0;
      g2p_word_result g;
      int lrc = g2p_engine_text_word(eng->engine, eng->scratch, d->text, t, k,
                                     flags | G2P_FLAG_NO_NETWORK, req->opt_beam,
                                     &word, &wlen, &g);
      int net = lrc == G2P_ENEEDNET;
      int cached = lrc == 0 && g.source == G2P_SOURCE_MODEL;
      if (!net && !cached) continue; /* pack_text asks again, as here */
      if (used == cap || wlen > sizeof slots[0].key) return TEXT_INLINE;
      word_slot *ws = &slots[used++];
      memcpy(ws->key, word, wlen);
      ws->key_len = wlen;
      ws->text_word = j;
      if (cached) {
        word_slot_set(ws, 0, &g, 1); /* the cache's answer is in the scratch */
      } else {
        ws->needs_model = 1;
        need++;
      }
    }
  }
  ar->op = PROTO_OP_TEXT;
  ar->n_words = used;
  ar->id = req->id;
  if (need == 0) return DISPATCH_DONE;
  ar->gen++;
  /* no job of an earlier request is left (see answer_words_split) */
  __atomic_store_n(&ar->cancelled, 0, __ATOMIC_RELAXED);
  uint32_t queued = 0;
  for (uint32_t i = 0; i < used; i++) {
    word_slot *ws = &slots[i];
    if (!ws->needs_model) continue;
    word_job job = { eng, ws->key, ws->key_len, flags, req->opt_beam, ws,
                     &ar->cancelled, slot, ar->gen, 0, NULL, 0 };
    queued += submit_word(d, &job);
  }
  if (queued == 0) return DISPATCH_DONE;
  if (slots == d->text_pool) {
    ar->lent = slots;
    ar->lent_busy = &d->text_pool_busy;
    ar->lent_owner = d;
    d->text_pool_busy = 1;
  }
  ar->text = req->text.ptr;
  ar->text_len = req->text.len;
  ar->text_flags = flags;
  ar->beam = req->opt_beam;
  ar->pending = queued;
  ar->active = 1;
  ar->eng = engine_ref_acquire(eng);
  workers_note_submitted(d->workers, queued);
  workers_kick(d->workers);
  return DISPATCH_ASYNC;
}

static int answer_info(dispatcher *d, const engine_ref *eng, uint64_t id,
                       proto_buf *out) {
  g2p_engine_info gi;
  memset(&gi, 0, sizeof gi);
  g2p_engine_get_info(eng->engine, &gi);
  proto_info pi;
  memset(&pi, 0, sizeof pi);
  pi.version = PACKAGE_VERSION;
  pi.lexicon_words = gi.lexicon_words;
  pi.lexicon_prons = gi.lexicon_prons;
  pi.user_words = gi.user_words;
  pi.user_prons = gi.user_prons;
  pi.has_model = gi.has_model;
  pi.model_name = gi.model_name;
  pi.model_arch = gi.model_arch;
  pi.model_kernel = gi.kernel;
  pi.model_checksum = gi.model_checksum;
  pi.has_rescorer = gi.rescore_name != NULL;
  pi.rescorer_name = gi.rescore_name;
  pi.rescorer_checksum = gi.rescore_checksum;
  pi.rescorer_weight = gi.rescore_weight;
  pi.rescorer_hypotheses = (uint32_t)gi.rescore_beam;
  pi.rescorer_gate = gi.rescore_gate;
  pi.limits = d->cfg->lim;
  return proto_encode_info(out, id, &pi);
}

static void commit_words(daemon_stats *st, const word_tally *t) {
  for (int s = 0; s < STATS_N_SOURCES; s++) st->words[s] += t->sources[s];
  for (int c = 1; c <= PROTO_E_MAX; c++) st->errors[c] += t->errors[c];
}

int dispatch_request(dispatcher *d, const char *payload, uint32_t len,
                     proto_buf *out, int out_is_empty, async_req *ar,
                     uint32_t slot) {
  /* a request asked again after waiting for a pool began then */
  uint64_t t0 = ar && ar->waited_since ? ar->waited_since : uv_hrtime();
  if (ar) ar->waited_since = 0;
  /* first come, first served: a pool goes to a new request only when no
   * older one waits for that kind; one asked again goes before them */
  int resumed = unwait(d, ar);
  daemon_stats *st = d->stats;
  char err[160];
  proto_request req;
  memset(&req, 0, sizeof req);
  req.words = d->words;
  req.words_cap = d->cfg->lim.max_words;
  err[0] = '\0';
  int rc = proto_request_decode(payload, len, &d->cfg->lim, &req, err,
                                sizeof err);
  uint64_t id = req.has_id ? req.id : 0;
  enum proto_op op = rc == PROTO_OK ? req.op : PROTO_OP_NONE;
  if ((unsigned)op >= STATS_N_OPS) op = PROTO_OP_NONE;
  size_t mark = out->len;
  word_tally tally;
  memset(&tally, 0, sizeof tally);
  int code = rc; /* request-level error code, PROTO_OK when answered */
  int w = 0;

  if (rc == PROTO_OK) {
    engine_ref *eng = engine_ref_acquire(*d->current);
    switch (req.op) {
    case PROTO_OP_WORDS:
      if (req.opt_nbest > (req.opt_beam > 0 ? req.opt_beam : d->cfg->beam)) {
        code = PROTO_E_BAD_REQUEST;
        snprintf(err, sizeof err, "opts.nbest %d exceeds the beam width %d "
                 "(ask for \"beam\": %d or more)", req.opt_nbest,
                 req.opt_beam > 0 ? req.opt_beam : d->cfg->beam, req.opt_nbest);
      } else if (req.opt_nbest > 0 && d->workers && engine_ref_split(eng) && ar &&
                 ar->slots && d->n_nbest) {
        /* n-best answers are several texts a word: beside the word slots
         * they need a pool's records, lent to one request at a time. Only
         * with the output empty: then the reply packs the moment its words
         * are back, and a client that stops reading waits for room
         * (DISPATCH_NO_ROOM) holding no pool, instead of keeping one from
         * everyone until --output-timeout. */
        if (!out_is_empty && nbest_needs_network(d, eng, &req)) {
          engine_ref_release(eng);
          return DISPATCH_NO_ROOM;
        }
        nbest_pool *pool =
            resumed || !d->n_waiting[DISPATCH_POOL_NBEST] ? nbest_pool_take(d) : NULL;
        if (!pool) {
          if (nbest_needs_network(d, eng, &req)) { /* wait for a pool */
            engine_ref_release(eng);
            return wait_for_pool(d, ar, DISPATCH_POOL_NBEST, t0);
          }
          /* dictionary words only: no network, answered right away */
          w = answer_words_inline(d, eng, &req, out, &tally);
          break;
        }
        ar->op = PROTO_OP_WORDS;
        if (answer_words_split(d, eng, &req, ar, slot, pool) == DISPATCH_ASYNC) {
          ar->t0 = t0;
          engine_ref_release(eng);
          return DISPATCH_ASYNC;
        }
        w = pack_slots(ar, out, &tally);
        nbest_pool_give_back(ar);
      } else if (req.opt_nbest > 0) {
        /* no workers: the network inline, each word packed right away */
        w = answer_words_inline(d, eng, &req, out, &tally);
      } else if (d->workers && engine_ref_split(eng) && ar && ar->slots) {
        ar->op = PROTO_OP_WORDS;
        if (answer_words_split(d, eng, &req, ar, slot, NULL) == DISPATCH_ASYNC) {
          ar->t0 = t0;
          engine_ref_release(eng);
          return DISPATCH_ASYNC;
        }
        w = pack_slots(ar, out, &tally);
      } else {
        w = answer_words_inline(d, eng, &req, out, &tally);
      }
      break;
    case PROTO_OP_PING:
      w = proto_encode_pong(out, id);
      break;
    case PROTO_OP_STATS: {
      stats_workers wt;
      workers_totals(d->workers, &wt);
      g2p_cache_stats cs;
      g2p_engine_cache_stats(eng->engine, &cs);
      size_t n = stats_collect(st, t0, &wt, &cs, d->stat_table,
                               STATS_MAX_ENTRIES);
      w = proto_encode_stats(out, id, d->stat_table, n);
      break;
    }
    case PROTO_OP_INFO:
      w = answer_info(d, eng, id, out);
      break;
    case PROTO_OP_TEXT: {
      uint32_t n_tokens = 0;
      unsigned tflags = req.opt_model_only ? G2P_FLAG_MODEL_ONLY : 0;
      code = text_read(d, eng, req.text.ptr, req.text.len, &n_tokens, err, sizeof err);
      if (code != PROTO_OK) break;
      int sr = TEXT_INLINE;
      word_slot *slots = NULL;
      if (d->workers && engine_ref_split(eng) && ar && ar->slots) {
        /* most texts need no network word: packed at once, in one pass */
        w = pack_text(d, eng, id, req.text.ptr, n_tokens, tflags, req.opt_beam,
                      NULL, 0, 1, out);
        if (w != TEXT_NEEDS_NET) break;
        out->len = mark;
        out->overflow = 0;
        w = 0;
        slots = ar->slots;
        sr = answer_text_split(d, eng, &req, n_tokens, ar, slot, slots,
                               d->cfg->lim.max_words);
        if (sr == TEXT_INLINE && d->text_pool) {
          if (!out_is_empty) { /* as for an nbest pool, above */
            engine_ref_release(eng);
            return DISPATCH_NO_ROOM;
          }
          if (d->text_pool_busy || (!resumed && d->n_waiting[DISPATCH_POOL_TEXT])) {
            /* a long text: wait for the pool, in turn */
            engine_ref_release(eng);
            return wait_for_pool(d, ar, DISPATCH_POOL_TEXT, t0);
          }
          slots = d->text_pool;
          sr = answer_text_split(d, eng, &req, n_tokens, ar, slot, slots,
                                 d->text_pool_cap);
        }
      }
      if (sr == DISPATCH_ASYNC) {
        ar->t0 = t0;
        engine_ref_release(eng);
        return DISPATCH_ASYNC;
      }
      w = pack_text(d, eng, id, req.text.ptr, n_tokens, tflags, req.opt_beam,
                    sr == DISPATCH_DONE ? slots : NULL,
                    sr == DISPATCH_DONE ? ar->n_words : 0, 0, out);
      break;
    }
    default:
      code = PROTO_E_UNKNOWN_OP;
      snprintf(err, sizeof err, "unknown op");
      break;
    }
    engine_ref_release(eng);
    if (code == PROTO_OK && w != 0) {
      out->len = mark;
      out->overflow = 0;
      if (!out_is_empty) return DISPATCH_NO_ROOM;
      code = PROTO_E_INTERNAL;
      snprintf(err, sizeof err,
               "reply larger than the output buffer (%u bytes): ask for fewer "
               "words or raise --max-output", (unsigned)out->cap);
    }
  }
  if (code != PROTO_OK) {
    if (proto_encode_error(out, id, code,
                           err[0] ? err : proto_error_message(code)) != 0) {
      out->len = mark;
      out->overflow = 0;
      return DISPATCH_NO_ROOM; /* even an error reply needs more room */
    }
    st->errors[code]++;
  } else if (op == PROTO_OP_WORDS) {
    commit_words(st, &tally);
  }
  st->requests[op]++;
  lat_record(&st->lat[op], uv_hrtime() - t0);
  return DISPATCH_DONE;
}

int dispatch_async_finish(dispatcher *d, async_req *ar, proto_buf *out,
                          int out_is_empty) {
  daemon_stats *st = d->stats;
  size_t mark = out->len;
  word_tally tally;
  memset(&tally, 0, sizeof tally);
  enum proto_op op = ar->op == PROTO_OP_TEXT ? PROTO_OP_TEXT : PROTO_OP_WORDS;
  char err[160];
  err[0] = '\0';
  int code = PROTO_OK, w;
  if (op == PROTO_OP_TEXT) {
    /* read again: d->text has served other requests since the first pass
     * (the same text, engine and limits give the same tokens and words) */
    uint32_t n_tokens = 0;
    code = text_read(d, ar->eng, ar->text, ar->text_len, &n_tokens, err, sizeof err);
    w = code != PROTO_OK ? 0
                         : pack_text(d, ar->eng, ar->id, ar->text, n_tokens, ar->text_flags,
                                     ar->beam, ar->lent ? ar->lent : ar->slots,
                                     ar->n_words, 0, out);
  } else {
    w = pack_slots(ar, out, &tally);
  }
  if (code == PROTO_OK && w != 0) {
    out->len = mark;
    out->overflow = 0;
    if (!out_is_empty) return DISPATCH_NO_ROOM;
    code = PROTO_E_INTERNAL;
    snprintf(err, sizeof err,
             "reply larger than the output buffer (%u bytes): ask for fewer "
             "words or raise --max-output", (unsigned)out->cap);
  }
  if (code != PROTO_OK) {
    if (proto_encode_error(out, ar->id, code, err) != 0) {
      out->len = mark;
      out->overflow = 0;
      return DISPATCH_NO_ROOM;
    }
    st->errors[code]++;
  } else if (op == PROTO_OP_WORDS) {
    commit_words(st, &tally);
  }
  st->requests[op]++;
  lat_record(&st->lat[op], uv_hrtime() - ar->t0);
  dispatch_async_abandon(ar);
  return DISPATCH_DONE;
}

void dispatch_async_abandon(async_req *ar) {
  dispatcher *text_owner = NULL;
  if (ar->lent) { /* the workers are done with the text pool */
    *ar->lent_busy = 0;
    text_owner = ar->lent_owner;
    ar->lent = NULL;
    ar->lent_busy = NULL;
    ar->lent_owner = NULL;
  }
  engine_ref_release(ar->eng);
  ar->eng = NULL;
  ar->active = 0;
  ar->pending = 0;
  /* last: the owner may start another request */
  if (text_owner && text_owner->on_pool_free) text_owner->on_pool_free(text_owner->pool_ctx);
  nbest_pool_give_back(ar);
}
