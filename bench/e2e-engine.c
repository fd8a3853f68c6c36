/* e2e-engine.c -- the in-process cost of one word, for bench/e2e.
 *
 * The design bounds a network word's socket round trip by "bare round trip
 * + kernel median + 10 us". The kernel median has to come from the same
 * machine, model and word as the socket measurement, without a socket: this
 * tool opens the engine exactly as the daemon does (g2p_engine_open with the
 * same lexicon and model) and times g2p_engine_lookup() on one thread.
 * Output: "key value" lines like e2e-client's, under engine.<label>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/e2e-hist.h"
#include "bench/e2e-wire.h"
#include "g2p/engine.h"

static void usage(FILE *f) {
  fputs("usage: e2e-engine [--lexicon FILE] --model FILE --word W [--model-only]\n"
        "                  [--count N] [--warmup N] [--label NAME]\n"
        "Times g2p_engine_lookup() of one word in process (no socket).\n",
        f);
}

static e2e_hist hist;

int main(int argc, char **argv) {
  g2p_engine_config cfg = {NULL, NULL, 1, 0, NULL};
  const char *word = NULL, *label = "net";
  long count = 20000, warmup = 2000;
  unsigned flags = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--lexicon") == 0 && v) cfg.lexicon_path = argv[++i];
    else if (strcmp(a, "--model") == 0 && v) cfg.model_path = argv[++i];
    else if (strcmp(a, "--word") == 0 && v) word = argv[++i];
    else if (strcmp(a, "--label") == 0 && v) label = argv[++i];
    else if (strcmp(a, "--count") == 0 && v) count = strtol(argv[++i], NULL, 10);
    else if (strcmp(a, "--warmup") == 0 && v) warmup = strtol(argv[++i], NULL, 10);
    else if (strcmp(a, "--model-only") == 0) flags |= G2P_FLAG_MODEL_ONLY;
    else if (strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (!word || count < 1 || warmup < 0) {
    usage(stderr);
    return 2;
  }
  char err[256];
  g2p_engine *eng = NULL;
  g2p_scratch *scr = NULL;
  if (g2p_engine_open(&eng, &cfg, err, sizeof err) < 0) {
    fprintf(stderr, "e2e-engine: %s\n", err);
    return 1;
  }
  if (g2p_scratch_create(&scr, eng) < 0) {
    fprintf(stderr, "e2e-engine: cannot create scratch\n");
    g2p_engine_close(eng);
    return 1;
  }
  g2p_engine_info info;
  g2p_engine_get_info(eng, &info);
  size_t len = strlen(word);
  g2p_word_result res;
  int rc = g2p_engine_lookup(eng, scr, word, len, flags, 0, &res);
  if (rc < 0) {
    fprintf(stderr, "e2e-engine: %s: %s\n", word, g2p_strerror(rc));
    g2p_scratch_destroy(scr);
    g2p_engine_close(eng);
    return 1;
  }
  printf("engine.%s.word %s\n", label, word);
  printf("engine.%s.source %s\n", label, g2p_source_name(res.source));
  printf("engine.%s.phones %.*s\n", label, (int)res.phones_len, res.phones);
  printf("engine.%s.kernel %s\n", label, info.kernel ? info.kernel : "-");
  for (long i = 0; i < warmup; i++)
    g2p_engine_lookup(eng, scr, word, len, flags, 0, &res);
  e2e_hist_reset(&hist);
  for (long i = 0; i < count; i++) {
    uint64_t t0 = e2e_now_ns();
    g2p_engine_lookup(eng, scr, word, len, flags, 0, &res);
    e2e_hist_add(&hist, e2e_now_ns() - t0);
  }
  printf("engine.%s.p50_us %.6g\n", label, (double)e2e_hist_quantile(&hist, 0.5) / 1000.0);
  printf("engine.%s.p99_us %.6g\n", label, (double)e2e_hist_quantile(&hist, 0.99) / 1000.0);
  printf("engine.%s.min_us %.6g\n", label, (double)hist.min / 1000.0);
  printf("engine.%s.mean_us %.6g\n", label, e2e_hist_mean(&hist) / 1000.0);
  g2p_scratch_destroy(scr);
  g2p_engine_close(eng);
  return 0;
}
