/* lexicon_format.c -- the pieces of the .lex format that both the compiler
 * and the reader need: the checksum and the phoneme inventory. Kept apart
 * from lexicon.c so tools/lexicon-compile can validate phonemes exactly as
 * the reader's documentation says, with one definition. */
#include "g2p/lexicon_format.h"

/* Slicing-by-8: eight tables let the loop fold 8 bytes per step, about
 * five times faster than the byte-wise table; opening CMUdict checksums
 * 5.8 MB, and a SIGHUP reload should not stall the daemon for that. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xffu];
  __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t lexf_crc32(uint32_t crc, const void *data, size_t len) {
  /* Racing initialisers write identical values, so the race is benign; the
   * atomic flag only keeps sanitizers and compilers honest. */
  if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE)) crc_init();
  const unsigned char *p = data;
  crc = ~crc;
  while (len >= 8) {
    uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                         (uint32_t)p[3] << 24);
    uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                  (uint32_t)p[7] << 24;
    crc = crc_table[7][lo & 0xffu] ^ crc_table[6][(lo >> 8) & 0xffu] ^
          crc_table[5][(lo >> 16) & 0xffu] ^ crc_table[4][lo >> 24] ^
          crc_table[3][hi & 0xffu] ^ crc_table[2][(hi >> 8) & 0xffu] ^
          crc_table[1][(hi >> 16) & 0xffu] ^ crc_table[0][hi >> 24];
    p += 8;
    len -= 8;
  }
  while (len--) crc = crc_table[0][(crc ^ *p++) & 0xffu] ^ (crc >> 8);
  return ~crc;
}

/* The 15 vowels take a stress digit; the 24 consonants never do. */
static const char *const vowels[] = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
                                     "EY", "IH", "IY", "OW", "OY", "UH", "UW"};
static const char *const consonants[] = {"B",  "CH", "D",  "DH", "F", "G", "HH", "JH",
                                         "K",  "L",  "M",  "N",  "NG", "P", "R", "S",
                                         "SH", "T",  "TH", "V",  "W",  "Y", "Z", "ZH"};

int lexf_phone_valid(const char *text, size_t len) {
  if (len == 0 || len > 3) return 0;
  for (size_t i = 0; i < sizeof vowels / sizeof vowels[0]; i++) {
    if (len < 2 || memcmp(text, vowels[i], 2) != 0) continue;
    if (len == 2) return 1;
    return text[2] >= '0' && text[2] <= '2';
  }
  for (size_t i = 0; i < sizeof consonants / sizeof consonants[0]; i++) {
    size_t n = strlen(consonants[i]);
    if (n == len && memcmp(text, consonants[i], n) == 0) return 1;
  }
  return 0;
}
