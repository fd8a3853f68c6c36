/* model-hostile -- damaged and malicious model files are refused, each
 * with a message that names the problem, and never crash or over-read.
 *
 * A small valid model (g2p_en's symbol tables, tiny random weights) is
 * built in memory with the real writer, then cut, bit-flipped and forged:
 * every prefix length, every header byte, random data bytes, wrong magic and
 * version, absurd dimensions, bad tensor directory entries, bad symbol
 * tables, non-finite weights, a zero-length file. Forgeries that should get
 * past the checksums are resealed (g2pm_reseal) so that the check behind
 * them is the one exercised. A random-mutation loop finishes the job under
 * ASan/UBSan. Prediction on tiny models of both architectures is checked
 * to allocate nothing (malloc is interposed when ASan is not). */
#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_convert.h"
#include "g2p/model_format.h"
#include "kernels/kernels.h"
#include "tests/alloc-count.h"
#include "tests/tiny-model.h"

/* ---- a small valid model ---------------------------------------------- */

static uint32_t rng = 12345;

/* Builds a tiny model image of arch (1, 2 or 3). */
static uint8_t *small_image(uint32_t arch, size_t *len) {
  return tiny_model_image(arch, &rng, len);
}

static uint8_t *base;
static size_t base_len;

static uint8_t *copy(void) {
  uint8_t *c = malloc(base_len + 64);
  memcpy(c, base, base_len);
  return c;
}

/* Loads an image; asserts failure with a message containing want. */
static void rejects(const uint8_t *img, size_t len, const char *want,
                    const char *what) {
  g2p_model *m = NULL;
  char err[512] = "";
  int rc = g2p_model_open_mem(&m, img, len, "scalar", err, sizeof err);
  ck_assert_msg(rc != 0, "%s: accepted", what);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err, want) != NULL, "%s: message '%s' lacks '%s'",
                what, err, want);
}

static void accepts(const uint8_t *img, size_t len, const char *what) {
  g2p_model *m = NULL;
  char err[512] = "";
  int rc = g2p_model_open_mem(&m, img, len, "scalar", err, sizeof err);
  ck_assert_msg(rc == 0, "%s: rejected: %s", what, err);
  g2p_model_close(m);
}

/* Header field edit: decode, change, re-encode (new header CRC). */
#define EDIT_HEADER(img, stmt)                                                 \
  do {                                                                         \
    g2pm_header h_;                                                            \
    g2pm_header_decode(&h_, (img));                                            \
    g2pm_header *h = &h_;                                                      \
    stmt;                                                                      \
    g2pm_header_encode((img), h);                                              \
  } while (0)

static uint8_t *dirent(uint8_t *img, int i) {
  return img + g2pm_rd64(img + G2PM_OFF_DIR) + (size_t)i * G2PM_DIRENT_BYTES;
}

static char tmpdir[] = "/tmp/model-hostile-XXXXXX";

static void write_file(const char *path, const uint8_t *img, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, img, len), (ssize_t)len);
  close(fd);
}

static void setup(void) { base = small_image(G2PM_ARCH_GRU, &base_len); }

static void teardown(void) {
  free(base);
  base = NULL;
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(valid_models_load) {
  accepts(base, base_len, "small arch 1");
  size_t l2;
  uint8_t *i2 = small_image(G2PM_ARCH_BIGRU_ATTN, &l2);
  accepts(i2, l2, "small arch 2");
  size_t l3;
  uint8_t *i3 = small_image(G2PM_ARCH_BIGRU_ATTN_IF, &l3);
  accepts(i3, l3, "small arch 3");
  /* an arch-2 file relabelled arch 3 lacks dec_w_if */
  g2pm_wr32(i2 + G2PM_OFF_ARCH, G2PM_ARCH_BIGRU_ATTN_IF);
  g2pm_reseal(i2, l2);
  g2p_model *m = NULL;
  char err[512];
  ck_assert_int_eq(g2p_model_open_mem(&m, i2, l2, "scalar", err, sizeof err),
                   G2P_EFORMAT);
  ck_assert_msg(strstr(err, "tensor count") && strstr(err, "bigru-attn-if"),
                "%s", err);
  free(i2);
  free(i3);
}
END_TEST

START_TEST(zero_length_and_missing_files) {
  char path[128];
  snprintf(path, sizeof path, "%s/empty.g2pm", tmpdir);
  write_file(path, base, 0);
  g2p_model *m;
  char err[512];
  ck_assert_int_eq(g2p_model_open(&m, path, err, sizeof err), G2P_EFORMAT);
  ck_assert_msg(strstr(err, "file is empty (0 bytes)"), "%s", err);
  snprintf(path, sizeof path, "%s/none.g2pm", tmpdir);
  ck_assert_int_eq(g2p_model_open(&m, path, err, sizeof err), G2P_EIO);
  ck_assert_msg(strstr(err, "No such file"), "%s", err);
  ck_assert_int_eq(g2p_model_open(&m, tmpdir, err, sizeof err), G2P_EIO);
  ck_assert_msg(strstr(err, "not a regular file"), "%s", err);
  rejects(base, 0, "file is empty", "empty image");
}
END_TEST

START_TEST(every_prefix_is_rejected) {
  for (size_t l = 0; l < base_len; l++) {
    uint8_t *c = malloc(l ? l : 1); /* exact size: ASan sees over-reads */
    memcpy(c, base, l);
    const char *want = l == 0 ? "file is empty"
                       : l < G2PM_HEADER_BYTES ? "file too short for a header"
                                               : "file truncated";
    rejects(c, l, want, "prefix");
    free(c);
  }
  /* and through the mmap path, a few lengths */
  char path[128];
  snprintf(path, sizeof path, "%s/cut.g2pm", tmpdir);
  size_t cuts[] = {1, 100, 128, 1000, base_len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    write_file(path, base, cuts[i]);
    g2p_model *m;
    char err[512];
    ck_assert_int_eq(g2p_model_open(&m, path, err, sizeof err), G2P_EFORMAT);
    ck_assert_msg(strstr(err, cuts[i] < 128 ? "too short" : "truncated"),
                  "%s", err);
  }
  uint8_t *c = copy();
  c[base_len] = 0;
  rejects(c, base_len + 1, "trailing bytes", "one byte appended");
  free(c);
}
END_TEST

START_TEST(every_header_byte_flipped) {
  for (int i = 0; i < G2PM_HEADER_BYTES; i++) {
    for (int bit = 0; bit < 8; bit += 7) {
      uint8_t *c = copy();
      c[i] ^= (uint8_t)(1u << bit);
      const char *want = i < 8    ? "bad magic"
                         : i < 12 ? "unsupported format version"
                         : i < 16 ? "header size"
                                  : "header checksum mismatch";
      char what[64];
      snprintf(what, sizeof what, "header byte %d bit %d", i, bit);
      rejects(c, base_len, want, what);
      free(c);
    }
  }
}
END_TEST

START_TEST(data_bytes_flipped) {
  for (int k = 0; k < 300; k++) {
    uint8_t *c = copy();
    rng = rng * 1664525u + 1013904223u;
    size_t at = G2PM_HEADER_BYTES + (rng >> 4) % (base_len - G2PM_HEADER_BYTES);
    c[at] ^= (uint8_t)(1u << (k % 8));
    rejects(c, base_len, "data checksum mismatch", "data flip");
    free(c);
  }
}
END_TEST

START_TEST(wrong_magic_and_version) {
  uint8_t *c = copy();
  memcpy(c, "GGUF\0\0\0\0", 8);
  rejects(c, base_len, "bad magic: not an rnninferd model file", "magic");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->version = 4);
  rejects(c, base_len, "unsupported format version 4 (this build reads "
          "versions 1 to 3)", "version 4");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->version = 0);
  rejects(c, base_len, "unsupported format version 0", "version 0");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->header_bytes = 256);
  rejects(c, base_len, "header size 256, expected 128", "header size");
  free(c);
}
END_TEST

START_TEST(absurd_dimensions) {
  struct {
    int field;
    uint32_t value;
    const char *want;
  } cases[] = {
      {0, 1u << 30, "dimension G=1073741824 out of range"},
      {0, 0, "dimension G=0 out of range"},
      {1, 3, "dimension P=3 out of range"},
      {1, 0xffffffffu, "dimension P=4294967295 out of range"},
      {2, 0, "dimension E=0 out of range"},
      {3, 1u << 20, "dimension H=1048576 out of range"},
      {4, 5000, "dimension Ed=5000 out of range"},
      {5, 0x80000000u, "dimension D=2147483648 out of range"},
      {6, 0, "dimension max_len=0 out of range"},
      {6, 65, "dimension max_len=65 out of range"},
      {5, 16, "needs D == H"},
      {7, 7, "unknown architecture id 7"},
      {8, 13, "tensor count 13, architecture g2p_en-gru has 12"},
      {9, 1, "unknown header flags 0x1 (version 1 files have none)"},
      {10, 9, "reserved header fields are not zero"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *c = copy();
    uint32_t v = cases[i].value;
    switch (cases[i].field) {
    case 0: EDIT_HEADER(c, h->G = v); break;
    case 1: EDIT_HEADER(c, h->P = v); break;
    case 2: EDIT_HEADER(c, h->E = v); break;
    case 3: EDIT_HEADER(c, h->H = v); break;
    case 4: EDIT_HEADER(c, h->Ed = v); break;
    case 5: EDIT_HEADER(c, h->D = v); break;
    case 6: EDIT_HEADER(c, h->max_len = v); break;
    case 7: EDIT_HEADER(c, h->arch = v); break;
    case 8: EDIT_HEADER(c, h->n_tensors = v); break;
    case 9: EDIT_HEADER(c, h->flags = v); break;
    default: EDIT_HEADER(c, h->reserved1b = v); break;
    }
    rejects(c, base_len, cases[i].want, cases[i].want);
    free(c);
  }
  /* a consistent but oversized shape: E=6 makes enc_emb's shape wrong */
  uint8_t *c = copy();
  EDIT_HEADER(c, h->E = 6);
  rejects(c, base_len, "tensor 'enc_emb': shape 2-D (29, 5)", "E=6");
  free(c);
}
END_TEST

START_TEST(bad_regions) {
  uint64_t size = base_len;
  uint8_t *c = copy();
  EDIT_HEADER(c, h->dir_offset = size - 64);
  rejects(c, base_len, "tensor directory", "directory past EOF");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->dir_offset = UINT64_MAX - 10);
  rejects(c, base_len, "tensor directory", "directory offset overflow");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->graphemes_bytes = 0xffffffffu);
  rejects(c, base_len, "grapheme table (offset", "graphemes past EOF");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->phonemes_offset = size);
  EDIT_HEADER(c, h->phonemes_bytes = 1);
  rejects(c, base_len, "phoneme table (offset", "phonemes past EOF");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->name_offset = 1ull << 40);
  rejects(c, base_len, "model name (offset", "name past EOF");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->graphemes_offset = h->dir_offset + 8);
  rejects(c, base_len, "tensor directory and grapheme table overlap",
          "overlap");
  free(c);
  c = copy();
  EDIT_HEADER(c, h->name_bytes = 0);
  rejects(c, base_len, "model name is 0 bytes long", "empty name");
  free(c);
}
END_TEST

START_TEST(bad_tensor_directory) {
  uint8_t *c = copy();
  g2pm_wr64(dirent(c, 0) + 48, (base_len + 63) / 64 * 64 + 64);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'enc_emb': data (offset", "offset past EOF");
  free(c);
  c = copy();
  g2pm_wr64(dirent(c, 3) + 48, UINT64_MAX - 63);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "runs past the end of the file", "offset overflow");
  free(c);
  c = copy();
  g2pm_wr64(dirent(c, 2) + 48, g2pm_rd64(dirent(c, 2) + 48) + 4);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "offset", "misaligned");
  rejects(c, base_len, "is not 64-byte aligned", "misaligned");
  free(c);
  c = copy();
  g2pm_wr64(dirent(c, 2) + 48, g2pm_rd64(dirent(c, 1) + 48));
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "overlap", "two tensors on the same bytes");
  free(c);
  c = copy();
  g2pm_wr32(dirent(c, 1) + 40, 25);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'enc_w_ih': shape 2-D (25, 5)", "shape");
  free(c);
  c = copy();
  g2pm_wr32(dirent(c, 1) + 36, 3);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'enc_w_ih': shape 3-D", "ndim");
  free(c);
  c = copy();
  g2pm_wr32(dirent(c, 4) + 32, 2);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'enc_b_hh': dtype 2, expected 1 (f32)",
          "dtype");
  free(c);
  c = copy();
  g2pm_wr64(dirent(c, 4) + 56, 4);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'enc_b_hh': 4 bytes, its shape needs 96",
          "nbytes");
  free(c);
  c = copy();
  memcpy(dirent(c, 5), "dec_emc", 7);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "'dec_emc' is not a tensor of architecture "
          "g2p_en-gru", "unknown name");
  free(c);
  c = copy();
  memcpy(dirent(c, 5), dirent(c, 6), G2PM_DIRENT_BYTES);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "appears twice", "duplicate name");
  free(c);
  c = copy();
  memset(dirent(c, 7), 'x', 32);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 7: name is empty or not NUL-terminated",
          "unterminated name");
  free(c);
  c = copy();
  float nan = NAN;
  memcpy(c + g2pm_rd64(dirent(c, 10) + 48) + 8, &nan, 4);
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "tensor 'fc_w' holds a non-finite value at index 2",
          "NaN");
  free(c);
}
END_TEST

START_TEST(bad_symbol_tables) {
  size_t g = (size_t)g2pm_rd64(base + G2PM_OFF_GRAPHEMES);
  size_t p = (size_t)g2pm_rd64(base + G2PM_OFF_PHONEMES);
  uint8_t *c = copy();
  size_t a_at = strlen("<pad>\n<unk>\n</s>\n"); /* the 'a' */
  c[g + a_at] = 'b';
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "grapheme 4 duplicates grapheme 3", "dup grapheme");
  free(c);
  c = copy();
  c[g + a_at] = 0xff;
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "grapheme 3 is not exactly one UTF-8 character",
          "bad utf8 grapheme");
  free(c);
  c = copy();
  c[g + a_at] = '\t';
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "grapheme 3 is a control character", "control");
  free(c);
  c = copy();
  c[g + a_at + 1] = 'x'; /* joins "a" and "b": one symbol less */
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "grapheme table holds 28 symbols, header says G=29",
          "count");
  free(c);
  c = copy();
  c[g + 1] = 'P';
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "grapheme table must start with <pad> <unk> </s>",
          "specials");
  free(c);
  c = copy();
  c[p + 7] = 'X'; /* <unk> -> <uXk> */
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "phoneme table must start with <pad> <unk> <s> </s>",
          "phoneme specials");
  free(c);
  c = copy();
  size_t aa0 = strlen("<pad>\n<unk>\n<s>\n</s>\n");
  c[p + aa0 + 2] = 0x01;
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "phoneme 4 holds a byte that is not printable ASCII",
          "phoneme byte");
  free(c);
  c = copy();
  c[p + aa0 + 2] = '1'; /* AA0 -> AA1, which exists */
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "phoneme 5 duplicates phoneme 4", "dup phoneme");
  free(c);
  c = copy();
  uint8_t *nm = c + g2pm_rd64(c + G2PM_OFF_NAME);
  nm[0] = 0xc3; /* a lead byte followed by ASCII */
  g2pm_reseal(c, base_len);
  rejects(c, base_len, "model name is not valid UTF-8", "name utf8");
  free(c);
}
END_TEST

START_TEST(unknown_kernel) {
  g2p_model *m;
  char err[256];
  ck_assert_int_eq(g2p_model_open_mem(&m, base, base_len, "sse9", err,
                                      sizeof err), G2P_EINVAL);
  ck_assert_msg(strstr(err, "unknown"), "%s", err);
}
END_TEST

/* ---- int8 files (format version 2, G2PM_FLAG_INT8) -------------------- */

static uint8_t *small_int8_image(uint32_t arch, size_t *len) {
  size_t fl;
  uint8_t *f = small_image(arch, &fl);
  uint8_t *q;
  char err[256];
  int rc = g2pm_quantize_image(&q, len, f, fl, NULL, err, sizeof err);
  free(f);
  ck_assert_msg(rc == 0, "quantizing the small model: %s", err);
  return q;
}

/* Directory index of a tensor by name. */
static int dir_index(uint8_t *img, const char *name) {
  uint32_t n = g2pm_rd32(img + G2PM_OFF_N_TENSORS);
  for (uint32_t i = 0; i < n; i++)
    if (strcmp((const char *)dirent(img, (int)i), name) == 0)
      return (int)i;
  ck_abort_msg("no tensor %s", name);
  return -1;
}

static uint8_t *tensor_data(uint8_t *img, const char *name) {
  return img + g2pm_rd64(dirent(img, dir_index(img, name)) + 48);
}

START_TEST(int8_models_load_and_agree) {
  for (uint32_t arch = 1; arch <= G2PM_ARCH_BIGRU_ATTN_IF; arch++) {
    size_t len;
    uint8_t *img = small_int8_image(arch, &len);
    ck_assert_int_eq(g2pm_rd32(img + G2PM_OFF_VERSION), 2);
    ck_assert_int_eq(g2pm_rd32(img + G2PM_OFF_FLAGS), G2PM_FLAG_INT8);
    const char *kernels[] = {"scalar-int8", "avx2-int8", "avx512-int8",
                             "amx-int8", "scalar"};
    char ref[G2P_TEXT_MAX];
    int nref = -1;
    for (int k = 0; k < 5; k++) {
      if (!kern_cpu_supports(kernels[k]))
        continue;
      g2p_model *m = NULL;
      char err[512];
      ck_assert_msg(g2p_model_open_mem(&m, img, len, kernels[k], err,
                                       sizeof err) == 0, "%s: %s", kernels[k],
                    err);
      ck_assert(g2p_model_weights_int8(m));
      ck_assert_str_eq(g2p_model_kernel(m), kernels[k]);
      size_t sb = g2p_model_scratch_bytes(m);
      void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
      char out[G2P_TEXT_MAX];
      int n = g2p_model_predict(m, s, "hostile", 7, 1, out, sizeof out);
      ck_assert_int_ge(n, 0);
      if (k == 0) {
        nref = n;
        memcpy(ref, out, (size_t)n);
      } else if (k < 3) { /* the int8 tables agree (fp32 may not) */
        ck_assert_msg(n == nref && memcmp(out, ref, (size_t)n) == 0,
                      "arch %u: %s differs from scalar-int8", arch,
                      kernels[k]);
      }
      free(s);
      g2p_model_close(m);
    }
    /* "auto" follows the file */
    g2p_model *m = NULL;
    char err[256];
    unsetenv("RNNINFERD_KERNEL");
    ck_assert_int_eq(g2p_model_open_mem(&m, img, len, NULL, err, sizeof err),
                     0);
    ck_assert_msg(strstr(g2p_model_kernel(m), "-int8") != NULL, "%s",
                  g2p_model_kernel(m));
    g2p_model_close(m);
    free(img);
  }
  /* an fp32 file stays fp32 under auto, and is not int8 */
  g2p_model *m = NULL;
  char err[256];
  ck_assert_int_eq(g2p_model_open_mem(&m, base, base_len, NULL, err,
                                      sizeof err), 0);
  ck_assert(!g2p_model_weights_int8(m));
  ck_assert(strstr(g2p_model_kernel(m), "int8") == NULL);
  g2p_model_close(m);
  /* quantizing twice is refused */
  size_t len;
  uint8_t *img = small_int8_image(G2PM_ARCH_BIGRU_ATTN, &len), *q;
  size_t ql;
  ck_assert_int_ne(g2pm_quantize_image(&q, &ql, img, len, NULL, err,
                                       sizeof err), 0);
  ck_assert_msg(strstr(err, "already int8"), "%s", err);
  free(img);
}
END_TEST

/* An int8 table given an fp32 file quantizes it at load exactly as
 * g2p-convert --quantize would (doc/model-format.md), matrices it splits
 * at load (comb_w's columns) included: the logits of teacher-forced steps
 * are the same bits either way. */
static void forced_logits(const uint8_t *img, size_t len, float *logits,
                          int nsteps) {
  g2p_model *m = NULL;
  char err[512];
  ck_assert_msg(g2p_model_open_mem(&m, img, len, "scalar-int8", err,
                                   sizeof err) == 0, "%s", err);
  size_t sb = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
  int prev[3] = {5, 9, 17};
  ck_assert_int_eq(g2p_model_forced(m, s, "quantized", 9, prev, nsteps,
                                    logits, NULL), 0);
  free(s);
  g2p_model_close(m);
}

START_TEST(int8_table_quantizes_like_the_converter) {
  for (uint32_t arch = 1; arch <= G2PM_ARCH_BIGRU_ATTN_IF; arch++) {
    size_t fl, ql;
    uint8_t *f = small_image(arch, &fl), *q;
    char err[256];
    ck_assert_msg(g2pm_quantize_image(&q, &ql, f, fl, NULL, err, sizeof err) == 0,
                  "%s", err);
    enum { STEPS = 4, PMAX = 128 };
    float a[STEPS * PMAX], b[STEPS * PMAX];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    forced_logits(f, fl, a, STEPS);
    forced_logits(q, ql, b, STEPS);
    ck_assert_msg(memcmp(a, b, sizeof a) == 0,
                  "arch %u: fp32 file on scalar-int8 differs from its int8 file",
                  arch);
    free(f);
    free(q);
  }
}
END_TEST

/* ---- int4 recurrent matrices (format version 3, G2PM_FLAG_INT4) ------- */

static uint8_t *small_int4_image(uint32_t arch, size_t *len) {
  size_t fl;
  uint8_t *f = small_image(arch, &fl);
  uint8_t *q;
  char err[256];
  int rc = g2pm_quantize_image_ex(&q, len, f, fl, NULL, 1, err, sizeof err);
  free(f);
  ck_assert_msg(rc == 0, "quantizing the small model to int4: %s", err);
  return q;
}

static const char *const rec_names[] = {"enc_w_hh", "encf_w_hh", "encb_w_hh",
                                        "dec_w_hh"};

static int has_tensor(uint8_t *img, const char *name) {
  uint32_t n = g2pm_rd32(img + G2PM_OFF_N_TENSORS);
  for (uint32_t i = 0; i < n; i++)
    if (strcmp((const char *)dirent(img, (int)i), name) == 0)
      return 1;
  return 0;
}

static void logits_with(const uint8_t *img, size_t len, const char *kernel,
                        float *logits, int nsteps) {
  g2p_model *m = NULL;
  char err[512];
  ck_assert_msg(g2p_model_open_mem(&m, img, len, kernel, err, sizeof err) == 0,
                "%s: %s", kernel, err);
  size_t sb = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
  int prev[3] = {5, 9, 17};
  ck_assert_int_eq(g2p_model_forced(m, s, "quantized", 9, prev, nsteps,
                                    logits, NULL), 0);
  free(s);
  g2p_model_close(m);
}

/* An int4 file is version 3 with INT8 | INT4, its recurrent matrices i4 in
 * [-7, 7]. Every int8 table runs it to the same bits as scalar-int8 does
 * the int8 file holding the same q (the i4 tensors relabelled i8): the
 * 4-bit packing changes the bytes read, not the arithmetic. */
START_TEST(int4_models_load_and_equal_int8_of_same_weights) {
  for (uint32_t arch = 1; arch <= G2PM_ARCH_BIGRU_ATTN_IF; arch++) {
    size_t len;
    uint8_t *img = small_int4_image(arch, &len);
    ck_assert_int_eq(g2pm_rd32(img + G2PM_OFF_VERSION), 3);
    ck_assert_int_eq(g2pm_rd32(img + G2PM_OFF_FLAGS),
                     G2PM_FLAG_INT8 | G2PM_FLAG_INT4);
    uint8_t *as8 = malloc(len);
    memcpy(as8, img, len);
    int nrec = 0;
    for (int r = 0; r < 4; r++) {
      if (!has_tensor(img, rec_names[r]))
        continue;
      int d = dir_index(img, rec_names[r]);
      ck_assert_int_eq(g2pm_rd32(dirent(img, d) + 32), G2PM_DTYPE_I4);
      uint64_t n = g2pm_rd64(dirent(img, d) + 56);
      const int8_t *q = (const int8_t *)tensor_data(img, rec_names[r]);
      int wide = 0;
      for (uint64_t j = 0; j < n; j++) {
        ck_assert(q[j] >= -7 && q[j] <= 7);
        wide |= q[j] == 7 || q[j] == -7;
      }
      ck_assert(wide); /* each row's largest weight maps to +-7 */
      g2pm_wr32(dirent(as8, d) + 32, G2PM_DTYPE_I8);
      nrec++;
    }
    ck_assert_int_eq(nrec, arch == 1 ? 2 : 3);
    g2pm_wr32(as8 + G2PM_OFF_FLAGS, G2PM_FLAG_INT8);
    g2pm_wr32(as8 + G2PM_OFF_VERSION, 2);
    g2pm_reseal(as8, len);
    enum { STEPS = 4, PMAX = 128 };
    float want[STEPS * PMAX], got[STEPS * PMAX];
    memset(want, 0, sizeof want);
    logits_with(as8, len, "scalar-int8", want, STEPS);
    const char *kernels[] = {"scalar-int8", "avx2-int8", "avx512-int8",
                             "amx-int8"};
    for (int k = 0; k < 4; k++) {
      if (!kern_cpu_supports(kernels[k]))
        continue;
      memset(got, 0, sizeof got);
      logits_with(img, len, kernels[k], got, STEPS);
      ck_assert_msg(memcmp(want, got, sizeof want) == 0,
                    "arch %u: %s on the int4 file differs from scalar-int8 on "
                    "the same weights in int8", arch, kernels[k]);
      g2p_model *m = NULL;
      char err[256];
      ck_assert_int_eq(g2p_model_open_mem(&m, img, len, kernels[k], err, sizeof err), 0);
      ck_assert(g2p_model_weights_int4(m) && g2p_model_weights_int8(m));
      g2p_model_close(m);
    }
    /* an fp32 table dequantizes it and still answers */
    memset(got, 0, sizeof got);
    logits_with(img, len, "scalar", got, STEPS);
    for (int i = 0; i < STEPS * PMAX; i++)
      ck_assert(isfinite(got[i]));
    free(as8);
    free(img);
  }
}
END_TEST

START_TEST(int4_bad_fields) {
  size_t len;
  uint8_t *img = small_int4_image(G2PM_ARCH_BIGRU_ATTN, &len);
  uint8_t *c;
#define FRESH() (c = malloc(len), (void)memcpy(c, img, len))
  FRESH();
  EDIT_HEADER(c, h->version = 2);
  rejects(c, len, "header flag INT4 needs format version 3 (file has 2)",
          "int4 in version 2");
  free(c);
  FRESH();
  EDIT_HEADER(c, h->flags = G2PM_FLAG_INT4);
  rejects(c, len, "header flag INT4 without INT8", "int4 without int8");
  free(c);
  FRESH();
  EDIT_HEADER(c, h->flags = G2PM_FLAG_INT8); /* i4 tensors, no INT4 flag */
  rejects(c, len, "tensor 'encf_w_hh': dtype 3, expected 2 (i8)",
          "i4 without its flag");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "dec_w_hh")) + 32, G2PM_DTYPE_I8);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'dec_w_hh': dtype 2, expected 3 (i4)", "i4 as i8");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "att_w")) + 32, G2PM_DTYPE_I4);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'att_w': dtype 3, expected 2 (i8)",
          "a per-word matrix as i4");
  free(c);
  FRESH();
  ((int8_t *)tensor_data(c, "encb_w_hh"))[5] = 8;
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'encb_w_hh' holds 8 at index 5 (int4 weights lie "
          "in -7..7)", "i4 out of range");
  free(c);
  FRESH();
  ((int8_t *)tensor_data(c, "dec_w_hh"))[0] = -8;
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'dec_w_hh' holds -8 at index 0", "i4 -8");
  free(c);
#undef FRESH
  free(img);
}
END_TEST

START_TEST(int8_bad_fields) {
  size_t len;
  uint8_t *img = small_int8_image(G2PM_ARCH_BIGRU_ATTN, &len);
  uint8_t *c;
#define FRESH() (c = malloc(len), (void)memcpy(c, img, len))
  /* flags */
  FRESH();
  EDIT_HEADER(c, h->flags = 9);
  rejects(c, len, "unknown header flags 0x8", "flag 8");
  free(c);
  FRESH(); /* REVERSED is a known flag: an int8 right-to-left network loads */
  EDIT_HEADER(c, h->flags = G2PM_FLAG_INT8 | G2PM_FLAG_REVERSED);
  {
    g2p_model *m = NULL;
    char why[256];
    ck_assert_msg(g2p_model_open_mem(&m, c, len, NULL, why, sizeof why) == 0, "%s", why);
    g2p_model_close(m);
  }
  free(c);
  FRESH();
  EDIT_HEADER(c, h->version = 1);
  rejects(c, len, "unknown header flags 0x1 (version 1 files have none)",
          "int8 flag in version 1");
  free(c);
  FRESH();
  EDIT_HEADER(c, h->flags = 0); /* i8 tensors without the flag */
  rejects(c, len, "tensor count", "int8 without its flag");
  free(c);
  /* dtypes */
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "dec_w_hh")) + 32, G2PM_DTYPE_F32);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'dec_w_hh': dtype 1, expected 2 (i8)", "i8 as f32");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "fc_w_scale")) + 32, G2PM_DTYPE_I8);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'fc_w_scale': dtype 2, expected 1 (f32)",
          "scale as i8");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "enc_emb")) + 32, G2PM_DTYPE_I8);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'enc_emb': dtype 2, expected 1 (f32)",
          "embedding as i8");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "att_w")) + 32, 7);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'att_w': dtype 7, expected 2 (i8)", "dtype 7");
  free(c);
  /* sizes */
  FRESH();
  g2pm_wr64(dirent(c, dir_index(c, "comb_w")) + 56, 12 * 28 * 4);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'comb_w': 1344 bytes, its shape needs 336",
          "i8 sized as f32");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "init_w_scale")) + 40, 11);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'init_w_scale': shape 1-D (11, 0)", "scale rows");
  free(c);
  FRESH();
  g2pm_wr32(dirent(c, dir_index(c, "init_w_scale")) + 36, 2);
  g2pm_wr32(dirent(c, dir_index(c, "init_w_scale")) + 44, 1);
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'init_w_scale': shape 2-D", "scale 2-D");
  free(c);
  /* a missing or renamed scale */
  FRESH();
  memcpy(dirent(c, dir_index(c, "att_w_scale")), "att_w_scalf", 11);
  g2pm_reseal(c, len);
  rejects(c, len, "'att_w_scalf' is not a tensor of architecture bigru-attn",
          "renamed scale");
  free(c);
  FRESH();
  EDIT_HEADER(c, h->n_tensors -= 1);
  rejects(c, len, "tensor count", "one scale short");
  free(c);
  /* bad scale values */
  struct {
    float v;
    const char *want;
  } bad[] = {{NAN, "tensor 'dec_w_hh_scale' holds a non-finite value at "
                   "index 5"},
             {INFINITY, "tensor 'dec_w_hh_scale' holds a non-finite value"},
             {-INFINITY, "tensor 'dec_w_hh_scale' holds a non-finite value"},
             {0.0f, "tensor 'dec_w_hh_scale': scale 5 is 0 (scales must be "
                    "> 0)"},
             {-0.0f, "scale 5 is -0 (scales must be > 0)"},
             {-0.25f, "scale 5 is -0.25 (scales must be > 0)"},
             {1e-45f, NULL}}; /* tiny but positive: accepted */
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    FRESH();
    memcpy(tensor_data(c, "dec_w_hh_scale") + 5 * 4, &bad[i].v, 4);
    g2pm_reseal(c, len);
    if (bad[i].want)
      rejects(c, len, bad[i].want, bad[i].want);
    else
      accepts(c, len, "tiny positive scale");
    free(c);
  }
  /* int8 weights outside -127..127 */
  FRESH();
  tensor_data(c, "encb_w_hh")[9] = 0x80;
  g2pm_reseal(c, len);
  rejects(c, len, "tensor 'encb_w_hh' holds -128 at index 9", "-128");
  free(c);
  FRESH();
  tensor_data(c, "encb_w_hh")[9] = 0x81; /* -127: fine */
  g2pm_reseal(c, len);
  accepts(c, len, "-127");
  free(c);
#undef FRESH
  free(img);
}
END_TEST

/* Random mutations, resealed half of the time so they get past the
 * checksums. Whatever loads must also predict without trouble. */
START_TEST(random_mutations) {
  uint8_t *img[4];
  size_t len[4];
  img[0] = base;
  len[0] = base_len;
  img[1] = small_image(G2PM_ARCH_BIGRU_ATTN, &len[1]);
  img[2] = small_image(G2PM_ARCH_BIGRU_ATTN_IF, &len[2]);
  img[3] = small_int8_image(G2PM_ARCH_BIGRU_ATTN, &len[3]);
  int loaded = 0;
  for (int it = 0; it < 8000; it++) {
    int w = it % 4;
    uint8_t *c = malloc(len[w]);
    memcpy(c, img[w], len[w]);
    rng = rng * 1664525u + 1013904223u;
    int edits = 1 + (int)((rng >> 16) % 4);
    for (int e = 0; e < edits; e++) {
      rng = rng * 1664525u + 1013904223u;
      /* bias towards the header, directory and symbol tables */
      size_t span = (rng & 1) ? 1024 : len[w];
      size_t at = (rng >> 5) % (span < len[w] ? span : len[w]);
      rng = rng * 1664525u + 1013904223u;
      c[at] = (uint8_t)(rng >> 24);
    }
    if (it & 2)
      g2pm_reseal(c, len[w]);
    g2p_model *m = NULL;
    char err[512];
    if (g2p_model_open_mem(&m, c, len[w], w == 3 ? "scalar-int8" : "scalar",
                           err, sizeof err) == 0) {
      loaded++;
      size_t sb = g2p_model_scratch_bytes(m);
      void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
      char out[G2P_TEXT_MAX];
      int n = g2p_model_predict(m, s, "mutation", 8, 2, out, sizeof out);
      ck_assert_int_ge(n, G2P_EINVAL);
      free(s);
      g2p_model_close(m);
    } else {
      ck_assert_msg(err[0] != '\0', "rejected without a message");
    }
    free(c);
  }
  printf("model-hostile: %d of 8000 mutated files still loaded (harmless "
         "changes to weights or names) and predicted\n", loaded);
  free(img[1]);
  free(img[2]);
  free(img[3]);
}
END_TEST

/* The decoders on every architecture: deterministic, beam 1 == greedy,
 * every width works, and nothing allocates. */
START_TEST(predict_allocates_nothing) {
  const char *words[] = {"a", "naïve", "x86", "hello-world",
                         "supercalifragilisticexpialidocious", "zz"};
  for (uint32_t arch = 1; arch <= G2PM_ARCH_BIGRU_ATTN_IF; arch++) {
    size_t len;
    uint8_t *img = small_image(arch, &len);
    g2p_model *m;
    char err[256];
    ck_assert_int_eq(g2p_model_open_mem(&m, img, len, "scalar", err,
                                        sizeof err), 0);
    size_t sb = g2p_model_scratch_bytes(m);
    void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
    char out[G2P_TEXT_MAX], again[G2P_TEXT_MAX];
    /* No Check assertions while counting: they allocate themselves. */
    int bad = 0;
    unsigned long before = alloc_count();
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
      size_t wl = strlen(words[i]);
      for (int b = 1; b <= G2P_BEAM_MAX; b++) {
        int n = g2p_model_predict(m, s, words[i], wl, b, out, sizeof out);
        int k = g2p_model_predict(m, s, words[i], wl, b, again, sizeof again);
        if (n < 0 || n != k || memcmp(out, again, (size_t)n) != 0)
          bad++;
        if (b == 1) {
          k = g2p_model_beam(m, s, words[i], wl, 1, again, sizeof again);
          if (n != k || memcmp(out, again, (size_t)n) != 0)
            bad++;
        }
      }
    }
    unsigned long allocs = alloc_count() - before;
    ck_assert_msg(bad == 0, "arch %u: %d predictions failed, differed "
                  "between runs or beam 1 != greedy", arch, bad);
    ck_assert_msg(allocs == 0, "predict allocated %lu times", allocs);
    free(s);
    g2p_model_close(m);
    free(img);
  }
#ifdef ALLOC_COUNT_OFF
  printf("model-hostile: allocation counting is off under ASan\n");
#endif
}
END_TEST

int main(void) {
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  Suite *s = suite_create("model-hostile");
  TCase *tc = tcase_create("hostile");
  tcase_set_timeout(tc, 300);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, valid_models_load);
  tcase_add_test(tc, zero_length_and_missing_files);
  tcase_add_test(tc, every_prefix_is_rejected);
  tcase_add_test(tc, every_header_byte_flipped);
  tcase_add_test(tc, data_bytes_flipped);
  tcase_add_test(tc, wrong_magic_and_version);
  tcase_add_test(tc, absurd_dimensions);
  tcase_add_test(tc, bad_regions);
  tcase_add_test(tc, bad_tensor_directory);
  tcase_add_test(tc, bad_symbol_tables);
  tcase_add_test(tc, unknown_kernel);
  tcase_add_test(tc, int8_models_load_and_agree);
  tcase_add_test(tc, int8_table_quantizes_like_the_converter);
  tcase_add_test(tc, int8_bad_fields);
  tcase_add_test(tc, int4_models_load_and_equal_int8_of_same_weights);
  tcase_add_test(tc, int4_bad_fields);
  tcase_add_test(tc, random_mutations);
  tcase_add_test(tc, predict_allocates_nothing);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "model-hostile: could not remove %s\n", tmpdir);
  return failed ? 1 : 0;
}
