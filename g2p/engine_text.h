/* engine_text.h -- the text front end composed with the dictionary and the
 * network: what the daemon calls for the `text` op. text/ decides what
 * words a text says; this answers each spoken word (letters by their
 * names, the rest as g2p_engine_lookup would). */
#ifndef RNNINFERD_G2P_ENGINE_TEXT_H
#define RNNINFERD_G2P_ENGINE_TEXT_H

#include "g2p/engine.h"
#include "text/text.h"

/* text_lexicon_has_fn over an engine (opaque = const g2p_engine *). */
int g2p_text_has_word(void *engine, const char *key, size_t len);

/* Answers one spoken word. Never allocates; res as g2p_engine_lookup's
 * (source G2P_SOURCE_LETTERS for a letter name). Returns 0 or a negative
 * g2p_error. */
int g2p_engine_text_word(const g2p_engine *engine, g2p_scratch *scratch,
                         const text_word *w, unsigned flags, int beam_width,
                         g2p_word_result *res);

/* The reading of a text as one pronunciation (the words op's answer for a
 * written form like "42", "Dr." or "FBI"): the phonemes of its spoken
 * words joined by spaces into out (NUL-terminated). Returns the length, or
 * a negative g2p_error (G2P_ENOTFOUND when it says nothing, G2P_ETOOLONG
 * when out is too small). The source is the weakest of its words': model
 * if any word came from the network, else dict (letters count as dict). */
int g2p_engine_text_reading(const g2p_engine *engine, g2p_scratch *scratch,
                            text_ctx *ctx, const char *s, size_t n,
                            unsigned flags, int beam_width, char *out,
                            size_t cap, enum g2p_source *source);

#endif
