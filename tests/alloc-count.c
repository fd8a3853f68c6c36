/* alloc-count.c -- the counting allocator of alloc-count.h. Linked into a
 * test program, these definitions take the place of the C library's. */
#include "tests/alloc-count.h"

#include <errno.h>
#include <malloc.h> /* memalign's prototype */
#include <stddef.h>
#include <stdlib.h>

#ifndef ALLOC_COUNT_OFF
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

/* relaxed atomics: the daemon-side tests count from several threads */
static unsigned long n_alloc;

static void counted(void) { __atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED); }

unsigned long alloc_count(void) { return __atomic_load_n(&n_alloc, __ATOMIC_RELAXED); }

void *malloc(size_t n) {
  counted();
  return __libc_malloc(n);
}
void *calloc(size_t a, size_t b) {
  counted();
  return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n) {
  counted();
  return __libc_realloc(p, n);
}
void free(void *p) { __libc_free(p); }
int posix_memalign(void **out, size_t align, size_t n) {
  counted();
  void *p = __libc_memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void *aligned_alloc(size_t align, size_t n) {
  counted();
  return __libc_memalign(align, n);
}
void *memalign(size_t align, size_t n) {
  counted();
  return __libc_memalign(align, n);
}
#else
unsigned long alloc_count(void) { return 0; }
#endif
