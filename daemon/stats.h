/* stats.h -- the daemon's counters and latency histograms, for the `stats` op.
 *
 * All counters live in one fixed struct owned by the loop thread; updating
 * one is an increment, recording a latency is one bucket increment in a
 * fixed log-linear histogram (8 sub-buckets per power of two, so a
 * percentile is exact to within 12.5%). Nothing here allocates after
 * stats_init(). */
#ifndef RNNINFERD_DAEMON_STATS_H
#define RNNINFERD_DAEMON_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/engine.h"
#include "proto/proto.h"

#define STATS_N_OPS     6   /* index = enum proto_op; 0 = request not decoded */
#define STATS_N_SOURCES 6   /* enum g2p_source */
#define LAT_SUB_BITS    3
#define LAT_BUCKETS     (16 + 44 * 8) /* up to 2^48 ns */
#define STATS_MAX_ENTRIES 128
#define STATS_NAME_POOL 4096

typedef struct lat_hist {
  uint64_t count;
  uint64_t max_ns;
  uint64_t bucket[LAT_BUCKETS];
} lat_hist;

typedef struct daemon_stats {
  uint64_t start_ns;             /* uv_hrtime() at start */
  uint64_t conn_current, conn_total, conn_max;
  uint64_t conn_refused_busy;    /* no free connection slot */
  uint64_t conn_refused_peer;    /* SO_PEERCRED allow-list */
  uint64_t conn_closed_truncated; /* peer ended the stream mid-frame */
  uint64_t requests[STATS_N_OPS];
  uint64_t words[STATS_N_SOURCES];
  uint64_t errors[PROTO_E_MAX + 1]; /* request- and word-level, by code */
  uint64_t reloads_ok, reloads_failed;
  uint64_t bytes_in, bytes_out;
  lat_hist lat[STATS_N_OPS];
  uint64_t conn_dropped_slow;    /* did not read replies for --output-timeout */
  uint64_t conn_idle_closed;     /* idle or mid-frame for --idle-timeout */
  uint64_t conn_vanished;        /* closed with words queued: words cancelled */
  uint64_t nbest_waits;          /* nbest requests that found every pool lent */
  uint64_t text_waits;           /* long texts that found the text pool lent */

  /* allocation counter of the loop thread (jemalloc thread.allocatedp) */
  uint64_t *loop_allocatedp;
  int jemalloc_active;           /* jemalloc is this process's malloc */

  /* names for the wire, built once */
  char name_pool[STATS_NAME_POOL];
  size_t name_used;
  const char *name_requests[STATS_N_OPS];
  const char *name_errors[PROTO_E_MAX + 1];
  const char *name_lat[STATS_N_OPS][7];
} daemon_stats;

/* The kernel workers' figures, read by their owner and handed in. */
typedef struct stats_workers {
  unsigned count;             /* worker threads */
  unsigned alloc_counters;    /* of them, with a jemalloc counter found */
  uint64_t words;             /* words run */
  uint64_t cancelled;         /* words skipped: their client had gone */
  uint64_t allocated_bytes;   /* allocated by all of them so far */
} stats_workers;

void stats_init(daemon_stats *st, uint64_t now_ns);
/* Finds the loop thread's allocation counter (call on the loop thread). */
void stats_watch_loop_thread(daemon_stats *st);

void lat_record(lat_hist *h, uint64_t ns);
/* The value below which a fraction q (0..1) of the samples lie (bucket upper
 * bound); 0 when empty. */
uint64_t lat_percentile(const lat_hist *h, double q);
/* Bucket arithmetic, exposed for tests. */
unsigned lat_bucket_of(uint64_t ns);
uint64_t lat_bucket_high(unsigned idx);

/* Fills out[] (capacity cap, >= STATS_MAX_ENTRIES) with name -> value pairs
 * and returns how many. Reads RSS from /proc and the allocator's figures;
 * wt: the workers' (NULL: none); cache: the current engine's result cache
 * (NULL: none). */
size_t stats_collect(const daemon_stats *st, uint64_t now_ns,
                     const stats_workers *wt, const g2p_cache_stats *cache,
                     proto_stat *out, size_t cap);

#endif
