/* client.c -- libg2pclient's public calls: open/close, lookups, ping, info,
 * stats.
 *
 * g2pc_lookup_many is the reason this file is more than a few lines: it
 * splits a word list into requests the daemon accepts (max_words, and
 * max_frame bytes), keeps a window of them in flight, and matches replies
 * to requests by order and id. Replies come back in request order on a
 * connection (doc/protocol.md), so the oldest request in flight is always
 * the one the next reply answers. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client_impl.h"

#define DEFAULT_WINDOW 8
#define MAX_WINDOW 1024
/* Upper bound of a request's bytes besides its words (map header, id, op,
 * opts); each word adds at most its length + 5. */
#define REQUEST_OVERHEAD 96

G2PC_API int g2pc_client_open(g2pc_client **out, const char *socket_path,
                              int timeout_ms) {
  char def[512];
  int rc;
  if (!out) return G2PC_EINVAL;
  *out = NULL;
  if (!socket_path || !*socket_path) {
    const char *env = getenv("G2PC_SOCKET");
    if (env && *env) {
      socket_path = env;
    } else {
      if ((rc = g2pc_default_socket_path(def, sizeof def))) return rc;
      socket_path = def;
    }
  }
  g2pc_client *c = calloc(1, sizeof *c);
  if (!c) return G2PC_ENOMEM;
  c->fd = -1;
  c->timeout_ms = timeout_ms == 0 ? G2PC_DEFAULT_TIMEOUT_MS : timeout_ms;
  if (c->timeout_ms < 0) c->timeout_ms = -1;
  c->next_id = 1;
  c->window = DEFAULT_WINDOW;
  proto_limits_default(&c->lim);
  c->path = strdup(socket_path);
  c->wcap = c->lim.max_frame + PROTO_HEADER_BYTES;
  c->wbuf = malloc(c->wcap);
  if (!c->path || !c->wbuf) {
    g2pc_client_close(c);
    return G2PC_ENOMEM;
  }
  if ((rc = conn_connect(c))) {
    g2pc_client_close(c);
    return rc;
  }
  *out = c;
  return 0;
}

G2PC_API void g2pc_client_close(g2pc_client *c) {
  if (!c) return;
  if (c->fd >= 0) close(c->fd);
  free(c->path);
  free(c->rbuf);
  free(c->wbuf);
  free(c);
}

G2PC_API const char *g2pc_client_socket_path(const g2pc_client *c) {
  return c ? c->path : "";
}

G2PC_API const char *g2pc_client_last_error(const g2pc_client *c) {
  return c ? c->errmsg : "";
}

G2PC_API int g2pc_client_set_window(g2pc_client *c, unsigned requests) {
  if (!c || requests < 1 || requests > MAX_WINDOW) return G2PC_EINVAL;
  c->window = requests;
  return 0;
}

static int server_code(int code) {
  return code >= 1 && code <= PROTO_E_MAX ? G2PC_ESERVER_CODE(code) : G2PC_ESERVER;
}

static int check_usable(g2pc_client *c) {
  if (!c) return G2PC_EINVAL;
  if (c->broken) return G2PC_EBROKEN;
  return 0;
}

/* Reads one reply frame and decodes it; checks the id. */
static int read_reply(g2pc_client *c, uint64_t id, proto_reply *rep) {
  const char *p;
  size_t n;
  char err[160];
  int rc = conn_read_frame(c, &p, &n);
  if (rc) return rc;
  if ((rc = proto_reply_decode(p, n, rep, err, sizeof err)))
    return client_fatal(c, rc == PROTO_E_INTERNAL ? G2PC_ENOMEM : G2PC_EPROTO,
                        "bad reply: %s", err);
  if (rep->id != id && !(rep->id == 0 && !rep->ok)) {
    unsigned long long got = rep->id;
    proto_reply_free(rep);
    return client_fatal(c, G2PC_EPROTO, "reply id %llu, expected %llu", got,
                        (unsigned long long)id);
  }
  return 0;
}

/* One request, one reply (ping, info, stats). */
static int simple_call(g2pc_client *c, enum proto_op op, proto_reply *rep) {
  proto_buf b;
  int rc = check_usable(c);
  if (rc) return rc;
  uint64_t id = c->next_id++;
  proto_buf_init(&b, c->wbuf, c->wcap);
  if (proto_encode_request(&b, id, op, NULL, 0, 0, 0, 0))
    return client_fail(c, G2PC_EINVAL, "request does not fit");
  if ((rc = conn_send_all(c, b.data, b.len))) return rc;
  if ((rc = read_reply(c, id, rep))) return rc;
  if (!rep->ok) {
    rc = client_fail(c, server_code(rep->error_code), "%s", rep->error_message);
    if (rep->id == 0) c->broken = 1; /* the daemon closes after these */
    proto_reply_free(rep);
    return rc;
  }
  if (rep->op != op) {
    proto_reply_free(rep);
    return client_fatal(c, G2PC_EPROTO, "reply is not for op %s", proto_op_name(op));
  }
  return 0;
}

G2PC_API int g2pc_ping(g2pc_client *c) {
  proto_reply rep;
  int rc = simple_call(c, PROTO_OP_PING, &rep);
  if (rc) return rc;
  proto_reply_free(&rep);
  return 0;
}

/* The info op for a caller's struct out (out_size bytes, zeroed first);
 * learns the limits for batching on the way. */
static int info_call(g2pc_client *c, void *out, size_t out_size, proto_reply *rep) {
  if (!out) return G2PC_EINVAL;
  memset(out, 0, out_size);
  int rc = simple_call(c, PROTO_OP_INFO, rep);
  if (rc) return rc;
  const proto_limits *l = &rep->info.limits;
  if (l->max_words >= 1 && l->max_frame >= REQUEST_OVERHEAD + 16) {
    c->lim.max_words = l->max_words;
    c->lim.max_frame = l->max_frame < c->wcap - PROTO_HEADER_BYTES
                           ? l->max_frame : (uint32_t)(c->wcap - PROTO_HEADER_BYTES);
    c->lim.max_word_bytes = l->max_word_bytes;
    c->have_limits = 1;
  }
  return 0;
}

G2PC_API int g2pc_info(g2pc_client *c, g2pc_server_info *info) {
  proto_reply rep;
  int rc = info_call(c, info, sizeof *info, &rep);
  if (rc) return rc;
  /* Take the strings over from the reply. */
  info->version = (char *)rep.info.version;
  info->protocol = rep.protocol;
  info->lexicon_words = rep.info.lexicon_words;
  info->lexicon_prons = rep.info.lexicon_prons;
  info->has_model = rep.info.has_model;
  info->model_name = (char *)rep.info.model_name;
  info->model_arch = (char *)rep.info.model_arch;
  info->model_kernel = (char *)rep.info.model_kernel;
  info->model_checksum = rep.info.model_checksum;
  info->max_frame = rep.info.limits.max_frame;
  info->max_words = rep.info.limits.max_words;
  info->max_word_bytes = rep.info.limits.max_word_bytes;
  /* the taken strings leave the reply; proto_reply_free frees the rest
   * (the rescorer's name: g2pc_info_rescorer) */
  rep.info.version = rep.info.model_name = rep.info.model_arch = rep.info.model_kernel = NULL;
  proto_reply_free(&rep);
  return 0;
}

G2PC_API int g2pc_info_rescorer(g2pc_client *c, g2pc_rescorer_info *info) {
  proto_reply rep;
  int rc = info_call(c, info, sizeof *info, &rep);
  if (rc) return rc;
  if (rep.info.has_rescorer) {
    info->name = (char *)rep.info.rescorer_name; /* taken over */
    rep.info.rescorer_name = NULL;
    info->checksum = rep.info.rescorer_checksum;
    info->weight = rep.info.rescorer_weight;
    info->hypotheses = rep.info.rescorer_hypotheses;
  }
  proto_reply_free(&rep);
  return 0;
}

G2PC_API int g2pc_info_rescore_gate(g2pc_client *c, double *gate) {
  proto_reply rep;
  int rc = info_call(c, gate, sizeof *gate, &rep);
  if (rc) return rc;
  if (rep.info.has_rescorer) *gate = rep.info.rescorer_gate;
  proto_reply_free(&rep);
  return 0;
}

G2PC_API void g2pc_rescorer_info_free(g2pc_rescorer_info *info) {
  if (!info) return;
  free(info->name);
  memset(info, 0, sizeof *info);
}

G2PC_API void g2pc_info_free(g2pc_server_info *info) {
  if (!info) return;
  free(info->version);
  free(info->model_name);
  free(info->model_arch);
  free(info->model_kernel);
  memset(info, 0, sizeof *info);
}

G2PC_API int g2pc_stats(g2pc_client *c, g2pc_stat **stats, size_t *n) {
  proto_reply rep;
  if (!stats || !n) return G2PC_EINVAL;
  *stats = NULL;
  *n = 0;
  int rc = simple_call(c, PROTO_OP_STATS, &rep);
  if (rc) return rc;
  g2pc_stat *s = calloc(rep.n_stats ? rep.n_stats : 1, sizeof *s);
  if (!s) {
    proto_reply_free(&rep);
    return client_fail(c, G2PC_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < rep.n_stats; i++) {
    s[i].name = rep.stat_names[i];
    rep.stat_names[i] = NULL;
    s[i].value = rep.stat_values[i];
  }
  *stats = s;
  *n = rep.n_stats;
  proto_reply_free(&rep);
  return 0;
}

G2PC_API void g2pc_stats_free(g2pc_stat *stats, size_t n) {
  if (!stats) return;
  for (size_t i = 0; i < n; i++) free(stats[i].name);
  free(stats);
}

G2PC_API void g2pc_result_free(g2pc_result *r) {
  if (!r) return;
  free(r->phones);
  for (size_t i = 0; i < r->n_variants; i++) free(r->variants[i]);
  free(r->variants);
  memset(r, 0, sizeof *r);
}

G2PC_API void g2pc_results_free(g2pc_result *r, size_t n) {
  if (!r) return;
  for (size_t i = 0; i < n; i++) g2pc_result_free(&r[i]);
}

/* ---- pipelined lookups ------------------------------------------------ */

typedef struct inflight {
  uint64_t id;
  size_t first;      /* index of its first word in results */
  uint32_t count;
} inflight;

typedef struct batch {
  g2pc_client *c;
  const char *const *words;
  size_t n;
  int flags;
  g2pc_result *results;
  proto_slice *slices;   /* scratch for one request */
  size_t next;           /* next word to put in a request */
  inflight *q;           /* ring of requests in flight */
  unsigned q_head, q_len, q_cap;
  size_t wlen, wdone;    /* the encoded request being written */
} batch;

/* Encodes the next request into c->wbuf; words too long to fit any request
 * are answered locally with G2PC_EWORDTOOLONG. Returns 0, or 1 when nothing
 * is left to send. */
static int encode_next(batch *bt) {
  g2pc_client *c = bt->c;
  size_t budget = c->lim.max_frame > REQUEST_OVERHEAD ? c->lim.max_frame - REQUEST_OVERHEAD : 0;
  uint32_t k = 0;
  size_t bytes = 0, first;
  for (;;) {
    if (bt->next >= bt->n) return 1;
    size_t len = strlen(bt->words[bt->next]);
    if (len + 5 <= budget) break;
    g2pc_result *r = &bt->results[bt->next++];
    r->error = G2PC_EWORDTOOLONG;
  }
  first = bt->next;
  while (bt->next < bt->n && k < c->lim.max_words) {
    size_t len = strlen(bt->words[bt->next]);
    if (bytes + len + 5 > budget) break;
    bt->slices[k].ptr = bt->words[bt->next];
    bt->slices[k].len = (uint32_t)len;
    bytes += len + 5;
    k++;
    bt->next++;
  }
  proto_buf b;
  uint64_t id = c->next_id++;
  proto_opts o = {!!(bt->flags & G2PC_VARIANTS), !!(bt->flags & G2PC_MODEL_ONLY),
                  (bt->flags >> 8) & 0xff, !!(bt->flags & G2PC_NO_STRESS),
                  !!(bt->flags & G2PC_IPA), 0};
  proto_buf_init(&b, c->wbuf, c->wcap);
  if (proto_encode_request_opts(&b, id, PROTO_OP_WORDS, bt->slices, k, &o))
    return client_fatal(c, G2PC_EINVAL, "request does not fit its buffer");
  bt->wlen = b.len;
  bt->wdone = 0;
  inflight *f = &bt->q[(bt->q_head + bt->q_len) % bt->q_cap];
  f->id = id;
  f->first = first;
  f->count = k;
  bt->q_len++;
  return 0;
}

/* Applies one reply frame to the oldest request in flight. */
static int apply_reply(batch *bt, const char *p, size_t n) {
  g2pc_client *c = bt->c;
  proto_reply rep;
  char err[160];
  int rc;
  if (bt->q_len == 0) return client_fatal(c, G2PC_EPROTO, "reply without a request");
  inflight *f = &bt->q[bt->q_head];
  if ((rc = proto_reply_decode(p, n, &rep, err, sizeof err)))
    return client_fatal(c, rc == PROTO_E_INTERNAL ? G2PC_ENOMEM : G2PC_EPROTO,
                        "bad reply: %s", err);
  if (!rep.ok && (rep.id == f->id || rep.id == 0)) {
    /* The whole request failed (e.g. busy): each of its words says why. */
    int code = server_code(rep.error_code);
    client_fail(c, code, "%s", rep.error_message);
    for (uint32_t i = 0; i < f->count; i++) bt->results[f->first + i].error = code;
    if (rep.id == 0) c->broken = 1;
  } else if (rep.id != f->id || rep.op != PROTO_OP_WORDS || rep.n_words != f->count) {
    unsigned long long got = rep.id;
    proto_reply_free(&rep);
    return client_fatal(c, G2PC_EPROTO, "reply %llu does not match request %llu",
                        got, (unsigned long long)f->id);
  } else {
    for (uint32_t i = 0; i < f->count; i++) {
      proto_reply_word *w = &rep.words[i];
      g2pc_result *r = &bt->results[f->first + i];
      r->source = (int)w->source;
      if (w->error) {
        r->error = server_code(w->error);
        r->source = G2PC_SOURCE_NONE;
        continue;
      }
      r->phones = w->phones;
      w->phones = NULL;
      r->variants = w->variants;
      r->n_variants = w->n_variants;
      w->variants = NULL;
      w->n_variants = 0;
    }
  }
  proto_reply_free(&rep);
  bt->q_head = (bt->q_head + 1) % bt->q_cap;
  bt->q_len--;
  return 0;
}

/* Learns max_words/max_frame from the daemon once per connection; a daemon
 * that cannot say keeps the protocol defaults. */
static int learn_limits(g2pc_client *c) {
  g2pc_server_info info;
  if (c->have_limits) return 0;
  int rc = g2pc_info(c, &info);
  if (rc == 0) {
    g2pc_info_free(&info);
    return 0;
  }
  if (c->broken) return rc;
  c->have_limits = 1; /* a request-level error: use the defaults */
  return 0;
}

static int run_batch(batch *bt) {
  g2pc_client *c = bt->c;
  int rc, more = 1;
  for (;;) {
    /* Queue the next request when the window has room. */
    if (bt->wlen == 0 && more && bt->q_len < bt->q_cap) {
      rc = encode_next(bt);
      if (rc < 0) return rc;
      if (rc == 1) more = 0;
    }
    if (bt->wlen > 0) {
      if ((rc = conn_send_some(c, c->wbuf + bt->wdone, bt->wlen - bt->wdone, &bt->wdone)))
        return rc;
      if (bt->wdone == bt->wlen) {
        bt->wlen = 0;
        continue; /* try to queue another before waiting */
      }
    }
    if (!more && bt->wlen == 0 && bt->q_len == 0) return 0;
    int r, w;
    if ((rc = conn_wait(c, bt->wlen > 0, &r, &w))) return rc;
    if (r) {
      int rrc = conn_recv_some(c);
      const char *p;
      size_t n;
      /* Use every complete reply, even when the stream then ended. */
      while ((rc = conn_next_frame(c, &p, &n)) == 1)
        if ((rc = apply_reply(bt, p, n))) return rc;
      if (rc < 0) return rc;
      if (rrc) return rrc;
      if (c->broken) return G2PC_ECLOSED;
    }
  }
}

G2PC_API int g2pc_lookup_many(g2pc_client *c, const char *const *words,
                              size_t n, int flags, g2pc_result *results) {
  batch bt;
  int rc;
  if (!results || (n > 0 && !words)) return G2PC_EINVAL;
  memset(results, 0, n * sizeof *results);
  if ((rc = check_usable(c))) goto fail_all;
  for (size_t i = 0; i < n; i++)
    if (!words[i]) {
      rc = G2PC_EINVAL;
      goto fail_all;
    }
  if (n == 0) return 0;
  if (n > 1 && (rc = learn_limits(c))) goto fail_all;
  memset(&bt, 0, sizeof bt);
  bt.c = c;
  bt.words = words;
  bt.n = n;
  bt.flags = flags;
  bt.results = results;
  bt.q_cap = c->window;
  bt.slices = malloc(c->lim.max_words * sizeof *bt.slices);
  bt.q = malloc(bt.q_cap * sizeof *bt.q);
  if (!bt.slices || !bt.q) {
    rc = client_fail(c, G2PC_ENOMEM, "out of memory");
  } else {
    rc = run_batch(&bt);
  }
  if (rc) {
    /* Words not answered carry the connection error. */
    for (unsigned k = 0; k < bt.q_len; k++) {
      inflight *f = &bt.q[(bt.q_head + k) % bt.q_cap];
      for (uint32_t i = 0; i < f->count; i++) results[f->first + i].error = rc;
    }
    for (size_t i = bt.next; i < n; i++) results[i].error = rc;
  }
  free(bt.slices);
  free(bt.q);
  return rc;

fail_all:
  for (size_t i = 0; i < n; i++) results[i].error = rc;
  return rc;
}

G2PC_API int g2pc_lookup(g2pc_client *c, const char *word, int flags,
                         g2pc_result *result) {
  if (!result) return G2PC_EINVAL;
  if (!word) {
    memset(result, 0, sizeof *result);
    result->error = G2PC_EINVAL;
    return G2PC_EINVAL;
  }
  int rc = g2pc_lookup_many(c, &word, 1, flags, result);
  return rc ? rc : result->error;
}

G2PC_API int g2pc_lookup_nbest(g2pc_client *c, const char *word, int flags,
                               int nbest, g2pc_nbest *result) {
  if (!result) return G2PC_EINVAL;
  memset(result, 0, sizeof *result);
  result->error = G2PC_EINVAL;
  if (!word || nbest < 1 || nbest > 255) return G2PC_EINVAL;
  int rc = check_usable(c);
  if (rc) return result->error = rc;
  proto_slice s = {word, (uint32_t)strlen(word)};
  proto_opts o = {!!(flags & G2PC_VARIANTS), !!(flags & G2PC_MODEL_ONLY),
                  (flags >> 8) & 0xff, !!(flags & G2PC_NO_STRESS),
                  !!(flags & G2PC_IPA), nbest};
  proto_buf b;
  uint64_t id = c->next_id++;
  proto_buf_init(&b, c->wbuf, c->wcap);
  if (proto_encode_request_opts(&b, id, PROTO_OP_WORDS, &s, 1, &o))
    return client_fail(c, G2PC_EINVAL, "request does not fit its buffer");
  proto_reply rep;
  if ((rc = conn_send_all(c, b.data, b.len)) || (rc = read_reply(c, id, &rep)))
    return result->error = rc;
  if (!rep.ok) {
    rc = client_fail(c, server_code(rep.error_code), "%s", rep.error_message);
    if (rep.id == 0) c->broken = 1;
    proto_reply_free(&rep);
    return result->error = rc;
  }
  if (rep.op != PROTO_OP_WORDS || rep.n_words != 1) {
    proto_reply_free(&rep);
    return result->error = client_fatal(c, G2PC_EPROTO, "reply is not for one word");
  }
  proto_reply_word *w = &rep.words[0];
  result->source = (int)w->source;
  if (w->error) {
    result->error = server_code(w->error);
    result->source = G2PC_SOURCE_NONE;
    proto_reply_free(&rep);
    return result->error;
  }
  result->alternatives = calloc(w->n_alternatives ? w->n_alternatives : 1,
                                sizeof *result->alternatives);
  if (!result->alternatives) {
    proto_reply_free(&rep);
    return result->error = client_fail(c, G2PC_ENOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < w->n_alternatives; i++) {
    result->alternatives[i].phones = w->alternatives[i];
    result->alternatives[i].logprob = w->alternative_logprobs[i];
    w->alternatives[i] = NULL;
  }
  result->n = w->n_alternatives;
  w->n_alternatives = 0;
  result->phones = w->phones;
  w->phones = NULL;
  result->error = 0;
  proto_reply_free(&rep);
  return 0;
}

G2PC_API void g2pc_nbest_free(g2pc_nbest *result) {
  if (!result) return;
  for (size_t i = 0; i < result->n; i++) free(result->alternatives[i].phones);
  free(result->alternatives);
  free(result->phones);
  memset(result, 0, sizeof *result);
}
