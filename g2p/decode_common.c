/* decode_common.c -- the per-word steps both decoders run once per word
 * (see decode_common.h): reading the word in, writing the answer out. */
#include "g2p/decode_common.h"

#include <string.h>

#include "common/utf8.h"
#include "g2p/g2p_limits.h"

int decode_tokenize(const g2p_model *m, const char *word, size_t len,
                    int *toks) {
  const uint8_t *p = (const uint8_t *)word;
  int T = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    int n = utf8_decode(p + i, len - i, &cp);
    if (n == 0) { /* the engine validates; be safe anyway */
      toks[T++] = G2PM_G_UNK;
      i++;
      continue;
    }
    toks[T++] = (int)g2pm_grapheme_id(m, cp);
    i += (size_t)n;
  }
  toks[T++] = G2PM_G_EOS;
  return T;
}

/* Joins phoneme symbols with single spaces. */
int decode_render(const g2p_model *m, const uint16_t *ids, int n, char *out,
                  size_t outcap) {
  size_t o = 0;
  for (int i = 0; i < n; i++) {
    uint16_t id = ids[m->reversed ? n - 1 - i : i]; /* right to left: turned */
    size_t l = m->phon_len[id];
    if (o + l + (i > 0) > outcap)
      return G2P_EINVAL;
    if (i > 0)
      out[o++] = ' ';
    memcpy(out + o, m->phon_text + m->phon_off[id], l);
    o += l;
  }
  return (int)o;
}

int decode_parse(const g2p_model *m, const char *text, size_t len, uint16_t *ids,
                 int cap) {
  int n = 0;
  size_t i = 0;
  while (i < len) {
    if (text[i] == ' ') {
      i++;
      continue;
    }
    size_t j = i;
    while (j < len && text[j] != ' ') j++;
    int id = -1;
    for (int p = 0; p < m->P && id < 0; p++) /* what decode_render can write */
      if (p != G2PM_P_EOS && m->phon_len[p] == j - i &&
          memcmp(m->phon_text + m->phon_off[p], text + i, j - i) == 0)
        id = p;
    if (id < 0 || n == cap)
      return G2P_EINVAL;
    ids[n++] = (uint16_t)id;
    i = j;
  }
  return n;
}
