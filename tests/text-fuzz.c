/* text-fuzz.c -- fuzz harness for the text front end. Built two ways:
 * with clang's libFuzzer by `make fuzz-text` (runs FUZZ_SECONDS), and as a
 * plain program in `make check` (TEXT_FUZZ_STANDALONE) that feeds a fixed
 * number of mutated seed texts through the same entry point.
 *
 * The input is untrusted text: text_analyze must never read or write out
 * of bounds, loop without bound or crash; on success its tokens must lie
 * inside the input, in order, and every spoken word be a-z and apostrophes
 * (hyphens only in dictionary headwords). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_some(void *opaque, const char *key, size_t len) {
  (void)opaque;
  return len == 4 && memcmp(key, "nasa", 4) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static text_ctx *ctx;
  if (!ctx) {
    text_limits lim = {.max_bytes = 4096, .max_tokens = 512, .max_words = 1024};
    if (text_ctx_create(&ctx, &lim)) abort();
  }
  /* exact-size copy so that any overread is caught by ASan */
  char *p = malloc(size ? size : 1);
  if (!p) return 0;
  memcpy(p, data, size);
  text_result r;
  char err[128];
  int rc = text_analyze(ctx, p, size, has_some, NULL, &r, err, sizeof err);
  if (rc == 0) {
    uint32_t prev = 0;
    for (uint32_t t = 0; t < r.n_tokens; t++) {
      const text_token *tk = &r.tokens[t];
      if (tk->start < prev || tk->end <= tk->start || tk->byte_end > size ||
          tk->byte_start >= tk->byte_end || tk->kind >= TEXT_KIND_COUNT ||
          tk->first_word + tk->n_words > r.n_words)
        abort();
      prev = tk->end;
    }
    for (uint32_t w = 0; w < r.n_words; w++)
      for (uint16_t k = 0; k < r.words[w].len; k++) {
        char c = r.words[w].text[k];
        if (!((c >= 'a' && c <= 'z') || c == '\'' || c == '-')) abort();
      }
  } else if (rc > 0 || rc < TEXT_ENOMEM || !err[0]) {
    abort();
  }
  free(p);
  return 0;
}

#ifdef TEXT_FUZZ_STANDALONE
/* make check: mutations of seed texts, a fixed number of runs */
int main(int argc, char **argv) {
  static const char *const seeds[] = {
      "Dr. Smith paid $3.50 on Jan. 5, 2021 at 3:30 pm.",
      "The FBI, NASA and the U.S. met in 1984; World War II ended.",
      "John\xe2\x80\x99s na\xc3\xafve caf\xc3\xa9 costs \xe2\x82\xac" "5 (50% off) \xe2\x80\x94 call 555-1234!",
      "user@example.org example.com/a 6'2\" 72\xc2\xb0" "F 1/2 \xc2\xbd 21st '90s 1990-1995",
      "COVID-19 A380 R2-D2 AT&T #1 + & @ ... \xe2\x80\xa6 \"quoted\" 'n' o'clock",
      ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"};
  long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
  uint32_t rng = 2463534242u;
  uint8_t buf[600];
  for (long it = 0; it < runs; it++) {
    const char *s = seeds[(size_t)it % (sizeof seeds / sizeof seeds[0])];
    size_t n = strlen(s);
    memcpy(buf, s, n);
    int edits = 1 + (int)(it % 8);
    for (int e = 0; e < edits; e++) {
      rng ^= rng << 13;
      rng ^= rng >> 17;
      rng ^= rng << 5;
      size_t at = n ? rng % n : 0;
      switch ((rng >> 8) % 4) {
      case 0: buf[at] = (uint8_t)(rng >> 16); break;                 /* replace */
      case 1: if (n < sizeof buf) { memmove(buf + at + 1, buf + at, n - at); buf[at] = (uint8_t)(rng >> 20); n++; } break;
      case 2: if (n) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } break;
      case 3: if (n && n + 4 < sizeof buf) { memmove(buf + at + 4, buf + at, n - at); memcpy(buf + at, "\xe2\x80\x99" "9", 4); n += 4; } break;
      }
    }
    LLVMFuzzerTestOneInput(buf, n);
  }
  printf("text-fuzz: %ld inputs\n", runs);
  return 0;
}
#endif
