/* engine_text.c -- the engine's side of the text front end (see
 * engine_text.h): dictionary membership for text/'s acronym rule, and each
 * spoken word answered from its letter name, the dictionary or the
 * network. */
#include <string.h>

#include "g2p/engine_text.h"

int g2p_text_has_word(void *engine, const char *key, size_t len) {
  return g2p_engine_has_word((const g2p_engine *)engine, key, len);
}

int g2p_engine_text_word(const g2p_engine *engine, g2p_scratch *scratch,
                         const text_word *w, unsigned flags, int beam_width,
                         g2p_word_result *res) {
  if (!w || !res) return G2P_EINVAL;
  if (w->say == TEXT_SAY_LETTER && w->phones) {
    memset(res, 0, sizeof *res);
    res->source = G2P_SOURCE_LETTERS;
    res->phones = w->phones;
    res->phones_len = (uint16_t)strlen(w->phones);
    res->n_variants = 1;
    res->variant[0] = res->phones;
    res->variant_len[0] = res->phones_len;
    return 0;
  }
  return g2p_engine_lookup(engine, scratch, w->text, w->len, flags, beam_width, res);
}

int g2p_engine_text_reading(const g2p_engine *engine, g2p_scratch *scratch,
                            text_ctx *ctx, const char *s, size_t n,
                            unsigned flags, int beam_width, char *out,
                            size_t cap, enum g2p_source *source) {
  text_result tr;
  if (!out || cap == 0) return G2P_EINVAL;
  out[0] = '\0';
  int rc = text_analyze(ctx, s, n, g2p_text_has_word, (void *)engine, &tr, NULL, 0);
  if (rc == TEXT_EUTF8 || rc == TEXT_ENUL) return G2P_EUTF8;
  if (rc) return G2P_ETOOLONG;
  size_t o = 0;
  enum g2p_source src = G2P_SOURCE_DICT;
  for (uint32_t i = 0; i < tr.n_words; i++) {
    g2p_word_result r;
    rc = g2p_engine_text_word(engine, scratch, &tr.words[i], flags & ~G2P_FLAG_VARIANTS,
                              beam_width, &r);
    if (rc) return rc;
    if (r.source == G2P_SOURCE_MODEL) src = G2P_SOURCE_MODEL;
    if (o + (o ? 1 : 0) + r.phones_len + 1 > cap) return G2P_ETOOLONG;
    if (o) out[o++] = ' ';
    memcpy(out + o, r.phones, r.phones_len);
    o += r.phones_len;
    out[o] = '\0';
  }
  if (o == 0) return G2P_ENOTFOUND;
  if (source) *source = src;
  return (int)o;
}
