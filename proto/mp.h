/* mp.h -- the small msgpack reader and writer inside proto/ (internal).
 *
 * The daemon decodes requests and encodes replies on its hot path without
 * allocating, so proto/ carries its own strict msgpack reader (every length
 * is checked against the bytes that remain, nesting is bounded, no
 * recursion) and a writer that appends to a fixed proto_buf. Only what the
 * protocol needs is here; the reader still understands every msgpack type so
 * that unknown keys with any value can be skipped. */
#ifndef RNNINFERD_PROTO_MP_H
#define RNNINFERD_PROTO_MP_H

#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"

/* Containers nest at most this deep (the top-level map is depth 1). */
#define MP_MAX_DEPTH 16

typedef enum mp_type {
  MP_NIL,
  MP_BOOL,
  MP_UINT,   /* any integer >= 0, whatever its encoding */
  MP_INT,    /* any integer < 0 */
  MP_FLOAT,
  MP_STR,
  MP_BIN,
  MP_EXT,
  MP_ARRAY,
  MP_MAP
} mp_type;

typedef struct mp_item {
  mp_type type;
  int b;             /* MP_BOOL */
  uint64_t u;        /* MP_UINT */
  int64_t i;         /* MP_INT */
  const char *ptr;   /* MP_STR, MP_BIN, MP_EXT: the bytes */
  uint32_t len;      /* their length */
  uint32_t n;        /* MP_ARRAY: elements, MP_MAP: pairs */
} mp_item;

typedef struct mp_reader {
  const uint8_t *p;
  const uint8_t *end;
} mp_reader;

void mp_reader_init(mp_reader *r, const void *data, size_t len);
/* Reads one item header (and a string's bytes). Containers are not
 * descended into: their elements follow. Returns 0, or -1 when the bytes are
 * truncated, use the reserved byte 0xc1, or declare more elements than bytes
 * remain (each element needs at least one byte). */
int mp_read(mp_reader *r, mp_item *it);
/* Skips the elements of `it` when it is a container that was just read at
 * nesting depth `depth` (1 = top level); no-op otherwise. Returns 0, or -1 on
 * malformed input or nesting deeper than MP_MAX_DEPTH. */
int mp_skip_contents(mp_reader *r, const mp_item *it, unsigned depth);
/* Is the item the string s (NUL-terminated)? */
int mp_str_eq(const mp_item *it, const char *s);

/* Writer: each call appends one item header to b (with the bytes for
 * strings). On overflow b->overflow is set and everything is dropped until
 * the frame is rolled back. */
void mp_put_map(proto_buf *b, uint32_t n);
void mp_put_array(proto_buf *b, uint32_t n);
void mp_put_str(proto_buf *b, const char *s, size_t len);
void mp_put_cstr(proto_buf *b, const char *s);
void mp_put_uint(proto_buf *b, uint64_t v);
void mp_put_int(proto_buf *b, int64_t v);
void mp_put_bool(proto_buf *b, int v);
void mp_put_nil(proto_buf *b);
void mp_put_double(proto_buf *b, double v); /* float 64 */
/* Appends raw bytes (used by the writer and the framing helpers). */
void proto_buf_put(proto_buf *b, const void *p, size_t n);

#endif
