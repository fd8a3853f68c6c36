/* model.h -- the neural network behind the engine: load a model file and
 * predict the phonemes of one word.
 *
 * A g2p_model is immutable after g2p_model_open() and shared by threads.
 * Prediction works only in caller-provided scratch memory of
 * g2p_model_scratch_bytes() bytes (64-byte aligned), so it never allocates. */
#ifndef RNNINFERD_G2P_MODEL_H
#define RNNINFERD_G2P_MODEL_H

#include <stddef.h>
#include <stdint.h>

typedef struct g2p_model g2p_model;

/* Loads, validates and packs a model file. Returns 0 or a negative
 * g2p_error (engine.h) with a message naming the problem in err. */
int g2p_model_open(g2p_model **out, const char *path, char *err, size_t errlen);
void g2p_model_close(g2p_model *model);

/* As g2p_model_open, with the kernel table named explicitly ("scalar",
 * "avx2", "avx512"); NULL, "" or "auto" choose as kern_select() does
 * (RNNINFERD_KERNEL, else the best this CPU runs). Added by the model
 * helper for benchmarks and tests. */
int g2p_model_open_ex(g2p_model **out, const char *path, const char *kernel,
                      char *err, size_t errlen);

/* Scratch needed by one thread for words of up to G2P_WORD_MAX bytes and
 * beams up to max_beam wide. (The model helper's implementation always
 * sizes it for the widest beam predict accepts, 16, since predict cannot
 * tell how large the scratch it is handed is.) */
size_t g2p_model_scratch_bytes(const g2p_model *model, int max_beam);

/* Predicts the phonemes of word (len bytes of UTF-8, already lower-cased).
 * Writes space-separated ARPAbet ("AA1 R D V AA2 R K") to out without a NUL
 * and returns its length, or a negative g2p_error. beam_width 1 = greedy. */
int g2p_model_predict(const g2p_model *model, void *scratch, const char *word,
                      size_t len, int beam_width, char *out, size_t outcap);

/* Batched greedy prediction (added by the batching helper, g2p/decode_batch.c):
 * up to G2P_BATCH_MAX words decoded in lockstep, one matmat per step over
 * the words still running, with the same answers as g2p_model_predict at
 * beam width 1, bit for bit. Words of more than G2P_BATCH_WORD_MAX bytes
 * are refused per word (decode them with g2p_model_predict). */
#define G2P_BATCH_MAX 16
#define G2P_BATCH_WORD_MAX 64

/* Scratch (64-byte aligned) for g2p_model_predict_batch, any batch size up
 * to G2P_BATCH_MAX; independent of g2p_model_scratch_bytes(). */
size_t g2p_model_batch_scratch_bytes(const g2p_model *model);

/* Predicts words[0..n) (lens[i] bytes of lower-cased UTF-8 each), n <=
 * G2P_BATCH_MAX. Word i's answer goes to out + i * outcap (no NUL) and its
 * length, or a negative g2p_error for that word, to out_len[i]. Returns 0,
 * or G2P_EINVAL for bad arguments (then out_len is not set). */
int g2p_model_predict_batch(const g2p_model *model, void *scratch,
                            const char *const *words, const size_t *lens,
                            int n, char *out, size_t outcap, int *out_len);

/* Identity for `info`. */
const char *g2p_model_name(const g2p_model *model);
const char *g2p_model_arch(const g2p_model *model);
const char *g2p_model_kernel(const g2p_model *model);
uint32_t g2p_model_checksum(const g2p_model *model);

#endif
