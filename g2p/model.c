/* model.c -- loads a model file and predicts phonemes with it.
 *
 * This first version only provides the seam so that the engine links; the
 * loader rejects every file until the format lands. */
#include "g2p/model.h"
#include "g2p/engine.h"

#include <stdio.h>

int g2p_model_open(g2p_model **out, const char *path, char *err, size_t errlen)
{
  *out = NULL;
  snprintf(err, errlen, "%s: model loading is not implemented yet", path);
  return G2P_EFORMAT;
}

void g2p_model_close(g2p_model *model) { (void)model; }

size_t g2p_model_scratch_bytes(const g2p_model *model, int max_beam)
{
  (void)model;
  (void)max_beam;
  return 64;
}

int g2p_model_predict(const g2p_model *model, void *scratch, const char *word,
                      size_t len, int beam_width, char *out, size_t outcap)
{
  (void)model; (void)scratch; (void)word; (void)len; (void)beam_width;
  (void)out; (void)outcap;
  return G2P_EINVAL;
}

const char *g2p_model_name(const g2p_model *model) { (void)model; return ""; }
const char *g2p_model_arch(const g2p_model *model) { (void)model; return ""; }
const char *g2p_model_kernel(const g2p_model *model) { (void)model; return ""; }
uint32_t g2p_model_checksum(const g2p_model *model) { (void)model; return 0; }
