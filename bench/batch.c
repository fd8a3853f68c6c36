/* batch.c -- what batching buys per word: greedy decoding one word at a
 * time (g2p_model_predict) against g2p_model_predict_batch at batch sizes
 * 1, 4, 8 and 16, on the same words, per kernel table.
 *
 * usage: bench/batch MODEL.g2pm WORDS [KERNEL...]
 * WORDS: one word per line (a tab ends the word, so golden_words.tsv
 * works). Each configuration runs PASSES (env BATCH_PASSES, default 5)
 * passes over all words; the fastest pass is reported (the machine is
 * shared, the minimum is the least disturbed). Time is the thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), so other processes preempting this one
 * do not count; BATCH_CLOCK=wall uses the monotonic clock instead. Prints
 * one line per kernel and mode: us/word and the speed-up over one word at
 * a time. BATCH_ONLY=N runs batch size N only (0: one word at a time), for
 * profiling.
 *
 * Measured 2026-11-27 on the 2-vCPU Xeon build VM while a trainer ran
 * (thread CPU time, 2,018 golden words, fastest of 5; runs differ by up to
 * 1.5x, so read the ratios): avx512, g2p_en: per word 149-174 us, batch 4
 * 84-106, batch 8 60-100, batch 16 58-95 us/word (x1.8-2.5); avx512,
 * bigru-attn H=D=192: per word 209-307, batch 16 103-108 us/word
 * (x2.0-2.8); avx2 gains only x1.1-1.4 (its matmat reads W once per four
 * vectors and measures 1.5x at best); scalar none. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "g2p/engine.h"
#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/model.h"
#include "kernels/kernels.h"

static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(clock_id, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char **words;
static size_t *lens;
static int n_words;

static int read_words(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[1024];
  int cap = 0;
  while (fgets(line, sizeof line, f)) {
    size_t l = strcspn(line, "\t\r\n");
    if (l == 0 || l > G2P_BATCH_WORD_MAX)
      continue;
    if (n_words == cap) {
      cap = cap ? 2 * cap : 4096;
      words = realloc(words, (size_t)cap * sizeof *words);
      lens = realloc(lens, (size_t)cap * sizeof *lens);
      if (!words || !lens)
        return -1;
    }
    words[n_words] = malloc(l + 1);
    if (!words[n_words])
      return -1;
    memcpy(words[n_words], line, l);
    words[n_words][l] = '\0';
    lens[n_words++] = l;
  }
  fclose(f);
  return n_words > 0 ? 0 : -1;
}

static void *aligned(size_t n) {
  void *p = aligned_alloc(64, (n + 63) / 64 * 64);
  if (p)
    memset(p, 0, (n + 63) / 64 * 64);
  return p;
}

static volatile int sink;

/* One pass; bs 0 = g2p_model_predict word by word. Returns us. */
static double pass(const g2p_model *m, void *s1, void *sb, int bs) {
  static char out[G2P_BATCH_MAX][G2P_TEXT_MAX];
  int got[G2P_BATCH_MAX];
  double t0 = now_us();
  if (bs == 0) {
    for (int i = 0; i < n_words; i++)
      sink += g2p_model_predict(m, s1, words[i], lens[i], 1, out[0],
                                G2P_TEXT_MAX);
  } else {
    for (int at = 0; at < n_words; at += bs) {
      int k = n_words - at < bs ? n_words - at : bs;
      g2p_model_predict_batch(m, sb, (const char *const *)words + at,
                              lens + at, k, &out[0][0], G2P_TEXT_MAX, got);
      sink += got[0];
    }
  }
  return now_us() - t0;
}

static int run_kernel(const char *path, const char *kernel, int passes) {
  g2p_model *m = NULL;
  char err[512];
  if (g2p_model_open_ex(&m, path, kernel, err, sizeof err) != 0) {
    fprintf(stderr, "batch: %s: %s\n", kernel, err);
    return -1;
  }
  void *s1 = aligned(g2p_model_scratch_bytes(m));
  void *sb = aligned(g2p_model_batch_scratch_bytes(m));
  if (!s1 || !sb)
    return -1;
  static const int sizes[] = {0, 1, 4, 8, 16};
  double base = 0;
  const char *only = getenv("BATCH_ONLY"); /* one size (0 = per word) */
  for (size_t c = 0; c < sizeof sizes / sizeof *sizes; c++) {
    if (only && *only && atoi(only) != sizes[c])
      continue;
    double best = 1e300;
    pass(m, s1, sb, sizes[c]); /* warm */
    for (int p = 0; p < passes; p++) {
      double t = pass(m, s1, sb, sizes[c]);
      best = t < best ? t : best;
    }
    double per = best / n_words;
    if (c == 0)
      base = per;
    if (sizes[c] == 0)
      printf("%-7s %-10s per-word   %8.2f us/word  x1.00\n", kernel,
             g2p_model_arch(m), per);
    else
      printf("%-7s %-10s batch %2d   %8.2f us/word  x%.2f\n", kernel,
             g2p_model_arch(m), sizes[c], per, base > 0 ? base / per : 0.0);
    fflush(stdout);
  }
  free(s1);
  free(sb);
  g2p_model_close(m);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL.g2pm WORDS [KERNEL...]\n", argv[0]);
    return 2;
  }
  if (read_words(argv[2]) != 0) {
    fprintf(stderr, "batch: no words read from %s\n", argv[2]);
    return 1;
  }
  const char *c = getenv("BATCH_CLOCK");
  if (c && strcmp(c, "wall") == 0)
    clock_id = CLOCK_MONOTONIC;
  const char *e = getenv("BATCH_PASSES");
  int passes = e ? atoi(e) : 5;
  if (passes < 1)
    passes = 1;
  printf("bench/batch: %d words (<= %d bytes), fastest of %d passes, %s "
         "time\n", n_words, G2P_BATCH_WORD_MAX, passes,
         clock_id == CLOCK_MONOTONIC ? "wall" : "thread CPU");
  static const char *const all[] = {"scalar", "avx2", "avx512"};
  int rc = 0;
  if (argc > 3) {
    for (int i = 3; i < argc; i++)
      rc |= run_kernel(argv[1], argv[i], passes);
  } else {
    for (size_t i = 0; i < 3; i++)
      if (kern_cpu_supports(all[i]))
        rc |= run_kernel(argv[1], all[i], passes);
  }
  return rc ? 1 : 0;
}
