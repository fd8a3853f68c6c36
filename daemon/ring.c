/* ring.c -- SPSC queue (see ring.h). */
#include "daemon/ring.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int ring_init(ring *r, size_t min_cap, size_t esize) {
  size_t cap = 1;
  while (cap < min_cap) cap <<= 1;
  memset(r, 0, sizeof *r);
  if (esize == 0 || cap > SIZE_MAX / esize) return -1;
  r->buf = malloc(cap * esize);
  if (!r->buf) return -1;
  /* Touch every page now: the ring is part of the fixed start-up footprint,
   * so RSS must not creep up as traffic first reaches each slot. */
  memset(r->buf, 0, cap * esize);
  r->mask = cap - 1;
  r->esize = esize;
  return 0;
}

void ring_destroy(ring *r) {
  free(r->buf);
  r->buf = NULL;
}

int ring_push(ring *r, const void *e) {
  size_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
  size_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
  if (head - tail > r->mask) return -1;
  memcpy(r->buf + (head & r->mask) * r->esize, e, r->esize);
  __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
  return 0;
}

int ring_pop(ring *r, void *e) {
  size_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
  size_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
  if (tail == head) return -1;
  memcpy(e, r->buf + (tail & r->mask) * r->esize, r->esize);
  __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
  return 0;
}

size_t ring_count(const ring *r) {
  return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
         __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}
