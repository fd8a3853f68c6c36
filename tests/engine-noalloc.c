/* engine-noalloc -- g2p_engine_lookup() must never allocate.
 *
 * With the counting allocator of tests/alloc-count.h, it checks that thousands of
 * lookups -- dictionary hits with and without variants, misses, bad words,
 * and, when a model can be made from ../shared's g2p_en weights, network
 * answers greedy and beam, one word at a time and batched -- leave the
 * counter untouched. Under ASan the
 * allocator belongs to the sanitizer, so the check is skipped there. Plain
 * C, not Check: Check's own bookkeeping allocates. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/engine.h"
#include "g2p/model.h"
#include "tests/alloc-count.h"

#ifndef ALLOC_COUNT_OFF
static int failures;

static void run(g2p_engine *e, g2p_scratch *s, const char *label, int with_model) {
  static const char *const words[] = {"aardvark", "AALBORG", "a", "a.d.", "ad-hoc",
                                      "qwrtypsdfg", "kubernetes", "zyzzyva",
                                      "caf\xc3\xa9", "", "\xff", "x86"};
  const size_t nw = sizeof words / sizeof words[0];
  char longw[G2P_WORD_MAX + 1];
  memset(longw, 'a', sizeof longw);
  g2p_word_result r;
  /* warm up: first use may fault pages in, never allocate, but be fair */
  for (size_t i = 0; i < nw; i++)
    g2p_engine_lookup(e, s, words[i], strlen(words[i]), 0, 0, &r);
  unsigned long before = alloc_count();
  unsigned long answered = 0;
  for (int round = 0; round < 200; round++) {
    for (size_t i = 0; i < nw; i++) {
      size_t n = strlen(words[i]);
      answered += g2p_engine_lookup(e, s, words[i], n, 0, 0, &r) == G2P_OK;
      answered += g2p_engine_lookup(e, s, words[i], n, G2P_FLAG_VARIANTS, 0, &r) == G2P_OK;
      if (with_model && round % 20 == 0) {
        answered += g2p_engine_lookup(e, s, words[i], n, G2P_FLAG_MODEL_ONLY, 1, &r) == G2P_OK;
        answered += g2p_engine_lookup(e, s, words[i], n, G2P_FLAG_MODEL_ONLY, 4, &r) == G2P_OK;
      }
    }
    g2p_engine_lookup(e, s, longw, sizeof longw, 0, 0, &r);
    /* the daemon's workers use the batched call: same promise */
    if (round % 20 == 0) {
      const char *bw[G2P_BATCH_MAX];
      size_t bl[G2P_BATCH_MAX];
      g2p_word_result br[G2P_BATCH_MAX];
      size_t nb = nw < G2P_BATCH_MAX ? nw : G2P_BATCH_MAX;
      for (size_t i = 0; i < nb; i++) {
        bw[i] = words[i];
        bl[i] = strlen(words[i]);
      }
      unsigned fl = with_model ? G2P_FLAG_MODEL_ONLY : 0;
      for (int beam = 1; beam <= 2; beam++)
        if (g2p_engine_lookup_batch(e, s, bw, bl, nb, fl, beam, br) == G2P_OK)
          for (size_t i = 0; i < nb; i++) answered += br[i].error == G2P_OK;
    }
  }
  unsigned long got = alloc_count() - before;
  printf("%s: %lu answers, %lu allocations\n", label, answered, got);
  if (got != 0) failures++;
  if (answered == 0) {
    printf("%s: nothing answered\n", label);
    failures++;
  }
}
#endif

int main(void) {
#ifdef ALLOC_COUNT_OFF
  printf("SKIP: allocation counting does not work under ASan\n");
  return 77;
#else
  const char *b = getenv("top_builddir"), *src = getenv("top_srcdir");
  char lex[4096], npz[4096], model[512], cmd[9000], err[512];
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", b ? b : ".");
  g2p_engine_config cfg = {.lexicon_path = lex, .model_path = NULL, .beam_width = 1};
  g2p_engine *e;
  g2p_scratch *s;
  if (g2p_engine_open(&e, &cfg, err, sizeof err) != G2P_OK ||
      g2p_scratch_create(&s, e) != G2P_OK) {
    printf("FAIL: engine: %s\n", err);
    return 1;
  }
  run(e, s, "dictionary", 0);
  g2p_scratch_destroy(s);
  g2p_engine_close(e);

  snprintf(npz, sizeof npz, "%s/../shared/data/g2p_en/checkpoint20.npz", src ? src : ".");
  snprintf(model, sizeof model, "/tmp/engine-noalloc-%ld.g2pm", (long)getpid());
  snprintf(cmd, sizeof cmd, "'%s/tools/g2p-convert' -o '%s' '%s' >/dev/null 2>&1",
           b ? b : ".", model, npz);
  cfg.model_path = model;
  if (access(npz, R_OK) == 0 && system(cmd) == 0 &&
      g2p_engine_open(&e, &cfg, err, sizeof err) == G2P_OK) {
    if (g2p_scratch_create(&s, e) != G2P_OK) {
      printf("FAIL: scratch\n");
      return 1;
    }
    run(e, s, "dictionary+model", 1);
    g2p_scratch_destroy(s);
    g2p_engine_close(e);
    /* with a small result cache: hits, misses and evictions allocate
     * nothing either */
    cfg.cache_entries = 8;
    if (g2p_engine_open(&e, &cfg, err, sizeof err) != G2P_OK ||
        g2p_scratch_create(&s, e) != G2P_OK) {
      printf("FAIL: engine with a cache: %s\n", err);
      return 1;
    }
    run(e, s, "dictionary+model+cache", 1);
    g2p_cache_stats cs;
    g2p_engine_cache_stats(e, &cs);
    printf("cache: %llu entries, %llu hits, %llu misses, %llu inserts\n",
           (unsigned long long)cs.entries, (unsigned long long)cs.hits,
           (unsigned long long)cs.misses, (unsigned long long)cs.inserts);
    if (cs.hits == 0 || cs.inserts == 0) {
      printf("FAIL: the cache was not used\n");
      failures++;
    }
    g2p_scratch_destroy(s);
    g2p_engine_close(e);
  } else {
    printf("note: no model (no ../shared weights or converter not working): "
           "network path not checked\n");
  }
  unlink(model);
  return failures ? 1 : 0;
#endif
}
