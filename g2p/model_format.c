/* model_format.c -- the parts of the model file format both the loader and
 * the writer need: CRC-32C, header (de)serialisation, and the list of
 * tensors each architecture consists of. Keeping them in one place is what
 * guarantees that a file the converter writes is a file the loader reads. */
#include <pthread.h>
#include <string.h>

#include "g2p/model_format.h"

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
                        crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t g2pm_crc32c(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_once, crc_init);
  const uint8_t *p = data;
  crc = ~crc;
  while (n >= 8) { /* slicing by 8 */
    uint32_t lo = crc ^ g2pm_rd32(p);
    uint32_t hi = g2pm_rd32(p + 4);
    crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
          crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
          crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
          crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--)
    crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

void g2pm_header_decode(g2pm_header *h, const uint8_t *in) {
  h->version = g2pm_rd32(in + G2PM_OFF_VERSION);
  h->header_bytes = g2pm_rd32(in + G2PM_OFF_HEADER_BYTES);
  h->file_bytes = g2pm_rd64(in + G2PM_OFF_FILE_BYTES);
  h->arch = g2pm_rd32(in + G2PM_OFF_ARCH);
  h->n_tensors = g2pm_rd32(in + G2PM_OFF_N_TENSORS);
  h->G = g2pm_rd32(in + G2PM_OFF_G);
  h->P = g2pm_rd32(in + G2PM_OFF_P);
  h->E = g2pm_rd32(in + G2PM_OFF_E);
  h->H = g2pm_rd32(in + G2PM_OFF_H);
  h->Ed = g2pm_rd32(in + G2PM_OFF_ED);
  h->D = g2pm_rd32(in + G2PM_OFF_D);
  h->max_len = g2pm_rd32(in + G2PM_OFF_MAX_LEN);
  h->flags = g2pm_rd32(in + G2PM_OFF_FLAGS);
  h->dir_offset = g2pm_rd64(in + G2PM_OFF_DIR);
  h->graphemes_offset = g2pm_rd64(in + G2PM_OFF_GRAPHEMES);
  h->phonemes_offset = g2pm_rd64(in + G2PM_OFF_PHONEMES);
  h->name_offset = g2pm_rd64(in + G2PM_OFF_NAME);
  h->graphemes_bytes = g2pm_rd32(in + G2PM_OFF_GRAPHEMES_BYTES);
  h->phonemes_bytes = g2pm_rd32(in + G2PM_OFF_PHONEMES_BYTES);
  h->name_bytes = g2pm_rd32(in + G2PM_OFF_NAME_BYTES);
  h->reserved0 = g2pm_rd32(in + G2PM_OFF_RESERVED0);
  h->data_crc = g2pm_rd32(in + G2PM_OFF_DATA_CRC);
  h->reserved1a = g2pm_rd32(in + G2PM_OFF_RESERVED1);
  h->reserved1b = g2pm_rd32(in + G2PM_OFF_RESERVED1 + 4);
  h->header_crc = g2pm_rd32(in + G2PM_OFF_HEADER_CRC);
}

void g2pm_header_encode(uint8_t *out, g2pm_header *h) {
  memset(out, 0, G2PM_HEADER_BYTES);
  memcpy(out + G2PM_OFF_MAGIC, G2PM_MAGIC, G2PM_MAGIC_BYTES);
  g2pm_wr32(out + G2PM_OFF_VERSION, h->version);
  g2pm_wr32(out + G2PM_OFF_HEADER_BYTES, h->header_bytes);
  g2pm_wr64(out + G2PM_OFF_FILE_BYTES, h->file_bytes);
  g2pm_wr32(out + G2PM_OFF_ARCH, h->arch);
  g2pm_wr32(out + G2PM_OFF_N_TENSORS, h->n_tensors);
  g2pm_wr32(out + G2PM_OFF_G, h->G);
  g2pm_wr32(out + G2PM_OFF_P, h->P);
  g2pm_wr32(out + G2PM_OFF_E, h->E);
  g2pm_wr32(out + G2PM_OFF_H, h->H);
  g2pm_wr32(out + G2PM_OFF_ED, h->Ed);
  g2pm_wr32(out + G2PM_OFF_D, h->D);
  g2pm_wr32(out + G2PM_OFF_MAX_LEN, h->max_len);
  g2pm_wr32(out + G2PM_OFF_FLAGS, h->flags);
  g2pm_wr64(out + G2PM_OFF_DIR, h->dir_offset);
  g2pm_wr64(out + G2PM_OFF_GRAPHEMES, h->graphemes_offset);
  g2pm_wr64(out + G2PM_OFF_PHONEMES, h->phonemes_offset);
  g2pm_wr64(out + G2PM_OFF_NAME, h->name_offset);
  g2pm_wr32(out + G2PM_OFF_GRAPHEMES_BYTES, h->graphemes_bytes);
  g2pm_wr32(out + G2PM_OFF_PHONEMES_BYTES, h->phonemes_bytes);
  g2pm_wr32(out + G2PM_OFF_NAME_BYTES, h->name_bytes);
  g2pm_wr32(out + G2PM_OFF_RESERVED0, h->reserved0);
  g2pm_wr32(out + G2PM_OFF_DATA_CRC, h->data_crc);
  g2pm_wr32(out + G2PM_OFF_RESERVED1, h->reserved1a);
  g2pm_wr32(out + G2PM_OFF_RESERVED1 + 4, h->reserved1b);
  h->header_crc = g2pm_crc32c(0, out, G2PM_OFF_HEADER_CRC);
  g2pm_wr32(out + G2PM_OFF_HEADER_CRC, h->header_crc);
}

void g2pm_reseal(uint8_t *file, size_t len) {
  if (len < G2PM_HEADER_BYTES)
    return;
  uint32_t crc = g2pm_crc32c(0, file + G2PM_HEADER_BYTES,
                             len - G2PM_HEADER_BYTES);
  g2pm_wr32(file + G2PM_OFF_DATA_CRC, crc);
  g2pm_wr32(file + G2PM_OFF_HEADER_CRC,
            g2pm_crc32c(0, file, G2PM_OFF_HEADER_CRC));
}

const char *g2pm_arch_name(uint32_t arch) {
  switch (arch) {
  case G2PM_ARCH_GRU:
    return "g2p_en-gru";
  case G2PM_ARCH_BIGRU_ATTN:
    return "bigru-attn";
  case G2PM_ARCH_BIGRU_ATTN_IF:
    return "bigru-attn-if";
  default:
    return NULL;
  }
}

uint32_t g2pm_arch_id(const char *name) {
  if (strcmp(name, "g2p_en-gru") == 0)
    return G2PM_ARCH_GRU;
  if (strcmp(name, "bigru-attn") == 0)
    return G2PM_ARCH_BIGRU_ATTN;
  if (strcmp(name, "bigru-attn-if") == 0)
    return G2PM_ARCH_BIGRU_ATTN_IF;
  return 0;
}

#define ADD(nm, r, c) (spec[n].name = (nm), spec[n].rows = (r), \
                       spec[n].cols = (c), spec[n].dtype = G2PM_DTYPE_F32, \
                       spec[n].of = -1, n++)

static const char *const quantizable[] = {
    "enc_w_hh", "encf_w_hh", "encb_w_hh", "dec_w_hh", "init_w",
    "att_w",    "comb_w",    "fc_w",      "dec_w_if"};
/* Scale tensor names, in the order of quantizable[] + the suffix. */
static const char *const scale_names[] = {
    "enc_w_hh_scale", "encf_w_hh_scale", "encb_w_hh_scale",
    "dec_w_hh_scale", "init_w_scale",    "att_w_scale",
    "comb_w_scale",   "fc_w_scale",      "dec_w_if_scale"};

/* The recurrent matrices: i4 in a G2PM_FLAG_INT4 file. */
static const char *const recurrent[] = {"enc_w_hh", "encf_w_hh", "encb_w_hh",
                                        "dec_w_hh"};

static int is_recurrent(const char *name) {
  for (int i = 0; i < (int)(sizeof recurrent / sizeof recurrent[0]); i++)
    if (strcmp(name, recurrent[i]) == 0)
      return 1;
  return 0;
}

static int quantizable_index(const char *name) {
  for (int i = 0; i < (int)(sizeof quantizable / sizeof quantizable[0]); i++)
    if (strcmp(name, quantizable[i]) == 0)
      return i;
  return -1;
}

int g2pm_tensor_quantizable(const char *name) {
  return quantizable_index(name) >= 0;
}

static int arch_tensors_f32(const g2pm_header *h,
                            g2pm_tensor_spec spec[G2PM_MAX_TENSORS]);

int g2pm_arch_tensors(const g2pm_header *h,
                      g2pm_tensor_spec spec[G2PM_MAX_TENSORS]) {
  int n = arch_tensors_f32(h, spec);
  if (n == 0 || !(h->flags & G2PM_FLAG_INT8))
    return n;
  int all = n;
  for (int i = 0; i < n; i++) {
    int q = quantizable_index(spec[i].name);
    if (q < 0)
      continue;
    spec[i].dtype = (h->flags & G2PM_FLAG_INT4) && is_recurrent(spec[i].name)
                        ? G2PM_DTYPE_I4
                        : G2PM_DTYPE_I8;
    spec[all].name = scale_names[q];
    spec[all].rows = spec[i].rows;
    spec[all].cols = 0;
    spec[all].dtype = G2PM_DTYPE_F32;
    spec[all].of = i;
    all++;
  }
  return all;
}

static int arch_tensors_f32(const g2pm_header *h,
                            g2pm_tensor_spec spec[G2PM_MAX_TENSORS]) {
  int n = 0;
  uint32_t G = h->G, P = h->P, E = h->E, H = h->H, Ed = h->Ed, D = h->D;
  switch (h->arch) {
  case G2PM_ARCH_GRU:
    ADD("enc_emb", G, E);
    ADD("enc_w_ih", 3 * H, E);
    ADD("enc_w_hh", 3 * H, H);
    ADD("enc_b_ih", 3 * H, 0);
    ADD("enc_b_hh", 3 * H, 0);
    ADD("dec_emb", P, Ed);
    ADD("dec_w_ih", 3 * D, Ed);
    ADD("dec_w_hh", 3 * D, D);
    ADD("dec_b_ih", 3 * D, 0);
    ADD("dec_b_hh", 3 * D, 0);
    ADD("fc_w", P, D);
    ADD("fc_b", P, 0);
    return n;
  case G2PM_ARCH_BIGRU_ATTN:
  case G2PM_ARCH_BIGRU_ATTN_IF:
    ADD("enc_emb", G, E);
    ADD("encf_w_ih", 3 * H, E);
    ADD("encf_w_hh", 3 * H, H);
    ADD("encf_b_ih", 3 * H, 0);
    ADD("encf_b_hh", 3 * H, 0);
    ADD("encb_w_ih", 3 * H, E);
    ADD("encb_w_hh", 3 * H, H);
    ADD("encb_b_ih", 3 * H, 0);
    ADD("encb_b_hh", 3 * H, 0);
    ADD("init_w", D, 2 * H);
    ADD("init_b", D, 0);
    ADD("dec_emb", P, Ed);
    ADD("dec_w_ih", 3 * D, Ed);
    ADD("dec_w_hh", 3 * D, D);
    ADD("dec_b_ih", 3 * D, 0);
    ADD("dec_b_hh", 3 * D, 0);
    ADD("att_w", D, 2 * H);
    ADD("comb_w", D, D + 2 * H);
    ADD("comb_b", D, 0);
    ADD("fc_w", P, D);
    ADD("fc_b", P, 0);
    if (h->arch == G2PM_ARCH_BIGRU_ATTN_IF)
      ADD("dec_w_if", 3 * D, D); /* decoder input weights of a_{t-1} */
    return n;
  default:
    return 0;
  }
}
