/* tables.h -- the front end's fixed lists that more than one stage
 * consults (abbreviations: the tokenizer keeps their period, the
 * classifier reads them). Internal to text/. */
#ifndef RNNINFERD_TEXT_TABLES_H
#define RNNINFERD_TEXT_TABLES_H

#include <stddef.h>

enum text_abbr_when {
  TEXT_ABBR_ANY = 0,
  TEXT_ABBR_CAP = 1,        /* only written with a capital (Mr., Jan.) */
  TEXT_ABBR_BEFORE_NUM = 2, /* only before a number (No. 5, p. 10) */
  TEXT_ABBR_AFTER_NUM = 3,  /* only after a number (5 lbs.) */
  TEXT_ABBR_CONTEXT = 4,    /* Dr., St., Ft.: title before a name, else place */
  TEXT_ABBR_LOWER = 5,      /* only lower case (v.) */
  TEXT_ABBR_AFTER_ET = 6    /* et al. */
};

typedef struct text_abbr {
  const char *key;     /* lower case, without the period */
  const char *reading; /* default reading (title for CONTEXT) */
  const char *other;   /* CONTEXT: the place reading; AFTER_NUM: singular */
  unsigned char when;  /* enum text_abbr_when */
} text_abbr;

const text_abbr *text_abbr_find(const char *s, size_t n);

#endif
