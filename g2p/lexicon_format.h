/* lexicon_format.h -- the on-disk layout of a compiled lexicon (.lex).
 *
 * Written by tools/lexicon-compile, read (into memory, never trusted) by
 * g2p/lexicon.c. Both sides share these constants and the CRC so that the
 * format is defined in exactly one place. doc/lexicon.md describes it in
 * prose. Everything is little-endian; all offsets are byte offsets from the
 * start of the file and fit in 32 bits (a lexicon is a few megabytes).
 *
 *   header   64 bytes (LEXF_HDR_* offsets below)
 *   words    n_words entries of 12 bytes, sorted by key (bytewise memcmp,
 *            shorter first on a common prefix), strictly increasing:
 *              u32 key_off   offset of the key bytes in the file
 *              u16 key_len   1..LEXF_KEY_MAX
 *              u16 n_var     pronunciations of this word, >= 1
 *              u32 first     index of its first pronunciation
 *   prons    n_prons entries of 8 bytes; a word's variants are consecutive
 *            and in order (the first is the default answer):
 *              u32 text_off  offset of "AA1 R D V AA2 R K" (no NUL)
 *              u16 text_len  1..LEXF_TEXT_MAX
 *              u16 n_phones  1..LEXF_PHONES_MAX
 *   strings  strings_bytes bytes of key and pronunciation text
 */
#ifndef RNNINFERD_G2P_LEXICON_FORMAT_H
#define RNNINFERD_G2P_LEXICON_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LEXF_MAGIC        "G2PLEX\r\n"   /* 8 bytes */
#define LEXF_MAGIC_LEN    8
#define LEXF_VERSION      1u
#define LEXF_HDR_BYTES    64u
#define LEXF_WORD_BYTES   12u
#define LEXF_PRON_BYTES   8u
#define LEXF_KEY_MAX      256u  /* == G2P_WORD_MAX */
#define LEXF_PHONES_MAX   64u   /* == G2P_PHONES_MAX */
#define LEXF_TEXT_MAX     (LEXF_PHONES_MAX * 4u)
#define LEXF_VARIANTS_MAX 255u  /* per word, in the file */

/* Header field offsets. */
#define LEXF_HDR_MAGIC         0   /* 8 bytes */
#define LEXF_HDR_VERSION       8
#define LEXF_HDR_HDR_BYTES     12
#define LEXF_HDR_N_WORDS       16
#define LEXF_HDR_N_PRONS       20
#define LEXF_HDR_WORDS_OFF     24
#define LEXF_HDR_PRONS_OFF     28
#define LEXF_HDR_STRINGS_OFF   32
#define LEXF_HDR_STRINGS_BYTES 36
#define LEXF_HDR_FILE_BYTES    40
#define LEXF_HDR_MAX_VARIANTS  44
#define LEXF_HDR_MAX_KEY       48
#define LEXF_HDR_PAYLOAD_CRC   52  /* CRC-32 of bytes [64, file_bytes) */
#define LEXF_HDR_FLAGS         56  /* 0 in version 1 */
#define LEXF_HDR_HEADER_CRC    60  /* CRC-32 of bytes [0, 60) */

static inline uint16_t lexf_get16(const unsigned char *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t lexf_get32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline void lexf_put16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}
static inline void lexf_put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32); crc = 0 to start. */
uint32_t lexf_crc32(uint32_t crc, const void *data, size_t len);

/* Is text one of the ARPAbet symbols a pronunciation may use: the 39 bases
 * (AA .. ZH) and the 15 vowels with a stress digit 0/1/2? */
int lexf_phone_valid(const char *text, size_t len);

#endif
