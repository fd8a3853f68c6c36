/* kernels-golden-test.c -- every kernel table runs g2p_en's network and is
 * compared with g2p_en's own float32 numpy states (golden_states.txt).
 *
 * Random inputs (kernels-test.c) show the tables agree with each other;
 * this shows they compute what g2p_en computes, on the real weights:
 * the final encoder state (256 floats) and the first decoder step's logits
 * (74 floats) of 2,018 words. The network is wired here from kernel calls
 * only (input projections tabulated per token, recurrent GRU steps, output
 * mat-vec), independently of g2p/model.c, reading checkpoint20.npz (a zip
 * of stored .npy arrays) directly. Needs ../shared/data/g2p_en; skips
 * (77) without it. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

#define H 256
#define E 256
#define NG 29
#define NP 74

static char npz_path[4096], states_path[4096];
static unsigned char *npz;
static size_t npz_len;

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
      if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else {
        buf[n] = 0;
        *len = (size_t)n;
      }
    }
  }
  fclose(f);
  return buf;
}

static uint32_t le32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Copies of the arrays: the data inside the zip is not 4-byte aligned. */
static float *copies[64];
static int ncopies;

static void copies_free(void) {
  while (ncopies > 0)
    free(copies[--ncopies]);
}

/* Finds "<name>.npy" among the zip's stored members and returns an aligned
 * copy of its float32 data, checking the .npy header's dtype and element
 * count. */
static const float *npz_array(const char *name, size_t count) {
  char want[64];
  snprintf(want, sizeof want, "%s.npy", name);
  size_t off = 0;
  while (off + 30 <= npz_len && le32(npz + off) == 0x04034b50) {
    uint16_t method = le16(npz + off + 8);
    uint32_t csize = le32(npz + off + 18);
    uint16_t nlen = le16(npz + off + 26), xlen = le16(npz + off + 28);
    size_t data = off + 30 + nlen + xlen;
    ck_assert_msg(data + csize <= npz_len, "npz member overruns the file");
    if (nlen == strlen(want) && memcmp(npz + off + 30, want, nlen) == 0) {
      ck_assert_msg(method == 0, "%s: compressed npz member", want);
      const unsigned char *p = npz + data;
      ck_assert_msg(csize > 10 && memcmp(p, "\x93NUMPY", 6) == 0, "%s: not .npy", want);
      size_t hlen = p[6] == 1 ? le16(p + 8) : le32(p + 8);
      size_t hstart = p[6] == 1 ? 10 : 12;
      ck_assert_msg(hstart + hlen + count * 4 == csize,
                    "%s: expected %zu floats", want, count);
      char hdr[256];
      size_t hn = hlen < sizeof hdr - 1 ? hlen : sizeof hdr - 1;
      memcpy(hdr, p + hstart, hn);
      hdr[hn] = 0;
      ck_assert_msg(strstr(hdr, "'<f4'") && strstr(hdr, "'fortran_order': False"),
                    "%s: not little-endian C-order float32: %s", want, hdr);
      ck_assert_int_lt(ncopies, 64);
      float *copy = aligned_alloc(KERN_ALIGN, (count * 4 + 63) / 64 * 64);
      ck_assert_ptr_nonnull(copy);
      memcpy(copy, p + hstart + hlen, count * 4);
      copies[ncopies++] = copy;
      return copy;
    }
    off = data + csize;
  }
  ck_abort_msg("%s not in %s", want, npz_path);
  return NULL;
}

typedef struct net {
  const kern_ops *ops;
  float *enc_whh, *dec_whh, *fc_w; /* packed */
  const float *enc_bhh, *dec_bhh, *fc_b;
  float *enc_gi; /* NG x 3H */
  float *dec_gi_start; /* 3H: decoder input projection of <s> */
} net;

static float *packed(const kern_ops *ops, const float *W, int rows, int cols) {
  float *p = aligned_alloc(KERN_ALIGN, ops->packed_bytes(rows, cols));
  ck_assert_ptr_nonnull(p);
  ops->pack_matrix(p, W, rows, cols);
  return p;
}

static void net_init(net *n, const kern_ops *ops) {
  n->ops = ops;
  n->enc_whh = packed(ops, npz_array("enc_w_hh", 3 * H * H), 3 * H, H);
  n->dec_whh = packed(ops, npz_array("dec_w_hh", 3 * H * H), 3 * H, H);
  n->fc_w = packed(ops, npz_array("fc_w", NP * H), NP, H);
  n->enc_bhh = npz_array("enc_b_hh", 3 * H);
  n->dec_bhh = npz_array("dec_b_hh", 3 * H);
  n->fc_b = npz_array("fc_b", NP);
  const float *emb = npz_array("enc_emb", NG * E);
  float *wih = packed(ops, npz_array("enc_w_ih", 3 * H * E), 3 * H, E);
  n->enc_gi = aligned_alloc(KERN_ALIGN, (size_t)NG * 3 * H * 4);
  const float *bih = npz_array("enc_b_ih", 3 * H);
  for (int g = 0; g < NG; g++)
    ops->matvec(wih, bih, emb + (size_t)g * E,
                n->enc_gi + (size_t)g * 3 * H, 3 * H, E);
  free(wih);
  wih = packed(ops, npz_array("dec_w_ih", 3 * H * E), 3 * H, E);
  n->dec_gi_start = aligned_alloc(KERN_ALIGN, 3 * H * 4);
  ops->matvec(wih, npz_array("dec_b_ih", 3 * H),
              npz_array("dec_emb", NP * E) + 2 * E, n->dec_gi_start, 3 * H, E);
  free(wih);
}

static void net_free(net *n) {
  free(n->enc_whh), free(n->dec_whh), free(n->fc_w), free(n->enc_gi);
  free(n->dec_gi_start);
}

/* g2p_en's input: each code point a..z -> 3 + letter, anything else <unk>
 * (1), then </s> (2). Runs the encoder, then one decoder step from <s>. */
static void net_run(const net *n, const char *word, float *enc_h, float *logits) {
  float tmp[3 * H];
  memset(enc_h, 0, H * 4);
  for (const unsigned char *p = (const unsigned char *)word;; p++) {
    int id;
    if (!*p)
      id = 2;
    else if ((*p & 0xc0) == 0x80)
      continue; /* UTF-8 continuation byte: same code point */
    else
      id = *p >= 'a' && *p <= 'z' ? 3 + (*p - 'a') : 1;
    n->ops->gru_step(n->enc_whh, n->enc_bhh, n->enc_gi + (size_t)id * 3 * H,
                     enc_h, tmp, H);
    if (!*p)
      break;
  }
  float h[H];
  memcpy(h, enc_h, sizeof h);
  n->ops->gru_step(n->dec_whh, n->dec_bhh, n->dec_gi_start, h, tmp, H);
  n->ops->matvec(n->fc_w, n->fc_b, h, logits, NP, H);
}

/* Parses "word\tkind\tfloats..." lines; returns the next line or NULL. */
static char *next_record(char *p, char **word, char **kind, float *v, int nv) {
  if (!p || !*p)
    return NULL;
  char *end = strchr(p, '\n');
  if (end)
    *end = 0;
  *word = p;
  char *t = strchr(p, '\t');
  ck_assert_ptr_nonnull(t);
  *t++ = 0;
  *kind = t;
  t = strchr(t, '\t');
  ck_assert_ptr_nonnull(t);
  *t++ = 0;
  int want = strcmp(*kind, "enc_h") == 0 ? H : NP;
  ck_assert_int_le(want, nv);
  for (int i = 0; i < want; i++) {
    char *e;
    v[i] = strtof(t, &e);
    ck_assert_msg(e != t, "bad float in golden_states for %s", *word);
    t = e;
  }
  return end ? end + 1 : NULL;
}

/* Tolerances against numpy (a different BLAS summation, libm-grade
 * activations): the states are in [-1, 1] and the logits up to ~20. */
#define ENC_TOL 2e-5f
#define LOGIT_TOL 2e-4f

START_TEST(golden_states_all_tables) {
  static const char *const names[] = {"scalar", "avx2", "avx512"};
  const char *name = names[_i];
  if (!kern_cpu_supports(name)) {
    printf("skip: CPU lacks %s\n", name);
    return;
  }
  size_t slen;
  char *text = (char *)slurp(states_path, &slen);
  ck_assert_ptr_nonnull(text);
  net n;
  char err[128];
  const kern_ops *ops = kern_select(name, err, sizeof err);
  ck_assert_msg(ops != NULL, "%s", err);
  net_init(&n, ops);
  static float gold[H], enc_h[H], logits[NP];
  double max_enc = 0, max_logit = 0;
  int words = 0;
  char *word, *kind, *line = text;
  char last[128] = "";
  while ((line = next_record(line, &word, &kind, gold, H))) {
    if (strcmp(word, last) != 0) {
      net_run(&n, word, enc_h, logits);
      snprintf(last, sizeof last, "%s", word);
      words++;
    }
    int is_enc = strcmp(kind, "enc_h") == 0;
    const float *got = is_enc ? enc_h : logits;
    for (int i = 0; i < (is_enc ? H : NP); i++) {
      double d = fabs((double)got[i] - gold[i]);
      if (is_enc) {
        ck_assert_msg(d <= ENC_TOL, "%s '%s' enc_h[%d] %.9g vs numpy %.9g",
                      name, word, i, got[i], gold[i]);
        max_enc = d > max_enc ? d : max_enc;
      } else {
        ck_assert_msg(d <= LOGIT_TOL, "%s '%s' logits0[%d] %.9g vs numpy %.9g",
                      name, word, i, got[i], gold[i]);
        max_logit = d > max_logit ? d : max_logit;
      }
    }
  }
  printf("%s: %d words, max |enc_h - numpy| %.3g (tol %g), max |logits0 - "
         "numpy| %.3g (tol %g)\n",
         name, words, max_enc, (double)ENC_TOL, max_logit, (double)LOGIT_TOL);
  ck_assert_int_ge(words, 2000);
  net_free(&n);
  copies_free();
  free(text);
}
END_TEST

int main(void) {
  const char *top = getenv("top_srcdir");
  snprintf(npz_path, sizeof npz_path, "%s/../shared/data/g2p_en/checkpoint20.npz",
           top ? top : ".");
  snprintf(states_path, sizeof states_path,
           "%s/../shared/data/g2p_en/golden_states.txt", top ? top : ".");
  npz = slurp(npz_path, &npz_len);
  FILE *f = fopen(states_path, "r");
  if (!npz || !f) {
    printf("skip: %s or %s not found\n", npz_path, states_path);
    free(npz);
    if (f)
      fclose(f);
    return 77;
  }
  fclose(f);
  Suite *s = suite_create("kernels-golden");
  TCase *tc = tcase_create("golden");
  tcase_set_timeout(tc, 900);
  tcase_add_loop_test(tc, golden_states_all_tables, 0, 3);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  free(npz);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
