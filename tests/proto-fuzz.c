/* proto-fuzz.c -- libFuzzer harness for the daemon's request decoder and the
 * client's reply decoder (not part of `make check`; see `make fuzz-proto`).
 *
 * Requests are the daemon's untrusted input: the decoder must never read
 * outside the payload, loop without bound or crash, and every word slice it
 * returns must lie inside the payload. Replies are decoded and freed to
 * catch leaks and double frees in the client. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static proto_slice words[PROTO_DEFAULT_MAX_WORDS];
  proto_limits lim;
  proto_request req = {.words = words, .words_cap = PROTO_DEFAULT_MAX_WORDS};
  proto_reply rep;
  char err[128];
  proto_limits_default(&lim);
  /* exact-size copy so that any overread is caught by ASan */
  uint8_t *p = malloc(size ? size : 1);
  if (!p) return 0;
  memcpy(p, data, size);
  int rc = proto_request_decode(p, size, &lim, &req, err, sizeof err);
  if (rc == PROTO_OK) {
    for (uint32_t i = 0; i < req.n_words; i++) {
      const uint8_t *w = (const uint8_t *)req.words[i].ptr;
      if (w < p || w + req.words[i].len > p + size) abort();
      (void)proto_word_check(req.words[i].ptr, req.words[i].len, &lim);
    }
  } else if (req.n_words != 0 || rc < 0 || rc > PROTO_E_MAX) {
    abort();
  }
  if (proto_reply_decode(p, size, &rep, err, sizeof err) == PROTO_OK) proto_reply_free(&rep);
  free(p);
  return 0;
}
