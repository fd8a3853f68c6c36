/* word_slot.h -- the answer for one word of a request, kept until the reply
 * is packed.
 *
 * The loop thread fills a slot from a dictionary answer, a kernel worker
 * from a network answer; the dispatcher reads the slots when it packs the
 * reply. The slot is the only thing both sides write, so it has its own
 * module that neither of them owns. */
#ifndef RNNINFERD_DAEMON_WORD_SLOT_H
#define RNNINFERD_DAEMON_WORD_SLOT_H

#include <stdint.h>

#include "g2p/engine.h"
#include "proto/proto.h"

typedef struct word_slot {
  int code;                   /* PROTO_OK or a per-word PROTO_E_* */
  int needs_model;            /* queued for a worker */
  enum proto_source source;
  const char *phones;         /* into the lexicon map, or text[] */
  uint16_t phones_len;
  uint8_t n_variants;
  const char *variant[G2P_VARIANTS_MAX];
  uint16_t variant_len[G2P_VARIANTS_MAX];
  char text[G2P_TEXT_MAX];    /* a network answer, written by a worker */
  char key[72];               /* a folded word (naïve -> naive) for a worker */
  uint16_t key_len;           /* the text op: key's length */
  uint32_t text_word;         /* the text op: the spoken word this answers */
  double confidence;          /* network answers (g2p_word_result) */
} word_slot;

/* An nbest request's alternatives for one word, beside its word_slot (the
 * slot holds the best answer, alternative[0]). A dictionary word's point
 * into the lexicon; a network word's are copied into text by the worker
 * that ran it, packed one after another (the engine's scratch holds them
 * so: at most G2P_NBEST_MAX answers of G2P_TEXT_MAX bytes). n is 0 for a
 * word answered otherwise (an error, a written form read by the text
 * front end): the reply then lists its one answer. */
typedef struct word_alts {
  uint8_t n;
  uint16_t len[G2P_NBEST_MAX];
  const char *alt[G2P_NBEST_MAX];
  double logprob[G2P_NBEST_MAX];
  char text[G2P_NBEST_MAX * G2P_TEXT_MAX];
} word_alts;

/* The wire's per-word code for an engine error (internal for the rest). */
int word_slot_error_code(int g2p_rc);

/* Fills a word slot from an engine answer; copy_text copies the phonemes
 * into slot->text (needed for answers that live in a scratch). */
void word_slot_set(word_slot *s, int rc, const g2p_word_result *g,
                   int copy_text);

/* Fills a word slot from g2p_engine_text_reading()'s answer (rc: its
 * length in s->text, or an error), source and confidence. */
void word_slot_set_reading(word_slot *s, int rc, enum g2p_source src, double confidence);
/* Fills the alternatives from an engine answer (rc 0; otherwise none);
 * copy_text copies their texts into a->text (answers in a scratch). */
void word_alts_set(word_alts *a, int rc, const g2p_word_result *g, int copy_text);

#endif
