/* tiny-model.h -- tiny model images with random weights for the model
 * tests: every architecture's tensors at small sizes (G 29, P 74, E 5,
 * H 8, Ed 6, D 8 for arch 1 and 12 for attention), built and checked by
 * g2pm_build_image. */
#ifndef RNNINFERD_TESTS_TINY_MODEL_H
#define RNNINFERD_TESTS_TINY_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd image of arch (1, 2 or 3), weights uniform in [-1, 1) from
 * the caller's generator state *rng (advanced); aborts the test on error. */
uint8_t *tiny_model_image(uint32_t arch, uint32_t *rng, size_t *len);

#endif
