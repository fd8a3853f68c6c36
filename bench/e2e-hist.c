/* e2e-hist.c -- log-linear latency histogram (see e2e-hist.h for why).
 *
 * Bucket index of v: v itself when v < 2^SUB_BITS; otherwise, with e the
 * number of bits shifted out so that the top SUB_BITS bits of v remain
 * (m = v >> e lies in [HALF, 2*HALF)), index = 2^SUB_BITS + (e-1)*HALF +
 * (m - HALF). Everything is integer arithmetic on a fixed array. */
#include "bench/e2e-hist.h"

#include <string.h>

void e2e_hist_reset(e2e_hist *h) {
  memset(h, 0, sizeof *h);
  h->min = UINT64_MAX;
}

static unsigned bucket_of(uint64_t v) {
  if (v < (1u << E2E_HIST_SUB_BITS)) return (unsigned)v;
  unsigned msb = 63u - (unsigned)__builtin_clzll(v);
  unsigned e = msb - (E2E_HIST_SUB_BITS - 1);
  if (e > E2E_HIST_MAX_EXP) return E2E_HIST_BUCKETS - 1;
  unsigned m = (unsigned)(v >> e);
  return (1u << E2E_HIST_SUB_BITS) + (e - 1) * E2E_HIST_HALF +
         (m - E2E_HIST_HALF);
}

/* Lowest value and width of bucket i. */
static void bucket_range(unsigned i, uint64_t *lo, uint64_t *width) {
  if (i < (1u << E2E_HIST_SUB_BITS)) {
    *lo = i;
    *width = 1;
    return;
  }
  unsigned j = i - (1u << E2E_HIST_SUB_BITS);
  unsigned e = j / E2E_HIST_HALF + 1;
  uint64_t m = E2E_HIST_HALF + j % E2E_HIST_HALF;
  *lo = m << e;
  *width = (uint64_t)1 << e;
}

void e2e_hist_add(e2e_hist *h, uint64_t ns) {
  h->bucket[bucket_of(ns)]++;
  h->count++;
  h->sum += (double)ns;
  if (ns < h->min) h->min = ns;
  if (ns > h->max) h->max = ns;
}

void e2e_hist_merge(e2e_hist *dst, const e2e_hist *src) {
  for (unsigned i = 0; i < E2E_HIST_BUCKETS; i++) dst->bucket[i] += src->bucket[i];
  dst->count += src->count;
  dst->sum += src->sum;
  if (src->min < dst->min) dst->min = src->min;
  if (src->max > dst->max) dst->max = src->max;
}

uint64_t e2e_hist_quantile(const e2e_hist *h, double q) {
  if (h->count == 0) return 0;
  if (q < 0) q = 0;
  if (q > 1) q = 1;
  /* rank of the wanted sample, 1-based: ceil(q * count), at least 1 */
  uint64_t rank = (uint64_t)(q * (double)h->count);
  if ((double)rank < q * (double)h->count) rank++;
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < E2E_HIST_BUCKETS; i++) {
    seen += h->bucket[i];
    if (seen >= rank) {
      uint64_t lo, width;
      bucket_range(i, &lo, &width);
      uint64_t v = lo + width / 2;
      if (v < h->min) v = h->min;
      if (v > h->max) v = h->max;
      return v;
    }
  }
  return h->max;
}

double e2e_hist_mean(const e2e_hist *h) {
  return h->count ? h->sum / (double)h->count : 0.0;
}
