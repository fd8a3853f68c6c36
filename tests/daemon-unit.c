/* daemon-unit.c -- unit tests of the daemon's building blocks that the
 * integration tests cannot pin down exactly: the latency histogram's bucket
 * arithmetic and percentiles, the SPSC ring under two threads, the
 * allow-list, and log level names. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/access.h"
#include "daemon/log.h"
#include "daemon/ring.h"
#include "daemon/stats.h"

START_TEST(bucket_bounds) {
  /* every value lies in its bucket, buckets are contiguous and ordered, and
   * a bucket is at most 1/8 of its lower bound wide */
  uint64_t prev_high = 0;
  for (unsigned i = 0; i < LAT_BUCKETS - 1; i++) {
    uint64_t hi = lat_bucket_high(i);
    if (i > 0) ck_assert(hi > prev_high);
    uint64_t lo = i == 0 ? 0 : prev_high + 1;
    ck_assert_uint_eq(lat_bucket_of(lo), i);
    ck_assert_uint_eq(lat_bucket_of(hi), i);
    if (lo >= 16) ck_assert(hi - lo + 1 <= lo / 8 + 1);
    prev_high = hi;
  }
  for (uint64_t v = 1; v < (1ull << 40); v = v * 3 + 1) {
    unsigned b = lat_bucket_of(v);
    ck_assert(v <= lat_bucket_high(b));
    if (b > 0) ck_assert(v > lat_bucket_high(b - 1));
  }
  ck_assert_uint_eq(lat_bucket_of(UINT64_MAX), LAT_BUCKETS - 1);
}
END_TEST

START_TEST(percentiles) {
  static lat_hist h;
  memset(&h, 0, sizeof h);
  ck_assert_uint_eq(lat_percentile(&h, 0.5), 0);
  /* 1..10000 us, uniformly */
  for (uint64_t v = 1; v <= 10000; v++) lat_record(&h, v * 1000);
  ck_assert_uint_eq(h.count, 10000);
  ck_assert_uint_eq(h.max_ns, 10000000);
  uint64_t p50 = lat_percentile(&h, 0.50), p99 = lat_percentile(&h, 0.99);
  ck_assert(p50 >= 5000000 && p50 <= 5000000 + 5000000 / 8);
  ck_assert(p99 >= 9900000 && p99 <= 10000000);
  ck_assert_uint_eq(lat_percentile(&h, 1.0), 10000000);
  /* one outlier does not move the median */
  lat_record(&h, 5000000000ull);
  ck_assert(lat_percentile(&h, 0.5) <= 5000000 + 5000000 / 8);
  ck_assert_uint_eq(h.max_ns, 5000000000ull);
}
END_TEST

#define N_ITEMS 300000u
static ring R;

static void *producer(void *arg) {
  (void)arg;
  for (uint64_t i = 0; i < N_ITEMS; i++)
    while (ring_push(&R, &i) != 0) sched_yield();
  return NULL;
}

START_TEST(ring_spsc_order) {
  ck_assert_int_eq(ring_init(&R, 100, sizeof(uint64_t)), 0);
  ck_assert_uint_eq(R.mask + 1, 128);
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, producer, NULL), 0);
  for (uint64_t want = 0; want < N_ITEMS; want++) {
    uint64_t got;
    while (ring_pop(&R, &got) != 0) sched_yield();
    ck_assert_msg(got == want, "got %llu want %llu", (unsigned long long)got,
                  (unsigned long long)want);
  }
  pthread_join(th, NULL);
  uint64_t x;
  ck_assert_int_eq(ring_pop(&R, &x), -1);
  ring_destroy(&R);
}
END_TEST

START_TEST(ring_full_empty) {
  ring r;
  ck_assert_int_eq(ring_init(&r, 4, sizeof(int)), 0);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(ring_push(&r, &i), 0);
  int v = 9;
  ck_assert_int_eq(ring_push(&r, &v), -1);
  ck_assert_uint_eq(ring_count(&r), 4);
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(ring_pop(&r, &v), 0);
    ck_assert_int_eq(v, i);
  }
  ck_assert_int_eq(ring_pop(&r, &v), -1);
  ring_destroy(&r);
}
END_TEST

START_TEST(allow_list) {
  static daemon_config cfg;
  char err[128];
  memset(&cfg, 0, sizeof cfg);
  ck_assert(access_allowed(&cfg, 1234, 1234)); /* no list: everybody */
  ck_assert_int_eq(access_add_uids(&cfg, "0,1000", err, sizeof err), 0);
  ck_assert_int_eq(access_add_gids(&cfg, "root", err, sizeof err), 0);
  ck_assert(access_allowed(&cfg, 1000, 5));
  ck_assert(access_allowed(&cfg, 0, 5));
  ck_assert(access_allowed(&cfg, 77, 0)); /* by group */
  ck_assert(!access_allowed(&cfg, 77, 5));
  ck_assert_int_ne(access_add_uids(&cfg, "no-such-user-xyz", err, sizeof err), 0);
  ck_assert_int_ne(access_add_uids(&cfg, "1,,2", err, sizeof err), 0);
  ck_assert_int_ne(access_add_gids(&cfg, "-3", err, sizeof err), 0);
}
END_TEST

START_TEST(log_levels) {
  ck_assert_int_eq(dlog_level_parse("error"), DLOG_ERROR);
  ck_assert_int_eq(dlog_level_parse("warn"), DLOG_WARN);
  ck_assert_int_eq(dlog_level_parse("warning"), DLOG_WARN);
  ck_assert_int_eq(dlog_level_parse("info"), DLOG_INFO);
  ck_assert_int_eq(dlog_level_parse("debug"), DLOG_DEBUG);
  ck_assert_int_eq(dlog_level_parse("loud"), -1);
  dlog_init("unit", DLOG_WARN);
  ck_assert(dlog_enabled(DLOG_ERROR));
  ck_assert(!dlog_enabled(DLOG_INFO));
}
END_TEST

int main(void) {
  Suite *s = suite_create("daemon-unit");
  TCase *tc = tcase_create("unit");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, bucket_bounds);
  tcase_add_test(tc, percentiles);
  tcase_add_test(tc, ring_spsc_order);
  tcase_add_test(tc, ring_full_empty);
  tcase_add_test(tc, allow_list);
  tcase_add_test(tc, log_levels);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
