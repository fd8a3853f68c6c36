/* proto_word_check.c -- is a word from the wire one we may look up?
 *
 * Words are keys into the dictionary and inputs to the model; two byte
 * strings that decode to the same text must not both be accepted, so the
 * UTF-8 check is common/utf8.c's strict one (RFC 3629), the one the engine
 * and the lexicon compiler use: the wire, the engine and the dictionary
 * accept the same strings. NUL bytes are valid UTF-8 but refused in
 * words. */
#include "proto/proto.h"

#include "common/utf8.h"

int proto_word_check(const char *w, size_t len, const proto_limits *lim) {
  if (len == 0) return PROTO_E_EMPTY_WORD;
  if (len > lim->max_word_bytes) return PROTO_E_WORD_TOO_LONG;
  if (!utf8_valid(w, len)) return PROTO_E_BAD_UTF8;
  for (size_t i = 0; i < len; i++)
    if (w[i] == '\0') return PROTO_E_BAD_UTF8;
  return PROTO_OK;
}
