/* model_quantize.c -- post-training quantization of a model file: the same
 * network with int8 weight matrices (G2PM_FLAG_INT8, format version 2), and
 * optionally 4-bit recurrent matrices (G2PM_FLAG_INT4, version 3).
 *
 * Works on a file image, so it serves both a fresh export (npz -> image ->
 * int8 image) and a model already shipped. The input goes through the real
 * loader first; only then are its header and directory read, and the
 * output is loaded back by g2pm_build_image as every written image is.
 * Quantization is symmetric per row with the row's largest |w| mapped to
 * 127 (kern_q8_quantize_rows): measured on both shipped networks, plain
 * absmax cost at most 0.07 points of WER (models/MODEL_CARD.md), so no
 * clipping is applied. In 4 bits the same rule costs about half a point
 * (models/MODEL_CARD.md), so int4 networks are fine-tuned for it
 * (tools/train/qat.py, which rounds exactly as kern_q4_quantize_rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errbuf.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_convert.h"
#include "g2p/model_format.h"
#include "kernels/kernels.h"

int g2pm_quantize_image(uint8_t **out, size_t *len, const uint8_t *img,
                        size_t img_len, const char *name, char *err,
                        size_t errlen) {
  return g2pm_quantize_image_ex(out, len, img, img_len, name, 0, err, errlen);
}

int g2pm_quantize_image_ex(uint8_t **out, size_t *len, const uint8_t *img,
                           size_t img_len, const char *name, int int4,
                           char *err, size_t errlen) {
  *out = NULL;
  *len = 0;
  g2p_model *m;
  char why[256];
  int rc = g2p_model_open_mem(&m, img, img_len, "scalar", why, sizeof why);
  if (rc)
    return err_set(err, errlen, rc, "the input model does not load: %s", why);
  char keep_name[G2PM_MAX_NAME_BYTES + 1];
  snprintf(keep_name, sizeof keep_name, "%s", g2p_model_name(m));
  g2p_model_close(m);

  /* Valid from here on: every offset and size below was checked. */
  g2pm_header h;
  g2pm_header_decode(&h, img);
  if (h.flags & G2PM_FLAG_INT8)
    return err_set(err, errlen, G2P_EINVAL, "the model is already int8");
  g2pm_model_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.arch = h.arch;
  spec.flags = G2PM_FLAG_INT8 | (int4 ? G2PM_FLAG_INT4 : 0) |
               (h.flags & G2PM_FLAG_REVERSED);
  spec.G = h.G, spec.P = h.P, spec.E = h.E, spec.H = h.H, spec.Ed = h.Ed;
  spec.D = h.D, spec.max_len = h.max_len;
  spec.name = name ? name : keep_name;
  spec.graphemes = (const char *)img + h.graphemes_offset;
  spec.graphemes_len = h.graphemes_bytes;
  spec.phonemes = (const char *)img + h.phonemes_offset;
  spec.phonemes_len = h.phonemes_bytes;

  g2pm_header hq = h;
  hq.flags = spec.flags;
  g2pm_tensor_spec ts[G2PM_MAX_TENSORS];
  int n = g2pm_arch_tensors(&hq, ts);
  void *own[G2PM_MAX_TENSORS] = {0};
  rc = 0;
  for (int i = 0; i < n && rc == 0; i++) {
    if (ts[i].of >= 0)
      continue; /* filled with its matrix */
    const uint8_t *src = NULL;
    for (uint32_t e = 0; e < h.n_tensors; e++) {
      const uint8_t *d = img + h.dir_offset + (uint64_t)e * G2PM_DIRENT_BYTES;
      if (strcmp((const char *)d, ts[i].name) == 0)
        src = img + g2pm_rd64(d + 48);
    }
    size_t cnt = (size_t)ts[i].rows * (ts[i].cols ? ts[i].cols : 1);
    float *f = malloc(cnt * sizeof(float));
    if (!f) {
      rc = G2P_ENOMEM;
      break;
    }
    memcpy(f, src, cnt * sizeof(float)); /* the image may be unaligned */
    if (ts[i].dtype == G2PM_DTYPE_F32) {
      own[i] = f;
      spec.tensor[i] = f;
      continue;
    }
    int j = i;
    for (int k = 0; k < n; k++)
      if (ts[k].of == i)
        j = k;
    int8_t *q = malloc(cnt);
    float *scale = malloc((size_t)ts[i].rows * sizeof(float));
    if (!q || !scale) {
      free(f), free(q), free(scale);
      rc = G2P_ENOMEM;
      break;
    }
    if (ts[i].dtype == G2PM_DTYPE_I4)
      kern_q4_quantize_rows(f, (int)ts[i].rows, (int)ts[i].cols, q, scale);
    else
      kern_q8_quantize_rows(f, (int)ts[i].rows, (int)ts[i].cols, NULL, q, scale);
    free(f);
    own[i] = q, own[j] = scale;
    spec.tensor[i] = q, spec.tensor[j] = scale;
  }
  if (rc == 0)
    rc = g2pm_build_image(out, len, &spec, err, errlen);
  else
    err_set(err, errlen, rc, "out of memory quantizing the model");
  for (int i = 0; i < n; i++)
    free(own[i]);
  return rc;
}
