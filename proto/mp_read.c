/* mp_read.c -- a strict, bounds-checked msgpack reader over a byte range.
 *
 * Requests arrive from untrusted peers and are parsed on the daemon's event
 * loop, so the reader never allocates, never recurses, and treats every
 * length on the wire as a claim to be checked against the bytes that are
 * actually there. A container that declares more elements than bytes remain
 * is rejected at once, so a 6-byte "array of 4 billion" costs nothing. */
#include <string.h>

#include "proto/mp.h"

void mp_reader_init(mp_reader *r, const void *data, size_t len) {
  r->p = data;
  r->end = r->p + len;
}

static size_t remaining(const mp_reader *r) { return (size_t)(r->end - r->p); }

static uint64_t be(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

/* Reads an n-byte big-endian length/value following the type byte. */
static int take(mp_reader *r, unsigned n, uint64_t *v) {
  if (remaining(r) < n) return -1;
  *v = be(r->p, n);
  r->p += n;
  return 0;
}

static int take_bytes(mp_reader *r, mp_item *it, uint64_t len) {
  if (len > remaining(r)) return -1;
  it->ptr = (const char *)r->p;
  it->len = (uint32_t)len;
  r->p += len;
  return 0;
}

static int set_signed(mp_item *it, int64_t v) {
  if (v >= 0) {
    it->type = MP_UINT;
    it->u = (uint64_t)v;
  } else {
    it->type = MP_INT;
    it->i = v;
  }
  return 0;
}

static int set_container(mp_reader *r, mp_item *it, mp_type t, uint64_t n) {
  uint64_t need = t == MP_MAP ? 2 * n : n;
  if (need > remaining(r)) return -1;
  it->type = t;
  it->n = (uint32_t)n;
  return 0;
}

int mp_read(mp_reader *r, mp_item *it) {
  uint64_t v;
  memset(it, 0, sizeof *it);
  if (r->p >= r->end) return -1;
  uint8_t c = *r->p++;
  if (c <= 0x7f) {
    it->type = MP_UINT;
    it->u = c;
    return 0;
  }
  if (c >= 0xe0) return set_signed(it, (int8_t)c);
  if ((c & 0xf0) == 0x80) return set_container(r, it, MP_MAP, c & 0x0f);
  if ((c & 0xf0) == 0x90) return set_container(r, it, MP_ARRAY, c & 0x0f);
  if ((c & 0xe0) == 0xa0) {
    it->type = MP_STR;
    return take_bytes(r, it, c & 0x1f);
  }
  switch (c) {
  case 0xc0: it->type = MP_NIL; return 0;
  case 0xc2: it->type = MP_BOOL; it->b = 0; return 0;
  case 0xc3: it->type = MP_BOOL; it->b = 1; return 0;
  case 0xc4: case 0xc5: case 0xc6:
    if (take(r, 1u << (c - 0xc4), &v)) return -1;
    it->type = MP_BIN;
    return take_bytes(r, it, v);
  case 0xc7: case 0xc8: case 0xc9:
    if (take(r, 1u << (c - 0xc7), &v)) return -1;
    if (remaining(r) < 1) return -1;
    r->p++; /* ext type byte */
    it->type = MP_EXT;
    return take_bytes(r, it, v);
  case 0xca: it->type = MP_FLOAT; return take(r, 4, &v);
  case 0xcb: it->type = MP_FLOAT; return take(r, 8, &v);
  case 0xcc: case 0xcd: case 0xce: case 0xcf:
    if (take(r, 1u << (c - 0xcc), &v)) return -1;
    it->type = MP_UINT;
    it->u = v;
    return 0;
  case 0xd0: if (take(r, 1, &v)) return -1; return set_signed(it, (int8_t)v);
  case 0xd1: if (take(r, 2, &v)) return -1; return set_signed(it, (int16_t)v);
  case 0xd2: if (take(r, 4, &v)) return -1; return set_signed(it, (int32_t)v);
  case 0xd3: if (take(r, 8, &v)) return -1; return set_signed(it, (int64_t)v);
  case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
    if (remaining(r) < 1) return -1;
    r->p++; /* ext type byte */
    it->type = MP_EXT;
    return take_bytes(r, it, 1u << (c - 0xd4));
  case 0xd9: case 0xda: case 0xdb:
    if (take(r, 1u << (c - 0xd9), &v)) return -1;
    it->type = MP_STR;
    return take_bytes(r, it, v);
  case 0xdc: case 0xdd:
    if (take(r, 2u << (c - 0xdc), &v)) return -1;
    return set_container(r, it, MP_ARRAY, v);
  case 0xde: case 0xdf:
    if (take(r, 2u << (c - 0xde), &v)) return -1;
    return set_container(r, it, MP_MAP, v);
  default: /* 0xc1 is never used */
    return -1;
  }
}

int mp_skip_contents(mp_reader *r, const mp_item *it, unsigned depth) {
  uint64_t left[MP_MAX_DEPTH];
  unsigned sp = 0;
  if (it->type != MP_ARRAY && it->type != MP_MAP) return 0;
  if (depth > MP_MAX_DEPTH || depth == 0) return -1;
  /* left[k] = items still to read in the container at depth `depth + k`. */
  left[sp++] = it->type == MP_MAP ? 2 * (uint64_t)it->n : it->n;
  while (sp > 0) {
    if (left[sp - 1] == 0) {
      sp--;
      continue;
    }
    left[sp - 1]--;
    mp_item sub;
    if (mp_read(r, &sub)) return -1;
    if (sub.type == MP_ARRAY || sub.type == MP_MAP) {
      if (depth + sp > MP_MAX_DEPTH) return -1;
      left[sp++] = sub.type == MP_MAP ? 2 * (uint64_t)sub.n : sub.n;
    }
  }
  return 0;
}

int mp_str_eq(const mp_item *it, const char *s) {
  size_t n = strlen(s);
  return it->type == MP_STR && it->len == n && memcmp(it->ptr, s, n) == 0;
}
