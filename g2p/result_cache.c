/* result_cache.c -- network answers by (normalised word, beam width).
 *
 * Real text repeats its unknown words (names, brands), and the network is
 * the slow part: a repeated word should cost what a dictionary word costs.
 * The cache is an array of sets of RESULT_CACHE_WAYS entries; a word's
 * 64-bit FNV-1a hash picks the set and is kept as a tag, so a lookup
 * compares tags first and bytes only on a tag match. Replacement is a
 * clock over the set's ways (a hit sets the entry's reference bit; an
 * insert takes a free way, else the first way at or after the hand whose
 * bit is clear, clearing bits as it passes). All memory is allocated in
 * result_cache_create; nothing here allocates afterwards. */
#include "g2p/result_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/g2p_limits.h"

typedef struct entry {
  uint64_t tag;
  double lp;
  uint16_t vlen;
  uint8_t klen; /* 0: free */
  uint8_t beam;
  uint8_t ref;
  char key[RESULT_CACHE_KEY_MAX];
  char val[G2P_TEXT_MAX];
} entry;

typedef struct set {
  pthread_mutex_t lock;
  unsigned hand;
  entry way[RESULT_CACHE_WAYS];
} set;

struct result_cache {
  set *sets;
  size_t n_sets; /* power of two */
  _Atomic uint64_t hits, misses, inserts;
};

static uint64_t hash_key(const char *w, size_t len, int beam) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) {
    h ^= (uint8_t)w[i];
    h *= 1099511628211ull;
  }
  h ^= (uint64_t)(unsigned)beam;
  h *= 1099511628211ull;
  return h;
}

int result_cache_create(result_cache **out, size_t entries) {
  *out = NULL;
  if (entries == 0)
    return 0;
  if (entries > RESULT_CACHE_MAX_ENTRIES)
    return -1;
  size_t n_sets = 1;
  while (n_sets * RESULT_CACHE_WAYS < entries)
    n_sets <<= 1;
  result_cache *c = calloc(1, sizeof *c);
  if (!c)
    return -1;
  c->sets = calloc(n_sets, sizeof *c->sets);
  if (!c->sets) {
    free(c);
    return -1;
  }
  c->n_sets = n_sets;
  for (size_t i = 0; i < n_sets; i++)
    pthread_mutex_init(&c->sets[i].lock, NULL);
  *out = c;
  return 0;
}

void result_cache_destroy(result_cache *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n_sets; i++)
    pthread_mutex_destroy(&c->sets[i].lock);
  free(c->sets);
  free(c);
}

static entry *find(set *s, uint64_t tag, const char *w, size_t len,
                   int beam) {
  for (int i = 0; i < RESULT_CACHE_WAYS; i++) {
    entry *e = &s->way[i];
    if (e->klen && e->tag == tag && e->klen == len && e->beam == beam &&
        memcmp(e->key, w, len) == 0)
      return e;
  }
  return NULL;
}

int result_cache_get(result_cache *c, const char *word, size_t len, int beam,
                     char *out, size_t cap, double *lp) {
  if (!c || len == 0 || len > RESULT_CACHE_KEY_MAX || beam < 1 || beam > 255)
    return -1;
  uint64_t tag = hash_key(word, len, beam);
  set *s = &c->sets[tag & (c->n_sets - 1)];
  int n = -1;
  pthread_mutex_lock(&s->lock);
  entry *e = find(s, tag, word, len, beam);
  if (e && e->vlen <= cap) {
    memcpy(out, e->val, e->vlen);
    *lp = e->lp;
    e->ref = 1;
    n = e->vlen;
  }
  pthread_mutex_unlock(&s->lock);
  atomic_fetch_add_explicit(n >= 0 ? &c->hits : &c->misses, 1,
                            memory_order_relaxed);
  return n;
}

void result_cache_put(result_cache *c, const char *word, size_t len, int beam,
                      const char *answer, size_t alen, double lp) {
  if (!c || len == 0 || len > RESULT_CACHE_KEY_MAX || beam < 1 ||
      beam > 255 || alen > G2P_TEXT_MAX)
    return;
  uint64_t tag = hash_key(word, len, beam);
  set *s = &c->sets[tag & (c->n_sets - 1)];
  pthread_mutex_lock(&s->lock);
  entry *e = find(s, tag, word, len, beam);
  if (!e)
    for (int i = 0; i < RESULT_CACHE_WAYS && !e; i++)
      if (!s->way[i].klen)
        e = &s->way[i];
  while (!e) {
    entry *v = &s->way[s->hand];
    s->hand = (s->hand + 1) % RESULT_CACHE_WAYS;
    if (v->ref)
      v->ref = 0;
    else
      e = v;
  }
  e->tag = tag;
  e->klen = (uint8_t)len;
  e->beam = (uint8_t)beam;
  e->vlen = (uint16_t)alen;
  e->lp = lp;
  e->ref = 0;
  memcpy(e->key, word, len);
  memcpy(e->val, answer, alen);
  pthread_mutex_unlock(&s->lock);
  atomic_fetch_add_explicit(&c->inserts, 1, memory_order_relaxed);
}

void result_cache_stats_get(const result_cache *c, result_cache_stats *st) {
  memset(st, 0, sizeof *st);
  if (!c)
    return;
  result_cache *m = (result_cache *)c; /* atomics are read, not changed */
  st->entries = (uint64_t)c->n_sets * RESULT_CACHE_WAYS;
  st->hits = atomic_load_explicit(&m->hits, memory_order_relaxed);
  st->misses = atomic_load_explicit(&m->misses, memory_order_relaxed);
  st->inserts = atomic_load_explicit(&m->inserts, memory_order_relaxed);
}
