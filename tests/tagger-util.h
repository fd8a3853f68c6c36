/* tagger-util.h -- what the tagger tests and bench/tagger share: where the
 * models and ../shared are, reading a file into an aligned buffer, a
 * CoNLL-U reader, and the training tokenizer of tools/train-tagger/homfeat.py
 * (so that C sees the homograph sentences as the trainer did). */
#ifndef RNNINFERD_TESTS_TAGGER_UTIL_H
#define RNNINFERD_TESTS_TAGGER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "text/tagger.h"

/* $top_srcdir (or ".") joined with rel; static buffer per call slot */
const char *tu_src_path(char *buf, size_t n, const char *rel);
/* $top_srcdir/../shared/data/rel if it exists, else NULL */
const char *tu_shared_path(char *buf, size_t n, const char *rel);

/* whole file into a 64-byte aligned malloc'd buffer; NULL on failure */
void *tu_read_file(const char *path, size_t *n);

/* CoNLL-U: calls fn once per sentence with its syntactic words and gold
 * UPOS and XPOS strings. Returns the number of sentences or -1. */
typedef void (*tu_sentence_fn)(void *arg, const tagger_word *w, const char *const *upos,
                               const char *const *xpos, size_t n);
long tu_read_conllu(const char *path, tu_sentence_fn fn, void *arg);

/* homfeat.tokenize(): byte spans of the tokens of s; returns the count
 * (at most max). */
size_t tu_tokenize(const char *s, size_t n, tagger_word *out, size_t max);
/* byte offset of code point cp in s (n if past the end) */
size_t tu_cp_to_byte(const char *s, size_t n, size_t cp);

#endif
