/* engines.h -- the engine the daemon answers from, refcounted for reloads.
 *
 * SIGHUP opens a new engine (lexicon + model) off the loop thread and swaps
 * it in atomically on the loop thread: requests that started on the old one
 * hold a reference and finish on it; the old one is closed when its last
 * reference goes. If the new files are bad, the old engine keeps serving and
 * the reason is logged.
 *
 * With kernel workers and a model, the holder also opens the lexicon a
 * second time as a dictionary-only engine: the loop thread answers
 * dictionary words from it without ever running the network, and the
 * workers run the network (model only) on the full engine. Each thread has
 * its own scratch per engine, created here. */
#ifndef RNNINFERD_DAEMON_ENGINES_H
#define RNNINFERD_DAEMON_ENGINES_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/engine.h"

typedef struct engine_ref {
  g2p_engine *engine;      /* lexicon + model */
  g2p_scratch *scratch;    /* the loop thread's, for engine */
  g2p_engine *dict;        /* lexicon only; NULL when not split */
  g2p_scratch *dict_scratch;
  g2p_scratch **wscratch;  /* one per worker, for engine */
  unsigned n_workers;
  int has_model;
  unsigned refs;
  unsigned generation;     /* 1 for the first, +1 per successful reload */
} engine_ref;

/* Opens an engine (and, when n_workers > 0 and there is a model, the
 * dictionary-only twin and the workers' scratches). NULL with a message. */
engine_ref *engine_ref_open(const g2p_engine_config *cfg, unsigned n_workers,
                            char *err, size_t errlen);
engine_ref *engine_ref_acquire(engine_ref *ref);
/* Drops one reference; closes the engine when it was the last. */
void engine_ref_release(engine_ref *ref);

/* Does the loop thread send network words to the workers? */
static inline int engine_ref_split(const engine_ref *ref) {
  return ref->dict != NULL;
}

#endif
