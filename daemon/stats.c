/* stats.c -- counters and fixed latency histograms (see stats.h).
 *
 * Stat names ("requests.words", "latency_ns.words.p99", ...) are built once
 * into a pool inside the struct, so answering `stats` formats nothing and
 * allocates nothing: it only points at names and copies numbers. */
#include "daemon/stats.h"

#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jemalloc/jemalloc.h>

static const char *pool_name(daemon_stats *st, const char *a, const char *b,
                             const char *c) {
  char *dst = st->name_pool + st->name_used;
  size_t room = sizeof st->name_pool - st->name_used;
  int n = c ? snprintf(dst, room, "%s.%s.%s", a, b, c)
            : snprintf(dst, room, "%s.%s", a, b);
  if (n < 0 || (size_t)n >= room) return "overflow";
  st->name_used += (size_t)n + 1;
  return dst;
}

static const char *const lat_suffix[7] = { "count", "p50", "p90", "p99",
                                           "p999", "max", "mean" };

void stats_init(daemon_stats *st, uint64_t now_ns) {
  memset(st, 0, sizeof *st);
  st->start_ns = now_ns;
  for (int op = 0; op < STATS_N_OPS; op++) {
    const char *opn = op == 0 ? "invalid" : proto_op_name((enum proto_op)op);
    st->name_requests[op] = pool_name(st, "requests", opn, NULL);
    for (int k = 0; k < 7; k++)
      st->name_lat[op][k] = pool_name(st, "latency_ns", opn, lat_suffix[k]);
  }
  for (int code = 1; code <= PROTO_E_MAX; code++)
    st->name_errors[code] = pool_name(st, "errors", proto_error_name(code), NULL);
}

void stats_watch_loop_thread(daemon_stats *st) {
  uint64_t *p = NULL;
  size_t sz = sizeof p;
  if (mallctl("thread.allocatedp", &p, &sz, NULL, 0) != 0) return;
  st->loop_allocatedp = p;
  /* is jemalloc the malloc in use (not, e.g., a sanitizer's)? */
  volatile uint64_t *counter = p; /* malloc is not assumed to touch it */
  uint64_t before = *counter;
  void *volatile probe = malloc(4096);
  st->jemalloc_active = *counter != before;
  free(probe);
}

unsigned lat_bucket_of(uint64_t ns) {
  if (ns < 16) return (unsigned)ns;
  unsigned e = 63u - (unsigned)__builtin_clzll(ns); /* >= 4 */
  unsigned sub = (unsigned)(ns >> (e - LAT_SUB_BITS)) & 7u;
  unsigned idx = 16u + (e - 4u) * 8u + sub;
  return idx < LAT_BUCKETS ? idx : LAT_BUCKETS - 1;
}

uint64_t lat_bucket_high(unsigned idx) {
  if (idx < 16) return idx;
  unsigned e = 4u + (idx - 16u) / 8u;
  uint64_t sub = (idx - 16u) % 8u;
  uint64_t low = (8u + sub) << (e - LAT_SUB_BITS);
  return low + (1ull << (e - LAT_SUB_BITS)) - 1u;
}

void lat_record(lat_hist *h, uint64_t ns) {
  h->count++;
  if (ns > h->max_ns) h->max_ns = ns;
  h->bucket[lat_bucket_of(ns)]++;
}

uint64_t lat_percentile(const lat_hist *h, double q) {
  if (h->count == 0) return 0;
  uint64_t rank = (uint64_t)(q * (double)h->count);
  if (rank >= h->count) rank = h->count - 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < LAT_BUCKETS; i++) {
    seen += h->bucket[i];
    if (seen > rank) {
      uint64_t hi = lat_bucket_high(i);
      return hi < h->max_ns ? hi : h->max_ns;
    }
  }
  return h->max_ns;
}

static uint64_t lat_mean(const lat_hist *h) {
  /* from bucket mid-points: the histogram keeps no running sum */
  if (h->count == 0) return 0;
  double sum = 0;
  for (unsigned i = 0; i < LAT_BUCKETS; i++) {
    if (!h->bucket[i]) continue;
    double lo = i == 0 ? 0.0 : (double)lat_bucket_high(i - 1) + 1.0;
    sum += (double)h->bucket[i] * (lo + (double)lat_bucket_high(i)) / 2.0;
  }
  return (uint64_t)(sum / (double)h->count);
}

static uint64_t rss_bytes(void) {
  char buf[128];
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  unsigned long long size = 0, resident = 0;
  if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint64_t jemalloc_stat(const char *name) {
  size_t v = 0, len = sizeof v;
  if (mallctl(name, &v, &len, NULL, 0) != 0) return 0;
  return v;
}

#define PUT(n, v)                      \
  do {                                 \
    if (k < cap) {                     \
      out[k].name = (n);               \
      out[k].value = (uint64_t)(v);    \
      k++;                             \
    }                                  \
  } while (0)

size_t stats_collect(const daemon_stats *st, uint64_t now_ns,
                     const stats_workers *wt, const g2p_cache_stats *cache,
                     proto_stat *out, size_t cap) {
  static const stats_workers no_workers;
  static const g2p_cache_stats no_cache;
  if (!cache) cache = &no_cache;
  if (!wt) wt = &no_workers;
  size_t k = 0;
  uint64_t total = 0, words = 0, epoch = 1;
  size_t elen = sizeof epoch;
  /* first, so that nothing below can move it */
  uint64_t loop_alloc = st->loop_allocatedp ? *st->loop_allocatedp : 0;
  PUT("uptime_ms", (now_ns - st->start_ns) / 1000000u);
  PUT("connections.current", st->conn_current);
  PUT("connections.total", st->conn_total);
  PUT("connections.max", st->conn_max);
  PUT("connections.refused_busy", st->conn_refused_busy);
  PUT("connections.refused_peer", st->conn_refused_peer);
  PUT("connections.truncated", st->conn_closed_truncated);
  PUT("connections.dropped_slow", st->conn_dropped_slow);
  PUT("connections.vanished", st->conn_vanished);
  PUT("connections.idle_timeout", st->conn_idle_closed);
  PUT("nbest.pool_waits", st->nbest_waits);
  PUT("text.pool_waits", st->text_waits);
  for (int op = 0; op < STATS_N_OPS; op++) {
    PUT(st->name_requests[op], st->requests[op]);
    total += st->requests[op];
  }
  PUT("requests.total", total);
  for (int s = 0; s < STATS_N_SOURCES; s++) words += st->words[s];
  PUT("words.total", words);
  PUT("words.dict", st->words[G2P_SOURCE_DICT]);
  PUT("words.model", st->words[G2P_SOURCE_MODEL]);
  PUT("words.user", st->words[G2P_SOURCE_USER]);
  PUT("words.none", st->words[G2P_SOURCE_NONE]);
  for (int code = 1; code <= PROTO_E_MAX; code++)
    PUT(st->name_errors[code], st->errors[code]);
  for (int op = 0; op < STATS_N_OPS; op++) {
    const lat_hist *h = &st->lat[op];
    PUT(st->name_lat[op][0], h->count);
    PUT(st->name_lat[op][1], lat_percentile(h, 0.50));
    PUT(st->name_lat[op][2], lat_percentile(h, 0.90));
    PUT(st->name_lat[op][3], lat_percentile(h, 0.99));
    PUT(st->name_lat[op][4], lat_percentile(h, 0.999));
    PUT(st->name_lat[op][5], h->max_ns);
    PUT(st->name_lat[op][6], lat_mean(h));
  }
  PUT("workers.count", wt->count);
  PUT("workers.alloc_counters", wt->alloc_counters);
  PUT("workers.words", wt->words);
  PUT("workers.cancelled", wt->cancelled);
  PUT("cache.entries", cache->entries);
  PUT("cache.hits", cache->hits);
  PUT("cache.misses", cache->misses);
  PUT("cache.inserts", cache->inserts);
  PUT("reloads.ok", st->reloads_ok);
  PUT("reloads.failed", st->reloads_failed);
  PUT("bytes.in", st->bytes_in);
  PUT("bytes.out", st->bytes_out);
  PUT("memory.rss_bytes", rss_bytes());
  PUT("memory.jemalloc", st->jemalloc_active);
  PUT("memory.loop_allocated_bytes", loop_alloc);
  PUT("memory.workers_allocated_bytes", wt->allocated_bytes);
  mallctl("epoch", &epoch, &elen, &epoch, elen);
  PUT("memory.allocated_bytes", jemalloc_stat("stats.allocated"));
  PUT("memory.resident_bytes", jemalloc_stat("stats.resident"));
  return k;
}
