/* tagger-noalloc -- tagging and homograph choice never allocate.
 *
 * The C allocator is replaced by counting wrappers around glibc's own
 * (__libc_malloc and friends); after the models are open (which may
 * allocate), tagging and choosing over sentences of every shape -- empty,
 * one word, long, odd bytes, every word a homograph -- must leave the
 * counter untouched. Under ASan the allocator is the sanitizer's, so the
 * check is skipped there. Plain C: a test framework would allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"

#if defined(__SANITIZE_ADDRESS__)
#define NOALLOC_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOALLOC_SKIP 1
#endif
#endif

#ifdef NOALLOC_SKIP
int main(void) {
  printf("SKIP: allocation counting does not work under ASan\n");
  return 77;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile unsigned long n_alloc;

void *malloc(size_t n) {
  n_alloc++;
  return __libc_malloc(n);
}
void *calloc(size_t a, size_t b) {
  n_alloc++;
  return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n) {
  n_alloc++;
  return __libc_realloc(p, n);
}
void free(void *p) { __libc_free(p); }
int posix_memalign(void **out, size_t align, size_t n) {
  n_alloc++;
  void *p = __libc_memalign(align, n);
  if (!p) return 12;
  *out = p;
  return 0;
}
void *aligned_alloc(size_t align, size_t n) {
  n_alloc++;
  return __libc_memalign(align, n);
}

static const char *const sentences[] = {
    "I read it yesterday , and I will read it again .",
    "The lead singer wore lead boots .",
    "They live here and love live music .",
    "An object lesson : I object !",
    "Permits are needed ; the law permits it .",
    "x",
    "\xff\xfe \xc3\xa9t\xc3\xa9 caf\xc3\xa9 1984 3.50 $ U.S.A. well-read non-stop",
    "READ LEAD LIVE USE CLOSE RECORD PRESENT",
};

static size_t split(char *s, tagger_word *w, size_t max) {
  size_t n = 0;
  for (char *p = s; *p && n < max;) {
    char *e = strchr(p, ' ');
    w[n].s = p;
    w[n].len = e ? (size_t)(e - p) : strlen(p);
    n++;
    if (!e) break;
    p = e + 1;
  }
  return n;
}

static unsigned long tag_all(const tagger *t, const homograph *h, int rounds) {
  static char buf[4096];
  static tagger_word w[2048];
  static uint8_t tags[2048];
  unsigned long chosen = 0;
  for (int r = 0; r < rounds; r++) {
    for (size_t k = 0; k < sizeof sentences / sizeof sentences[0]; k++) {
      snprintf(buf, sizeof buf, "%s", sentences[k]);
      size_t n = split(buf, w, 2048);
      tagger_tag(t, w, n, tags);
      for (size_t i = 0; i < n; i++) {
        homograph_choice ch;
        chosen += (unsigned long)homograph_choose(h, w, tags, n, i, &ch);
      }
    }
    tagger_tag(t, w, 0, tags); /* empty */
    /* a long sentence: 2000 words, every tenth a homograph */
    for (size_t i = 0; i < 2000; i++) {
      w[i].s = i % 10 ? "the" : "read";
      w[i].len = i % 10 ? 3 : 4;
    }
    tagger_tag(t, w, 2000, tags);
    for (size_t i = 0; i < 2000; i += 10) {
      homograph_choice ch;
      chosen += (unsigned long)homograph_choose(h, w, tags, 2000, i, &ch);
    }
  }
  return chosen;
}

int main(void) {
  char mp[4096], hp[4096], err[512];
  tagger *t;
  homograph *h;
  if (tagger_open(&t, tu_src_path(mp, sizeof mp, "models/en-ewt-tagger.linm"), err,
                  sizeof err) != 0 ||
      homograph_open(&h, tu_src_path(hp, sizeof hp, "models/en-homographs.linm"), t, err,
                     sizeof err) != 0) {
    printf("FAIL: %s\n", err);
    return 1;
  }
  tag_all(t, h, 1); /* warm up (stdio may allocate its buffers) */
  unsigned long before = n_alloc;
  unsigned long chosen = tag_all(t, h, 50);
  unsigned long during = n_alloc - before;
  homograph_close(h);
  tagger_close(t);
  printf("%lu homograph choices over 50 rounds, %lu allocations while tagging and choosing\n",
         chosen, during);
  if (chosen == 0 || during != 0) {
    printf("FAIL\n");
    return 1;
  }
  return 0;
}
#endif
