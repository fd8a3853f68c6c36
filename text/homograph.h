/* homograph.h -- choosing the reading of a homograph from its sentence
 * ("I read it yesterday" R EH1 D, "I will read it" R IY1 D).
 *
 * The model (a linear-model file, tagger_format.h, trained by
 * tools/train-tagger/train_homograph.py) holds a table of words with two or
 * more readings. For the words of the Wikipedia Homograph Data it has a
 * per-word classifier over the tagged sentence; for every other CMUdict
 * word whose variants differ by part of speech, a rule on the word's UPOS.
 * The order of decision: a strong POS rule (one reading on >= 99% of at
 * least 10 training rows with that UPOS), then the classifier when its
 * best reading leads the next by more than the model's margin, then the
 * POS rule, then the most frequent reading (CMUdict's first variant for
 * rule-only words).
 *
 * The chooser needs the tags of the same tagger model it was trained with
 * (its checksum is in the file; homograph_open refuses another). Choosing
 * allocates nothing. */
#ifndef RNNINFERD_TEXT_HOMOGRAPH_H
#define RNNINFERD_TEXT_HOMOGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "text/tagger.h"

#define HOMOGRAPH_MAX_READINGS 16u

enum homograph_how {
  HOMOGRAPH_NONE = 0,     /* not a homograph of the table */
  HOMOGRAPH_CLASSIFIER,   /* the word's classifier decided */
  HOMOGRAPH_POS_RULE,     /* the POS of the word decided */
  HOMOGRAPH_MOST_FREQUENT /* nothing in context decided */
};

typedef struct homograph_choice {
  const char *phones;  /* stressed ARPAbet ("R EH1 D"), NUL-terminated */
  const char *reading; /* the reading's name ("read_past"), NUL-terminated */
  int how;             /* enum homograph_how */
} homograph_choice;

typedef struct homograph homograph;

/* Maps and validates a homograph model; tagger is the one whose tags will
 * be passed to homograph_choose (its checksum must match the model's). */
int homograph_open(homograph **out, const char *path, const tagger *t, char *err,
                   size_t errlen);
int homograph_open_buffer(homograph **out, const void *buf, size_t n, const tagger *t,
                          char *err, size_t errlen);
void homograph_close(homograph *h);

size_t homograph_n_words(const homograph *h);
/* 1 if the word (any ASCII case) is in the table */
int homograph_known(const homograph *h, const char *word, size_t len);

/* Chooses the reading of words[i] given the sentence words[0..n) and its
 * tags (from tagger_tag). Returns 1 and fills out when words[i] is in the
 * table; returns 0 and sets out->how = HOMOGRAPH_NONE otherwise. */
int homograph_choose(const homograph *h, const tagger_word *words, const uint8_t *tags,
                     size_t n, size_t i, homograph_choice *out);

#endif
