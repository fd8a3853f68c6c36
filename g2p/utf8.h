/* utf8.h -- the one strict UTF-8 check shared by the engine (words from the
 * wire) and the lexicon compiler (keys from the vendored dictionary), so both
 * accept exactly the same byte strings. */
#ifndef RNNINFERD_G2P_UTF8_H
#define RNNINFERD_G2P_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. Reads only s[0..n). */
int g2p_utf8_valid(const unsigned char *s, size_t n);

#endif
