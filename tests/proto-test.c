/* proto-test.c -- unit tests of proto/: the codec both ways, every malformed
 * payload class the daemon must reject with the right code, the strict UTF-8
 * validator, and roll-back of frames that do not fit their buffer.
 *
 * Requests are also built byte by byte (not only with our own encoder) so a
 * decoder and encoder that agree on a mistake cannot pass together, and
 * replies are decoded by msgpack-c, which shares no code with our writer. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "proto/proto.h"

/* ---- helpers ------------------------------------------------------------ */

static proto_limits lim;
static proto_slice words_mem[PROTO_DEFAULT_MAX_WORDS];
static proto_request req;
static char err[256];

static void setup(void) {
  proto_limits_default(&lim);
  memset(&req, 0, sizeof req);
  req.words = words_mem;
  req.words_cap = PROTO_DEFAULT_MAX_WORDS;
  err[0] = '\0';
}

static int decode(const void *p, size_t n) {
  return proto_request_decode(p, n, &lim, &req, err, sizeof err);
}

/* A byte builder for hand-made payloads. */
typedef struct bytes {
  unsigned char d[70000];
  size_t n;
} bytes;

static void b_put(bytes *b, const void *p, size_t n) {
  ck_assert_uint_le(b->n + n, sizeof b->d);
  memcpy(b->d + b->n, p, n);
  b->n += n;
}
static void b_byte(bytes *b, unsigned v) {
  unsigned char c = (unsigned char)v;
  b_put(b, &c, 1);
}
static void b_be(bytes *b, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++) b_byte(b, (unsigned)(v >> (8 * (n - 1 - i))) & 0xff);
}
static void b_str(bytes *b, const char *s) {
  size_t n = strlen(s);
  if (n < 32) b_byte(b, 0xa0 | (unsigned)n);
  else { b_byte(b, 0xd9); b_byte(b, (unsigned)n); }
  b_put(b, s, n);
}
/* str8 encoding even for short strings (legal, used by some packers) */
static void b_str8(bytes *b, const char *s) {
  b_byte(b, 0xd9);
  b_byte(b, (unsigned)strlen(s));
  b_put(b, s, strlen(s));
}

/* ---- request round trips ---------------------------------------------- */

START_TEST(request_roundtrip_words) {
  char mem[4096];
  proto_buf b;
  proto_slice w[3] = {{"aardvark", 8}, {"Kubernetes", 10}, {"\xc3\xa9t\xc3\xa9", 5}};
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_request(&b, UINT64_MAX, PROTO_OP_WORDS, w, 3, 1, 1, 16), 0);
  ck_assert_uint_eq(proto_frame_length(mem), b.len - PROTO_HEADER_BYTES);
  ck_assert_int_eq(decode(mem + 4, b.len - 4), PROTO_OK);
  ck_assert(req.has_id);
  ck_assert(req.id == UINT64_MAX);
  ck_assert_int_eq(req.op, PROTO_OP_WORDS);
  ck_assert_uint_eq(req.n_words, 3);
  for (int i = 0; i < 3; i++) {
    ck_assert_uint_eq(req.words[i].len, w[i].len);
    ck_assert(memcmp(req.words[i].ptr, w[i].ptr, w[i].len) == 0);
    /* slices point into the payload, not copies */
    ck_assert(req.words[i].ptr > mem && req.words[i].ptr < mem + b.len);
  }
  ck_assert_int_eq(req.opt_variants, 1);
  ck_assert_int_eq(req.opt_model_only, 1);
  ck_assert_int_eq(req.opt_beam, 16);
}
END_TEST

START_TEST(request_roundtrip_ops) {
  static const enum proto_op ops[] = {PROTO_OP_PING, PROTO_OP_STATS, PROTO_OP_INFO};
  for (unsigned i = 0; i < 3; i++) {
    char mem[64];
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    ck_assert_int_eq(proto_encode_request(&b, 1000 + i, ops[i], NULL, 0, 0, 0, 0), 0);
    ck_assert_int_eq(decode(mem + 4, b.len - 4), PROTO_OK);
    ck_assert_int_eq(req.op, ops[i]);
    ck_assert(req.id == 1000 + i);
    ck_assert_uint_eq(req.n_words, 0);
    ck_assert_int_eq(req.opt_beam, 0);
  }
}
END_TEST

START_TEST(request_max_words_exactly) {
  static char mem[PROTO_DEFAULT_MAX_FRAME];
  proto_slice w[PROTO_DEFAULT_MAX_WORDS + 1];
  proto_buf b;
  for (unsigned i = 0; i <= PROTO_DEFAULT_MAX_WORDS; i++) {
    w[i].ptr = "abcdefghijklmnopqrstuvwxyz" + (i % 20);
    w[i].len = 6;
  }
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_request(&b, 1, PROTO_OP_WORDS, w, 256, 0, 0, 0), 0);
  ck_assert_int_eq(decode(mem + 4, b.len - 4), PROTO_OK);
  ck_assert_uint_eq(req.n_words, 256);
  ck_assert(memcmp(req.words[255].ptr, w[255].ptr, 6) == 0);
  proto_buf_reset(&b);
  ck_assert_int_eq(proto_encode_request(&b, 9, PROTO_OP_WORDS, w, 257, 0, 0, 0), 0);
  ck_assert_int_eq(decode(mem + 4, b.len - 4), PROTO_E_TOO_MANY_WORDS);
  ck_assert(req.has_id && req.id == 9);
  ck_assert_uint_eq(req.n_words, 0);
  /* a smaller configured limit applies */
  lim.max_words = 2;
  proto_buf_reset(&b);
  ck_assert_int_eq(proto_encode_request(&b, 9, PROTO_OP_WORDS, w, 3, 0, 0, 0), 0);
  ck_assert_int_eq(decode(mem + 4, b.len - 4), PROTO_E_TOO_MANY_WORDS);
}
END_TEST

/* Other encoders: keys in another order, wider encodings, unknown keys
 * (also non-string keys and container values), nil opts. */
START_TEST(request_foreign_encoding) {
  bytes b = {.n = 0};
  b_byte(&b, 0xde); b_be(&b, 6, 2);        /* map16 with 6 pairs */
  b_str8(&b, "words");
  b_byte(&b, 0xdc); b_be(&b, 2, 2);        /* array16 */
  b_str8(&b, "aardvark");
  b_byte(&b, 0xda); b_be(&b, 3, 2); b_put(&b, "cat", 3); /* str16 */
  b_byte(&b, 0x05); b_byte(&b, 0x93); b_byte(&b, 1); b_byte(&b, 2); b_byte(&b, 0x90); /* 5: [1,2,[]] */
  b_str(&b, "x-extra"); b_byte(&b, 0x81); b_str(&b, "k"); b_byte(&b, 0xcb); b_be(&b, 0, 8);
  b_str(&b, "op"); b_str8(&b, "words");
  b_str(&b, "id"); b_byte(&b, 0xcf); b_be(&b, 42, 8); /* uint64 encoding of 42 */
  b_str(&b, "opts"); b_byte(&b, 0xc0);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_OK);
  ck_assert(req.id == 42);
  ck_assert_int_eq(req.op, PROTO_OP_WORDS);
  ck_assert_uint_eq(req.n_words, 2);
  ck_assert(req.words[1].len == 3 && memcmp(req.words[1].ptr, "cat", 3) == 0);
  ck_assert_int_eq(req.opt_variants, 0);
  /* a non-negative signed encoding of the id is still an unsigned value */
  bytes c = {.n = 0};
  b_byte(&c, 0x82); b_str(&c, "id"); b_byte(&c, 0xd3); b_be(&c, 5, 8); b_str(&c, "op"); b_str(&c, "ping");
  ck_assert_int_eq(decode(c.d, c.n), PROTO_OK);
  ck_assert(req.id == 5);
}
END_TEST

/* ---- malformed requests ------------------------------------------------- */

static size_t valid_request(char *mem, size_t cap) {
  proto_buf b;
  proto_slice w[2] = {{"aardvark", 8}, {"zebra", 5}};
  proto_buf_init(&b, mem, cap);
  ck_assert_int_eq(proto_encode_request(&b, 77, PROTO_OP_WORDS, w, 2, 1, 0, 4), 0);
  memmove(mem, mem + 4, b.len - 4);
  return b.len - 4;
}

START_TEST(malformed_truncated_every_prefix) {
  char mem[256];
  size_t n = valid_request(mem, sizeof mem);
  for (size_t k = 0; k < n; k++) {
    char *copy = malloc(k ? k : 1); /* exact size so ASan sees overreads */
    memcpy(copy, mem, k);
    ck_assert_int_eq(decode(copy, k), PROTO_E_BAD_MSGPACK);
    ck_assert_uint_eq(req.n_words, 0);
    ck_assert_str_ne(err, "");
    free(copy);
  }
  ck_assert_int_eq(decode(mem, n), PROTO_OK);
}
END_TEST

START_TEST(malformed_trailing_garbage) {
  char mem[256];
  size_t n = valid_request(mem, sizeof mem);
  mem[n] = (char)0xc0; /* a second (valid) object */
  ck_assert_int_eq(decode(mem, n + 1), PROTO_E_BAD_MSGPACK);
  mem[n] = (char)0xc1; /* a never-used byte */
  ck_assert_int_eq(decode(mem, n + 1), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(decode("\xc1", 1), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(decode("", 0), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(decode("hello", 5), PROTO_E_BAD_MSGPACK); /* 'h' = 104 then junk */
}
END_TEST

START_TEST(malformed_not_a_map) {
  bytes b = {.n = 0};
  b_byte(&b, 0x92); b_str(&b, "id"); b_byte(&b, 1);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(!req.has_id);
  ck_assert_int_eq(decode("\x2a", 1), PROTO_E_BAD_REQUEST); /* the number 42 */
  ck_assert_int_eq(decode("\xa3" "abc", 4), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode("\xc0", 1), PROTO_E_BAD_REQUEST);
}
END_TEST

START_TEST(malformed_missing_fields) {
  bytes b = {.n = 0};
  b_byte(&b, 0x81); b_str(&b, "op"); b_str(&b, "ping");
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(!req.has_id);
  ck_assert(strstr(err, "id") != NULL);
  b.n = 0;
  b_byte(&b, 0x81); b_str(&b, "id"); b_byte(&b, 9);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(req.has_id && req.id == 9);
  ck_assert(strstr(err, "op") != NULL);
  b.n = 0; /* words op without words */
  b_byte(&b, 0x82); b_str(&b, "id"); b_byte(&b, 9); b_str(&b, "op"); b_str(&b, "words");
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(req.has_id && req.id == 9);
  ck_assert_int_eq(decode("\x80", 1), PROTO_E_BAD_REQUEST); /* {} */
  b.n = 0; /* words present but no id: no word slices are handed out */
  b_byte(&b, 0x82); b_str(&b, "op"); b_str(&b, "words"); b_str(&b, "words");
  b_byte(&b, 0x91); b_str(&b, "a");
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert_uint_eq(req.n_words, 0);
  b.n = 0; /* no op */
  b_byte(&b, 0x82); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "words");
  b_byte(&b, 0x91); b_str(&b, "a");
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert_uint_eq(req.n_words, 0);
}
END_TEST

/* {"id": 3, "op": "words", "words": <words>, "opts": <opts>} with the two
 * values given as raw msgpack. */
static int decode_with(const char *words, size_t wn, const char *opts, size_t on) {
  bytes b = {.n = 0};
  b_byte(&b, 0x80 | (opts ? 4 : 3));
  b_str(&b, "op"); b_str(&b, "words");
  b_str(&b, "words"); b_put(&b, words, wn);
  b_str(&b, "id"); b_byte(&b, 3);
  if (opts) { b_str(&b, "opts"); b_put(&b, opts, on); }
  return decode(b.d, b.n);
}

START_TEST(malformed_wrong_types) {
  const char one_word[] = "\x91\xa1" "a";
  /* id mistyped: string, negative, float, bool */
  static const char *ids[] = {"\xa1" "1", "\xff", "\xcb\x3f\xf0\0\0\0\0\0\0", "\xc3"};
  static const size_t idn[] = {2, 1, 9, 1};
  for (int i = 0; i < 4; i++) {
    bytes b = {.n = 0};
    b_byte(&b, 0x82); b_str(&b, "id"); b_put(&b, ids[i], idn[i]); b_str(&b, "op"); b_str(&b, "ping");
    ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
    ck_assert(!req.has_id);
  }
  /* op mistyped */
  bytes b = {.n = 0};
  b_byte(&b, 0x82); b_str(&b, "id"); b_byte(&b, 4); b_str(&b, "op"); b_byte(&b, 1);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(req.has_id && req.id == 4);
  /* words mistyped: a string, a map, elements not strings, empty */
  ck_assert_int_eq(decode_with("\xa1" "a", 2, NULL, 0), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with("\x80", 1, NULL, 0), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with("\x92\xa1" "a\x01", 4, NULL, 0), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with("\x91\xc4\x01" "a", 4, NULL, 0), PROTO_E_BAD_REQUEST); /* bin */
  ck_assert_int_eq(decode_with("\x91\x91\xa1" "a", 4, NULL, 0), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with("\x90", 1, NULL, 0), PROTO_E_BAD_REQUEST);
  ck_assert(req.has_id && req.id == 3);
  /* opts mistyped */
  ck_assert_int_eq(decode_with(one_word, 3, "\x91\x01", 2), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xa8variants\x01", 11), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xaamodel_only\xa1y", 14), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xa4" "beam\x00", 7), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xa4" "beam\x11", 7), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xa4" "beam\xff", 7), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x81\xa4" "beam\x10", 7), PROTO_OK);
  ck_assert_int_eq(req.opt_beam, 16);
  ck_assert_int_eq(decode_with(one_word, 3, "\x82\xa4" "beam\x01\xa3zzz\x93\x01\x02\x03", 15), PROTO_OK);
  ck_assert_int_eq(req.opt_beam, 1);
  ck_assert_uint_eq(req.n_words, 1);
}
END_TEST

START_TEST(malformed_unknown_op_and_duplicates) {
  bytes b = {.n = 0};
  b_byte(&b, 0x82); b_str(&b, "op"); b_str(&b, "transmogrify"); b_str(&b, "id"); b_byte(&b, 12);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_UNKNOWN_OP);
  ck_assert(req.has_id && req.id == 12);
  ck_assert(strstr(err, "transmogrify") != NULL);
  b.n = 0; /* the op name is echoed as printable ASCII only */
  b_byte(&b, 0x82); b_str(&b, "op"); b_str(&b, "x\xff\n"); b_str(&b, "id"); b_byte(&b, 12);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_UNKNOWN_OP);
  ck_assert_str_eq(err, "unknown op \"x??\"");
  ck_assert(utf8_valid(err, strlen(err)));
  b.n = 0;
  b_byte(&b, 0x83); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "op"); b_str(&b, "ping");
  b_str(&b, "id"); b_byte(&b, 2);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  /* a ping ignores words and opts keys, even broken ones */
  b.n = 0;
  b_byte(&b, 0x83); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "op"); b_str(&b, "ping");
  b_str(&b, "opts"); b_byte(&b, 0x81); b_str(&b, "beam"); b_byte(&b, 0);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_OK);
  b.n = 0;
  b_byte(&b, 0x83); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "op"); b_str(&b, "ping");
  b_str(&b, "words"); b_byte(&b, 0x07);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_OK);
  ck_assert_int_eq(req.op, PROTO_OP_PING);
  ck_assert_uint_eq(req.n_words, 0);
}
END_TEST

/* Section 5's precedence holds whatever order the keys come in. */
START_TEST(malformed_precedence_any_key_order) {
  bytes b = {.n = 0};
  /* {"op":"fly","id":-1} and {"id":-1,"op":"fly"}: a mistyped id wins */
  b_byte(&b, 0x82); b_str(&b, "op"); b_str(&b, "fly"); b_str(&b, "id"); b_byte(&b, 0xff);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(strstr(err, "id") != NULL);
  b.n = 0;
  b_byte(&b, 0x82); b_str(&b, "id"); b_byte(&b, 0xff); b_str(&b, "op"); b_str(&b, "fly");
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  /* a repeated key after an unknown op is still bad_request */
  b.n = 0;
  b_byte(&b, 0x83); b_str(&b, "op"); b_str(&b, "fly"); b_str(&b, "id"); b_byte(&b, 1);
  b_str(&b, "id"); b_byte(&b, 2);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  /* 257 words and opts {beam: 0}, either order: bad_request */
  static char words[2048];
  size_t wn = 0;
  words[wn++] = (char)0xdc; words[wn++] = 0x01; words[wn++] = 0x01; /* array16 of 257 */
  for (int i = 0; i < 257; i++) { words[wn++] = (char)0xa1; words[wn++] = 'a'; }
  const char beam0[] = "\x81\xa4" "beam\x00";
  ck_assert_int_eq(decode_with(words, wn, beam0, 7), PROTO_E_BAD_REQUEST);
  ck_assert(strstr(err, "beam") != NULL);
  b.n = 0;
  b_byte(&b, 0x84); b_str(&b, "id"); b_byte(&b, 3); b_str(&b, "op"); b_str(&b, "words");
  b_str(&b, "opts"); b_put(&b, beam0, 7); b_str(&b, "words"); b_put(&b, words, wn);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_REQUEST);
  ck_assert(strstr(err, "beam") != NULL);
  /* 257 words alone stay too_many_words */
  ck_assert_int_eq(decode_with(words, wn, NULL, 0), PROTO_E_TOO_MANY_WORDS);
}
END_TEST

/* A known option twice is bad_request, as a known top-level key twice is. */
START_TEST(malformed_duplicate_option) {
  const char one_word[] = "\x91\xa1" "a";
  ck_assert_int_eq(decode_with(one_word, 3, "\x82\xa4" "beam\x01\xa4" "beam\x02", 13),
                   PROTO_E_BAD_REQUEST);
  ck_assert(strstr(err, "beam") != NULL);
  ck_assert_uint_eq(req.n_words, 0);
  ck_assert_int_eq(decode_with(one_word, 3, "\x82\xa8variants\xc3\xa8variants\xc2", 21),
                   PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(decode_with(one_word, 3, "\x82\xaamodel_only\xc0\xaamodel_only\xc3", 25),
                   PROTO_E_BAD_REQUEST);
  /* distinct options and unknown repeated keys are fine */
  ck_assert_int_eq(decode_with(one_word, 3, "\x83\xa4" "beam\x02\xa1q\x01\xa1q\x02", 13),
                   PROTO_OK);
  ck_assert_int_eq(req.opt_beam, 2);
}
END_TEST

START_TEST(malformed_huge_lengths) {
  /* Declared sizes far beyond the payload: rejected without reading past it. */
  static const char *heads[] = {
      "\xdd\xff\xff\xff\xff",             /* array32 of 4G */
      "\xdb\xff\xff\xff\xff",             /* str32 of 4G */
      "\xc6\xff\xff\xff\xff",             /* bin32 */
      "\xdf\xff\xff\xff\xff",             /* map32 */
      "\xc9\xff\xff\xff\xff\x01",         /* ext32 */
      "\xdc\x01\x00",                     /* array16 of 256, 0 follow */
  };
  static const size_t headn[] = {5, 5, 5, 5, 6, 3};
  for (int i = 0; i < 6; i++) {
    bytes b = {.n = 0};
    b_byte(&b, 0x83); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "op"); b_str(&b, "ping");
    b_str(&b, "junk"); b_put(&b, heads[i], headn[i]); b_byte(&b, 0);
    ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_MSGPACK);
    /* and as the top-level object */
    ck_assert_int_eq(decode(heads[i], headn[i]), PROTO_E_BAD_MSGPACK);
  }
  /* the words array itself lying about its length */
  ck_assert_int_eq(decode_with("\xdd\x00\x01\x00\x00\xa1" "a", 7, NULL, 0), PROTO_E_BAD_MSGPACK);
}
END_TEST

static int decode_nested(unsigned levels, int use_maps) {
  bytes *b = calloc(1, sizeof *b);
  int rc;
  b_byte(b, 0x83); b_str(b, "id"); b_byte(b, 1); b_str(b, "op"); b_str(b, "ping");
  b_str(b, "deep");
  for (unsigned i = 0; i < levels; i++) {
    if (use_maps) { b_byte(b, 0x81); b_byte(b, 0); } else b_byte(b, 0x91);
  }
  b_byte(b, 0xc0);
  rc = decode(b->d, b->n);
  free(b);
  return rc;
}

START_TEST(malformed_depth_bombs) {
  /* top map is depth 1, so 15 more levels are allowed and 16 are not */
  ck_assert_int_eq(decode_nested(15, 0), PROTO_OK);
  ck_assert_int_eq(decode_nested(16, 0), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(decode_nested(15, 1), PROTO_OK);
  ck_assert_int_eq(decode_nested(16, 1), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(decode_nested(60000, 0), PROTO_E_BAD_MSGPACK);
  /* a deep container as a map key */
  bytes b = {.n = 0};
  b_byte(&b, 0x83); b_str(&b, "id"); b_byte(&b, 1); b_str(&b, "op"); b_str(&b, "ping");
  for (int i = 0; i < 40; i++) b_byte(&b, 0x91);
  b_byte(&b, 0); b_byte(&b, 0);
  ck_assert_int_eq(decode(b.d, b.n), PROTO_E_BAD_MSGPACK);
  /* deep inside opts */
  char opts[64];
  opts[0] = (char)0x81; opts[1] = (char)0xa1; opts[2] = 'q';
  for (int i = 0; i < 20; i++) opts[3 + i] = (char)0x91;
  opts[23] = 0;
  ck_assert_int_eq(decode_with("\x91\xa1" "a", 3, opts, 24), PROTO_E_BAD_MSGPACK);
}
END_TEST

/* Random corruption of valid requests: never a crash, never an overread
 * (run under ASan), always a defined code, and OK results stay in bounds. */
START_TEST(malformed_random_mutations) {
  char mem[256];
  size_t n = valid_request(mem, sizeof mem);
  uint32_t seed = 12345;
  for (int iter = 0; iter < 200000; iter++) {
    char *copy = malloc(n);
    memcpy(copy, mem, n);
    int flips = 1 + (int)(seed % 3);
    for (int f = 0; f < flips; f++) {
      seed = seed * 1103515245u + 12345u;
      copy[(seed >> 8) % n] = (char)(seed >> 16);
    }
    seed = seed * 1103515245u + 12345u;
    size_t len = n - (seed >> 20) % 4;
    int rc = decode(copy, len);
    ck_assert(rc == PROTO_OK || rc == PROTO_E_BAD_MSGPACK || rc == PROTO_E_BAD_REQUEST ||
              rc == PROTO_E_UNKNOWN_OP || rc == PROTO_E_TOO_MANY_WORDS);
    if (rc == PROTO_OK)
      for (uint32_t i = 0; i < req.n_words; i++)
        ck_assert(req.words[i].ptr >= copy && req.words[i].ptr + req.words[i].len <= copy + len);
    free(copy);
  }
}
END_TEST

/* ---- replies ------------------------------------------------------------ */

START_TEST(reply_words_roundtrip) {
  char mem[4096];
  proto_buf b;
  proto_words_writer w;
  proto_reply rep;
  proto_word_result r[3];
  memset(r, 0, sizeof r);
  r[0].source = PROTO_SOURCE_DICT;
  r[0].phones = "T AH0 M EY1 T OW2xxxx";
  r[0].phones_len = 16;
  r[0].n_variants = 2;
  r[0].variant[0] = "T AH0 M EY1 T OW2";
  r[0].variant_len[0] = 16;
  r[0].variant[1] = "T AH0 M AA1 T OW2";
  r[0].variant_len[1] = 17;
  r[1].source = PROTO_SOURCE_MODEL;
  r[1].phones = "K UW1 B ER0 N EH1 T IY0 Z";
  r[1].phones_len = (uint32_t)strlen(r[1].phones);
  r[2].error = PROTO_E_NOT_FOUND;
  r[2].n_variants = 1; /* ignored on error */
  r[2].variant[0] = "X";
  r[2].variant_len[0] = 1;
  proto_word_result empty = {0}; /* neither phones nor error */
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_words_begin(&w, &b, 99, 4);
  for (int i = 0; i < 3; i++) proto_encode_word(&w, &r[i]);
  proto_encode_word(&w, &empty);
  ck_assert_int_eq(proto_encode_words_end(&w), 0);
  ck_assert_uint_eq(proto_frame_length(mem), b.len - 4);
  ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 4, &rep, err, sizeof err), PROTO_OK);
  ck_assert(rep.id == 99);
  ck_assert(rep.ok);
  ck_assert_int_eq(rep.op, PROTO_OP_WORDS);
  ck_assert_uint_eq(rep.n_words, 4);
  ck_assert_str_eq(rep.words[0].phones, "T AH0 M EY1 T OW");
  ck_assert_int_eq(rep.words[0].source, PROTO_SOURCE_DICT);
  ck_assert_uint_eq(rep.words[0].n_variants, 2);
  ck_assert_str_eq(rep.words[0].variants[1], "T AH0 M AA1 T OW2");
  ck_assert_str_eq(rep.words[1].phones, "K UW1 B ER0 N EH1 T IY0 Z");
  ck_assert_int_eq(rep.words[1].source, PROTO_SOURCE_MODEL);
  ck_assert_uint_eq(rep.words[1].n_variants, 0);
  ck_assert_ptr_null(rep.words[2].phones);
  ck_assert_int_eq(rep.words[2].error, PROTO_E_NOT_FOUND);
  ck_assert_int_eq(rep.words[2].source, PROTO_SOURCE_NONE);
  ck_assert_uint_eq(rep.words[2].n_variants, 0);
  ck_assert_int_eq(rep.words[3].error, PROTO_E_INTERNAL);
  proto_reply_free(&rep);
}
END_TEST

START_TEST(reply_error_pong_stats_info) {
  char mem[4096];
  proto_buf b;
  proto_reply rep;
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_error(&b, 5, PROTO_E_UNKNOWN_OP, "unknown op \"x\""), 0);
  size_t first = b.len;
  ck_assert_int_eq(proto_encode_pong(&b, 6), 0);
  ck_assert_int_eq(proto_reply_decode(mem + 4, first - 4, &rep, err, sizeof err), PROTO_OK);
  ck_assert(!rep.ok && rep.id == 5);
  ck_assert_int_eq(rep.error_code, PROTO_E_UNKNOWN_OP);
  ck_assert_str_eq(rep.error_name, "unknown_op");
  ck_assert_str_eq(rep.error_message, "unknown op \"x\"");
  proto_reply_free(&rep);
  /* frames are back to back in the buffer */
  ck_assert_uint_eq(proto_frame_length(mem + first), b.len - first - 4);
  ck_assert_int_eq(proto_reply_decode(mem + first + 4, b.len - first - 4, &rep, err, sizeof err), PROTO_OK);
  ck_assert(rep.ok && rep.id == 6 && rep.op == PROTO_OP_PING);
  proto_reply_free(&rep);

  proto_stat st[3] = {{"requests.words", 12}, {"errors.bad_msgpack", 0}, {"big", UINT64_MAX}};
  proto_buf_reset(&b);
  ck_assert_int_eq(proto_encode_stats(&b, 7, st, 3), 0);
  ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 4, &rep, err, sizeof err), PROTO_OK);
  ck_assert_int_eq(rep.op, PROTO_OP_STATS);
  ck_assert_uint_eq(rep.n_stats, 3);
  ck_assert_str_eq(rep.stat_names[0], "requests.words");
  ck_assert(rep.stat_values[0] == 12 && rep.stat_values[2] == UINT64_MAX);
  proto_reply_free(&rep);

  proto_info in = {.version = "0.1.0", .lexicon_words = 125000, .lexicon_prons = 134000,
                   .has_model = 1, .model_name = "bigru", .model_arch = "bigru-attn",
                   .model_kernel = "avx2", .model_checksum = 0xdeadbeef};
  proto_limits_default(&in.limits);
  in.limits.max_words = 100;
  in.rescorer_name = "r2l";
  in.rescorer_checksum = 0x0c5bdb15;
  in.rescorer_weight = 0.75;
  in.rescorer_hypotheses = 4;
  in.rescorer_gate = -1.5;
  for (int with_model = 0; with_model < 2; with_model++) {
    in.has_model = with_model;
    in.has_rescorer = with_model;
    proto_buf_reset(&b);
    ck_assert_int_eq(proto_encode_info(&b, 8, &in), 0);
    ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 4, &rep, err, sizeof err), PROTO_OK);
    ck_assert_int_eq(rep.op, PROTO_OP_INFO);
    ck_assert_str_eq(rep.info.version, "0.1.0");
    ck_assert_uint_eq(rep.protocol, PROTO_VERSION);
    ck_assert_uint_eq(rep.info.lexicon_prons, 134000);
    ck_assert_int_eq(rep.info.has_model, with_model);
    if (with_model) {
      ck_assert_str_eq(rep.info.model_arch, "bigru-attn");
      ck_assert_uint_eq(rep.info.model_checksum, 0xdeadbeef);
      ck_assert_int_eq(rep.info.has_rescorer, 1);
      ck_assert_str_eq(rep.info.rescorer_name, "r2l");
      ck_assert_uint_eq(rep.info.rescorer_checksum, 0x0c5bdb15);
      ck_assert(rep.info.rescorer_weight == 0.75);
      ck_assert_uint_eq(rep.info.rescorer_hypotheses, 4);
      ck_assert(rep.info.rescorer_gate == -1.5);
    } else {
      ck_assert_ptr_null(rep.info.model_name);
      ck_assert_int_eq(rep.info.has_rescorer, 0);
      ck_assert_ptr_null(rep.info.rescorer_name);
    }
    ck_assert_uint_eq(rep.protocol_minor, PROTO_VERSION_MINOR);
    if (with_model) { /* a rescorer without its weight is a bad reply */
      char *k = memmem(mem, b.len, "weight", 6);
      ck_assert_ptr_nonnull(k);
      k[5] = 'x';
      proto_reply bad_rep;
      ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 4, &bad_rep, err, sizeof err),
                       PROTO_E_BAD_REQUEST);
      ck_assert_ptr_nonnull(strstr(err, "rescorer.weight"));
      k[5] = 't'; /* a gate that is not a number is one too */
      char *g = memmem(mem, b.len, "gate", 4);
      ck_assert_ptr_nonnull(g);
      ck_assert_uint_eq((uint8_t)g[4], 0xcb); /* float64 */
      g[4] = (char)0xcf;                       /* the same 8 bytes as a uint64 */
      ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 4, &bad_rep, err, sizeof err),
                       PROTO_E_BAD_REQUEST);
      ck_assert_ptr_nonnull(strstr(err, "rescorer.gate"));
    }
    ck_assert_uint_eq(rep.info.limits.max_words, 100);
    ck_assert_uint_eq(rep.info.limits.max_frame, PROTO_DEFAULT_MAX_FRAME);
    proto_reply_free(&rep);
  }
}
END_TEST

START_TEST(reply_malformed) {
  char mem[256];
  proto_buf b;
  proto_reply rep;
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_pong(&b, 6), 0);
  for (size_t k = 0; k < b.len - 4; k++)
    ck_assert_int_eq(proto_reply_decode(mem + 4, k, &rep, err, sizeof err), PROTO_E_BAD_MSGPACK);
  mem[b.len] = 0;
  ck_assert_int_eq(proto_reply_decode(mem + 4, b.len - 3, &rep, err, sizeof err), PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(proto_reply_decode("\x91\x01", 2, &rep, err, sizeof err), PROTO_E_BAD_REQUEST);
  /* declared sizes far beyond the payload: refused before any allocation */
  ck_assert_int_eq(proto_reply_decode("\xdd\x90\x8f\x5a\x77\x01", 6, &rep, err, sizeof err),
                   PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(proto_reply_decode("\x81\xa1k\xdf\xff\xff\xff\xff", 7, &rep, err, sizeof err),
                   PROTO_E_BAD_MSGPACK);
  ck_assert_int_eq(proto_reply_decode("\x81\xa2id\x01", 5, &rep, err, sizeof err), PROTO_E_BAD_REQUEST);
  ck_assert_int_eq(proto_reply_decode("\x82\xa2id\x01\xa2ok\xc3", 9, &rep, err, sizeof err),
                   PROTO_E_BAD_REQUEST); /* ok without a payload key */
  /* result without phones or error */
  const char bad_result[] = "\x83\xa2id\x01\xa2ok\xc3\xa7results\x91\x82\xa6phones\xc0\xa6source\xa4none";
  ck_assert_int_eq(proto_reply_decode(bad_result, sizeof bad_result - 1, &rep, err, sizeof err),
                   PROTO_E_BAD_REQUEST);
}
END_TEST

/* ---- buffers and framing ------------------------------------------------ */

START_TEST(buf_overflow_rolls_back) {
  char mem[512];
  proto_buf b;
  proto_word_result r = {.source = PROTO_SOURCE_DICT, .phones = "AA1 R D V AA2 R K", .phones_len = 17};
  /* the full size of a 3-word reply, then every smaller capacity */
  proto_words_writer w;
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_words_begin(&w, &b, 1, 3);
  for (int i = 0; i < 3; i++) proto_encode_word(&w, &r);
  ck_assert_int_eq(proto_encode_words_end(&w), 0);
  size_t full = b.len;
  char good[512];
  memcpy(good, mem, full);
  for (size_t cap = 0; cap < full + 8; cap++) {
    proto_buf_init(&b, mem, cap);
    proto_encode_words_begin(&w, &b, 1, 3);
    for (int i = 0; i < 3; i++) proto_encode_word(&w, &r);
    int rc = proto_encode_words_end(&w);
    if (cap < full) {
      ck_assert_int_eq(rc, -1);
      ck_assert_uint_eq(b.len, 0);
    } else {
      ck_assert_int_eq(rc, 0);
      ck_assert_uint_eq(b.len, full);
      ck_assert(memcmp(mem, good, full) == 0);
    }
    ck_assert_int_eq(b.overflow, 0);
  }
  /* with a frame already queued, an overflowing one leaves it intact and the
   * buffer usable */
  proto_buf_init(&b, mem, 40);
  ck_assert_int_eq(proto_encode_pong(&b, 1), 0);
  size_t queued = b.len;
  ck_assert_int_eq(proto_encode_error(&b, 2, PROTO_E_INTERNAL, NULL), -1);
  ck_assert_uint_eq(b.len, queued);
  ck_assert_int_eq(proto_encode_pong(&b, 3), 0);
  ck_assert_uint_eq(b.len, 2 * queued);
  /* a words writer whose count disagrees never produces a frame */
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_words_begin(&w, &b, 1, 2);
  proto_encode_word(&w, &r);
  ck_assert_int_eq(proto_encode_words_end(&w), -1);
  ck_assert_uint_eq(b.len, 0);
  /* request encoding too */
  proto_slice words[1] = {{"aardvark", 8}};
  proto_buf_init(&b, mem, 20);
  ck_assert_int_eq(proto_encode_request(&b, 1, PROTO_OP_WORDS, words, 1, 1, 1, 2), -1);
  ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(frame_checks) {
  const unsigned char h[4] = {0x00, 0x01, 0x00, 0x02};
  ck_assert_uint_eq(proto_frame_length(h), 65538);
  const unsigned char h2[4] = {0xff, 0xff, 0xff, 0xff};
  ck_assert_uint_eq(proto_frame_length(h2), 0xffffffffu);
  ck_assert_int_eq(proto_frame_check(0, &lim), PROTO_E_BAD_FRAME);
  ck_assert_int_eq(proto_frame_check(1, &lim), PROTO_OK);
  ck_assert_int_eq(proto_frame_check(PROTO_DEFAULT_MAX_FRAME, &lim), PROTO_OK);
  ck_assert_int_eq(proto_frame_check(PROTO_DEFAULT_MAX_FRAME + 1, &lim), PROTO_E_FRAME_TOO_LARGE);
  ck_assert_int_eq(proto_frame_check(0xffffffffu, &lim), PROTO_E_FRAME_TOO_LARGE);
  ck_assert_str_eq(proto_error_name(PROTO_E_NOT_FOUND), "not_found");
  ck_assert_str_eq(proto_error_name(PROTO_E_INTERNAL), "internal");
  ck_assert_str_eq(proto_error_name(99), "unknown");
  ck_assert_str_eq(proto_error_name(-1), "unknown");
  for (int c = 1; c <= PROTO_E_MAX; c++) {
    ck_assert_str_ne(proto_error_name(c), "unknown");
    ck_assert_str_ne(proto_error_message(c), "");
  }
  ck_assert_str_eq(proto_op_name(PROTO_OP_STATS), "stats");
  ck_assert_str_eq(proto_source_name(PROTO_SOURCE_MODEL), "model");
}
END_TEST

/* ---- UTF-8 -------------------------------------------------------------- */

#define U8(s) (s), (sizeof(s) - 1)

START_TEST(utf8_valid_cases) {
  ck_assert(utf8_valid(U8("")));
  ck_assert(utf8_valid(U8("aardvark")));
  ck_assert(utf8_valid(U8("caf\xc3\xa9")));            /* U+00E9 */
  ck_assert(utf8_valid(U8("\xc2\x80")));               /* U+0080, smallest 2-byte */
  ck_assert(utf8_valid(U8("\xe0\xa0\x80")));           /* U+0800 */
  ck_assert(utf8_valid(U8("\xed\x9f\xbf")));           /* U+D7FF */
  ck_assert(utf8_valid(U8("\xee\x80\x80")));           /* U+E000 */
  ck_assert(utf8_valid(U8("\xef\xbf\xbf")));           /* U+FFFF */
  ck_assert(utf8_valid(U8("\xf0\x90\x80\x80")));       /* U+10000 */
  ck_assert(utf8_valid(U8("\xf0\x9f\x98\x80")));       /* emoji */
  ck_assert(utf8_valid(U8("\xf4\x8f\xbf\xbf")));       /* U+10FFFF */
}
END_TEST

START_TEST(utf8_invalid_cases) {
  /* overlong forms */
  ck_assert(!utf8_valid(U8("\xc0\x80")));
  ck_assert(!utf8_valid(U8("\xc1\xbf")));
  ck_assert(!utf8_valid(U8("\xe0\x80\x80")));
  ck_assert(!utf8_valid(U8("\xe0\x9f\xbf")));
  ck_assert(!utf8_valid(U8("\xf0\x80\x80\x80")));
  ck_assert(!utf8_valid(U8("\xf0\x8f\xbf\xbf")));
  /* surrogates */
  ck_assert(!utf8_valid(U8("\xed\xa0\x80")));
  ck_assert(!utf8_valid(U8("\xed\xbf\xbf")));
  /* above U+10FFFF */
  ck_assert(!utf8_valid(U8("\xf4\x90\x80\x80")));
  ck_assert(!utf8_valid(U8("\xf5\x80\x80\x80")));
  ck_assert(!utf8_valid(U8("\xff")));
  ck_assert(!utf8_valid(U8("\xfe")));
  /* truncated sequences, at the end and in the middle */
  ck_assert(!utf8_valid(U8("\xc3")));
  ck_assert(!utf8_valid(U8("abc\xe2\x82")));
  ck_assert(!utf8_valid(U8("\xf0\x9f\x98")));
  ck_assert(!utf8_valid(U8("\xe2\x82z")));
  ck_assert(!utf8_valid(U8("\xf0\x9f\x98z")));
  /* stray continuation bytes */
  ck_assert(!utf8_valid(U8("\x80")));
  ck_assert(!utf8_valid(U8("a\xbf")));
  /* the length bounds the scan: a valid prefix of an invalid buffer */
  ck_assert(utf8_valid("ab\xff", 2));
  ck_assert(!utf8_valid("\xc3\xa9", 1));
}
END_TEST

START_TEST(word_check_cases) {
  char w[100];
  memset(w, 'a', sizeof w);
  ck_assert_int_eq(proto_word_check(w, 0, &lim), PROTO_E_EMPTY_WORD);
  ck_assert_int_eq(proto_word_check(w, 64, &lim), PROTO_OK);
  ck_assert_int_eq(proto_word_check(w, 65, &lim), PROTO_E_WORD_TOO_LONG);
  ck_assert_int_eq(proto_word_check(U8("\xed\xa0\x80"), &lim), PROTO_E_BAD_UTF8);
  ck_assert_int_eq(proto_word_check(U8("a\0b"), &lim), PROTO_E_BAD_UTF8);
  ck_assert_int_eq(proto_word_check(U8("na\xc3\xafve"), &lim), PROTO_OK);
  lim.max_word_bytes = 3;
  ck_assert_int_eq(proto_word_check(U8("abcd"), &lim), PROTO_E_WORD_TOO_LONG);
}
END_TEST

static Suite *proto_suite(void) {
  Suite *s = suite_create("proto");
  TCase *t = tcase_create("request");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, request_roundtrip_words);
  tcase_add_test(t, request_roundtrip_ops);
  tcase_add_test(t, request_max_words_exactly);
  tcase_add_test(t, request_foreign_encoding);
  suite_add_tcase(s, t);
  t = tcase_create("malformed");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, malformed_truncated_every_prefix);
  tcase_add_test(t, malformed_trailing_garbage);
  tcase_add_test(t, malformed_not_a_map);
  tcase_add_test(t, malformed_missing_fields);
  tcase_add_test(t, malformed_wrong_types);
  tcase_add_test(t, malformed_unknown_op_and_duplicates);
  tcase_add_test(t, malformed_precedence_any_key_order);
  tcase_add_test(t, malformed_duplicate_option);
  tcase_add_test(t, malformed_huge_lengths);
  tcase_add_test(t, malformed_depth_bombs);
  tcase_add_test(t, malformed_random_mutations);
  suite_add_tcase(s, t);
  t = tcase_create("reply");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, reply_words_roundtrip);
  tcase_add_test(t, reply_error_pong_stats_info);
  tcase_add_test(t, reply_malformed);
  tcase_add_test(t, buf_overflow_rolls_back);
  tcase_add_test(t, frame_checks);
  suite_add_tcase(s, t);
  t = tcase_create("utf8");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, utf8_valid_cases);
  tcase_add_test(t, utf8_invalid_cases);
  tcase_add_test(t, word_check_cases);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(proto_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
