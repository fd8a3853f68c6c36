/* proto_utf8.c -- strict UTF-8 validation of words from the wire.
 *
 * Words are keys into the dictionary and inputs to the model; two byte
 * strings that decode to the same text must not both be accepted, so the
 * validator follows RFC 3629 exactly: no overlong forms, no UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequences. NUL bytes are valid UTF-8 but refused in words. The check
 * itself is g2p/utf8.c, the one the engine and the lexicon compiler use,
 * so the wire, the engine and the dictionary accept the same strings. */
#include "g2p/utf8.h"
#include "proto/proto.h"

int proto_utf8_valid(const char *str, size_t len) {
  return g2p_utf8_valid((const unsigned char *)str, len);
}

int proto_word_check(const char *w, size_t len, const proto_limits *lim) {
  if (len == 0) return PROTO_E_EMPTY_WORD;
  if (len > lim->max_word_bytes) return PROTO_E_WORD_TOO_LONG;
  if (!proto_utf8_valid(w, len)) return PROTO_E_BAD_UTF8;
  for (size_t i = 0; i < len; i++)
    if (w[i] == '\0') return PROTO_E_BAD_UTF8;
  return PROTO_OK;
}
