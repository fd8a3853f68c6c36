/* lexicon_user.h -- user lexicons: CMUdict text files compiled in memory.
 *
 * A user lexicon is what a deployment adds to or overrides in CMUdict:
 * text files in CMUdict's own format, one entry a line,
 *
 *     WORD  P H O N E S        # a comment
 *     WORD(2)  P H O N E S     (variant 2)
 *     # a comment line         (";;;" lines, CMUdict's comments, too)
 *
 * compiled with the same rules as the shipped dictionary
 * (lexicon_build.h) into an image the engine looks up first. Several files
 * are merged; a word defined in more than one takes its pronunciations from
 * the last file that has it. A file with any bad line is refused whole:
 * every bad line is told to diag with its file and line number. */
#ifndef RNNINFERD_G2P_LEXICON_USER_H
#define RNNINFERD_G2P_LEXICON_USER_H

#include <stddef.h>

#include "g2p/lexicon.h"

/* One human-readable line ("FILE:LINE: why: text") per problem. */
typedef void (*lexicon_diag_fn)(void *ctx, const char *msg);

/* Compiles paths[0..n) into *out (NULL when they hold no entry at all).
 * Returns LEX_OK, LEX_EIO (a file cannot be read), LEX_ENOMEM, or
 * LEX_EENTRY (bad lines; err says how many and where the first is). */
int lexicon_open_user(lexicon **out, const char *const *paths, size_t n,
                      lexicon_diag_fn diag, void *ctx, char *err, size_t errlen);

/* Largest user lexicon file read, in bytes. */
#define LEXICON_USER_MAX_BYTES (256u << 20)

#endif
