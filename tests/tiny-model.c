/* tiny-model.c -- tiny random model images (see tiny-model.h). */
#include "tests/tiny-model.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/model_convert.h"
#include "g2p/model_format.h"

static float frand(uint32_t *rng) {
  *rng = *rng * 1664525u + 1013904223u;
  return ((float)(*rng >> 8) / 16777216.0f - 0.5f) * 2.0f;
}

uint8_t *tiny_model_image(uint32_t arch, uint32_t *rng, size_t *len) {
  g2pm_model_spec s;
  memset(&s, 0, sizeof s);
  s.arch = arch;
  s.G = 29;
  s.P = 74;
  s.E = 5;
  s.H = 8;
  s.Ed = 6;
  s.D = arch == G2PM_ARCH_GRU ? 8 : 12;
  s.max_len = 20;
  s.name = arch == G2PM_ARCH_GRU ? "tiny-gru" : "tiny-attn";
  s.graphemes = g2pm_g2p_en_graphemes;
  s.graphemes_len = strlen(g2pm_g2p_en_graphemes);
  s.phonemes = g2pm_g2p_en_phonemes;
  s.phonemes_len = strlen(g2pm_g2p_en_phonemes);
  g2pm_header h;
  memset(&h, 0, sizeof h);
  h.arch = arch;
  h.G = s.G, h.P = s.P, h.E = s.E, h.H = s.H, h.Ed = s.Ed, h.D = s.D;
  g2pm_tensor_spec ts[G2PM_MAX_TENSORS];
  int n = g2pm_arch_tensors(&h, ts);
  ck_assert_int_gt(n, 0);
  float *buf[G2PM_MAX_TENSORS];
  for (int i = 0; i < n; i++) {
    size_t cnt = (size_t)ts[i].rows * (ts[i].cols ? ts[i].cols : 1);
    buf[i] = malloc(cnt * sizeof(float));
    ck_assert_ptr_nonnull(buf[i]);
    for (size_t j = 0; j < cnt; j++)
      buf[i][j] = frand(rng);
    s.tensor[i] = buf[i];
  }
  uint8_t *img;
  char err[256];
  int rc = g2pm_build_image(&img, len, &s, err, sizeof err);
  for (int i = 0; i < n; i++)
    free(buf[i]);
  ck_assert_msg(rc == 0, "building the tiny model: %s", err);
  return img;
}
