/* utf8.h -- the one strict UTF-8 check shared by the wire protocol (proto/,
 * which compiles g2p/utf8.c into libproto too), the engine and the lexicon
 * compiler (keys from the vendored dictionary), so all accept exactly the
 * same byte strings. */
#ifndef RNNINFERD_G2P_UTF8_H
#define RNNINFERD_G2P_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. Reads only s[0..n). */
int g2p_utf8_valid(const unsigned char *s, size_t n);

#endif
