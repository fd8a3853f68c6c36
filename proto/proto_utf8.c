/* proto_utf8.c -- strict UTF-8 validation of words from the wire.
 *
 * Words are keys into the dictionary and inputs to the model; two byte
 * strings that decode to the same text must not both be accepted, so the
 * validator follows RFC 3629 exactly: no overlong forms, no UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequences. NUL bytes are valid UTF-8 but refused in words. */
#include "proto/proto.h"

int proto_utf8_valid(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c == 0xe0) { n = 2; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) n = 2;
    else if (c == 0xed) { n = 2; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) n = 2;
    else if (c == 0xf0) { n = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else if (c == 0xf4) { n = 3; hi = 0x8f; }
    else return 0;
    if (len - i - 1 < n) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (size_t k = 2; k <= n; k++)
      if ((s[i + k] & 0xc0) != 0x80) return 0;
    i += n + 1;
  }
  return 1;
}

int proto_word_check(const char *w, size_t len, const proto_limits *lim) {
  if (len == 0) return PROTO_E_EMPTY_WORD;
  if (len > lim->max_word_bytes) return PROTO_E_WORD_TOO_LONG;
  if (!proto_utf8_valid(w, len)) return PROTO_E_BAD_UTF8;
  for (size_t i = 0; i < len; i++)
    if (w[i] == '\0') return PROTO_E_BAD_UTF8;
  return PROTO_OK;
}
