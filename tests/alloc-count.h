/* alloc-count.h -- counts the process's heap allocations, for the tests
 * that prove a path never allocates (engine lookups, tagging, prediction).
 *
 * tests/alloc-count.c replaces the C allocator with counting wrappers
 * around glibc's own (__libc_malloc and friends); a test reads the count
 * before and after the path and wants no difference. Under ASan the
 * allocator belongs to the sanitizer, so ALLOC_COUNT_OFF is defined, no
 * wrapper is built and alloc_count() stays 0: such tests say so and skip
 * their check. Check's own bookkeeping allocates: no ck_assert between the
 * two readings. */
#ifndef RNNINFERD_TESTS_ALLOC_COUNT_H
#define RNNINFERD_TESTS_ALLOC_COUNT_H

#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_COUNT_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOC_COUNT_OFF 1
#endif
#endif

/* Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign) since the process started; 0 under ALLOC_COUNT_OFF. */
unsigned long alloc_count(void);

#endif
