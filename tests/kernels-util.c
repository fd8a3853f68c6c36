/* kernels-util.c -- see kernels-util.h. */
#include "tests/kernels-util.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint32_t kt_rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

float kt_frand(float lo, float hi) {
  return lo + (hi - lo) * (float)((kt_rnd() >> 8) / 16777216.0);
}

void *kt_xalloc(size_t bytes) {
  size_t n = (bytes + KERN_ALIGN - 1) / KERN_ALIGN * KERN_ALIGN;
  void *p = aligned_alloc(KERN_ALIGN, n ? n : KERN_ALIGN);
  ck_assert_ptr_nonnull(p);
  return p;
}

float *kt_rand_vec(size_t n, float lo, float hi) {
  float *v = kt_xalloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    v[i] = kt_frand(lo, hi);
  return v;
}

const kern_ops *kt_table(const char *name, int int8) {
  if (!kern_cpu_supports(name)) {
    printf("skip: CPU lacks %s\n", name);
    return NULL;
  }
  char err[160];
  const kern_ops *ops = kern_select(name, err, sizeof err);
  ck_assert_msg(ops != NULL, "%s", err);
  ck_assert_str_eq(ops->name, name);
  ck_assert_int_eq(ops->int8, int8);
  return ops;
}

float *kt_pack(const kern_ops *ops, const float *W, int rows, int cols) {
  size_t bytes = ops->packed_bytes(rows, cols);
  ck_assert_uint_eq(bytes % KERN_ALIGN, 0);
  if (!ops->int8) /* fp32 panels hold every weight (int8 ones a quarter) */
    ck_assert_uint_ge(bytes, (size_t)rows * (size_t)cols * sizeof(float));
  float *p = kt_xalloc(bytes);
  ops->pack_matrix(p, W, rows, cols);
  return p;
}

int kt_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
