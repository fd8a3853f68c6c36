/* e2e-hist.h -- a fixed-size latency histogram for the end-to-end bench.
 *
 * The bench records one value per reply inside its measuring loops, so the
 * histogram must cost a few nanoseconds and never allocate. It is HDR-style
 * log-linear: values below 2^SUB_BITS nanoseconds get a bucket each, above
 * that every power of two is split into 2^(SUB_BITS-1) equal buckets, so any
 * reported quantile is within 1/128 (0.8%) of the true value. The struct is
 * a plain array; callers embed or allocate it once, up front. */
#ifndef RNNINFERD_BENCH_E2E_HIST_H
#define RNNINFERD_BENCH_E2E_HIST_H

#include <stdint.h>

#define E2E_HIST_SUB_BITS 8                          /* 256 exact buckets */
#define E2E_HIST_HALF     (1u << (E2E_HIST_SUB_BITS - 1))
#define E2E_HIST_MAX_EXP  40                         /* up to ~1100 s in ns */
#define E2E_HIST_BUCKETS  ((1u << E2E_HIST_SUB_BITS) + \
                           E2E_HIST_MAX_EXP * E2E_HIST_HALF)

typedef struct e2e_hist {
  uint64_t count;
  uint64_t min;           /* ns; UINT64_MAX when empty */
  uint64_t max;           /* ns */
  double sum;             /* ns, for the mean */
  uint64_t bucket[E2E_HIST_BUCKETS];
} e2e_hist;

void e2e_hist_reset(e2e_hist *h);
void e2e_hist_add(e2e_hist *h, uint64_t ns);
/* Adds every count of src into dst. */
void e2e_hist_merge(e2e_hist *dst, const e2e_hist *src);
/* The value (ns) at quantile q in [0,1]: the midpoint of the bucket that
 * holds it, clamped to [min, max]. 0 when empty. */
uint64_t e2e_hist_quantile(const e2e_hist *h, double q);
double e2e_hist_mean(const e2e_hist *h);

#endif
