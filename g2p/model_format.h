/* model_format.h -- the on-disk layout of a model file (.g2pm), shared by the
 * loader (model.c) and the writer (model_write.c) so they cannot disagree.
 *
 * doc/model-format.md is the prose version of this header. Everything is
 * little-endian and read byte by byte (never by casting the mapping to a
 * struct), so the loader is independent of host padding and alignment. */
#ifndef RNNINFERD_G2P_MODEL_FORMAT_H
#define RNNINFERD_G2P_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define G2PM_MAGIC "RNNG2PM\032"   /* 8 bytes, no NUL */
#define G2PM_MAGIC_BYTES 8
/* Version 2 adds int8 weights (G2PM_FLAG_INT8), version 3 4-bit recurrent
 * matrices (G2PM_FLAG_INT4); writers emit the lowest version a file needs,
 * and the loader reads all three. */
#define G2PM_VERSION 3
#define G2PM_VERSION_MIN 1
#define G2PM_HEADER_BYTES 128
#define G2PM_DIRENT_BYTES 64
#define G2PM_TENSOR_NAME_BYTES 32
#define G2PM_ALIGN 64

/* Header field offsets. */
#define G2PM_OFF_MAGIC 0
#define G2PM_OFF_VERSION 8
#define G2PM_OFF_HEADER_BYTES 12
#define G2PM_OFF_FILE_BYTES 16
#define G2PM_OFF_ARCH 24
#define G2PM_OFF_N_TENSORS 28
#define G2PM_OFF_G 32
#define G2PM_OFF_P 36
#define G2PM_OFF_E 40
#define G2PM_OFF_H 44
#define G2PM_OFF_ED 48
#define G2PM_OFF_D 52
#define G2PM_OFF_MAX_LEN 56
#define G2PM_OFF_FLAGS 60
#define G2PM_OFF_DIR 64
#define G2PM_OFF_GRAPHEMES 72
#define G2PM_OFF_PHONEMES 80
#define G2PM_OFF_NAME 88
#define G2PM_OFF_GRAPHEMES_BYTES 96
#define G2PM_OFF_PHONEMES_BYTES 100
#define G2PM_OFF_NAME_BYTES 104
#define G2PM_OFF_RESERVED0 108
#define G2PM_OFF_DATA_CRC 112
#define G2PM_OFF_RESERVED1 116 /* 8 bytes */
#define G2PM_OFF_HEADER_CRC 124

/* Architectures. */
#define G2PM_ARCH_GRU 1        /* "g2p_en-gru" */
#define G2PM_ARCH_BIGRU_ATTN 2 /* "bigru-attn" */
#define G2PM_ARCH_BIGRU_ATTN_IF 3 /* "bigru-attn-if": arch 2 + input feeding */

/* Architectures with the bidirectional encoder and attention (2 and 3). */
static inline int g2pm_arch_attn(uint32_t arch) {
  return arch == G2PM_ARCH_BIGRU_ATTN || arch == G2PM_ARCH_BIGRU_ATTN_IF;
}

#define G2PM_DTYPE_F32 1
#define G2PM_DTYPE_I8 2 /* int8 in [-127, 127]; version 2, G2PM_FLAG_INT8 */
#define G2PM_DTYPE_I4 3 /* int8 bytes in [-7, 7]; version 3, G2PM_FLAG_INT4 */

/* Header flags (version 2; version 1 files have flags 0). INT8: every
 * weight matrix the decoder multiplies per step (g2pm_tensor_quantizable)
 * is stored as i8, and a 1-D f32 tensor "<name>_scale" of its rows, each
 * > 0 and finite, follows the list: w[r][c] = q[r][c] * scale[r]. */
#define G2PM_FLAG_INT8 1u
/* REVERSED: a right-to-left network; its decoder emits the pronunciation
 * last phoneme first (a rescorer for n-best lists; answers are rendered
 * left to right all the same). */
#define G2PM_FLAG_REVERSED 2u
/* INT4 (version 3, with INT8): the recurrent matrices (enc_w_hh, encf_w_hh,
 * encb_w_hh, dec_w_hh) are i4: one signed byte per weight in [-7, 7], with
 * their scale tensors as for i8. The loader packs them in 4 bits for the
 * int8 tables (kernels.h, pack_q4). */
#define G2PM_FLAG_INT4 4u
#define G2PM_KNOWN_FLAGS (G2PM_FLAG_INT8 | G2PM_FLAG_REVERSED | G2PM_FLAG_INT4)
#define G2PM_SCALE_SUFFIX "_scale"

/* Sanity limits the loader enforces (and the writer refuses to exceed). */
#define G2PM_MAX_SYMBOLS 4096   /* G and P */
#define G2PM_MAX_DIM 1024       /* E, H, Ed, D */
#define G2PM_MAX_LEN_LIMIT 64   /* max_len; = G2P_PHONES_MAX */
#define G2PM_MAX_TENSORS 32
#define G2PM_MAX_NAME_BYTES 255
#define G2PM_MAX_PHONEME_BYTES 7
#define G2PM_MAX_FILE_BYTES ((uint64_t)1 << 32)

/* Fixed special symbols (ids). */
#define G2PM_G_PAD 0
#define G2PM_G_UNK 1
#define G2PM_G_EOS 2
#define G2PM_G_SPECIALS 3
#define G2PM_P_PAD 0
#define G2PM_P_UNK 1
#define G2PM_P_SOS 2
#define G2PM_P_EOS 3
#define G2PM_P_SPECIALS 4

typedef struct g2pm_header {
  uint32_t version, header_bytes;
  uint64_t file_bytes;
  uint32_t arch, n_tensors;
  uint32_t G, P, E, H, Ed, D, max_len, flags;
  uint64_t dir_offset, graphemes_offset, phonemes_offset, name_offset;
  uint32_t graphemes_bytes, phonemes_bytes, name_bytes;
  uint32_t reserved0, reserved1a, reserved1b;
  uint32_t data_crc, header_crc;
} g2pm_header;

/* One tensor an architecture needs: 1-D when cols == 0. */
typedef struct g2pm_tensor_spec {
  const char *name;
  uint32_t rows, cols;
  uint32_t dtype; /* G2PM_DTYPE_* */
  int of;         /* a scale tensor: index of its matrix, else -1 */
} g2pm_tensor_spec;

/* Does an INT8 file store this tensor as i8? (the recurrent, attention,
 * combination, output and input-feeding matrices; never embeddings, input
 * projections or biases) */
int g2pm_tensor_quantizable(const char *name);

static inline uint32_t g2pm_rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static inline uint64_t g2pm_rd64(const uint8_t *p) {
  return (uint64_t)g2pm_rd32(p) | (uint64_t)g2pm_rd32(p + 4) << 32;
}
static inline void g2pm_wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline void g2pm_wr64(uint8_t *p, uint64_t v) {
  g2pm_wr32(p, (uint32_t)v);
  g2pm_wr32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-32C (Castagnoli, reflected, init and final xor 0xffffffff). Pass 0
 * to start; chain by passing the previous result. */
uint32_t g2pm_crc32c(uint32_t crc, const void *data, size_t n);

/* Decodes the 128 header bytes as they are (no checks). */
void g2pm_header_decode(g2pm_header *h, const uint8_t *in);
/* Encodes h into 128 bytes and stores the header CRC it computes (over
 * bytes 0..123) both in out and in h->header_crc. */
void g2pm_header_encode(uint8_t *out, g2pm_header *h);
/* Recomputes the data CRC of a whole file image in place (bytes
 * header..end), then the header CRC. For the writer and for tests that
 * forge files. */
void g2pm_reseal(uint8_t *file, size_t len);

/* "g2p_en-gru", "bigru-attn", "bigru-attn-if", or NULL for an unknown id. */
const char *g2pm_arch_name(uint32_t arch);
/* Arch id from its name, 0 if unknown. */
uint32_t g2pm_arch_id(const char *name);
/* Fills spec[] with the tensors arch needs, in file order, shaped from the
 * header's dimensions (and, with G2PM_FLAG_INT8 in h->flags, typed i8 with
 * their scale tensors at the end). Returns the count, or 0 for an unknown
 * arch. */
int g2pm_arch_tensors(const g2pm_header *h,
                      g2pm_tensor_spec spec[G2PM_MAX_TENSORS]);

#endif
