/* tagger.h -- part-of-speech tagging of a sentence of words: an averaged
 * perceptron (word, affix, shape and neighbour features, the two previous
 * tags), decoded greedily left to right, that gives each word a tag naming
 * both its Universal POS and its Penn Treebank tag ("VERB|VBD").
 *
 * The model is a linear-model file (tagger_format.h) trained by
 * tools/train-tagger on UD English EWT; see models/TAGGER_CARD.md. Words
 * are the caller's: pointers and lengths into its own text, in their
 * original case, split the way the Penn Treebank splits ("do" "n't",
 * "John" "'s", punctuation apart). Tagging allocates nothing. */
#ifndef RNNINFERD_TEXT_TAGGER_H
#define RNNINFERD_TEXT_TAGGER_H

#include <stddef.h>
#include <stdint.h>

typedef struct tagger_word {
  const char *s; /* UTF-8, not NUL-terminated */
  size_t len;
} tagger_word;

/* Universal POS tags, in the UD order */
enum tagger_upos {
  UPOS_ADJ,
  UPOS_ADP,
  UPOS_ADV,
  UPOS_AUX,
  UPOS_CCONJ,
  UPOS_DET,
  UPOS_INTJ,
  UPOS_NOUN,
  UPOS_NUM,
  UPOS_PART,
  UPOS_PRON,
  UPOS_PROPN,
  UPOS_PUNCT,
  UPOS_SCONJ,
  UPOS_SYM,
  UPOS_VERB,
  UPOS_X,
  UPOS_COUNT
};

#define TAGGER_MAX_TAGS 255u

typedef struct tagger tagger;

/* Maps and validates a tagger model; on failure *out is NULL and err says
 * why (the path and the damaged field). Returns 0 or a LINM_E* code. */
int tagger_open(tagger **out, const char *path, char *err, size_t errlen);
/* The same over a caller-owned, 64-byte aligned buffer that outlives the
 * tagger (tests). */
int tagger_open_buffer(tagger **out, const void *buf, size_t n, char *err, size_t errlen);
void tagger_close(tagger *t);

unsigned tagger_n_tags(const tagger *t);
/* the tag's UPOS (enum tagger_upos) and its Penn tag ("" if the model has none) */
int tagger_upos(const tagger *t, unsigned tag);
const char *tagger_xpos(const tagger *t, unsigned tag);
const char *tagger_upos_name(int upos);
uint32_t tagger_checksum(const tagger *t);

/* Tags words[0..n): tags[i] gets the tag of words[i]. Never allocates. */
void tagger_tag(const tagger *t, const tagger_word *words, size_t n, uint8_t *tags);

/* FNV-1a hashes of a tag's UPOS and Penn names, for features built on tags
 * (the homograph chooser's). */
uint64_t tagger_upos_hash(const tagger *t, unsigned tag);
uint64_t tagger_xpos_hash(const tagger *t, unsigned tag);

#endif
