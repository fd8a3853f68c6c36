/* text.h -- the text front end: running UTF-8 text in, tokens with code
 * point offsets and the spoken words each token stands for out.
 *
 * Pure functions over memory sized once at text_ctx_create(): text_analyze()
 * never allocates, knows no sockets and no models. The one thing it must
 * ask the outside world ("is this word in the dictionary?", to choose
 * between an acronym said as a word and an initialism spelled as letters)
 * comes through a callback, so text/ knows no lexicon.
 *
 * Every spoken word is either a lookup key (lower-case a-z and apostrophe
 * only, to be read by the dictionary or the network: never digits or
 * symbols; inner hyphens only in a headword the callback said the
 * dictionary has, like "x-ray") or a letter name whose phonemes text/ gives
 * itself. */
#ifndef RNNINFERD_TEXT_TEXT_H
#define RNNINFERD_TEXT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Token kinds (stable numbering; names by text_kind_name()). */
enum text_kind {
  TEXT_KIND_WORD = 0,       /* a word, possessive, contraction or compound */
  TEXT_KIND_PUNCT,          /* punctuation: no spoken words */
  TEXT_KIND_SYMBOL,         /* &, +, @, #, =, ... (said, or silent) */
  TEXT_KIND_CARDINAL,       /* 1,234  -5  1.5 (decimals too) */
  TEXT_KIND_ORDINAL,        /* 21st  3rd */
  TEXT_KIND_YEAR,           /* 1984  1900s  '90s */
  TEXT_KIND_FRACTION,       /* 1/2  3/4  1 1/2  ½ */
  TEXT_KIND_PERCENT,        /* 50%  3.5% */
  TEXT_KIND_MONEY,          /* $3.50  £20  €5  5¢  $1.2 billion */
  TEXT_KIND_TIME,           /* 3:30 pm  10:05  7am */
  TEXT_KIND_DATE,           /* Jan. 5, 2021  5 January 2021  12/25/2020 */
  TEXT_KIND_MEASURE,        /* 5 km  3 kg  72°F  6'2" */
  TEXT_KIND_RANGE,          /* 1990-1995  10-20 */
  TEXT_KIND_TELEPHONE,      /* 555-1234  (555) 555-1234  1-800-555-1234 */
  TEXT_KIND_DIGITS,         /* digits in an identifier: Route 66, 747, A380 */
  TEXT_KIND_ABBREVIATION,   /* Dr.  St.  Mr.  e.g.  Inc.  No. */
  TEXT_KIND_INITIALISM,     /* FBI  HTML  U.S.: spelled as letters */
  TEXT_KIND_ACRONYM,        /* NASA: all capitals, said as a word */
  TEXT_KIND_ROMAN,          /* World War II  Henry VIII  Chapter IV */
  TEXT_KIND_URL,            /* example.com  https://a.org/x */
  TEXT_KIND_EMAIL,          /* user@example.org */
  TEXT_KIND_COUNT
};

/* How a spoken word is to be read. */
enum text_say {
  TEXT_SAY_LOOKUP = 0, /* key: dictionary, else network (a-z and ' only) */
  TEXT_SAY_LETTER = 1  /* a letter name; phones given by text/ */
};

/* Per-token error (0: fine). */
enum text_token_error {
  TEXT_TOKEN_OK = 0,
  TEXT_TOKEN_UNREADABLE = 1, /* script or symbol the front end cannot read */
  TEXT_TOKEN_TOOLONG = 2     /* word longer than TEXT_KEY_MAX */
};

/* Whole-request errors: 0 or negative. */
enum text_error {
  TEXT_OK = 0,
  TEXT_EUTF8 = -1,      /* not valid UTF-8 */
  TEXT_ENUL = -2,       /* contains a NUL character */
  TEXT_ETOOLONG = -3,   /* more bytes than the context's max_bytes */
  TEXT_ETOKENS = -4,    /* more tokens than max_tokens */
  TEXT_EWORDS = -5,     /* more spoken words than max_words */
  TEXT_EINVAL = -6,     /* bad argument */
  TEXT_ENOMEM = -7      /* text_ctx_create only */
};

#define TEXT_KEY_MAX 64 /* bytes in one spoken word */

typedef struct text_word {
  const char *text;    /* NUL-terminated, in the context */
  uint16_t len;
  uint8_t say;         /* enum text_say */
  const char *phones;  /* TEXT_SAY_LETTER: ARPAbet; else NULL */
} text_word;

/* Tokens: every character of the input that is not a space (Unicode
 * separators Z* and control characters) lies in exactly one token; tokens
 * are in input order and never overlap. A token may span spaces when it
 * joins several pieces ("5 km", "Jan. 5, 2021"). */
typedef struct text_token {
  uint32_t start, end;           /* code points into the input, end excl. */
  uint32_t byte_start, byte_end; /* the same span in bytes */
  uint8_t kind;                  /* enum text_kind */
  uint8_t error;                 /* enum text_token_error */
  uint32_t first_word, n_words;  /* into text_result.words */
} text_token;

typedef struct text_result {
  const text_token *tokens;
  uint32_t n_tokens;
  const text_word *words;
  uint32_t n_words;
} text_result;

/* "Is this lower-case key in the dictionary?" 1 yes, 0 no. */
typedef int (*text_lexicon_has_fn)(void *opaque, const char *key, size_t len);

typedef struct text_limits {
  uint32_t max_bytes;   /* input bytes */
  uint32_t max_tokens;  /* tokens per text */
  uint32_t max_words;   /* spoken words per text */
} text_limits;

#define TEXT_DEFAULT_MAX_BYTES 8192
#define TEXT_DEFAULT_MAX_TOKENS 4096
#define TEXT_DEFAULT_MAX_WORDS 8192

typedef struct text_ctx text_ctx;

void text_limits_default(text_limits *lim);
/* Allocates everything text_analyze() will ever need for these limits. */
int text_ctx_create(text_ctx **out, const text_limits *lim);
void text_ctx_destroy(text_ctx *ctx);

/* Analyses s[0..n). has/opaque may be NULL (no dictionary: every all-caps
 * word is spelled). The result points into ctx and stays valid until the
 * next call with ctx. Returns 0 or a negative text_error; err (may be
 * NULL) gets a human-readable reason. Never allocates. */
int text_analyze(text_ctx *ctx, const char *s, size_t n,
                 text_lexicon_has_fn has, void *opaque, text_result *out,
                 char *err, size_t errlen);

/* The result of the last text_analyze() that succeeded with ctx (empty
 * after a failed one). */
void text_last_result(const text_ctx *ctx, text_result *out);

/* Folds one word for dictionary lookup: NFKC, case folding, accents
 * stripped, curly apostrophes to '\''. Writes a NUL-terminated key of at
 * most cap-1 bytes. Returns its length, or -1 when the word does not fold
 * to a-z and apostrophes only (or does not fit). Never allocates. */
int text_fold_key(const char *s, size_t n, char *key, size_t cap);

const char *text_kind_name(unsigned kind);
const char *text_strerror(int err);
/* ARPAbet of a letter's name ('a'..'z', either case), NULL otherwise. */
const char *text_letter_phones(int c);
/* ARPAbet of a letter's name made plural or possessive (CDs, FBI's). */
const char *text_letter_phones_z(int c);

#endif
