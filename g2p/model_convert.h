/* model_convert.h -- writing model files: from explicit tensors (tests,
 * future exporters) or from a numpy .npz (tools/g2p-convert). */
#ifndef RNNINFERD_G2P_MODEL_CONVERT_H
#define RNNINFERD_G2P_MODEL_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/model_format.h"

/* Everything a model file holds. Symbol tables are the symbols joined by
 * '\n' (no trailing newline); tensor[] follows g2pm_arch_tensors() order
 * for the header with these flags, each row-major of the spec's shape and
 * dtype (float32, or int8 for the i8 matrices of a G2PM_FLAG_INT8 file). */
typedef struct g2pm_model_spec {
  uint32_t arch;
  uint32_t flags; /* G2PM_FLAG_INT8, G2PM_FLAG_REVERSED or 0 (version 1) */
  uint32_t G, P, E, H, Ed, D, max_len;
  const char *name;
  const char *graphemes;
  size_t graphemes_len;
  const char *phonemes;
  size_t phonemes_len;
  const void *tensor[G2PM_MAX_TENSORS]; /* row-major, any alignment */
} g2pm_model_spec;

/* g2p_en 2.0's symbol tables ('\n'-joined), for its npz, which lacks them. */
extern const char g2pm_g2p_en_graphemes[];
extern const char g2pm_g2p_en_phonemes[];

/* Lays out a complete file image (malloc'd into *out, *len bytes) and
 * checks it by loading it back. Returns 0 or a negative g2p_error. */
int g2pm_build_image(uint8_t **out, size_t *len, const g2pm_model_spec *spec,
                     char *err, size_t errlen);

/* Writes an image to path atomically (temporary file + rename). */
int g2pm_write_file(const char *path, const uint8_t *img, size_t len,
                    char *err, size_t errlen);

typedef struct g2pm_convert_opts {
  const char *name; /* NULL: the npz's "name" array, else its file name */
  int max_len;      /* 0: the npz's "max_len", else 20 for g2p_en */
} g2pm_convert_opts;

/* A valid fp32 model image -> the same model with int8 weights: every
 * g2pm_tensor_quantizable matrix quantized per row (scale = max|w| / 127,
 * kern_q8_quantize_rows), everything else copied. name NULL keeps the
 * model's name. Refuses an image that is already int8. */
int g2pm_quantize_image(uint8_t **out, size_t *len, const uint8_t *img,
                        size_t img_len, const char *name, char *err,
                        size_t errlen);
/* As g2pm_quantize_image; with int4, the recurrent matrices are stored in
 * 4 bits instead (G2PM_FLAG_INT4, format version 3; kern_q4_quantize_rows:
 * scale = max|w| / 7). */
int g2pm_quantize_image_ex(uint8_t **out, size_t *len, const uint8_t *img,
                           size_t img_len, const char *name, int int4,
                           char *err, size_t errlen);

/* npz (g2p_en's checkpoint or the trainer's export) -> file image. */
int g2pm_npz_to_image(uint8_t **out, size_t *len, const char *npz_path,
                      const g2pm_convert_opts *opts, char *err,
                      size_t errlen);

#endif
