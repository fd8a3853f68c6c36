/* model-fuzz.c -- libFuzzer harness for the model loader and decoders.
 *
 * Model files come from disk, not from clients, but a damaged or hostile
 * one must be refused with a message, never crash or read out of bounds.
 * The checksums would stop almost every mutation at the door, so the
 * harness sets the file size and reseals both CRCs first: what is
 * exercised is the header, directory and tensor validation behind them.
 * Whatever the loader accepts must then decode words greedily, in a batch
 * and with a beam, within the output buffer. Built and run by
 * `make fuzz-model` (clang); the seed corpus is tests/corpus/model/
 * (tiny images of each architecture). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = { "aardvark", "x", "caf\xc3\xa9", "'",
                                     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" };
#define N_WORDS (sizeof words / sizeof words[0])

static void decode_some(const g2p_model *m) {
  char out[G2P_TEXT_MAX];
  size_t n = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (n + 63) / 64 * 64);
  if (!s) return;
  for (size_t i = 0; i < N_WORDS; i++)
    for (int beam = 1; beam <= 3; beam += 2) {
      int r = g2p_model_predict(m, s, words[i], strlen(words[i]), beam, out,
                                sizeof out);
      if (r > (int)sizeof out) abort();
    }
  free(s);
  size_t bn = g2p_model_batch_scratch_bytes(m);
  void *bs = aligned_alloc(64, (bn + 63) / 64 * 64);
  if (!bs) return;
  static char bout[N_WORDS][G2P_TEXT_MAX];
  size_t lens[N_WORDS];
  int blen[N_WORDS];
  for (size_t i = 0; i < N_WORDS; i++) lens[i] = strlen(words[i]);
  if (g2p_model_predict_batch(m, bs, words, lens, (int)N_WORDS, &bout[0][0],
                              G2P_TEXT_MAX, blen) == 0)
    for (size_t i = 0; i < N_WORDS; i++)
      if (blen[i] > G2P_TEXT_MAX) abort();
  free(bs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* exact size, so that ASan sees any read past the end */
  uint8_t *b = malloc(size ? size : 1);
  if (!b) return 0;
  if (size) memcpy(b, data, size);
  if (size >= G2PM_HEADER_BYTES) {
    g2pm_wr64(b + G2PM_OFF_FILE_BYTES, size);
    g2pm_reseal(b, size);
  }
  g2p_model *m = NULL;
  char err[512];
  if (g2p_model_open_mem(&m, b, size, "scalar", err, sizeof err) == 0) {
    decode_some(m);
    g2p_model_close(m);
  } else if (m != NULL || err[0] == '\0') {
    abort(); /* a refusal leaves no model and says why */
  }
  free(b);
  return 0;
}
