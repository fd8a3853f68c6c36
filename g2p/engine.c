/* engine.c -- one word in, phonemes out: normalise, dictionary, network.
 *
 * This is the seam the daemon calls (engine.h). The word is checked (empty,
 * too long, invalid UTF-8) and lower-cased (ASCII A-Z only; other bytes are
 * kept as they are, so "ÉCLAIR" becomes "Éclair") into the caller's
 * scratch, then answered from the user lexicons, then the
 * dictionary's lexicon unless the caller asked for the network only, then from the
 * model if one is loaded, else reported as not found. All memory a lookup
 * touches is either the read-only engine or the per-thread scratch made by
 * g2p_scratch_create(), so lookups never allocate and threads never share
 * mutable state. */
#include "g2p/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errbuf.h"
#include "common/utf8.h"
#include "g2p/lexicon.h"
#include "text/text.h"
#include "text/tagger.h"
#include "text/homograph.h"
#include "text/tagger_format.h"
#include "g2p/lexicon_format.h"
#include "g2p/lexicon_user.h"
#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/model.h"
#include "g2p/phones_form.h"
#include "g2p/result_cache.h"

_Static_assert(LEXF_KEY_MAX == G2P_WORD_MAX, "lexicon keys and engine words share a limit");
_Static_assert(LEXF_PHONES_MAX == G2P_PHONES_MAX, "pronunciation limits agree");


struct g2p_engine {
  lexicon *user;   /* user lexicons, looked up first; NULL without */
  lexicon *lex;
  g2p_model *model;
  g2p_model *rescorer;     /* NULL: none (engine.h, rescoring) */
  double rescore_weight;
  int rescore_beam;
  double rescore_gate;     /* < 0: greedy answers at least this sure are kept */
  result_cache *cache;     /* NULL: none */
  tagger *tagger;          /* NULL: none */
  homograph *homographs;   /* NULL: no choice in the text op */
  int owns_cache;
  int beam_width;
  size_t model_scratch;
  char *lexicon_path;
  char *model_path;
};

struct g2p_scratch {
  const g2p_engine *engine;
  void *model_mem;              /* g2p_model_scratch_bytes(), 64-aligned */
  char word[G2P_WORD_MAX];      /* the normalised word */
  char out[G2P_TEXT_MAX];       /* the model's answer */
  char alt[G2P_NBEST_MAX * G2P_TEXT_MAX]; /* n-best texts, packed */
  struct engine_batch *batch;   /* g2p_engine_lookup_batch's memory */
};

/* Batched lookups: the daemon's workers hand over every word already
 * queued at once, and the words that need the network run through
 * g2p_model_predict_batch together. Each word gets the answer
 * g2p_engine_lookup would give it; answers live in per-word buffers of the
 * scratch so that all n stay valid together. Widths above 1 and words too
 * long for the batch decoder take the per-word predictor. */
struct engine_batch {
  void *mem;                                   /* model batch scratch */
  char word[G2P_BATCH_MAX][G2P_WORD_MAX];      /* normalised words */
  char out[G2P_BATCH_MAX][G2P_TEXT_MAX];       /* answers */
};


static char *dup_str(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

const char *g2p_strerror(int err) {
  switch (err) {
  case G2P_OK: return "success";
  case G2P_ENOTFOUND: return "word not in the dictionary and no model to predict it, or nothing in it to say";
  case G2P_EEMPTY: return "empty word";
  case G2P_ETOOLONG: return "word too long";
  case G2P_EUTF8: return "word is not valid UTF-8";
  case G2P_EINVAL: return "invalid argument";
  case G2P_ENOMEM: return "out of memory";
  case G2P_EIO: return "file could not be read";
  case G2P_EFORMAT: return "file is damaged or not of the expected format";
  case G2P_ENOPRON: return "the network gave no pronunciation for this word";
  case G2P_ENEEDNET: return "only the network can answer this word";
  default: return "unknown error";
  }
}

int g2p_respell(const char *phones, size_t len, unsigned form, char *out, size_t cap) {
  int n = (form & G2P_FORM_IPA)
              ? g2p_phones_to_ipa(phones, len, !(form & G2P_FORM_NO_STRESS), out, cap)
              : g2p_phones_strip_stress(phones, len, out, cap);
  return n < 0 ? G2P_EINVAL : n;
}

const char *g2p_source_name(enum g2p_source source) {
  switch (source) {
  case G2P_SOURCE_DICT: return "dict";
  case G2P_SOURCE_MODEL: return "model";
  case G2P_SOURCE_LETTERS: return "letters";
  case G2P_SOURCE_USER: return "user";
  case G2P_SOURCE_HOMOGRAPH: return "homograph";
  case G2P_SOURCE_NONE: break;
  }
  return "none";
}

/* A linear-model file's error as the engine's. */
static int linm_error(int rc) {
  return rc == LINM_EIO ? G2P_EIO : rc == LINM_ENOMEM ? G2P_ENOMEM : G2P_EFORMAT;
}

int g2p_engine_has_word(const g2p_engine *engine, const char *key, size_t len) {
  uint32_t first;
  if (!engine || !key || len == 0 || len > G2P_WORD_MAX) return 0;
  return (engine->user && lexicon_lookup(engine->user, key, len, &first) > 0) ||
         (engine->lex && lexicon_lookup(engine->lex, key, len, &first) > 0);
}

int g2p_engine_open(g2p_engine **out, const g2p_engine_config *cfg, char *err,
                    size_t errlen) {
  if (!out || !cfg)
    return err_set(err, errlen, G2P_EINVAL, "no engine configuration");
  *out = NULL;
  if (cfg->beam_width > G2P_BEAM_MAX)
    return err_set(err, errlen, G2P_EINVAL, "beam width %d out of range 1..%d",
                   cfg->beam_width, G2P_BEAM_MAX);
  g2p_engine *e = calloc(1, sizeof *e);
  if (!e)
    return err_set(err, errlen, G2P_ENOMEM, "out of memory");
  e->beam_width = cfg->beam_width > 0 ? cfg->beam_width : 1;
  if (cfg->cache_of) {
    e->cache = cfg->cache_of->cache;
  } else if (cfg->cache_entries) {
    int big = cfg->cache_entries > RESULT_CACHE_MAX_ENTRIES;
    if (result_cache_create(&e->cache, cfg->cache_entries) != 0) {
      g2p_engine_close(e);
      return err_set(err, errlen, big ? G2P_EINVAL : G2P_ENOMEM,
                     "result cache of %zu entries: %s", cfg->cache_entries,
                     big ? "too large" : "out of memory");
    }
    e->owns_cache = 1;
  }
  if ((cfg->lexicon_path && !(e->lexicon_path = dup_str(cfg->lexicon_path))) ||
      (cfg->model_path && !(e->model_path = dup_str(cfg->model_path)))) {
    g2p_engine_close(e);
    return err_set(err, errlen, G2P_ENOMEM, "out of memory");
  }
  if (cfg->lexicon_path) {
    char why[512];
    int rc = lexicon_open(&e->lex, cfg->lexicon_path, why, sizeof why);
    if (rc != LEX_OK) {
      g2p_engine_close(e);
      return err_set(err, errlen,
                     rc == LEX_EIO      ? G2P_EIO
                     : rc == LEX_ENOMEM ? G2P_ENOMEM
                                        : G2P_EFORMAT,
                     "lexicon: %s", why);
    }
  }
  if (cfg->n_user_lexicons > 0) {
    char why[512];
    int rc = lexicon_open_user(&e->user, cfg->user_lexicon_paths, cfg->n_user_lexicons,
                               cfg->diag, cfg->diag_ctx, why, sizeof why);
    if (rc != LEX_OK) {
      g2p_engine_close(e);
      return err_set(err, errlen,
                     rc == LEX_EIO      ? G2P_EIO
                     : rc == LEX_ENOMEM ? G2P_ENOMEM
                                        : G2P_EFORMAT,
                     "%s", why);
    }
  }
  if (cfg->model_path) {
    char why[512];
    why[0] = '\0';
    int rc = g2p_model_open(&e->model, cfg->model_path, why, sizeof why);
    if (rc < 0 || !e->model) {
      g2p_engine_close(e);
      return err_set(err, errlen, rc < 0 ? rc : G2P_EFORMAT, "model: %s",
                     why[0] ? why : g2p_strerror(rc));
    }
    e->model_scratch = g2p_model_scratch_bytes(e->model);
  }
  if (cfg->rescore_model_path) {
    char why[512];
    why[0] = '\0';
    int rc = G2P_EINVAL;
    if (!e->model)
      snprintf(why, sizeof why, "%s: a rescorer needs a model", cfg->rescore_model_path);
    else if (cfg->rescore_weight < 0.0 || !(cfg->rescore_weight < 1e6))
      snprintf(why, sizeof why, "weight %g: must be > 0", cfg->rescore_weight);
    else if (cfg->rescore_beam != 0 &&
             (cfg->rescore_beam < 2 || cfg->rescore_beam > G2P_NBEST_MAX))
      snprintf(why, sizeof why, "beam %d: must be 2..%d", cfg->rescore_beam, G2P_NBEST_MAX);
    else if (!(cfg->rescore_gate <= 0.0 && cfg->rescore_gate > -1e6))
      snprintf(why, sizeof why, "gate %g: must be a log-probability in (-1e6, 0]",
               cfg->rescore_gate);
    else
      rc = g2p_model_open(&e->rescorer, cfg->rescore_model_path, why, sizeof why);
    if (rc < 0 || !e->rescorer) {
      e->rescorer = NULL;
      g2p_engine_close(e);
      return err_set(err, errlen, rc < 0 ? rc : G2P_EFORMAT, "rescore model: %s",
                     why[0] ? why : g2p_strerror(rc));
    }
    e->rescore_weight = cfg->rescore_weight > 0.0 ? cfg->rescore_weight : 1.0;
    e->rescore_beam = cfg->rescore_beam ? cfg->rescore_beam : 4;
    e->rescore_gate = cfg->rescore_gate;
    size_t rs = g2p_model_scratch_bytes(e->rescorer);
    if (rs > e->model_scratch) e->model_scratch = rs; /* one arena serves both */
  }
  if (cfg->homograph_path && !cfg->tagger_path) {
    g2p_engine_close(e);
    return err_set(err, errlen, G2P_EINVAL, "homographs: %s needs a tagger model",
                   cfg->homograph_path);
  }
  if (cfg->tagger_path) {
    char why[512];
    why[0] = '\0';
    int rc = tagger_open(&e->tagger, cfg->tagger_path, why, sizeof why);
    if (rc != 0 || !e->tagger) {
      g2p_engine_close(e);
      return err_set(err, errlen, linm_error(rc), "tagger: %s",
                     why[0] ? why : cfg->tagger_path);
    }
  }
  if (cfg->homograph_path) {
    char why[512];
    why[0] = '\0';
    int rc = homograph_open(&e->homographs, cfg->homograph_path, e->tagger, why, sizeof why);
    if (rc != 0 || !e->homographs) {
      g2p_engine_close(e);
      return err_set(err, errlen, linm_error(rc), "homographs: %s",
                     why[0] ? why : cfg->homograph_path);
    }
  }
  *out = e;
  return G2P_OK;
}

void g2p_engine_close(g2p_engine *engine) {
  if (!engine) return;
  lexicon_close(engine->user);
  lexicon_close(engine->lex);
  if (engine->model) g2p_model_close(engine->model);
  if (engine->rescorer) g2p_model_close(engine->rescorer);
  if (engine->owns_cache) result_cache_destroy(engine->cache);
  homograph_close(engine->homographs);
  tagger_close(engine->tagger);
  free(engine->lexicon_path);
  free(engine->model_path);
  free(engine);
}

void g2p_engine_get_info(const g2p_engine *engine, g2p_engine_info *info) {
  if (!info) return;
  memset(info, 0, sizeof *info);
  if (!engine) return;
  info->lexicon_words = lexicon_words(engine->lex);
  info->lexicon_prons = lexicon_prons(engine->lex);
  info->user_words = lexicon_words(engine->user);
  info->user_prons = lexicon_prons(engine->user);
  info->lexicon_path = engine->lexicon_path;
  info->homograph_words =
      engine->homographs ? (uint32_t)homograph_n_words(engine->homographs) : 0;
  if (engine->model) {
    info->has_model = 1;
    info->model_name = g2p_model_name(engine->model);
    info->model_arch = g2p_model_arch(engine->model);
    info->model_path = engine->model_path;
    info->kernel = g2p_model_kernel(engine->model);
    info->model_checksum = g2p_model_checksum(engine->model);
  }
  if (engine->rescorer) {
    info->rescore_name = g2p_model_name(engine->rescorer);
    info->rescore_checksum = g2p_model_checksum(engine->rescorer);
    info->rescore_weight = engine->rescore_weight;
    info->rescore_beam = engine->rescore_beam;
    info->rescore_gate = engine->rescore_gate;
  }
}

/* Zeroed memory of at least bytes, G2P_ALIGN64-aligned (the decoders'
 * aligned loads need it); NULL when out of memory. */
void g2p_engine_cache_stats(const g2p_engine *engine, g2p_cache_stats *st) {
  if (!st) return;
  result_cache_stats rs;
  result_cache_stats_get(engine ? engine->cache : NULL, &rs);
  st->entries = rs.entries;
  st->hits = rs.hits;
  st->misses = rs.misses;
  st->inserts = rs.inserts;
}

static void *arena_alloc(size_t bytes) {
  size_t n = G2P_ALIGN64(bytes);
  void *p = NULL;
  if (posix_memalign(&p, G2P_ALIGN, n) != 0) return NULL;
  memset(p, 0, n);
  return p;
}

int g2p_scratch_create(g2p_scratch **out, const g2p_engine *engine) {
  if (!out || !engine) return G2P_EINVAL;
  *out = NULL;
  g2p_scratch *s = calloc(1, sizeof *s);
  if (!s) return G2P_ENOMEM;
  s->engine = engine;
  if (engine->model_scratch) {
    s->model_mem = arena_alloc(engine->model_scratch);
    s->batch = calloc(1, sizeof *s->batch);
    if (!s->model_mem || !s->batch ||
        !(s->batch->mem =
              arena_alloc(g2p_model_batch_scratch_bytes(engine->model)))) {
      g2p_scratch_destroy(s);
      return G2P_ENOMEM;
    }
  }
  *out = s;
  return G2P_OK;
}

void g2p_scratch_destroy(g2p_scratch *scratch) {
  if (!scratch) return;
  if (scratch->batch) free(scratch->batch->mem);
  free(scratch->batch);
  free(scratch->model_mem);
  free(scratch);
}

static int finish(g2p_word_result *res, int err) {
  res->source = G2P_SOURCE_NONE;
  res->error = err;
  return err;
}

/* Checks one word (and the beam width it runs at) and writes it, ASCII
 * A-Z lower-cased, to w. 0 or the word's g2p_error. */
static int word_prepare(const char *word, size_t len, int beam_width,
                        char *w) {
  if (!word && len) return G2P_EINVAL;
  if (len == 0) return G2P_EEMPTY;
  if (len > G2P_WORD_MAX) return G2P_ETOOLONG;
  if (!utf8_valid(word, len)) return G2P_EUTF8;
  if (beam_width > G2P_BEAM_MAX) return G2P_EINVAL;
  for (size_t i = 0; i < len; i++) {
    char c = word[i];
    w[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  return G2P_OK;
}

/* Answers the normalised word w from the dictionary, when the caller did
 * not ask for the network only and the word is there: 1, else 0. */
static int dict_answer(const g2p_engine *engine, const char *w, size_t len,
                       unsigned flags, g2p_word_result *res) {
  if (flags & G2P_FLAG_MODEL_ONLY) return 0;
  const lexicon *lx[2] = {engine->user, engine->lex}; /* user lexicons first */
  for (int i = 0; i < 2; i++) {
    uint32_t first = 0;
    unsigned n = lx[i] ? lexicon_lookup(lx[i], w, len, &first) : 0;
    if (n == 0) continue;
    unsigned want = (flags & G2P_FLAG_VARIANTS) ? n : 1;
    if (want > G2P_VARIANTS_MAX) want = G2P_VARIANTS_MAX;
    for (unsigned k = 0; k < want; k++)
      res->variant[k] = lexicon_pron(lx[i], first + k, &res->variant_len[k]);
    res->n_variants = (uint8_t)want;
    res->phones = res->variant[0];
    res->phones_len = res->variant_len[0];
    res->source = i == 0 ? G2P_SOURCE_USER : G2P_SOURCE_DICT;
    res->error = G2P_OK;
    return 1;
  }
  return 0;
}

/* Fills res from a predictor's result: n bytes of text, or n < 0 an error
 * (0 or more than G2P_TEXT_MAX: no pronunciation; "not found" is only for
 * a word no model could be asked about), and lp its log-probability.
 * Returns res->error. */
static int model_answer(g2p_word_result *res, const char *text, int n, double lp) {
  if (n < 0) return finish(res, n);
  if (n == 0 || n > G2P_TEXT_MAX) return finish(res, G2P_ENOPRON);
  res->phones = text;
  res->phones_len = (uint16_t)n;
  res->variant[0] = text;
  res->variant_len[0] = res->phones_len;
  res->n_variants = 1;
  res->source = G2P_SOURCE_MODEL;
  res->error = G2P_OK;
  res->confidence = exp(lp);
  return G2P_OK;
}

/* The rescorer's log-probabilities of n candidates (texts one after
 * another in cands, lens[i] bytes each) weighted and added to lps in
 * place; left as they are when the rescorer cannot read them (a symbol it
 * lacks, an answer longer than its max_len). */
static void rescore_add(const g2p_engine *e, void *mem, const char *w, size_t len,
                        const char *cands, const int *lens, int n, double *lps) {
  double r[G2P_NBEST_MAX];
  if (g2p_model_score(e->rescorer, mem, w, len, cands, lens, n, r) != 0) return;
  for (int i = 0; i < n; i++) lps[i] += e->rescore_weight * r[i];
}

/* Rescoring's answer: the best non-empty hypothesis of a beam of width
 * max(beam_width, rescore_beam) by the combined score, into out, with its
 * own log-probability in *lp. 0 when every hypothesis is empty. alt:
 * G2P_NBEST_MAX * G2P_TEXT_MAX bytes for the candidates. after: mem's last
 * call read this word with the model (the gate's greedy try), whose
 * encoding the beam then uses again. */
static int rescored_text(const g2p_engine *e, void *mem, char *alt, const char *w,
                         size_t len, int beam_width, int after, char *out, size_t cap,
                         double *lp) {
  int W = beam_width > e->rescore_beam ? beam_width : e->rescore_beam;
  int lens[G2P_NBEST_MAX];
  double lps[G2P_NBEST_MAX], comb[G2P_NBEST_MAX];
  int K = W < G2P_NBEST_MAX ? W : G2P_NBEST_MAX;
  size_t altcap = (size_t)G2P_NBEST_MAX * G2P_TEXT_MAX;
  int nf = after ? g2p_model_nbest_after(e->model, mem, w, len, W, K, alt, altcap, lens, lps)
                 : g2p_model_nbest(e->model, mem, w, len, W, K, alt, altcap, lens, lps);
  if (nf < 0) return nf;
  memcpy(comb, lps, (size_t)nf * sizeof *comb);
  rescore_add(e, mem, w, len, alt, lens, nf, comb);
  int best = -1;
  size_t off = 0, at = 0;
  for (int i = 0; i < nf; off += (size_t)lens[i], i++)
    if (lens[i] > 0 && (best < 0 || comb[i] > comb[best])) {
      best = i;
      at = off;
    }
  if (best < 0) return 0;
  if ((size_t)lens[best] > cap) return G2P_ETOOLONG;
  memcpy(out, alt + at, (size_t)lens[best]);
  *lp = lps[best];
  return lens[best];
}

/* Does a lookup at beam_width try greedy first (a gated rescorer)? */
static int gated(const g2p_engine *e, int beam_width) {
  return e->rescore_gate < 0.0 && beam_width == 1;
}

/* Is a greedy answer of n bytes and log-probability lp too unsure to keep
 * under the gate? Errors and empty answers are left to the rescoring
 * path, which can still answer. */
static int needs_rescoring(const g2p_engine *e, int n, double lp) {
  return n <= 0 || lp < e->rescore_gate;
}

/* The network's answer at beam_width without the gate: the beam's, or the
 * rescored one when the engine has a rescorer. A beam whose best hypothesis
 * is empty (the end symbol scored first) falls back to greedy, which can
 * still answer; an empty greedy answer becomes G2P_ENOPRON in model_answer.
 * after: as rescored_text's. */
static int searched_text(const g2p_engine *engine, void *mem, char *alt, const char *w,
                         size_t len, int beam_width, int after, char *out, size_t cap,
                         double *lp) {
  if (engine->rescorer) {
    int n = rescored_text(engine, mem, alt, w, len, beam_width, after, out, cap, lp);
    if (n != 0) return n;
    return g2p_model_predict_scored(engine->model, mem, w, len, 1, out, cap, lp);
  }
  int n = g2p_model_predict_scored(engine->model, mem, w, len, beam_width, out,
                                   cap, lp);
  if (n == 0 && beam_width > 1)
    n = g2p_model_predict_scored(engine->model, mem, w, len, 1, out, cap, lp);
  return n;
}

/* The network's answer at beam_width: searched_text's, or under a gated
 * rescorer the greedy answer when the gate keeps it. */
static int model_text(const g2p_engine *engine, void *mem, char *alt, const char *w,
                      size_t len, int beam_width, char *out, size_t cap,
                      double *lp) {
  if (engine->rescorer && gated(engine, beam_width)) {
    int n = g2p_model_predict_scored(engine->model, mem, w, len, 1, out, cap, lp);
    if (!needs_rescoring(engine, n, *lp)) return n;
    return searched_text(engine, mem, alt, w, len, beam_width, 1, out, cap, lp);
  }
  return searched_text(engine, mem, alt, w, len, beam_width, 0, out, cap, lp);
}

int g2p_engine_lookup(const g2p_engine *engine, g2p_scratch *scratch,
                      const char *word, size_t len, unsigned flags,
                      int beam_width, g2p_word_result *res) {
  if (!res) return G2P_EINVAL;
  memset(res, 0, sizeof *res);
  if (!engine || !scratch || scratch->engine != engine)
    return finish(res, G2P_EINVAL);
  if (beam_width <= 0) beam_width = engine->beam_width;
  char *w = scratch->word;
  int rc = word_prepare(word, len, beam_width, w);
  if (rc != G2P_OK) return finish(res, rc);
  if (dict_answer(engine, w, len, flags, res)) return G2P_OK;
  if (engine->cache && !(flags & G2P_FLAG_CACHE_CHECKED)) {
    double lp = 0.0;
    int n = result_cache_get(engine->cache, w, len, beam_width, scratch->out,
                             sizeof scratch->out, &lp);
    if (n > 0) return model_answer(res, scratch->out, n, lp);
  }
  if (!engine->model) return finish(res, G2P_ENOTFOUND);
  if (flags & G2P_FLAG_NO_NETWORK) return finish(res, G2P_ENEEDNET);
  double lp = 0.0;
  int n = model_text(engine, scratch->model_mem, scratch->alt, w, len, beam_width,
                     scratch->out, sizeof scratch->out, &lp);
  if (n > 0 && n <= G2P_TEXT_MAX)
    result_cache_put(engine->cache, w, len, beam_width, scratch->out,
                     (size_t)n, lp);
  return model_answer(res, scratch->out, n, lp);
}

/* A network answer that is also the only alternative of an nbest lookup. */
static int sole_alternative(g2p_word_result *res, const char *text, int n, double lp) {
  int rc = model_answer(res, text, n, lp);
  if (rc != G2P_OK) return rc;
  res->alternative[0] = res->phones;
  res->alternative_len[0] = res->phones_len;
  res->alternative_logprob[0] = lp;
  res->n_alternatives = 1;
  return G2P_OK;
}

int g2p_engine_lookup_nbest(const g2p_engine *engine, g2p_scratch *scratch,
                            const char *word, size_t len, unsigned flags,
                            int beam_width, int nbest, g2p_word_result *res) {
  if (!res) return G2P_EINVAL;
  memset(res, 0, sizeof *res);
  if (!engine || !scratch || scratch->engine != engine)
    return finish(res, G2P_EINVAL);
  if (beam_width <= 0) beam_width = engine->beam_width;
  if (nbest < 1 || nbest > beam_width || nbest > G2P_NBEST_MAX)
    return finish(res, G2P_EINVAL);
  char *w = scratch->word;
  int rc = word_prepare(word, len, beam_width, w);
  if (rc != G2P_OK) return finish(res, rc);
  if (dict_answer(engine, w, len, flags | G2P_FLAG_VARIANTS, res)) {
    unsigned k = res->n_variants < (unsigned)nbest ? res->n_variants : (unsigned)nbest;
    for (unsigned i = 0; i < k; i++) {
      res->alternative[i] = res->variant[i];
      res->alternative_len[i] = res->variant_len[i];
      res->alternative_logprob[i] = NAN;
    }
    res->n_alternatives = (uint8_t)k;
    if (!(flags & G2P_FLAG_VARIANTS)) res->n_variants = 1;
    return G2P_OK;
  }
  if (!engine->model) return finish(res, G2P_ENOTFOUND);
  if (engine->rescorer && gated(engine, beam_width)) {
    /* nbest is 1 here: the one alternative is the plain lookup's answer */
    double lp = 0.0;
    int n = model_text(engine, scratch->model_mem, scratch->alt, w, len, beam_width,
                       scratch->out, sizeof scratch->out, &lp);
    return sole_alternative(res, scratch->out, n, lp);
  }
  int lens[G2P_NBEST_MAX];
  double lps[G2P_NBEST_MAX];
  /* with a rescorer: the plain lookup's candidates (width and count), so
   * that alternative 0 is the answer a plain lookup gives */
  int W = beam_width, K = nbest;
  if (engine->rescorer) {
    W = beam_width > engine->rescore_beam ? beam_width : engine->rescore_beam;
    K = W < G2P_NBEST_MAX ? W : G2P_NBEST_MAX;
  }
  int nf = g2p_model_nbest(engine->model, scratch->model_mem, w, len, W, K,
                           scratch->alt, sizeof scratch->alt, lens, lps);
  if (nf < 0) return finish(res, nf);
  /* the hypotheses in rank order: the beam's, or the combined score's */
  const char *at[G2P_NBEST_MAX];
  int order[G2P_NBEST_MAX];
  double comb[G2P_NBEST_MAX];
  const char *t = scratch->alt;
  for (int i = 0; i < nf; t += lens[i], i++) {
    at[i] = t;
    order[i] = i;
    comb[i] = lps[i];
  }
  if (engine->rescorer) {
    rescore_add(engine, scratch->model_mem, w, len, scratch->alt, lens, nf, comb);
    for (int i = 1; i < nf; i++) { /* stable: ties keep the beam's order */
      int o = order[i], j = i;
      while (j > 0 && comb[o] > comb[order[j - 1]]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = o;
    }
  }
  unsigned k = 0;
  for (int r = 0; r < nf && k < (unsigned)nbest; r++) {
    int i = order[r];
    if (lens[i] == 0 || lens[i] > G2P_TEXT_MAX) continue;
    res->alternative[k] = at[i];
    res->alternative_len[k] = (uint16_t)lens[i];
    res->alternative_logprob[k] = lps[i];
    k++;
  }
  if (k == 0) { /* only an empty hypothesis: the plain lookup's answer */
    double lp = 0.0;
    int n = model_text(engine, scratch->model_mem, scratch->alt, w, len, beam_width,
                       scratch->out, sizeof scratch->out, &lp);
    return sole_alternative(res, scratch->out, n, lp);
  }
  model_answer(res, res->alternative[0], res->alternative_len[0],
               res->alternative_logprob[0]);
  res->n_alternatives = (uint8_t)k;
  return G2P_OK;
}

int g2p_engine_lookup_batch(const g2p_engine *engine, g2p_scratch *scratch,
                            const char *const *words, const size_t *lens,
                            size_t n, unsigned flags, int beam_width,
                            g2p_word_result *res) {
  if (!res || n > G2P_BATCH_MAX) return G2P_EINVAL;
  for (size_t i = 0; i < n; i++) memset(&res[i], 0, sizeof res[i]);
  if (!engine || !scratch || scratch->engine != engine || (n && (!words || !lens))) {
    for (size_t i = 0; i < n; i++) finish(&res[i], G2P_EINVAL);
    return G2P_EINVAL;
  }
  if (!engine->model || !scratch->batch) {
    /* dictionary only: one word at a time (answers point into the lexicon) */
    for (size_t i = 0; i < n; i++)
      g2p_engine_lookup(engine, scratch, words[i], lens[i], flags, beam_width, &res[i]);
    return G2P_OK;
  }
  struct engine_batch *b = scratch->batch;
  if (beam_width <= 0) beam_width = engine->beam_width;
  const char *bw[G2P_BATCH_MAX];
  size_t bl[G2P_BATCH_MAX];
  int bi[G2P_BATCH_MAX], blen[G2P_BATCH_MAX];
  int nb = 0, nf = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = lens[i];
    g2p_word_result *r = &res[i];
    char *w = b->word[i];
    int rc = word_prepare(words[i], len, beam_width, w);
    if (rc != G2P_OK) {
      finish(r, rc);
      continue;
    }
    if (dict_answer(engine, w, len, flags, r)) continue;
    if (engine->cache && !(flags & G2P_FLAG_CACHE_CHECKED)) {
      /* a hit takes a row from the bottom, as the one-at-a-time path */
      char *o = b->out[G2P_BATCH_MAX - 1 - nf];
      double lp = 0.0;
      int nc = result_cache_get(engine->cache, w, len, beam_width, o,
                                G2P_TEXT_MAX, &lp);
      if (nc > 0) {
        nf++;
        model_answer(r, o, nc, lp);
        continue;
      }
    }
    if (beam_width == 1 && len <= G2P_BATCH_WORD_MAX &&
        (!engine->rescorer || gated(engine, beam_width))) {
      bw[nb] = w;
      bl[nb] = len;
      bi[nb] = (int)i;
      nb++;
      continue;
    }
    /* one at a time, answers filled from the last out[] row down (the
     * batch fills them from the first up; together at most n <= 16) */
    char *o = b->out[G2P_BATCH_MAX - 1 - nf++];
    double lp = 0.0;
    int np = model_text(engine, scratch->model_mem, scratch->alt, w, len, beam_width, o,
                        G2P_TEXT_MAX, &lp);
    if (np > 0 && np <= G2P_TEXT_MAX)
      result_cache_put(engine->cache, w, len, beam_width, o, (size_t)np, lp);
    model_answer(r, o, np, lp);
  }
  if (nb == 0) return G2P_OK;
  double blp[G2P_BATCH_MAX];
  int rc = g2p_model_predict_batch_scored(engine->model, b->mem, bw, bl, nb,
                                          &b->out[0][0], G2P_TEXT_MAX, blen, blp);
  for (int j = 0; j < nb; j++) {
    int np = rc < 0 ? rc : blen[j];
    if (engine->rescorer && needs_rescoring(engine, np, blp[j])) {
      /* past the gate: searched and rescored alone, into the same row,
       * from the batch's encoding of the word */
      int after = rc == 0 && g2p_model_batch_export(engine->model, b->mem, j, bw[j], bl[j],
                                                    scratch->model_mem) == 0;
      np = searched_text(engine, scratch->model_mem, scratch->alt, bw[j], bl[j], 1, after,
                         b->out[j], G2P_TEXT_MAX, &blp[j]);
    }
    if (np > 0 && np <= G2P_TEXT_MAX)
      result_cache_put(engine->cache, bw[j], bl[j], 1, b->out[j], (size_t)np,
                       blp[j]);
    model_answer(&res[bi[j]], b->out[j], np, np <= 0 ? 0.0 : blp[j]);
  }
  return G2P_OK;
}

/* --- running text -------------------------------------------------------- */

static int text_has_word(void *engine, const char *key, size_t len) {
  return g2p_engine_has_word((const g2p_engine *)engine, key, len);
}

/* The engine's text context: the front end's, and the homograph choice's
 * buffers beside it, sized for the limits at creation. The tagger gets at
 * most one word per spoken word or per token without any (punctuation,
 * "$5" as one word), so max_tokens + max_words bounds it. */
struct g2p_text_ctx {
  text_ctx *text;
  uint32_t cap_tag;      /* tagger words */
  uint32_t cap_words;    /* spoken words */
  tagger_word *tw;       /* one sentence's tagger words */
  uint8_t *tags;
  int32_t *tw_word;      /* the spoken word a tagger word is, or -1 */
  const char **chosen;   /* per spoken word: the chosen reading, or NULL */
  uint32_t n_chosen;     /* spoken words of the analysis chosen[] is for */
};

int g2p_text_ctx_create(g2p_text_ctx **out, uint32_t max_bytes,
                        uint32_t max_tokens, uint32_t max_words) {
  text_limits lim = {max_bytes, max_tokens, max_words};
  if (!out) return G2P_EINVAL;
  *out = NULL;
  g2p_text_ctx *c = calloc(1, sizeof *c);
  if (!c) return G2P_ENOMEM;
  int rc = text_ctx_create(&c->text, &lim);
  if (rc != TEXT_OK) {
    free(c);
    return rc == TEXT_ENOMEM ? G2P_ENOMEM : G2P_EINVAL;
  }
  c->cap_tag = max_tokens + max_words;
  c->cap_words = max_words;
  c->tw = calloc(c->cap_tag, sizeof *c->tw);
  c->tags = calloc(c->cap_tag, sizeof *c->tags);
  c->tw_word = calloc(c->cap_tag, sizeof *c->tw_word);
  c->chosen = calloc(c->cap_words, sizeof *c->chosen);
  if (!c->tw || !c->tags || !c->tw_word || !c->chosen) {
    g2p_text_ctx_destroy(c);
    return G2P_ENOMEM;
  }
  *out = c;
  return G2P_OK;
}

void g2p_text_ctx_destroy(g2p_text_ctx *ctx) {
  if (!ctx) return;
  text_ctx_destroy(ctx->text);
  free(ctx->tw);
  free(ctx->tags);
  free(ctx->tw_word);
  free(ctx->chosen);
  free(ctx);
}

/* Tags the sentence held in ctx->tw[0..n) and records the reading of each
 * of its homographs. */
static void choose_sentence(const g2p_engine *engine, g2p_text_ctx *ctx, size_t n) {
  if (n == 0) return;
  tagger_tag(engine->tagger, ctx->tw, n, ctx->tags);
  for (size_t i = 0; i < n; i++) {
    int32_t k = ctx->tw_word[i];
    if (k < 0 || !homograph_known(engine->homographs, ctx->tw[i].s, ctx->tw[i].len))
      continue;
    homograph_choice hc;
    if (homograph_choose(engine->homographs, ctx->tw, ctx->tags, n, i, &hc) == 1 &&
        hc.phones && hc.phones[0])
      ctx->chosen[k] = hc.phones;
  }
}

/* Where a contraction or possessive splits the Penn way ("do" "n't",
 * "John" "'s", "I" "'ll"): the byte offset of its second part in s[0..n),
 * or 0 for none. Curly apostrophes count. */
static size_t penn_split(const char *s, size_t n) {
  for (size_t i = 1; i < n; i++) {
    size_t a = 0;
    if (s[i] == '\'') a = 1;
    else if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
             (unsigned char)s[i + 2] == 0x99)
      a = 3;
    if (!a) continue;
    if (i + a >= n) return 0; /* a trailing apostrophe ("students'") */
    if (i >= 1 && (s[i - 1] == 'n' || s[i - 1] == 'N') && i + a + 1 == n &&
        (s[i + a] == 't' || s[i + a] == 'T'))
      return i - 1 > 0 ? i - 1 : 0; /* n't */
    return i;
  }
  return 0;
}

static int is_sentence_end(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == '.' || s[i] == '!' || s[i] == '?') return 1;
  return 0;
}

/* The tokens of the analysis, as the tagger wants them: a word token of one
 * spoken word is its written text (case kept, contractions split), one of
 * several is its spoken words, any other token is one word of its text;
 * sentences end at ".", "!" and "?". Only the spoken words of word tokens
 * that stand as a tagger word by themselves can be chosen. */
static void choose_readings(const g2p_engine *engine, g2p_text_ctx *ctx, const char *s,
                            const text_result *tr) {
  ctx->n_chosen = tr->n_words <= ctx->cap_words ? tr->n_words : 0;
  for (uint32_t k = 0; k < ctx->n_chosen; k++) ctx->chosen[k] = NULL;
  if (!engine->homographs || !engine->tagger || ctx->n_chosen == 0) return;
  size_t n = 0;
  for (uint32_t t = 0; t < tr->n_tokens; t++) {
    const text_token *tk = &tr->tokens[t];
    const char *ts = s + tk->byte_start;
    size_t tl = tk->byte_end - tk->byte_start;
    if (n + (tk->n_words > 2 ? tk->n_words : 2) > ctx->cap_tag) {
      choose_sentence(engine, ctx, n);
      n = 0;
    }
    if (tk->kind == TEXT_KIND_WORD && tk->n_words == 1) {
      size_t cut = penn_split(ts, tl);
      if (cut) {
        ctx->tw[n] = (tagger_word){ts, cut};
        ctx->tw_word[n++] = -1;
        ctx->tw[n] = (tagger_word){ts + cut, tl - cut};
        ctx->tw_word[n++] = -1;
      } else {
        ctx->tw[n] = (tagger_word){ts, tl};
        ctx->tw_word[n++] = tr->words[tk->first_word].say == TEXT_SAY_LOOKUP
                                ? (int32_t)tk->first_word
                                : -1;
      }
    } else if (tk->kind == TEXT_KIND_WORD && tk->n_words > 1) {
      for (uint32_t k = 0; k < tk->n_words; k++) {
        const text_word *w = &tr->words[tk->first_word + k];
        ctx->tw[n] = (tagger_word){w->text, w->len};
        ctx->tw_word[n++] =
            w->say == TEXT_SAY_LOOKUP ? (int32_t)(tk->first_word + k) : -1;
      }
    } else if (tl > 0) {
      ctx->tw[n] = (tagger_word){ts, tl};
      ctx->tw_word[n++] = -1;
      if (tk->kind == TEXT_KIND_PUNCT && is_sentence_end(ts, tl)) {
        choose_sentence(engine, ctx, n);
        n = 0;
      }
    }
  }
  choose_sentence(engine, ctx, n);
}

int g2p_engine_text_analyze(const g2p_engine *engine, g2p_text_ctx *ctx,
                            const char *s, size_t n, uint32_t *n_tokens,
                            char *err, size_t errlen) {
  text_result tr;
  *n_tokens = 0;
  ctx->n_chosen = 0;
  int rc = text_analyze(ctx->text, s, n, text_has_word, (void *)engine, &tr, err, errlen);
  switch (rc) {
  case TEXT_OK:
    *n_tokens = tr.n_tokens;
    choose_readings(engine, ctx, s, &tr);
    return G2P_OK;
  case TEXT_EUTF8: case TEXT_ENUL: return G2P_EUTF8;
  case TEXT_ETOOLONG: return G2P_ETOOLONG;
  case TEXT_ETOKENS: case TEXT_EWORDS: return G2P_ETOKENS;
  default: return G2P_EINVAL;
  }
}

void g2p_text_token_get(const g2p_text_ctx *ctx, uint32_t i, g2p_text_token *out) {
  text_result tr;
  text_last_result(ctx->text, &tr);
  memset(out, 0, sizeof *out);
  if (i >= tr.n_tokens) return;
  const text_token *t = &tr.tokens[i];
  out->start = t->start;
  out->end = t->end;
  out->byte_start = t->byte_start;
  out->byte_end = t->byte_end;
  out->kind = text_kind_name(t->kind);
  out->error = t->error == TEXT_TOKEN_OK ? G2P_TOKEN_OK
               : t->error == TEXT_TOKEN_TOOLONG ? G2P_TOKEN_TOOLONG : G2P_TOKEN_UNREADABLE;
  out->n_words = t->n_words;
}

static int answer_text_word(const g2p_engine *engine, g2p_scratch *scratch,
                            const text_word *w, unsigned flags, int beam_width,
                            g2p_word_result *res) {
  if (w->say == TEXT_SAY_LETTER && w->phones) {
    memset(res, 0, sizeof *res);
    res->source = G2P_SOURCE_LETTERS;
    res->phones = w->phones;
    res->phones_len = (uint16_t)strlen(w->phones);
    res->n_variants = 1;
    res->variant[0] = res->phones;
    res->variant_len[0] = res->phones_len;
    return 0;
  }
  return g2p_engine_lookup(engine, scratch, w->text, w->len, flags, beam_width, res);
}

int g2p_engine_text_word(const g2p_engine *engine, g2p_scratch *scratch,
                         const g2p_text_ctx *ctx, uint32_t i, uint32_t k,
                         unsigned flags, int beam_width, const char **word,
                         uint16_t *word_len, g2p_word_result *res) {
  text_result tr;
  text_last_result(ctx->text, &tr);
  if (i >= tr.n_tokens || k >= tr.tokens[i].n_words || !res) return G2P_EINVAL;
  uint32_t j = tr.tokens[i].first_word + k;
  const text_word *w = &tr.words[j];
  *word = w->text;
  *word_len = w->len;
  const char *chosen = j < ctx->n_chosen ? ctx->chosen[j] : NULL;
  uint32_t first;
  if (chosen && !(flags & G2P_FLAG_MODEL_ONLY) &&
      !(engine->user && lexicon_lookup(engine->user, w->text, w->len, &first) > 0)) {
    memset(res, 0, sizeof *res);
    res->source = G2P_SOURCE_HOMOGRAPH;
    res->phones = chosen;
    res->phones_len = (uint16_t)strlen(chosen);
    res->n_variants = 1;
    res->variant[0] = res->phones;
    res->variant_len[0] = res->phones_len;
    return 0;
  }
  return answer_text_word(engine, scratch, w, flags, beam_width, res);
}

int g2p_engine_text_reading(const g2p_engine *engine, g2p_scratch *scratch,
                            g2p_text_ctx *ctx, const char *s, size_t n,
                            unsigned flags, int beam_width, char *out,
                            size_t cap, enum g2p_source *source,
                            double *confidence) {
  text_result tr;
  double conf = 1.0;
  if (!out || cap == 0) return G2P_EINVAL;
  out[0] = '\0';
  ctx->n_chosen = 0; /* the words op reads without context */
  int rc = text_analyze(ctx->text, s, n, text_has_word, (void *)engine, &tr, NULL, 0);
  if (rc == TEXT_EUTF8 || rc == TEXT_ENUL) return G2P_EUTF8;
  if (rc) return G2P_ETOOLONG;
  size_t o = 0;
  enum g2p_source src = G2P_SOURCE_DICT;
  int all_letters = tr.n_words > 0;
  for (uint32_t i = 0; i < tr.n_words; i++) {
    g2p_word_result r;
    rc = answer_text_word(engine, scratch, &tr.words[i], flags & ~G2P_FLAG_VARIANTS,
                          beam_width, &r);
    if (rc) return rc;
    all_letters &= r.source == G2P_SOURCE_LETTERS;
    if (r.source == G2P_SOURCE_MODEL) {
      src = G2P_SOURCE_MODEL;
      conf *= r.confidence;
    }
    if (o + (o ? 1 : 0) + r.phones_len + 1 > cap) return G2P_ETOOLONG;
    if (o) out[o++] = ' ';
    memcpy(out + o, r.phones, r.phones_len);
    o += r.phones_len;
    out[o] = '\0';
  }
  if (o == 0) return G2P_ENOTFOUND;
  if (all_letters) src = G2P_SOURCE_LETTERS; /* spelled: "xkcd", "U.S." */
  if (source) *source = src;
  if (confidence) *confidence = conf;
  return (int)o;
}

int g2p_fold_word(const char *s, size_t n, char *key, size_t cap) {
  return text_fold_key(s, n, key, cap);
}
