/* mp_write.c -- msgpack writer into a fixed proto_buf, and the buffer itself.
 *
 * Replies are packed on the daemon's hot path into preallocated output
 * memory, so the writer appends to a proto_buf that never grows: a write
 * that does not fit sets `overflow`, and every later write is dropped until
 * the frame being built is rolled back (see proto_frame_end). Integers use
 * the smallest msgpack encoding, as every msgpack library does. */
#include <string.h>

#include "proto/mp.h"

void proto_buf_init(proto_buf *b, void *mem, size_t cap) {
  b->data = mem;
  b->len = 0;
  b->cap = cap;
  b->overflow = 0;
}

void proto_buf_reset(proto_buf *b) {
  b->len = 0;
  b->overflow = 0;
}

void proto_buf_put(proto_buf *b, const void *p, size_t n) {
  if (b->overflow) return;
  if (n > b->cap - b->len) {
    b->overflow = 1;
    return;
  }
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}

/* Type byte followed by an n-byte big-endian value. */
static void put_be(proto_buf *b, uint8_t type, uint64_t v, unsigned n) {
  uint8_t tmp[9];
  tmp[0] = type;
  for (unsigned i = 0; i < n; i++) tmp[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
  proto_buf_put(b, tmp, 1 + n);
}

void mp_put_map(proto_buf *b, uint32_t n) {
  if (n < 16) put_be(b, (uint8_t)(0x80 | n), 0, 0);
  else if (n < 65536) put_be(b, 0xde, n, 2);
  else put_be(b, 0xdf, n, 4);
}

void mp_put_array(proto_buf *b, uint32_t n) {
  if (n < 16) put_be(b, (uint8_t)(0x90 | n), 0, 0);
  else if (n < 65536) put_be(b, 0xdc, n, 2);
  else put_be(b, 0xdd, n, 4);
}

void mp_put_str(proto_buf *b, const char *s, size_t len) {
  if (len > UINT32_MAX) {
    b->overflow = 1;
    return;
  }
  if (len < 32) put_be(b, (uint8_t)(0xa0 | len), 0, 0);
  else if (len < 256) put_be(b, 0xd9, len, 1);
  else if (len < 65536) put_be(b, 0xda, len, 2);
  else put_be(b, 0xdb, len, 4);
  proto_buf_put(b, s, len);
}

void mp_put_cstr(proto_buf *b, const char *s) { mp_put_str(b, s, strlen(s)); }

void mp_put_uint(proto_buf *b, uint64_t v) {
  if (v < 128) put_be(b, (uint8_t)v, 0, 0);
  else if (v < 256) put_be(b, 0xcc, v, 1);
  else if (v < 65536) put_be(b, 0xcd, v, 2);
  else if (v <= UINT32_MAX) put_be(b, 0xce, v, 4);
  else put_be(b, 0xcf, v, 8);
}

void mp_put_int(proto_buf *b, int64_t v) {
  if (v >= 0) mp_put_uint(b, (uint64_t)v);
  else if (v >= -32) put_be(b, (uint8_t)(int8_t)v, 0, 0);
  else if (v >= INT8_MIN) put_be(b, 0xd0, (uint64_t)v, 1);
  else if (v >= INT16_MIN) put_be(b, 0xd1, (uint64_t)v, 2);
  else if (v >= INT32_MIN) put_be(b, 0xd2, (uint64_t)v, 4);
  else put_be(b, 0xd3, (uint64_t)v, 8);
}

void mp_put_bool(proto_buf *b, int v) { put_be(b, v ? 0xc3 : 0xc2, 0, 0); }

void mp_put_nil(proto_buf *b) { put_be(b, 0xc0, 0, 0); }

void mp_put_double(proto_buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  put_be(b, 0xcb, u, 8);
}
