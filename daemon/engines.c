/* engines.c -- refcounted engine holder (see engines.h).
 *
 * Only the loop thread touches refs, so the count is a plain integer; the
 * one thing done elsewhere (a libuv pool thread during reload) is
 * engine_ref_open(), which touches nothing shared. */
#include "daemon/engines.h"

#include <stdio.h>
#include <stdlib.h>

engine_ref *engine_ref_open(const g2p_engine_config *cfg, char *err,
                            size_t errlen) {
  engine_ref *ref = calloc(1, sizeof *ref);
  if (!ref) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  int rc = g2p_engine_open(&ref->engine, cfg, err, errlen);
  if (rc != 0) {
    free(ref);
    return NULL;
  }
  rc = g2p_scratch_create(&ref->scratch, ref->engine);
  if (rc != 0) {
    snprintf(err, errlen, "scratch: %s", g2p_strerror(rc));
    g2p_engine_close(ref->engine);
    free(ref);
    return NULL;
  }
  ref->refs = 1;
  ref->generation = 1;
  return ref;
}

engine_ref *engine_ref_acquire(engine_ref *ref) {
  ref->refs++;
  return ref;
}

void engine_ref_release(engine_ref *ref) {
  if (!ref || --ref->refs > 0) return;
  g2p_scratch_destroy(ref->scratch);
  g2p_engine_close(ref->engine);
  free(ref);
}
