/* word_slot.c -- engine answers into word slots (see word_slot.h).
 *
 * Engine error codes become the wire's per-word codes here, and the
 * engine's source becomes the wire's; anything the wire has no per-word
 * code for is `internal`. */
#include "daemon/word_slot.h"

#include <string.h>

int word_slot_error_code(int g2p_rc) {
  switch (g2p_rc) {
  case G2P_ENOTFOUND: return PROTO_E_NOT_FOUND;
  case G2P_EEMPTY: return PROTO_E_EMPTY_WORD;
  case G2P_ETOOLONG: return PROTO_E_WORD_TOO_LONG;
  case G2P_EUTF8: return PROTO_E_BAD_UTF8;
  case G2P_ENOPRON: return PROTO_E_NO_PRONUNCIATION;
  default: return PROTO_E_INTERNAL;
  }
}

/* The wire's name for who answered; -1 for none. No default case: a new
 * engine source must be given a wire name here (-Wswitch says so). */
static int wire_source(enum g2p_source src) {
  switch (src) {
  case G2P_SOURCE_DICT: return PROTO_SOURCE_DICT;
  case G2P_SOURCE_MODEL: return PROTO_SOURCE_MODEL;
  case G2P_SOURCE_LETTERS: return PROTO_SOURCE_LETTERS;
  case G2P_SOURCE_USER: return PROTO_SOURCE_USER;
  case G2P_SOURCE_HOMOGRAPH: return PROTO_SOURCE_HOMOGRAPH;
  case G2P_SOURCE_NONE: break;
  }
  return -1;
}

void word_slot_set(word_slot *s, int rc, const g2p_word_result *g,
                   int copy_text) {
  s->needs_model = 0;
  s->n_variants = 0;
  int src = rc == 0 ? wire_source(g->source) : -1;
  if (src < 0) {
    s->code = rc != 0 ? word_slot_error_code(rc)
              : g->source == G2P_SOURCE_NONE ? PROTO_E_NOT_FOUND
                                             : PROTO_E_INTERNAL;
    s->source = PROTO_SOURCE_NONE;
    s->phones = NULL;
    s->phones_len = 0;
    return;
  }
  s->code = PROTO_OK;
  s->source = (enum proto_source)src;
  s->confidence = g->confidence;
  if (copy_text) {
    uint16_t n = g->phones_len < G2P_TEXT_MAX ? g->phones_len : G2P_TEXT_MAX;
    memcpy(s->text, g->phones, n);
    s->phones = s->text;
    s->phones_len = n;
    return; /* the network gives one answer; variants are the dictionary's */
  }
  s->phones = g->phones;
  s->phones_len = g->phones_len;
  s->n_variants = g->n_variants;
  for (unsigned v = 0; v < g->n_variants && v < G2P_VARIANTS_MAX; v++) {
    s->variant[v] = g->variant[v];
    s->variant_len[v] = g->variant_len[v];
  }
}

void word_alts_set(word_alts *a, int rc, const g2p_word_result *g, int copy_text) {
  a->n = 0;
  if (rc != 0) return;
  unsigned n = g->n_alternatives < G2P_NBEST_MAX ? g->n_alternatives : G2P_NBEST_MAX;
  size_t at = 0;
  for (unsigned i = 0; i < n; i++) {
    uint16_t len = g->alternative_len[i] < G2P_TEXT_MAX ? g->alternative_len[i]
                                                        : G2P_TEXT_MAX;
    a->len[i] = len;
    a->logprob[i] = g->alternative_logprob[i];
    if (!copy_text) {
      a->alt[i] = g->alternative[i];
      continue;
    }
    memcpy(a->text + at, g->alternative[i], len); /* fits: 16 x G2P_TEXT_MAX */
    a->alt[i] = a->text + at;
    at += len;
  }
  a->n = (uint8_t)n;
}

void word_slot_set_reading(word_slot *s, int rc, enum g2p_source src, double confidence) {
  s->needs_model = 0;
  s->n_variants = 0;
  if (rc > 0) {
    s->code = PROTO_OK;
    s->source = (enum proto_source)src;
    s->phones = s->text;
    s->phones_len = (uint16_t)rc;
    s->confidence = confidence;
    return;
  }
  s->code = word_slot_error_code(rc);
  s->source = PROTO_SOURCE_NONE;
  s->confidence = 0.0;
  s->phones = NULL;
  s->phones_len = 0;
}
