/* dispatch.h -- one request payload in, one reply frame out.
 *
 * The dispatcher decodes a request, asks the engine about each word, and
 * packs the reply straight into the connection's output buffer. It runs on
 * the loop thread and never allocates: the word slices and the stats table
 * it needs are reserved in dispatcher_init(). */
#ifndef RNNINFERD_DAEMON_DISPATCH_H
#define RNNINFERD_DAEMON_DISPATCH_H

#include <stdint.h>

#include "daemon/settings.h"
#include "daemon/engines.h"
#include "daemon/stats.h"
#include "proto/proto.h"

typedef struct dispatcher {
  const daemon_config *cfg;
  daemon_stats *stats;
  engine_ref **current;    /* the server's current engine (swapped on reload) */
  proto_slice *words;      /* cfg->lim.max_words slices */
  proto_stat *stat_table;  /* STATS_MAX_ENTRIES */
} dispatcher;

int dispatcher_init(dispatcher *d, const daemon_config *cfg,
                    daemon_stats *stats, engine_ref **current);
void dispatcher_destroy(dispatcher *d);

/* Answers the request in payload[0..len) with one reply frame appended to
 * out. Returns 0, or -1 when the reply did not fit in out (out is left as it
 * was and nothing is counted: call again with more room). When out_is_empty
 * is set the buffer is as large as it will ever be, so a reply that still
 * does not fit is replaced by an `internal` error reply instead. */
int dispatch_request(dispatcher *d, const char *payload, uint32_t len,
                     proto_buf *out, int out_is_empty);

/* Appends an error reply (framing errors, refusals) and counts it.
 * Returns 0 or -1 when out has no room. */
int dispatch_error(dispatcher *d, proto_buf *out, uint64_t id, int code,
                   const char *message);

#endif
