/* proto_frame.c -- the 4-byte length prefix around every message.
 *
 * A frame is a big-endian payload length followed by the payload. Writers
 * reserve the header, pack the map, then patch the length; if the map did
 * not fit, the buffer goes back to where the frame began so a half-written
 * frame can never reach the wire. */
#include "proto/mp.h"

uint32_t proto_frame_length(const void *p) {
  const uint8_t *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int proto_frame_check(uint32_t len, const proto_limits *lim) {
  if (len == 0) return PROTO_E_BAD_FRAME;
  if (len > lim->max_frame) return PROTO_E_FRAME_TOO_LARGE;
  return PROTO_OK;
}

size_t proto_frame_begin(proto_buf *b) {
  static const uint8_t zero[PROTO_HEADER_BYTES] = {0};
  size_t mark = b->len;
  proto_buf_put(b, zero, sizeof zero);
  return mark;
}

int proto_frame_end(proto_buf *b, size_t mark) {
  size_t payload;
  if (!b->overflow && b->len >= mark + PROTO_HEADER_BYTES) {
    payload = b->len - mark - PROTO_HEADER_BYTES;
    if (payload > 0 && payload <= UINT32_MAX) {
      uint8_t *h = (uint8_t *)b->data + mark;
      h[0] = (uint8_t)(payload >> 24);
      h[1] = (uint8_t)(payload >> 16);
      h[2] = (uint8_t)(payload >> 8);
      h[3] = (uint8_t)payload;
      return 0;
    }
  }
  if (mark <= b->len) b->len = mark;
  b->overflow = 0;
  return -1;
}

void proto_limits_default(proto_limits *lim) {
  lim->max_frame = PROTO_DEFAULT_MAX_FRAME;
  lim->max_words = PROTO_DEFAULT_MAX_WORDS;
  lim->max_word_bytes = PROTO_DEFAULT_MAX_WORD_BYTES;
  lim->max_text_bytes = PROTO_DEFAULT_MAX_TEXT_BYTES;
  lim->max_tokens = PROTO_DEFAULT_MAX_TOKENS;
}
