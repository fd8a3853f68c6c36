/* lexicon-fuzz -- libFuzzer harness for lexicon_open() and lookups.
 *
 * The checksums would stop almost every mutation at the door, so the
 * harness repairs the file size and both CRCs before opening: what is
 * exercised is the field and entry validation behind them. Whatever the
 * reader accepts must then be fully usable: every key found again by
 * lookup, every pronunciation readable to its last byte. Built and run by
 * `make fuzz-lexicon` (clang), not by `make check`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "g2p/lexicon.h"
#include "g2p/lexicon_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *b = malloc(size + 1);
  if (!b) return 0;
  if (size) memcpy(b, data, size);
  if (size >= LEXF_HDR_BYTES && size <= UINT32_MAX) {
    lexf_put32(b + LEXF_HDR_FILE_BYTES, (uint32_t)size);
    lexf_put32(b + LEXF_HDR_PAYLOAD_CRC,
               lexf_crc32(0, b + LEXF_HDR_BYTES, size - LEXF_HDR_BYTES));
    lexf_put32(b + LEXF_HDR_HEADER_CRC, lexf_crc32(0, b, LEXF_HDR_HEADER_CRC));
  }
  int fd = memfd_create("lexicon-fuzz", 0);
  if (fd < 0 || write(fd, b, size) != (ssize_t)size) abort();
  char path[64], err[256];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  lexicon *lx;
  if (lexicon_open(&lx, path, err, sizeof err) == LEX_OK) {
    for (uint32_t i = 0; i < lexicon_words(lx); i++) {
      uint16_t kl;
      unsigned nv;
      uint32_t first;
      const char *k = lexicon_key(lx, i, &kl, &nv, &first);
      if (lexicon_lookup(lx, k, kl, &first) != nv) abort();
      for (unsigned v = 0; v < nv; v++) {
        uint16_t tl;
        const char *t = lexicon_pron(lx, first + v, &tl);
        volatile char last = t[tl - 1];
        (void)last;
      }
    }
    lexicon_close(lx);
  }
  close(fd);
  free(b);
  return 0;
}
