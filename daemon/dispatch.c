/* dispatch.c -- request -> engine -> reply (see dispatch.h).
 *
 * Per-word problems (empty, too long, bad UTF-8, not found) are per-word
 * results inside a successful reply, so one bad word never costs the caller
 * the rest of the batch. Request-level problems are error replies that echo
 * the id whenever it could be read. Counters are committed only once the
 * reply is in the buffer, so a reply retried for lack of room is counted
 * once. */
#include "config.h"

#include "daemon/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

int dispatcher_init(dispatcher *d, const daemon_config *cfg,
                    daemon_stats *stats, engine_ref **current) {
  memset(d, 0, sizeof *d);
  d->cfg = cfg;
  d->stats = stats;
  d->current = current;
  d->words = calloc(cfg->lim.max_words ? cfg->lim.max_words : 1,
                    sizeof *d->words);
  d->stat_table = calloc(STATS_MAX_ENTRIES, sizeof *d->stat_table);
  if (!d->words || !d->stat_table) {
    dispatcher_destroy(d);
    return -1;
  }
  return 0;
}

void dispatcher_destroy(dispatcher *d) {
  free(d->words);
  free(d->stat_table);
  d->words = NULL;
  d->stat_table = NULL;
}

int dispatch_error(dispatcher *d, proto_buf *out, uint64_t id, int code,
                   const char *message) {
  if (proto_encode_error(out, id, code, message) != 0) return -1;
  d->stats->requests[PROTO_OP_NONE]++;
  if (code > 0 && code <= PROTO_E_MAX) d->stats->errors[code]++;
  return 0;
}

static int word_error_code(int g2p_rc) {
  switch (g2p_rc) {
  case G2P_ENOTFOUND: return PROTO_E_NOT_FOUND;
  case G2P_EEMPTY: return PROTO_E_EMPTY_WORD;
  case G2P_ETOOLONG: return PROTO_E_WORD_TOO_LONG;
  case G2P_EUTF8: return PROTO_E_BAD_UTF8;
  default: return PROTO_E_INTERNAL;
  }
}

/* Counts gathered while a words reply is built, committed on success. */
typedef struct word_tally {
  uint64_t sources[STATS_N_SOURCES];
  uint64_t errors[PROTO_E_MAX + 1];
} word_tally;

static int answer_words(dispatcher *d, const engine_ref *eng,
                        const proto_request *req, proto_buf *out,
                        word_tally *t) {
  const proto_limits *lim = &d->cfg->lim;
  unsigned flags = 0;
  if (req->opt_variants) flags |= G2P_FLAG_VARIANTS;
  if (req->opt_model_only) flags |= G2P_FLAG_MODEL_ONLY;
  proto_words_writer w;
  proto_encode_words_begin(&w, out, req->id, req->n_words);
  for (uint32_t i = 0; i < req->n_words; i++) {
    const proto_slice *s = &req->words[i];
    proto_word_result r;
    memset(&r, 0, sizeof r);
    int code = proto_word_check(s->ptr, s->len, lim);
    if (code == PROTO_OK) {
      g2p_word_result g;
      int rc = g2p_engine_lookup(eng->engine, eng->scratch, s->ptr, s->len,
                                 flags, req->opt_beam, &g);
      if (rc == 0 && g.source != G2P_SOURCE_NONE) {
        r.source = (enum proto_source)g.source;
        r.phones = g.phones;
        r.phones_len = g.phones_len;
        if (req->opt_variants) {
          uint32_t n = g.n_variants;
          if (n > PROTO_VARIANTS_MAX) n = PROTO_VARIANTS_MAX;
          for (uint32_t v = 0; v < n; v++) {
            r.variant[v] = g.variant[v];
            r.variant_len[v] = g.variant_len[v];
          }
          if (n == 0) { /* the network gives one answer: it is the list */
            r.variant[0] = g.phones;
            r.variant_len[0] = g.phones_len;
            n = 1;
          }
          r.n_variants = n;
        }
      } else {
        code = word_error_code(rc != 0 ? rc : G2P_ENOTFOUND);
      }
    }
    if (code != PROTO_OK) {
      r.source = PROTO_SOURCE_NONE;
      r.error = code;
      t->errors[code]++;
    }
    t->sources[r.source]++;
    /* encode now: phones may point into the scratch the next lookup reuses */
    proto_encode_word(&w, &r);
  }
  return proto_encode_words_end(&w);
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
  pi.has_model = gi.has_model;
  pi.model_name = gi.model_name;
  pi.model_arch = gi.model_arch;
  pi.model_kernel = gi.kernel;
  pi.model_checksum = gi.model_checksum;
  pi.limits = d->cfg->lim;
  return proto_encode_info(out, id, &pi);
}

int dispatch_request(dispatcher *d, const char *payload, uint32_t len,
                     proto_buf *out, int out_is_empty) {
  uint64_t t0 = uv_hrtime();
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
  int code = rc; /* request-level error code, PROTO_OK when answered */
  int w = 0;

  if (rc == PROTO_OK) {
    engine_ref *eng = engine_ref_acquire(*d->current);
    memset(&tally, 0, sizeof tally);
    switch (req.op) {
    case PROTO_OP_WORDS:
      w = answer_words(d, eng, &req, out, &tally);
      break;
    case PROTO_OP_PING:
      w = proto_encode_pong(out, id);
      break;
    case PROTO_OP_STATS: {
      size_t n = stats_collect(st, t0, d->stat_table, STATS_MAX_ENTRIES);
      w = proto_encode_stats(out, id, d->stat_table, n);
      break;
    }
    case PROTO_OP_INFO:
      w = answer_info(d, eng, id, out);
      break;
    default:
      code = PROTO_E_UNKNOWN_OP;
      snprintf(err, sizeof err, "unknown op");
      break;
    }
    engine_ref_release(eng);
    if (code == PROTO_OK && w != 0) {
      out->len = mark;
      out->overflow = 0;
      if (!out_is_empty) return -1;
      code = PROTO_E_INTERNAL;
      snprintf(err, sizeof err,
               "reply larger than the output buffer (%u bytes): ask for fewer "
               "words or raise --max-output", (unsigned)out->cap);
    }
  }
  if (code != PROTO_OK) {
    if (proto_encode_error(out, id, code, err[0] ? err : proto_error_message(code)) != 0) {
      out->len = mark;
      out->overflow = 0;
      return -1; /* even an error reply needs more room than is left */
    }
    st->errors[code]++;
  } else if (op == PROTO_OP_WORDS) {
    for (int s = 0; s < STATS_N_SOURCES; s++) st->words[s] += tally.sources[s];
    for (int c = 1; c <= PROTO_E_MAX; c++) st->errors[c] += tally.errors[c];
  }
  st->requests[op]++;
  lat_record(&st->lat[op], uv_hrtime() - t0);
  return 0;
}
