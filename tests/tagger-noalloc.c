/* tagger-noalloc -- tagging and homograph choice never allocate.
 *
 * With the counting allocator of tests/alloc-count.h: after the models are open (which may
 * allocate), tagging and choosing over sentences of every shape -- empty,
 * one word, long, odd bytes, every word a homograph -- must leave the
 * counter untouched. Under ASan the allocator is the sanitizer's, so the
 * check is skipped there. Plain C: a test framework would allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/alloc-count.h"
#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"

#ifdef ALLOC_COUNT_OFF
int main(void) {
  printf("SKIP: allocation counting does not work under ASan\n");
  return 77;
}
#else
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
  unsigned long before = alloc_count();
  unsigned long chosen = tag_all(t, h, 50);
  unsigned long during = alloc_count() - before;
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
