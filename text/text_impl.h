/* text_impl.h -- what the front end's files share: the context (every
 * buffer, sized once), the raw pieces the tokenizer cuts, and the small
 * helpers the verbalizers use to say words. Not seen outside text/. */
#ifndef RNNINFERD_TEXT_IMPL_H
#define RNNINFERD_TEXT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

/* One raw piece cut by the tokenizer: a core (letters, digits, symbols
 * that belong together) or one punctuation mark (or a run of the same). */
typedef struct text_raw {
  uint32_t fa, fb;       /* span in the folded code points */
  uint32_t s_off;        /* its folded UTF-8 (case kept) in ctx->rbuf */
  uint16_t s_len;
  uint8_t punct;         /* 1: punctuation piece */
  uint8_t space_before;  /* whitespace (or start) before it */
} text_raw;

struct text_ctx {
  text_limits lim;
  /* input code points: byte offset of each, n_orig + 1 entries */
  uint32_t *obyte;
  uint32_t n_orig;
  /* folded code points and the input span [fs, fe) each came from */
  uint32_t *fc, *fs, *fe;
  uint32_t n_f, f_cap;
  /* raw pieces and their text */
  text_raw *raw;
  uint32_t n_raw, raw_cap;
  char *rbuf;
  uint32_t rbuf_len, rbuf_cap;
  /* output */
  text_token *tokens;
  uint32_t n_tokens;
  text_word *words;
  uint32_t n_words;
  char *wbuf;
  uint32_t wbuf_len, wbuf_cap;
  int overflow;          /* enum text_error once an output buffer is full */
  /* the request's dictionary callback */
  text_lexicon_has_fn has;
  void *opaque;
  int shouting;          /* most words of the text are in capitals */
};

/* fold.c */
int text_fold_input(text_ctx *ctx, const unsigned char *s, size_t n,
                    char *err, size_t errlen);
int text_is_space(uint32_t c);

/* tokenize.c */
int text_tokenize(text_ctx *ctx);

/* classify.c */
void text_classify(text_ctx *ctx);

/* say.c: output helpers. Words may be given several at a time, separated
 * by single spaces ("three dollars"). */
void text_say(text_ctx *ctx, const char *words);
void text_say_n(text_ctx *ctx, const char *w, size_t n);
void text_say_letter(text_ctx *ctx, int c);
void text_say_letters(text_ctx *ctx, const char *s, size_t n);

/* numbers.c: number words into buf (NUL-terminated; "" when it does not
 * fit or the number is out of range). */
#define TEXT_NUM_MAX 1000000000000000ull /* cardinals below 10^15 */
void text_num_cardinal(uint64_t n, char *buf, size_t cap);
void text_num_ordinal(uint64_t n, char *buf, size_t cap);
void text_num_year(uint64_t n, char *buf, size_t cap);
void text_num_pairs(uint64_t n, size_t ndigits, char *buf, size_t cap);
void text_num_plural(char *buf, size_t cap);   /* last word made plural */
void text_num_ordinalize(char *buf, size_t cap);  /* last word ordinal */
const char *text_digit_word(int d);

/* tables.c */
/* How a unit may be written after its number: */
enum {
  TEXT_UNIT_ANY = 0,   /* against it or apart, in any case (5 km, 5KM) */
  TEXT_UNIT_FUSED = 1, /* only against it (5in; "5 in" is a preposition) */
  TEXT_UNIT_EXACT = 2, /* against it or apart, only in its own case (5 m) */
  TEXT_UNIT_APART = 3  /* only apart, only in its own case (4.2 s; 5s is fives) */
};
typedef struct text_unit {
  const char *abbr;      /* as written after a number (case matters) */
  const char *one;       /* singular reading */
  const char *many;      /* plural reading */
  uint8_t place;         /* TEXT_UNIT_* */
} text_unit;
const text_unit *text_unit_find(const char *s, size_t n);
int text_month_find(const char *s, size_t n);   /* 1..12 or 0 */
const char *text_month_name(int m);
const char *text_symbol_reading(uint32_t c);   /* NULL: none */
const char *text_greek_name(uint32_t c);       /* alpha for α or Α; NULL: none */
int text_is_tld(const char *s, size_t n);
const char *text_fixed_name(const char *s, size_t n);   /* NULL: none */
int text_is_file_ext(const char *s, size_t n);

#endif
