/* proto_reply_encode.c -- the daemon's reply frames, packed without allocation.
 *
 * Every reply is a map that starts with "id" and "ok". A words reply is
 * produced one result at a time (results may come from the dictionary on
 * the loop thread and from the model on a worker), so it has a begin / word
 * / end interface; the frame header is patched at the end and a reply that
 * does not fit is rolled back whole. */
#include <math.h>
#include <string.h>

#include "proto/mp.h"

static void put_head(proto_buf *b, uint64_t id, int ok, uint32_t extra) {
  mp_put_map(b, 2 + extra);
  mp_put_cstr(b, "id");
  mp_put_uint(b, id);
  mp_put_cstr(b, "ok");
  mp_put_bool(b, ok);
}

static void put_error_map(proto_buf *b, int code, const char *message) {
  mp_put_map(b, 3);
  mp_put_cstr(b, "code");
  mp_put_int(b, code);
  mp_put_cstr(b, "name");
  mp_put_cstr(b, proto_error_name(code));
  mp_put_cstr(b, "message");
  mp_put_cstr(b, message && *message ? message : proto_error_message(code));
}

int proto_encode_error(proto_buf *b, uint64_t id, int code, const char *message) {
  size_t mark = proto_frame_begin(b);
  put_head(b, id, 0, 1);
  mp_put_cstr(b, "error");
  put_error_map(b, code, message);
  return proto_frame_end(b, mark);
}

int proto_encode_pong(proto_buf *b, uint64_t id) {
  size_t mark = proto_frame_begin(b);
  put_head(b, id, 1, 1);
  mp_put_cstr(b, "pong");
  mp_put_bool(b, 1);
  return proto_frame_end(b, mark);
}

void proto_encode_words_begin(proto_words_writer *w, proto_buf *b,
                              uint64_t id, uint32_t n) {
  w->b = b;
  w->mark = proto_frame_begin(b);
  w->n = n;
  w->written = 0;
  put_head(b, id, 1, 1);
  mp_put_cstr(b, "results");
  mp_put_array(b, n);
}

void proto_encode_word(proto_words_writer *w, const proto_word_result *r) {
  proto_buf *b = w->b;
  int has_phones = !r->error && r->phones;
  /* A result always has phones or an error: no phones and no error is a
   * bug upstream, reported as such rather than as a malformed reply. */
  int error = has_phones ? 0 : r->error ? r->error : PROTO_E_INTERNAL;
  uint32_t nv = !has_phones ? 0
                : r->n_variants > PROTO_VARIANTS_MAX ? PROTO_VARIANTS_MAX : r->n_variants;
  w->written++;
  int conf = has_phones && r->has_confidence;
  uint32_t na = !has_phones ? 0
                : r->n_alternatives > PROTO_NBEST_MAX ? PROTO_NBEST_MAX : r->n_alternatives;
  mp_put_map(b, 2 + (error != 0) + (nv > 0) + conf + (na > 0));
  mp_put_cstr(b, "phones");
  if (has_phones) mp_put_str(b, r->phones, r->phones_len);
  else mp_put_nil(b);
  mp_put_cstr(b, "source");
  mp_put_cstr(b, proto_source_name(has_phones ? r->source : PROTO_SOURCE_NONE));
  if (error) {
    mp_put_cstr(b, "error");
    put_error_map(b, error, NULL);
  }
  if (nv > 0) {
    mp_put_cstr(b, "variants");
    mp_put_array(b, nv);
    for (uint32_t i = 0; i < nv; i++) mp_put_str(b, r->variant[i], r->variant_len[i]);
  }
  if (conf) {
    mp_put_cstr(b, "confidence");
    mp_put_double(b, r->confidence);
  }
  if (na > 0) {
    mp_put_cstr(b, "alternatives");
    mp_put_array(b, na);
    for (uint32_t i = 0; i < na; i++) {
      mp_put_map(b, 2);
      mp_put_cstr(b, "phones");
      mp_put_str(b, r->alternative[i], r->alternative_len[i]);
      mp_put_cstr(b, "logprob");
      if (isnan(r->alternative_logprob[i])) mp_put_nil(b);
      else mp_put_double(b, r->alternative_logprob[i]);
    }
  }
}

int proto_encode_words_end(proto_words_writer *w) {
  if (w->written != w->n) {
    /* A reply whose array length disagrees with its contents must never
     * be sent: treat it like an overflow. */
    w->b->overflow = 1;
  }
  return proto_frame_end(w->b, w->mark);
}

int proto_encode_stats(proto_buf *b, uint64_t id, const proto_stat *stats,
                       size_t n) {
  size_t mark = proto_frame_begin(b);
  if (n > UINT32_MAX) b->overflow = 1;
  put_head(b, id, 1, 1);
  mp_put_cstr(b, "stats");
  mp_put_map(b, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    mp_put_cstr(b, stats[i].name);
    mp_put_uint(b, stats[i].value);
  }
  return proto_frame_end(b, mark);
}

static void put_kv_str(proto_buf *b, const char *k, const char *v) {
  mp_put_cstr(b, k);
  mp_put_cstr(b, v ? v : "");
}

static void put_kv_uint(proto_buf *b, const char *k, uint64_t v) {
  mp_put_cstr(b, k);
  mp_put_uint(b, v);
}

int proto_encode_info(proto_buf *b, uint64_t id, const proto_info *info) {
  size_t mark = proto_frame_begin(b);
  put_head(b, id, 1, 1);
  mp_put_cstr(b, "info");
  mp_put_map(b, 10);
  put_kv_str(b, "version", info->version);
  put_kv_uint(b, "protocol", PROTO_VERSION);
  put_kv_uint(b, "protocol_minor", PROTO_VERSION_MINOR);
  put_kv_uint(b, "lexicon_words", info->lexicon_words);
  put_kv_uint(b, "lexicon_prons", info->lexicon_prons);
  mp_put_cstr(b, "model");
  if (info->has_model) {
    mp_put_map(b, 4);
    put_kv_str(b, "name", info->model_name);
    put_kv_str(b, "arch", info->model_arch);
    put_kv_str(b, "kernel", info->model_kernel);
    put_kv_uint(b, "checksum", info->model_checksum);
  } else {
    mp_put_nil(b);
  }
  mp_put_cstr(b, "rescorer");
  if (info->has_rescorer) {
    mp_put_map(b, 5);
    put_kv_str(b, "name", info->rescorer_name);
    put_kv_uint(b, "checksum", info->rescorer_checksum);
    mp_put_cstr(b, "weight");
    mp_put_double(b, info->rescorer_weight);
    put_kv_uint(b, "hypotheses", info->rescorer_hypotheses);
    mp_put_cstr(b, "gate");
    mp_put_double(b, info->rescorer_gate);
  } else {
    mp_put_nil(b);
  }
  mp_put_cstr(b, "limits");
  mp_put_map(b, 5);
  put_kv_uint(b, "max_frame", info->limits.max_frame);
  put_kv_uint(b, "max_words", info->limits.max_words);
  put_kv_uint(b, "max_word_bytes", info->limits.max_word_bytes);
  put_kv_uint(b, "max_text_bytes", info->limits.max_text_bytes);
  put_kv_uint(b, "max_tokens", info->limits.max_tokens);
  put_kv_uint(b, "user_lexicon_words", info->user_words);
  put_kv_uint(b, "user_lexicon_prons", info->user_prons);
  return proto_frame_end(b, mark);
}

void proto_encode_text_begin(proto_text_writer *w, proto_buf *b, uint64_t id,
                             uint32_t n_tokens) {
  w->b = b;
  w->mark = proto_frame_begin(b);
  w->n = n_tokens;
  w->written = 0;
  w->words_due = 0;
  w->bad = 0;
  put_head(b, id, 1, 1);
  mp_put_cstr(b, "tokens");
  mp_put_array(b, n_tokens);
}

void proto_encode_token(proto_text_writer *w, const char *text, uint32_t len,
                        uint32_t start, uint32_t end, const char *kind,
                        int error, uint32_t n_words) {
  proto_buf *b = w->b;
  if (w->words_due) w->bad = 1;
  w->written++;
  w->words_due = n_words;
  mp_put_map(b, 5 + (error != 0));
  mp_put_cstr(b, "text");
  mp_put_str(b, text, len);
  mp_put_cstr(b, "start");
  mp_put_uint(b, start);
  mp_put_cstr(b, "end");
  mp_put_uint(b, end);
  mp_put_cstr(b, "kind");
  mp_put_cstr(b, kind);
  if (error) {
    mp_put_cstr(b, "error");
    put_error_map(b, error, NULL);
  }
  mp_put_cstr(b, "words");
  mp_put_array(b, n_words);
}

void proto_encode_token_word(proto_text_writer *w, const char *word,
                             uint32_t word_len, const char *phones,
                             uint32_t phones_len, enum proto_source source,
                             int error) {
  proto_buf *b = w->b;
  int has_phones = !error && phones;
  int code = has_phones ? 0 : error ? error : PROTO_E_INTERNAL;
  if (!w->words_due) w->bad = 1;
  else w->words_due--;
  mp_put_map(b, 3 + (code != 0));
  mp_put_cstr(b, "word");
  mp_put_str(b, word, word_len);
  mp_put_cstr(b, "phones");
  if (has_phones) mp_put_str(b, phones, phones_len);
  else mp_put_nil(b);
  mp_put_cstr(b, "source");
  mp_put_cstr(b, proto_source_name(has_phones ? source : PROTO_SOURCE_NONE));
  if (code) {
    mp_put_cstr(b, "error");
    put_error_map(b, code, NULL);
  }
}

int proto_encode_text_end(proto_text_writer *w) {
  if (w->written != w->n || w->words_due || w->bad) w->b->overflow = 1;
  return proto_frame_end(w->b, w->mark);
}
