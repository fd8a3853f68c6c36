/* engines.h -- the engine the daemon answers from, refcounted for reloads.
 *
 * SIGHUP opens a new engine (lexicon + model) off the loop thread and swaps
 * it in atomically on the loop thread: requests that started on the old one
 * hold a reference and finish on it; the old one is closed when its last
 * reference goes. If the new files are bad, the old engine keeps serving and
 * the reason is logged. Each engine carries the scratch the loop thread
 * uses with it. */
#ifndef RNNINFERD_DAEMON_ENGINES_H
#define RNNINFERD_DAEMON_ENGINES_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/engine.h"

typedef struct engine_ref {
  g2p_engine *engine;
  g2p_scratch *scratch;  /* the loop thread's */
  unsigned refs;
  unsigned generation;   /* 1 for the first, +1 per successful reload */
} engine_ref;

/* Opens an engine and its scratch; NULL with a message in err. */
engine_ref *engine_ref_open(const g2p_engine_config *cfg, char *err,
                            size_t errlen);
engine_ref *engine_ref_acquire(engine_ref *ref);
/* Drops one reference; closes the engine when it was the last. */
void engine_ref_release(engine_ref *ref);

#endif
