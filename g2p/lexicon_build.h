/* lexicon_build.h -- turns pronunciation entries into a compiled lexicon.
 *
 * One place for the rules every dictionary source obeys (doc/lexicon.md):
 * keys checked and lower-cased, "word(N)" as variant N, phonemes checked
 * against the ARPAbet inventory, repeats dropped, and the binary layout of
 * g2p/lexicon_format.h written. tools/lexicon-compile feeds it the vendored
 * CMUdict at build time; the engine feeds it user lexicons (lexicon_text.h)
 * at start-up and on reload, and opens the image in memory.
 *
 * Each entry has a priority: when entries of several priorities share a
 * word, only those of the highest priority are kept (a later user lexicon
 * replaces an earlier one's word whole, never mixes variants). */
#ifndef RNNINFERD_G2P_LEXICON_BUILD_H
#define RNNINFERD_G2P_LEXICON_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct lexicon_counts {
  unsigned long entries, bad_key, bad_phone, too_many_phones, empty_pron,
      comments, folded, non_ascii, variant_keys, orphan_variants, dup_keys,
      dup_prons, overridden, kept, words, gaps;
  uint32_t max_variants, max_key;
} lexicon_counts;

/* Told about every entry rejected or dropped: the entry's line, why, and
 * the text concerned (len bytes, not NUL-terminated). */
typedef void (*lexicon_report_fn)(void *ctx, uint32_t line, const char *why,
                                  const char *what, size_t len);

typedef struct lexicon_builder lexicon_builder;

lexicon_builder *lexicon_builder_create(void);
void lexicon_builder_destroy(lexicon_builder *b);

/* Adds key ("word" or "word(N)") with pronunciation pron (phonemes
 * separated by blanks, an optional "# comment" stripped). Returns NULL when
 * added, else the reason it was rejected (a static string; counted). Both
 * strings are copied. "out of memory" is returned when allocation fails. */
const char *lexicon_builder_add(lexicon_builder *b, const char *key, size_t klen,
                                const char *pron, size_t plen, uint32_t line,
                                uint32_t priority);

/* Entries added so far (before finish). */
size_t lexicon_builder_size(const lexicon_builder *b);

/* Sorts, drops repeats (each reported), and writes the compiled image into
 * *image (malloc'ed, *len bytes; the caller frees it). Returns 0, or -1 when
 * no entry is left or memory runs out (*image NULL). */
int lexicon_builder_finish(lexicon_builder *b, unsigned char **image, size_t *len,
                           lexicon_report_fn report, void *ctx);

const lexicon_counts *lexicon_builder_counts(const lexicon_builder *b);

/* Each of the image's words and its pronunciations, in key order, for a
 * check against the reader: calls fn for every kept entry. */
typedef int (*lexicon_entry_fn)(void *ctx, const char *key, size_t klen,
                                unsigned variant_index, const char *text,
                                size_t tlen);
int lexicon_builder_each(const lexicon_builder *b, lexicon_entry_fn fn, void *ctx);

#endif
