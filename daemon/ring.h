/* ring.h -- a bounded single-producer / single-consumer queue of fixed-size
 * elements, for handing work between the loop thread and one worker.
 *
 * Storage is reserved once (ring_init); push and pop copy one element and
 * publish it with a release store / observe it with an acquire load, so
 * whatever the producer wrote before pushing (into memory the element points
 * at) is visible to the consumer after popping. No locks, no allocation. */
#ifndef RNNINFERD_DAEMON_RING_H
#define RNNINFERD_DAEMON_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct ring {
  _Alignas(64) size_t head;  /* next slot to write (producer) */
  _Alignas(64) size_t tail;  /* next slot to read (consumer) */
  _Alignas(64) size_t mask;  /* capacity - 1 (capacity a power of two) */
  size_t esize;
  unsigned char *buf;
} ring;

/* Capacity rounds up to a power of two >= min_cap. 0 or -1 (no memory). */
int ring_init(ring *r, size_t min_cap, size_t esize);
void ring_destroy(ring *r);
/* 0, or -1 when full. Producer only. */
int ring_push(ring *r, const void *e);
/* 0, or -1 when empty. Consumer only. */
int ring_pop(ring *r, void *e);
/* Elements queued (approximate from either side). */
size_t ring_count(const ring *r);

#endif
