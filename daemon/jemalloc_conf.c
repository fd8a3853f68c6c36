/* jemalloc_conf.c -- jemalloc's built-in options for rnninferd.
 *
 * jemalloc reads `malloc_conf` at its first allocation, before main (and
 * MALLOC_CONF in the environment still overrides it). No thread caches:
 * the request path allocates nothing after warm-up (tests/it-zero-alloc),
 * so they buy nothing here, and jemalloc dies with SIGSEGV inside a
 * library constructor, before main can report anything, when it cannot
 * map one under a small RLIMIT_AS. Without them an allocation that does
 * not fit returns NULL, and start-up says so and exits 1. */
#include <jemalloc/jemalloc.h>

const char *malloc_conf = "tcache:false";
