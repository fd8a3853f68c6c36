/* proto_request.c -- requests: the daemon's decoder and the client's encoder.
 *
 * The decoder makes one pass over the payload with the strict reader. It
 * keeps going after a semantic problem (a mistyped field, an unknown op) so
 * that the whole payload is still checked for well-formedness: a payload
 * that is not exactly one msgpack object is bad_msgpack whatever else is
 * wrong with it, and the id is picked up wherever it sits in the map so the
 * error reply can echo it. Every problem is noted while the whole map is
 * read, and section 5's precedence then picks the one reported, so the
 * answer never depends on the order of the keys. Word slices point into the
 * payload; nothing is copied or allocated. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/mp.h"

typedef struct decode_state {
  char *err;
  size_t errlen;
  int code;          /* general semantic error of highest precedence */
  int words_code;    /* same for "words"/"opts" (applies to op words) */
  char words_msg[96];
  int seen_id, seen_op, seen_words, seen_opts, seen_text;
  int text_bad;      /* "text" is not a string */
  int opts_code;     /* first error about "opts" (op words and op text) */
  char opts_msg[96];
} decode_state;

/* Section 5's precedence: a mistyped or repeated field (bad_request) beats
 * unknown_op, and among the words checks bad_request beats
 * too_many_words. Lower rank wins; equal rank keeps the first seen. */
static int precedence_rank(int code) {
  switch (code) {
    case PROTO_E_BAD_REQUEST: return 1;
    case PROTO_E_UNKNOWN_OP: return 2;
    case PROTO_E_TOO_MANY_WORDS: return 3;
    default: return 4;
  }
}

static void fail_text(decode_state *st, const char *msg) {
  (void)msg;
  st->text_bad = 1;
}

static void fail(decode_state *st, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(decode_state *st, int code, const char *fmt, ...) {
  va_list ap;
  if (st->code && precedence_rank(st->code) <= precedence_rank(code)) return;
  st->code = code;
  if (st->err && st->errlen) {
    va_start(ap, fmt);
    vsnprintf(st->err, st->errlen, fmt, ap);
    va_end(ap);
  }
}

/* Problems with "words" or "opts", which only matter for op words. */
static void fail_words(decode_state *st, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_words(decode_state *st, int code, const char *fmt, ...) {
  va_list ap;
  if (st->words_code &&
      precedence_rank(st->words_code) <= precedence_rank(code))
    return;
  st->words_code = code;
  va_start(ap, fmt);
  vsnprintf(st->words_msg, sizeof st->words_msg, fmt, ap);
  va_end(ap);
}

static void set_err(decode_state *st, const char *msg) {
  if (st->err && st->errlen) snprintf(st->err, st->errlen, "%s", msg);
}

/* Reads one value (the item `v` was just read at depth `depth`) for an
 * option that must be a bool; nil means absent. */
static int opt_bool(decode_state *st, const mp_item *v, const char *name, int *out) {
  if (v->type == MP_NIL) return 0;
  if (v->type != MP_BOOL) {
    fail_words(st, PROTO_E_BAD_REQUEST, "opts.%s must be a bool", name);
    return 0;
  }
  *out = v->b;
  return 0;
}

/* Notes a second sighting of the option `name`. */
static void opt_seen(decode_state *st, int *seen, const char *name) {
  if ((*seen)++)
    fail_words(st, PROTO_E_BAD_REQUEST, "duplicate key \"opts.%s\"", name);
}

static int decode_opts(mp_reader *r, const mp_item *m, proto_request *req,
                       decode_state *st) {
  int seen_variants = 0, seen_model_only = 0, seen_beam = 0, seen_nbest = 0;
  for (uint32_t i = 0; i < m->n; i++) {
    mp_item k, v;
    if (mp_read(r, &k) || mp_skip_contents(r, &k, 3)) return -1;
    if (mp_read(r, &v)) return -1;
    if (mp_str_eq(&k, "variants")) {
      opt_seen(st, &seen_variants, "variants");
      opt_bool(st, &v, "variants", &req->opt_variants);
    } else if (mp_str_eq(&k, "model_only")) {
      opt_seen(st, &seen_model_only, "model_only");
      opt_bool(st, &v, "model_only", &req->opt_model_only);
    } else if (mp_str_eq(&k, "stress")) {
      int stress = 1;
      opt_bool(st, &v, "stress", &stress);
      req->opt_no_stress = !stress;
    } else if (mp_str_eq(&k, "alphabet")) {
      if (v.type == MP_STR && mp_str_eq(&v, "ipa"))
        req->opt_ipa = 1;
      else if (v.type == MP_STR && mp_str_eq(&v, "arpabet"))
        req->opt_ipa = 0;
      else if (v.type != MP_NIL)
        fail_words(st, PROTO_E_BAD_REQUEST, "opts.alphabet must be \"arpabet\" or \"ipa\"");
    } else if (mp_str_eq(&k, "nbest")) {
      opt_seen(st, &seen_nbest, "nbest");
      if (v.type == MP_UINT && v.u >= 1 && v.u <= PROTO_MAX_BEAM)
        req->opt_nbest = (int)v.u;
      else if (v.type != MP_NIL)
        fail_words(st, PROTO_E_BAD_REQUEST,
                   "opts.nbest must be an integer 1..%d (at most the beam width)",
                   PROTO_MAX_BEAM);
    } else if (mp_str_eq(&k, "beam")) {
      opt_seen(st, &seen_beam, "beam");
      if (v.type == MP_UINT && v.u >= 1 && v.u <= PROTO_MAX_BEAM)
        req->opt_beam = (int)v.u;
      else if (v.type != MP_NIL)
        fail_words(st, PROTO_E_BAD_REQUEST, "opts.beam must be an integer 1..%d",
                   PROTO_MAX_BEAM);
    }
    if (mp_skip_contents(r, &v, 3)) return -1;
  }
  return 0;
}

static int decode_words(mp_reader *r, const mp_item *a, const proto_limits *lim,
                        proto_request *req, decode_state *st) {
  uint32_t cap = lim->max_words < req->words_cap ? lim->max_words : req->words_cap;
  if (a->n == 0) fail_words(st, PROTO_E_BAD_REQUEST, "words is empty");
  if (a->n > cap)
    fail_words(st, PROTO_E_TOO_MANY_WORDS, "%u words, the limit is %u",
               (unsigned)a->n, (unsigned)cap);
  for (uint32_t i = 0; i < a->n; i++) {
    mp_item w;
    if (mp_read(r, &w)) return -1;
    if (w.type != MP_STR) {
      fail_words(st, PROTO_E_BAD_REQUEST, "words must be strings");
      if (mp_skip_contents(r, &w, 3)) return -1;
      continue;
    }
    if (i < cap && req->words) {
      req->words[i].ptr = w.ptr;
      req->words[i].len = w.len;
    }
  }
  req->n_words = a->n <= cap ? a->n : 0;
  return 0;
}

/* Decodes the value of one top-level key; returns -1 on malformed msgpack. */
static int decode_field(mp_reader *r, const mp_item *k, const proto_limits *lim,
                        proto_request *req, decode_state *st) {
  mp_item v;
  if (mp_read(r, &v)) return -1;
  if (mp_str_eq(k, "id")) {
    if (st->seen_id++) fail(st, PROTO_E_BAD_REQUEST, "duplicate key \"id\"");
    if (v.type == MP_UINT) {
      req->id = v.u;
      req->has_id = 1;
    } else {
      fail(st, PROTO_E_BAD_REQUEST, "id must be an unsigned integer");
    }
  } else if (mp_str_eq(k, "op")) {
    if (st->seen_op++) fail(st, PROTO_E_BAD_REQUEST, "duplicate key \"op\"");
    if (v.type != MP_STR) {
      fail(st, PROTO_E_BAD_REQUEST, "op must be a string");
    } else if (mp_str_eq(&v, "words")) {
      req->op = PROTO_OP_WORDS;
    } else if (mp_str_eq(&v, "ping")) {
      req->op = PROTO_OP_PING;
    } else if (mp_str_eq(&v, "stats")) {
      req->op = PROTO_OP_STATS;
    } else if (mp_str_eq(&v, "info")) {
      req->op = PROTO_OP_INFO;
    } else if (mp_str_eq(&v, "text")) {
      req->op = PROTO_OP_TEXT;
    } else {
      /* Echo the name as printable ASCII only: the message must stay
       * valid UTF-8 whatever the client sent. */
      char name[33];
      uint32_t n = v.len < 32 ? v.len : 32;
      for (uint32_t i = 0; i < n; i++)
        name[i] = v.ptr[i] >= 0x20 && v.ptr[i] < 0x7f ? v.ptr[i] : '?';
      name[n] = '\0';
      fail(st, PROTO_E_UNKNOWN_OP, "unknown op \"%s\"", name);
    }
  } else if (mp_str_eq(k, "words")) {
    if (st->seen_words++) fail(st, PROTO_E_BAD_REQUEST, "duplicate key \"words\"");
    if (v.type == MP_ARRAY) return decode_words(r, &v, lim, req, st);
    fail_words(st, PROTO_E_BAD_REQUEST, "words must be an array of strings");
  } else if (mp_str_eq(k, "text")) {
    if (st->seen_text++) fail(st, PROTO_E_BAD_REQUEST, "duplicate key \"text\"");
    if (v.type == MP_STR) {
      req->text.ptr = v.ptr;
      req->text.len = v.len;
      req->has_text = 1;
    } else {
      fail_text(st, "text must be a string");
    }
  } else if (mp_str_eq(k, "opts")) {
    if (st->seen_opts++) fail(st, PROTO_E_BAD_REQUEST, "duplicate key \"opts\"");
    /* opts errors apply to op text too: note them on their own, then fold
     * them into the words errors by precedence */
    int saved_code = st->words_code;
    char saved_msg[sizeof st->words_msg];
    memcpy(saved_msg, st->words_msg, sizeof saved_msg);
    st->words_code = 0;
    int rc = 0;
    if (v.type == MP_MAP) rc = decode_opts(r, &v, req, st);
    else if (v.type != MP_NIL) fail_words(st, PROTO_E_BAD_REQUEST, "opts must be a map");
    if (st->words_code && !st->opts_code) {
      st->opts_code = st->words_code;
      memcpy(st->opts_msg, st->words_msg, sizeof st->opts_msg);
    }
    if (saved_code && (!st->words_code ||
                       precedence_rank(saved_code) <= precedence_rank(st->words_code))) {
      st->words_code = saved_code;
      memcpy(st->words_msg, saved_msg, sizeof saved_msg);
    }
    if (v.type == MP_MAP) return rc;
  }
  return mp_skip_contents(r, &v, 2);
}

int proto_request_decode(const void *payload, size_t len,
                         const proto_limits *lim, proto_request *req,
                         char *err, size_t errlen) {
  decode_state st;
  mp_reader r;
  mp_item top;
  memset(&st, 0, sizeof st);
  st.err = err;
  st.errlen = errlen;
  if (err && errlen) err[0] = '\0';
  req->id = 0;
  req->has_id = 0;
  req->op = PROTO_OP_NONE;
  req->n_words = 0;
  req->opt_variants = 0;
  req->opt_model_only = 0;
  req->opt_nbest = 0;
  req->opt_beam = 0;
  req->text.ptr = NULL;
  req->text.len = 0;
  req->has_text = 0;
  req->opt_no_stress = 0;
  req->opt_ipa = 0;

  mp_reader_init(&r, payload, len);
  if (mp_read(&r, &top)) goto bad_msgpack;
  if (top.type != MP_MAP) {
    if (mp_skip_contents(&r, &top, 1) || r.p != r.end) goto bad_msgpack;
    set_err(&st, "request is not a map");
    return PROTO_E_BAD_REQUEST;
  }
  for (uint32_t i = 0; i < top.n; i++) {
    mp_item k;
    if (mp_read(&r, &k) || mp_skip_contents(&r, &k, 2)) goto bad_msgpack;
    if (decode_field(&r, &k, lim, req, &st)) goto bad_msgpack;
  }
  if (r.p != r.end) {
    set_err(&st, "trailing bytes after the request map");
    req->n_words = 0;
    return PROTO_E_BAD_MSGPACK;
  }
  if (st.code == PROTO_E_BAD_REQUEST) goto semantic;
  if (!st.seen_id) {
    set_err(&st, "missing \"id\"");
    req->n_words = 0;
    return PROTO_E_BAD_REQUEST;
  }
  if (!st.seen_op) {
    set_err(&st, "missing \"op\"");
    req->n_words = 0;
    return PROTO_E_BAD_REQUEST;
  }
  if (st.code) goto semantic;
  if (req->op == PROTO_OP_WORDS) {
    if (!st.seen_words) {
      set_err(&st, "op words needs \"words\"");
      req->n_words = 0;
      return PROTO_E_BAD_REQUEST;
    }
    if (st.words_code) {
      set_err(&st, st.words_msg);
      req->n_words = 0;
      return st.words_code;
    }
  } else {
    req->n_words = 0;
  }
  if (req->op == PROTO_OP_TEXT) {
    if (st.text_bad) {
      set_err(&st, "text must be a string");
      return PROTO_E_BAD_REQUEST;
    }
    if (st.opts_code) {
      set_err(&st, st.opts_msg);
      return st.opts_code;
    }
    if (!req->has_text) {
      set_err(&st, "op text needs \"text\"");
      return PROTO_E_BAD_REQUEST;
    }
    if (lim->max_text_bytes && req->text.len > lim->max_text_bytes) {
      if (err && errlen)
        snprintf(err, errlen, "text is %u bytes, the limit is %u",
                 (unsigned)req->text.len, (unsigned)lim->max_text_bytes);
      req->has_text = 0;
      return PROTO_E_TEXT_TOO_LONG;
    }
  }
  return PROTO_OK;

semantic:
  req->n_words = 0;
  return st.code;
bad_msgpack:
  req->n_words = 0;
  set_err(&st, "payload is not one well-formed msgpack object "
               "(truncated, invalid, or nested too deep)");
  return PROTO_E_BAD_MSGPACK;
}

int proto_encode_request(proto_buf *b, uint64_t id, enum proto_op op,
                         const proto_slice *words, uint32_t n_words,
                         int opt_variants, int opt_model_only, int opt_beam) {
  proto_opts o = {opt_variants, opt_model_only, opt_beam, 0, 0, 0};
  return proto_encode_request_opts(b, id, op, words, n_words, &o);
}

int proto_encode_request_opts(proto_buf *b, uint64_t id, enum proto_op op,
                              const proto_slice *words, uint32_t n_words,
                              const proto_opts *opts) {
  int opt_variants = opts->variants, opt_model_only = opts->model_only;
  int opt_beam = opts->beam, no_stress = opts->no_stress, ipa = opts->ipa;
  int nbest = opts->nbest;
  int has_opts = opt_variants || opt_model_only || opt_beam > 0 || no_stress || ipa ||
                 nbest > 0;
  size_t mark = proto_frame_begin(b);
  mp_put_map(b, 2 + (op == PROTO_OP_WORDS) + has_opts);
  mp_put_cstr(b, "id");
  mp_put_uint(b, id);
  mp_put_cstr(b, "op");
  mp_put_cstr(b, proto_op_name(op));
  if (op == PROTO_OP_WORDS) {
    mp_put_cstr(b, "words");
    mp_put_array(b, n_words);
    for (uint32_t i = 0; i < n_words; i++)
      mp_put_str(b, words[i].ptr, words[i].len);
  }
  if (has_opts) {
    mp_put_cstr(b, "opts");
    mp_put_map(b, (uint32_t)(!!opt_variants + !!opt_model_only + (opt_beam > 0) +
                             !!no_stress + !!ipa + (nbest > 0)));
    if (nbest > 0) {
      mp_put_cstr(b, "nbest");
      mp_put_uint(b, (uint64_t)nbest);
    }
    if (opt_variants) {
      mp_put_cstr(b, "variants");
      mp_put_bool(b, 1);
    }
    if (opt_model_only) {
      mp_put_cstr(b, "model_only");
      mp_put_bool(b, 1);
    }
    if (opt_beam > 0) {
      mp_put_cstr(b, "beam");
      mp_put_uint(b, (uint64_t)opt_beam);
    }
    if (no_stress) {
      mp_put_cstr(b, "stress");
      mp_put_bool(b, 0);
    }
    if (ipa) {
      mp_put_cstr(b, "alphabet");
      mp_put_cstr(b, "ipa");
    }
  }
  return proto_frame_end(b, mark);
}

int proto_encode_text_request(proto_buf *b, uint64_t id, const char *text,
                              uint32_t len, int opt_model_only, int opt_beam) {
  int has_opts = opt_model_only || opt_beam > 0;
  size_t mark = proto_frame_begin(b);
  mp_put_map(b, 3 + has_opts);
  mp_put_cstr(b, "id");
  mp_put_uint(b, id);
  mp_put_cstr(b, "op");
  mp_put_cstr(b, "text");
  mp_put_cstr(b, "text");
  mp_put_str(b, text, len);
  if (has_opts) {
    mp_put_cstr(b, "opts");
    mp_put_map(b, (uint32_t)(!!opt_model_only + (opt_beam > 0)));
    if (opt_model_only) {
      mp_put_cstr(b, "model_only");
      mp_put_bool(b, 1);
    }
    if (opt_beam > 0) {
      mp_put_cstr(b, "beam");
      mp_put_uint(b, (uint64_t)opt_beam);
    }
  }
  return proto_frame_end(b, mark);
}
