/* engines.c -- refcounted engine holder (see engines.h).
 *
 * Only the loop thread touches refs, so the count is a plain integer; the
 * one thing done elsewhere (the reload thread) is
 * engine_ref_open(), which touches nothing shared. */
#include "daemon/engines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ref_free(engine_ref *ref) {
  if (ref->wscratch) {
    for (unsigned i = 0; i < ref->n_workers; i++)
      if (ref->wscratch[i]) g2p_scratch_destroy(ref->wscratch[i]);
    free(ref->wscratch);
  }
  if (ref->dict_scratch) g2p_scratch_destroy(ref->dict_scratch);
  if (ref->dict) g2p_engine_close(ref->dict);
  if (ref->scratch) g2p_scratch_destroy(ref->scratch);
  if (ref->engine) g2p_engine_close(ref->engine);
  free(ref);
}

engine_ref *engine_ref_open(const g2p_engine_config *cfg, unsigned n_workers,
                            char *err, size_t errlen) {
  engine_ref *ref = calloc(1, sizeof *ref);
  if (!ref) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  int rc = g2p_engine_open(&ref->engine, cfg, err, errlen);
  if (rc != 0) {
    ref->engine = NULL;
    ref_free(ref);
    return NULL;
  }
  rc = g2p_scratch_create(&ref->scratch, ref->engine);
  if (rc != 0) goto scratch_fail;
  g2p_engine_info gi;
  memset(&gi, 0, sizeof gi);
  g2p_engine_get_info(ref->engine, &gi);
  ref->has_model = gi.has_model;
  if (n_workers > 0 && gi.has_model) {
    g2p_engine_config dcfg = *cfg;
    dcfg.model_path = NULL;
    dcfg.rescore_model_path = NULL;
    dcfg.tagger_path = NULL; /* the text op runs on the loop's engine */
    dcfg.homograph_path = NULL;
    dcfg.diag = NULL; /* the same files: their problems were told above */
    dcfg.cache_entries = 0;
    dcfg.cache_of = ref->engine; /* repeated network words on the loop */
    rc = g2p_engine_open(&ref->dict, &dcfg, err, errlen);
    if (rc != 0) {
      ref->dict = NULL;
      ref_free(ref);
      return NULL;
    }
    rc = g2p_scratch_create(&ref->dict_scratch, ref->dict);
    if (rc != 0) goto scratch_fail;
    ref->wscratch = calloc(n_workers, sizeof *ref->wscratch);
    if (!ref->wscratch) {
      rc = G2P_ENOMEM;
      goto scratch_fail;
    }
    ref->n_workers = n_workers;
    for (unsigned i = 0; i < n_workers; i++) {
      rc = g2p_scratch_create(&ref->wscratch[i], ref->engine);
      if (rc != 0) goto scratch_fail;
    }
  }
  ref->refs = 1;
  ref->generation = 1;
  return ref;
scratch_fail:
  snprintf(err, errlen, "scratch: %s", g2p_strerror(rc));
  ref_free(ref);
  return NULL;
}

engine_ref *engine_ref_acquire(engine_ref *ref) {
  ref->refs++;
  return ref;
}

void engine_ref_release(engine_ref *ref) {
  if (!ref || --ref->refs > 0) return;
  ref_free(ref);
}
