/* proto_reply_decode.c -- the client's decoder of reply frames.
 *
 * The client is not on anyone's hot path, so it uses msgpack-c's unpacker
 * (a second, independent msgpack implementation: what the daemon's writer
 * produces is checked by a reader it shares no code with) and copies every
 * string into memory owned by the proto_reply. Replies are validated as
 * strictly as requests: wrong types or missing fields are errors, unknown
 * keys are ignored. The payload is first checked by proto/'s strict reader
 * (lengths against remaining bytes, nesting depth) so that msgpack-c never
 * sees a container size it would try to allocate for. */
#include <msgpack.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mp.h"

typedef struct reply_ctx {
  char *err;
  size_t errlen;
  int code;
} reply_ctx;

static int bad(reply_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(reply_ctx *c, int code, const char *fmt, ...) {
  va_list ap;
  if (c->code) return -1;
  c->code = code;
  if (c->err && c->errlen) {
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static int key_is(const msgpack_object *k, const char *s) {
  size_t n = strlen(s);
  return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
         memcmp(k->via.str.ptr, s, n) == 0;
}

static const msgpack_object *map_get(const msgpack_object *m, const char *key) {
  for (uint32_t i = 0; i < m->via.map.size; i++)
    if (key_is(&m->via.map.ptr[i].key, key)) return &m->via.map.ptr[i].val;
  return NULL;
}

static char *dup_str(reply_ctx *c, const msgpack_object *o, const char *what) {
  if (!o || o->type != MSGPACK_OBJECT_STR) {
    bad(c, PROTO_E_BAD_REQUEST, "reply field %s is not a string", what);
    return NULL;
  }
  char *s = malloc((size_t)o->via.str.size + 1);
  if (!s) {
    bad(c, PROTO_E_INTERNAL, "out of memory");
    return NULL;
  }
  memcpy(s, o->via.str.ptr, o->via.str.size);
  s[o->via.str.size] = '\0';
  return s;
}

static int get_uint(reply_ctx *c, const msgpack_object *m, const char *key,
                    uint64_t max, uint64_t *out) {
  const msgpack_object *o = map_get(m, key);
  if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > max)
    return bad(c, PROTO_E_BAD_REQUEST, "reply field %s is missing or not an "
               "unsigned integer in range", key);
  *out = o->via.u64;
  return 0;
}

static int decode_error_map(reply_ctx *c, const msgpack_object *e, int *code,
                            char **name, char **message) {
  uint64_t v = 0;
  if (!e || e->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "reply error is not a map");
  if (get_uint(c, e, "code", 0x7fffffff, &v)) return -1;
  *code = (int)v;
  if (name && !(*name = dup_str(c, map_get(e, "name"), "error.name"))) return -1;
  if (message && !(*message = dup_str(c, map_get(e, "message"), "error.message")))
    return -1;
  return 0;
}

/* The wire name of an answer's source (section 3). */
static int decode_source(reply_ctx *c, const msgpack_object *src,
                         enum proto_source *out) {
  if (!src || src->type != MSGPACK_OBJECT_STR)
    return bad(c, PROTO_E_BAD_REQUEST, "source is missing");
  if (key_is(src, "dict")) *out = PROTO_SOURCE_DICT;
  else if (key_is(src, "model")) *out = PROTO_SOURCE_MODEL;
  else if (key_is(src, "letters")) *out = PROTO_SOURCE_LETTERS;
  else if (key_is(src, "user")) *out = PROTO_SOURCE_USER;
  else if (key_is(src, "homograph")) *out = PROTO_SOURCE_HOMOGRAPH;
  else if (key_is(src, "none")) *out = PROTO_SOURCE_NONE;
  else return bad(c, PROTO_E_BAD_REQUEST, "source is unknown");
  return 0;
}

/* "alternatives": [{"phones": str, "logprob": float or nil}] */
static int decode_alternatives(reply_ctx *c, const msgpack_object *al,
                               proto_reply_word *w) {
  if (!al || al->type == MSGPACK_OBJECT_NIL) return 0;
  if (al->type != MSGPACK_OBJECT_ARRAY)
    return bad(c, PROTO_E_BAD_REQUEST, "result.alternatives is not an array");
  uint32_t n = al->via.array.size;
  w->alternatives = calloc(n + 1, sizeof *w->alternatives);
  w->alternative_logprobs = calloc(n + 1, sizeof *w->alternative_logprobs);
  if (!w->alternatives || !w->alternative_logprobs)
    return bad(c, PROTO_E_INTERNAL, "out of memory");
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *a = &al->via.array.ptr[i];
    if (a->type != MSGPACK_OBJECT_MAP)
      return bad(c, PROTO_E_BAD_REQUEST, "result.alternatives[] is not a map");
    const msgpack_object *ph = map_get(a, "phones");
    const msgpack_object *lp = map_get(a, "logprob");
    if (!ph) return bad(c, PROTO_E_BAD_REQUEST, "result.alternatives[].phones is missing");
    if (!(w->alternatives[i] = dup_str(c, ph, "result.alternatives[].phones")))
      return -1;
    w->n_alternatives = i + 1;
    if (!lp || lp->type == MSGPACK_OBJECT_NIL)
      w->alternative_logprobs[i] = NAN;
    else if (lp->type == MSGPACK_OBJECT_FLOAT64 || lp->type == MSGPACK_OBJECT_FLOAT32)
      w->alternative_logprobs[i] = lp->via.f64;
    else
      return bad(c, PROTO_E_BAD_REQUEST, "result.alternatives[].logprob is not a number");
  }
  return 0;
}

static int decode_word(reply_ctx *c, const msgpack_object *o, proto_reply_word *w) {
  if (o->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "result is not a map");
  const msgpack_object *ph = map_get(o, "phones");
  const msgpack_object *src = map_get(o, "source");
  const msgpack_object *er = map_get(o, "error");
  const msgpack_object *va = map_get(o, "variants");
  if (decode_source(c, src, &w->source)) return -1;
  if (er && er->type != MSGPACK_OBJECT_NIL) {
    if (decode_error_map(c, er, &w->error, NULL, NULL)) return -1;
    if (w->error == 0)
      return bad(c, PROTO_E_BAD_REQUEST, "result.error has code 0");
  }
  if (!ph) return bad(c, PROTO_E_BAD_REQUEST, "result.phones is missing");
  if (ph->type == MSGPACK_OBJECT_NIL) {
    if (!w->error) return bad(c, PROTO_E_BAD_REQUEST, "result without phones or error");
  } else if (!(w->phones = dup_str(c, ph, "result.phones"))) {
    return -1;
  }
  if (va && va->type != MSGPACK_OBJECT_NIL) {
    if (va->type != MSGPACK_OBJECT_ARRAY)
      return bad(c, PROTO_E_BAD_REQUEST, "result.variants is not an array");
    w->variants = calloc(va->via.array.size + 1, sizeof *w->variants);
    if (!w->variants) return bad(c, PROTO_E_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < va->via.array.size; i++) {
      if (!(w->variants[i] = dup_str(c, &va->via.array.ptr[i], "result.variants[]")))
        return -1;
      w->n_variants = i + 1;
    }
  }
  return decode_alternatives(c, map_get(o, "alternatives"), w);
}

static int decode_results(reply_ctx *c, const msgpack_object *a, proto_reply *rep) {
  if (a->type != MSGPACK_OBJECT_ARRAY)
    return bad(c, PROTO_E_BAD_REQUEST, "results is not an array");
  rep->words = calloc(a->via.array.size ? a->via.array.size : 1, sizeof *rep->words);
  if (!rep->words) return bad(c, PROTO_E_INTERNAL, "out of memory");
  rep->n_words = a->via.array.size;
  for (uint32_t i = 0; i < a->via.array.size; i++)
    if (decode_word(c, &a->via.array.ptr[i], &rep->words[i])) return -1;
  return 0;
}

static int decode_tword(reply_ctx *c, const msgpack_object *o, proto_reply_tword *w) {
  if (o->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "token word is not a map");
  if (!(w->word = dup_str(c, map_get(o, "word"), "token.words[].word"))) return -1;
  if (decode_source(c, map_get(o, "source"), &w->source)) return -1;
  const msgpack_object *er = map_get(o, "error");
  if (er && er->type != MSGPACK_OBJECT_NIL) {
    if (decode_error_map(c, er, &w->error, NULL, NULL)) return -1;
    if (w->error == 0) return bad(c, PROTO_E_BAD_REQUEST, "word error has code 0");
  }
  const msgpack_object *ph = map_get(o, "phones");
  if (!ph) return bad(c, PROTO_E_BAD_REQUEST, "token word without phones");
  if (ph->type == MSGPACK_OBJECT_NIL) {
    if (!w->error) return bad(c, PROTO_E_BAD_REQUEST, "token word without phones or error");
  } else if (!(w->phones = dup_str(c, ph, "token.words[].phones"))) {
    return -1;
  }
  return 0;
}

static int decode_token(reply_ctx *c, const msgpack_object *o, proto_reply_token *t) {
  uint64_t v = 0;
  if (o->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "token is not a map");
  if (!(t->text = dup_str(c, map_get(o, "text"), "token.text"))) return -1;
  if (!(t->kind = dup_str(c, map_get(o, "kind"), "token.kind"))) return -1;
  if (get_uint(c, o, "start", UINT32_MAX, &v)) return -1;
  t->start = (uint32_t)v;
  if (get_uint(c, o, "end", UINT32_MAX, &v)) return -1;
  t->end = (uint32_t)v;
  if (t->end < t->start) return bad(c, PROTO_E_BAD_REQUEST, "token ends before it starts");
  const msgpack_object *er = map_get(o, "error");
  if (er && er->type != MSGPACK_OBJECT_NIL) {
    if (decode_error_map(c, er, &t->error, NULL, NULL)) return -1;
  }
  const msgpack_object *ws = map_get(o, "words");
  if (!ws || ws->type != MSGPACK_OBJECT_ARRAY)
    return bad(c, PROTO_E_BAD_REQUEST, "token.words is not an array");
  t->words = calloc(ws->via.array.size ? ws->via.array.size : 1, sizeof *t->words);
  if (!t->words) return bad(c, PROTO_E_INTERNAL, "out of memory");
  for (uint32_t i = 0; i < ws->via.array.size; i++) {
    t->n_words = i + 1;
    if (decode_tword(c, &ws->via.array.ptr[i], &t->words[i])) return -1;
  }
  return 0;
}

static int decode_tokens(reply_ctx *c, const msgpack_object *a, proto_reply *rep) {
  if (a->type != MSGPACK_OBJECT_ARRAY)
    return bad(c, PROTO_E_BAD_REQUEST, "tokens is not an array");
  rep->tokens = calloc(a->via.array.size ? a->via.array.size : 1, sizeof *rep->tokens);
  if (!rep->tokens) return bad(c, PROTO_E_INTERNAL, "out of memory");
  for (uint32_t i = 0; i < a->via.array.size; i++) {
    rep->n_tokens = i + 1;
    if (decode_token(c, &a->via.array.ptr[i], &rep->tokens[i])) return -1;
  }
  return 0;
}

static int decode_stats(reply_ctx *c, const msgpack_object *m, proto_reply *rep) {
  if (m->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "stats is not a map");
  size_t n = m->via.map.size;
  rep->stat_names = calloc(n ? n : 1, sizeof *rep->stat_names);
  rep->stat_values = calloc(n ? n : 1, sizeof *rep->stat_values);
  if (!rep->stat_names || !rep->stat_values)
    return bad(c, PROTO_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const msgpack_object_kv *kv = &m->via.map.ptr[i];
    if (kv->val.type != MSGPACK_OBJECT_POSITIVE_INTEGER)
      return bad(c, PROTO_E_BAD_REQUEST, "stats value is not an unsigned integer");
    if (!(rep->stat_names[i] = dup_str(c, &kv->key, "stats key"))) return -1;
    rep->stat_values[i] = kv->val.via.u64;
    rep->n_stats = i + 1;
  }
  return 0;
}

static int decode_info(reply_ctx *c, const msgpack_object *m, proto_reply *rep) {
  proto_info *in = &rep->info;
  uint64_t v = 0;
  if (m->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "info is not a map");
  if (!(in->version = dup_str(c, map_get(m, "version"), "info.version"))) return -1;
  if (get_uint(c, m, "protocol", UINT32_MAX, &v)) return -1;
  rep->protocol = (uint32_t)v;
  if (map_get(m, "protocol_minor")) {
    if (get_uint(c, m, "protocol_minor", UINT32_MAX, &v)) return -1;
    rep->protocol_minor = (uint32_t)v;
  }
  if (get_uint(c, m, "lexicon_words", UINT32_MAX, &v)) return -1;
  in->lexicon_words = (uint32_t)v;
  if (get_uint(c, m, "lexicon_prons", UINT32_MAX, &v)) return -1;
  in->lexicon_prons = (uint32_t)v;
  const msgpack_object *mo = map_get(m, "model");
  if (mo && mo->type == MSGPACK_OBJECT_MAP) {
    in->has_model = 1;
    if (!(in->model_name = dup_str(c, map_get(mo, "name"), "info.model.name")) ||
        !(in->model_arch = dup_str(c, map_get(mo, "arch"), "info.model.arch")) ||
        !(in->model_kernel = dup_str(c, map_get(mo, "kernel"), "info.model.kernel")))
      return -1;
    if (get_uint(c, mo, "checksum", UINT32_MAX, &v)) return -1;
    in->model_checksum = (uint32_t)v;
  } else if (mo && mo->type != MSGPACK_OBJECT_NIL) {
    return bad(c, PROTO_E_BAD_REQUEST, "info.model is neither a map nor nil");
  }
  /* the rescorer: absent from servers before minor 2 */
  const msgpack_object *ro = map_get(m, "rescorer");
  if (ro && ro->type == MSGPACK_OBJECT_MAP) {
    const msgpack_object *w = map_get(ro, "weight");
    in->has_rescorer = 1;
    if (!(in->rescorer_name = dup_str(c, map_get(ro, "name"), "info.rescorer.name")))
      return -1;
    if (get_uint(c, ro, "checksum", UINT32_MAX, &v)) return -1;
    in->rescorer_checksum = (uint32_t)v;
    if (get_uint(c, ro, "hypotheses", UINT32_MAX, &v)) return -1;
    in->rescorer_hypotheses = (uint32_t)v;
    if (!w || (w->type != MSGPACK_OBJECT_FLOAT64 && w->type != MSGPACK_OBJECT_FLOAT32))
      return bad(c, PROTO_E_BAD_REQUEST, "info.rescorer.weight is not a number");
    in->rescorer_weight = w->via.f64;
    const msgpack_object *g = map_get(ro, "gate"); /* absent before minor 3: 0 */
    if (g && g->type != MSGPACK_OBJECT_FLOAT64 && g->type != MSGPACK_OBJECT_FLOAT32)
      return bad(c, PROTO_E_BAD_REQUEST, "info.rescorer.gate is not a number");
    in->rescorer_gate = g ? g->via.f64 : 0.0;
  } else if (ro && ro->type != MSGPACK_OBJECT_NIL) {
    return bad(c, PROTO_E_BAD_REQUEST, "info.rescorer is neither a map nor nil");
  }
  const msgpack_object *li = map_get(m, "limits");
  if (!li || li->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "info.limits is not a map");
  if (get_uint(c, li, "max_frame", UINT32_MAX, &v)) return -1;
  in->limits.max_frame = (uint32_t)v;
  if (get_uint(c, li, "max_words", UINT32_MAX, &v)) return -1;
  in->limits.max_words = (uint32_t)v;
  if (get_uint(c, li, "max_word_bytes", UINT32_MAX, &v)) return -1;
  in->limits.max_word_bytes = (uint32_t)v;
  /* limits of the text op: absent from servers before it */
  if (map_get(li, "max_text_bytes")) {
    if (get_uint(c, li, "max_text_bytes", UINT32_MAX, &v)) return -1;
    in->limits.max_text_bytes = (uint32_t)v;
  }
  if (map_get(li, "max_tokens")) {
    if (get_uint(c, li, "max_tokens", UINT32_MAX, &v)) return -1;
    in->limits.max_tokens = (uint32_t)v;
  }
  return 0;
}

static int decode_top(reply_ctx *c, const msgpack_object *o, proto_reply *rep) {
  uint64_t id = 0;
  if (o->type != MSGPACK_OBJECT_MAP)
    return bad(c, PROTO_E_BAD_REQUEST, "reply is not a map");
  if (get_uint(c, o, "id", UINT64_MAX, &id)) return -1;
  rep->id = id;
  const msgpack_object *ok = map_get(o, "ok");
  if (!ok || ok->type != MSGPACK_OBJECT_BOOLEAN)
    return bad(c, PROTO_E_BAD_REQUEST, "reply field ok is missing or not a bool");
  rep->ok = ok->via.boolean;
  if (!rep->ok)
    return decode_error_map(c, map_get(o, "error"), &rep->error_code,
                            &rep->error_name, &rep->error_message);
  const msgpack_object *v;
  if ((v = map_get(o, "results"))) {
    rep->op = PROTO_OP_WORDS;
    return decode_results(c, v, rep);
  }
  if ((v = map_get(o, "tokens"))) {
    rep->op = PROTO_OP_TEXT;
    return decode_tokens(c, v, rep);
  }
  if ((v = map_get(o, "pong"))) {
    rep->op = PROTO_OP_PING;
    return 0;
  }
  if ((v = map_get(o, "stats"))) {
    rep->op = PROTO_OP_STATS;
    return decode_stats(c, v, rep);
  }
  if ((v = map_get(o, "info"))) {
    rep->op = PROTO_OP_INFO;
    return decode_info(c, v, rep);
  }
  return bad(c, PROTO_E_BAD_REQUEST, "reply has none of results, tokens, pong, stats, info");
}

int proto_reply_decode(const void *payload, size_t len, proto_reply *rep,
                       char *err, size_t errlen) {
  reply_ctx c = {err, errlen, 0};
  msgpack_unpacked u;
  size_t off = 0;
  int rc;
  memset(rep, 0, sizeof *rep);
  if (err && errlen) err[0] = '\0';
  /* The strict reader vets the payload first: msgpack-c sizes its
   * allocations by the lengths a container declares, so a 5-byte "array of
   * 4 billion" must never reach it. */
  mp_reader r;
  mp_item top;
  mp_reader_init(&r, payload, len);
  if (mp_read(&r, &top) || mp_skip_contents(&r, &top, 1) || r.p != r.end) {
    bad(&c, PROTO_E_BAD_MSGPACK, "reply is not exactly one well-formed msgpack object");
    return c.code;
  }
  msgpack_unpacked_init(&u);
  msgpack_unpack_return ur = msgpack_unpack_next(&u, payload, len, &off);
  if (ur == MSGPACK_UNPACK_NOMEM_ERROR) {
    bad(&c, PROTO_E_INTERNAL, "out of memory");
  } else if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) {
    bad(&c, PROTO_E_BAD_MSGPACK, "reply is not well-formed msgpack");
  } else if (off != len) {
    bad(&c, PROTO_E_BAD_MSGPACK, "trailing bytes after the reply map");
  } else {
    decode_top(&c, &u.data, rep);
  }
  msgpack_unpacked_destroy(&u);
  rc = c.code;
  if (rc) proto_reply_free(rep);
  return rc;
}

void proto_reply_free(proto_reply *rep) {
  free(rep->error_name);
  free(rep->error_message);
  for (uint32_t i = 0; i < rep->n_words; i++) {
    proto_reply_word *w = &rep->words[i];
    free(w->phones);
    for (uint32_t k = 0; k < w->n_variants; k++) free(w->variants[k]);
    free(w->variants);
    for (uint32_t k = 0; k < w->n_alternatives; k++) free(w->alternatives[k]);
    free(w->alternatives);
    free(w->alternative_logprobs);
  }
  free(rep->words);
  for (uint32_t i = 0; i < rep->n_tokens; i++) {
    proto_reply_token *t = &rep->tokens[i];
    free(t->text);
    free(t->kind);
    for (uint32_t k = 0; k < t->n_words; k++) {
      free(t->words[k].word);
      free(t->words[k].phones);
    }
    free(t->words);
  }
  free(rep->tokens);
  for (size_t i = 0; i < rep->n_stats; i++) free(rep->stat_names[i]);
  free(rep->stat_names);
  free(rep->stat_values);
  free((char *)rep->info.version);
  free((char *)rep->info.model_name);
  free((char *)rep->info.model_arch);
  free((char *)rep->info.model_kernel);
  free((char *)rep->info.rescorer_name);
  memset(rep, 0, sizeof *rep);
}
