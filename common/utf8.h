/* utf8.h -- the one strict UTF-8 reader of the tree, shared by the wire
 * protocol, the engine, the model loader, the lexicon compiler and the
 * command-line client, so all of them accept exactly the same byte strings.
 *
 * Strict means RFC 3629: no overlong forms, no UTF-16 surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences. */
#ifndef RNNINFERD_COMMON_UTF8_H
#define RNNINFERD_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..n) is strict UTF-8, else 0. Reads only s[0..n). */
int utf8_valid(const void *s, size_t n);

/* Decodes the code point at s[0..n) into *cp and returns its length in
 * bytes (1..4), or 0 when s does not start with a strict UTF-8 sequence
 * (or n is 0). Reads only s[0..n). */
int utf8_decode(const void *s, size_t n, uint32_t *cp);

#endif
