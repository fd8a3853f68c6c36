/* result_cache.h -- the engine's cache of network answers (internal).
 *
 * Fixed size, set-associative (four ways, clock replacement), allocated
 * once at engine open; lookups and inserts never allocate. Shared by
 * threads: one mutex per set, held only to compare or copy one entry. Keys
 * are the normalised word plus the beam width (the only option that
 * changes the network's answer); words longer than RESULT_CACHE_KEY_MAX
 * bytes are not cached. */
#ifndef RNNINFERD_G2P_RESULT_CACHE_H
#define RNNINFERD_G2P_RESULT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define RESULT_CACHE_WAYS 4
#define RESULT_CACHE_KEY_MAX 64
#define RESULT_CACHE_MAX_ENTRIES ((size_t)1 << 24)

typedef struct result_cache result_cache;

typedef struct result_cache_stats {
  uint64_t entries; /* capacity */
  uint64_t hits, misses, inserts;
} result_cache_stats;

/* entries is rounded up to a power of two of at least RESULT_CACHE_WAYS;
 * 0 gives *out = NULL (no cache) and returns 0. Returns -1 when out of
 * memory or entries > RESULT_CACHE_MAX_ENTRIES. */
int result_cache_create(result_cache **out, size_t entries);
void result_cache_destroy(result_cache *c);

/* Copies the cached answer into out (cap bytes), its log-probability into
 * *lp, and returns its length, or -1 on a miss (counted). */
int result_cache_get(result_cache *c, const char *word, size_t len, int beam,
                     char *out, size_t cap, double *lp);
/* Stores an answer and its log-probability (replacing one of the set's
 * entries if need be). */
void result_cache_put(result_cache *c, const char *word, size_t len, int beam,
                      const char *answer, size_t alen, double lp);
void result_cache_stats_get(const result_cache *c, result_cache_stats *st);

#endif
