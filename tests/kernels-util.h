/* kernels-util.h -- what the kernel tests (fp32 and int8) share: one
 * reproducible random stream, aligned buffers, a table by name that skips
 * when the CPU lacks it, packing a row-major matrix with a table, and the
 * Check runner. Each test program has its own stream, so a test's inputs do
 * not depend on what the other program draws. */
#ifndef RNNINFERD_TESTS_KERNELS_UTIL_H
#define RNNINFERD_TESTS_KERNELS_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kernels.h"

/* xorshift64*: reproducible inputs without touching rand()'s state. */
uint32_t kt_rnd(void);
float kt_frand(float lo, float hi); /* uniform in [lo, hi), one kt_rnd() */

/* KERN_ALIGN-aligned, size rounded up to it; asserts on failure. */
void *kt_xalloc(size_t bytes);
float *kt_rand_vec(size_t n, float lo, float hi);

/* The table NAME, or NULL (with a "skip:" line) when this CPU cannot run it;
 * asserts that kern_select gives that table and its int8 flag. */
const kern_ops *kt_table(const char *name, int int8);

/* W (rows x cols, row-major) packed by ops into a fresh buffer. */
float *kt_pack(const kern_ops *ops, const float *W, int rows, int cols);

/* Runs the suite; the process's exit status. */
int kt_run(Suite *s);

#endif
