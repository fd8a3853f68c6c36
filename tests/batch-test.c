/* batch-test.c -- batched greedy decoding gives the per-word answers.
 *
 * g2p_model_predict_batch must return, byte for byte, what
 * g2p_model_predict gives each word at beam width 1. Checked for every
 * kernel table this CPU runs, for every batch size 1..16, with words of
 * mixed lengths taken in a shuffled order (the scalar table on large
 * models on the first 200 words only, for time):
 *  - the g2p_en model converted from ../shared/data/g2p_en/checkpoint20.npz
 *    on the 2,018 words of golden_words.tsv (skipped when absent);
 *  - random "bigru-attn" and "bigru-attn-if" models with odd sizes (built
 *    here) on those words plus generated ones (apostrophes, non-ASCII
 *    letters, 1..64 bytes);
 *  - the shipped models/cmudict-bigru.g2pm when it exists (BATCH_MODEL=path
 *    checks another model file instead).
 * Then g2p_engine_lookup_batch against g2p_engine_lookup word by word,
 * including errors (empty, bad UTF-8, too long), words too long for the
 * batch decoder, upper case, and a beam width above 1. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_convert.h"
#include "g2p/model_format.h"
#include "kernels/kernels.h"

#define N_KERNELS 3
#define SCALAR_WORDS 200
static const char *const kernels[N_KERNELS] = {"scalar", "avx2", "avx512"};

typedef struct wordlist {
  char **w;
  size_t *len;
  int n, cap;
} wordlist;

static wordlist golden, mixed;
static uint8_t *img_en, *img_a2, *img_a3, *img_ship;
static size_t len_en, len_a2, len_a3, len_ship;
static char dir[2100];
static char top[2048];

static void add_word(wordlist *l, const char *w, size_t len) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 4096;
    l->w = realloc(l->w, (size_t)l->cap * sizeof *l->w);
    l->len = realloc(l->len, (size_t)l->cap * sizeof *l->len);
    if (!l->w || !l->len)
      abort();
  }
  l->w[l->n] = malloc(len + 1);
  memcpy(l->w[l->n], w, len);
  l->w[l->n][len] = '\0';
  l->len[l->n] = len;
  l->n++;
}

static int read_golden(void) {
  char path[4200];
  snprintf(path, sizeof path, "%s/golden_words.tsv", dir);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (tab && tab > line)
      add_word(&golden, line, (size_t)(tab - line));
  }
  fclose(f);
  return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static void make_mixed(void) {
  for (int i = 0; i < golden.n; i++)
    add_word(&mixed, golden.w[i], golden.len[i]);
  static const char *const pieces[] = {"a", "b", "e", "k", "o", "s", "t",
                                       "z", "'", "\xc3\xa9", "\xc3\xbc", "q",
                                       "th", "ing", "x"};
  for (int i = 0; i < 2500; i++) {
    char buf[G2P_BATCH_WORD_MAX + 8];
    size_t want = 1 + next_rand() % (i % 10 == 0 ? G2P_BATCH_WORD_MAX : 14);
    size_t n = 0;
    while (n < want) {
      const char *p = pieces[next_rand() % (sizeof pieces / sizeof *pieces)];
      size_t l = strlen(p);
      if (n + l > want)
        break;
      memcpy(buf + n, p, l);
      n += l;
    }
    if (n == 0)
      buf[n++] = 'a';
    add_word(&mixed, buf, n);
  }
}

static float randn(void) {
  float s = 0;
  for (int i = 0; i < 4; i++)
    s += (float)(next_rand() % 20001) / 10000.0f - 1.0f;
  return s * 0.6f;
}

/* A random arch-2 or arch-3 model with sizes that are not multiples of any
 * vector width, so panel edges are exercised too. */
static int make_attn(uint32_t arch, uint8_t **img, size_t *len, char *err,
                     size_t errlen) {
  static const char G_SYMS[] = "<pad>\n<unk>\n</s>\n'\na\nb\ne\nk\no\ns\nt\nz\n"
                               "q\nh\ni\nn\ng\nx\n\xc3\xa9";
  char phon[1024];
  size_t o = (size_t)snprintf(phon, sizeof phon, "<pad>\n<unk>\n<s>\n</s>");
  for (int i = 0; i < 37; i++)
    o += (size_t)snprintf(phon + o, sizeof phon - o, "\nP%d", i);
  g2pm_header h;
  memset(&h, 0, sizeof h);
  h.arch = arch;
  h.G = 19;
  h.P = 41;
  h.E = 11;
  h.H = 21;
  h.Ed = 9;
  h.D = 27;
  h.max_len = 22;
  g2pm_tensor_spec spec[G2PM_MAX_TENSORS];
  int nt = g2pm_arch_tensors(&h, spec);
  if (nt <= 0)
    return -1;
  g2pm_model_spec ms;
  memset(&ms, 0, sizeof ms);
  ms.arch = h.arch;
  ms.G = h.G;
  ms.P = h.P;
  ms.E = h.E;
  ms.H = h.H;
  ms.Ed = h.Ed;
  ms.D = h.D;
  ms.max_len = h.max_len;
  ms.name = "batch-test-random";
  ms.graphemes = G_SYMS;
  ms.graphemes_len = strlen(G_SYMS);
  ms.phonemes = phon;
  ms.phonemes_len = o;
  float *bufs[G2PM_MAX_TENSORS] = {0};
  for (int t = 0; t < nt; t++) {
    size_t count = (size_t)spec[t].rows * (spec[t].cols ? spec[t].cols : 1);
    bufs[t] = malloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++)
      bufs[t][i] = randn();
    if (strcmp(spec[t].name, "fc_b") == 0)
      bufs[t][3] += 2.0f; /* </s> early and late: every output length */
    ms.tensor[t] = bufs[t];
  }
  int rc = g2pm_build_image(img, len, &ms, err, errlen);
  for (int t = 0; t < nt; t++)
    free(bufs[t]);
  return rc;
}

static void *aligned(size_t n) {
  void *p = aligned_alloc(64, (n + 63) / 64 * 64);
  ck_assert_ptr_nonnull(p);
  memset(p, 0, (n + 63) / 64 * 64);
  return p;
}

/* Compares batch and per-word answers on list for one model image and
 * kernel; returns the number of words compared (0 when the CPU lacks the
 * kernel). */
static int check_model(const uint8_t *img, size_t len, const char *kernel,
                       const wordlist *l, const char *what) {
  if (!kern_cpu_supports(kernel))
    return 0;
  g2p_model *m = NULL;
  char err[512];
  ck_assert_msg(g2p_model_open_mem(&m, img, len, kernel, err, sizeof err) == 0,
                "%s: %s", what, err);
  void *s1 = aligned(g2p_model_scratch_bytes(m));
  void *sb = aligned(g2p_model_batch_scratch_bytes(m));
  /* The scalar table is ~15x slower than the vector ones on g2p_en's
   * sizes: it checks the first SCALAR_WORDS words only (still every batch
   * size); the vector tables check them all. */
  int n = l->n;
  int few = strcmp(kernel, "scalar") == 0;
#ifdef __SANITIZE_ADDRESS__
  /* Sanitized code runs ~10x slower: there every table checks the short
   * list (the plain build, also in make check, checks every word). */
  few = 1;
#endif
  if (few && g2p_model_state_size(m) > 64 && n > SCALAR_WORDS)
    n = SCALAR_WORDS;
  char (*ref)[G2P_TEXT_MAX] = malloc((size_t)n * G2P_TEXT_MAX);
  int *ref_len = malloc((size_t)n * sizeof(int));
  int *perm = malloc((size_t)n * sizeof(int));
  ck_assert(ref && ref_len && perm);
  int lens_seen[G2P_TEXT_MAX] = {0};
  for (int i = 0; i < n; i++) {
    ref_len[i] = g2p_model_predict(m, s1, l->w[i], l->len[i], 1, ref[i],
                                   G2P_TEXT_MAX);
    ck_assert_msg(ref_len[i] >= 0, "%s: per-word '%s' failed (%d)", what,
                  l->w[i], ref_len[i]);
    lens_seen[ref_len[i]] = 1;
    perm[i] = i;
  }
  int distinct = 0;
  for (int i = 0; i < G2P_TEXT_MAX; i++)
    distinct += lens_seen[i];
  ck_assert_msg(distinct >= 5, "%s: only %d output lengths; test too weak",
                what, distinct);
  for (int i = n - 1; i > 0; i--) { /* mix lengths within each batch */
    int j = (int)(next_rand() % (uint32_t)(i + 1));
    int t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  char out[G2P_BATCH_MAX][G2P_TEXT_MAX];
  int got[G2P_BATCH_MAX];
  const char *bw[G2P_BATCH_MAX];
  size_t bl[G2P_BATCH_MAX];
  int compared = 0;
  for (int bs = 1; bs <= G2P_BATCH_MAX; bs++) {
    for (int at = 0; at < n; at += bs) {
      int k = n - at < bs ? n - at : bs;
      for (int j = 0; j < k; j++) {
        bw[j] = l->w[perm[at + j]];
        bl[j] = l->len[perm[at + j]];
        got[j] = -1000;
      }
      memset(out, '#', sizeof out);
      ck_assert_int_eq(g2p_model_predict_batch(m, sb, bw, bl, k, &out[0][0],
                                               G2P_TEXT_MAX, got), 0);
      for (int j = 0; j < k; j++) {
        int w = perm[at + j];
        ck_assert_msg(got[j] == ref_len[w] &&
                          memcmp(out[j], ref[w], (size_t)ref_len[w]) == 0,
                      "%s kernel %s batch %d: '%s' gave '%.*s' (%d), per word "
                      "'%.*s'",
                      what, kernel, bs, l->w[w], got[j] > 0 ? got[j] : 0,
                      out[j], got[j], ref_len[w], ref[w]);
        compared++;
      }
    }
  }
  free(ref);
  free(ref_len);
  free(perm);
  free(s1);
  free(sb);
  g2p_model_close(m);
  return compared;
}

START_TEST(g2p_en_golden) {
  if (!img_en)
    return;
  int c = check_model(img_en, len_en, kernels[_i], &golden, "g2p_en");
  printf("batch-test: g2p_en kernel %s: %d batched words equal per-word\n",
         kernels[_i], c);
}
END_TEST

START_TEST(arch2_random) {
  int c = check_model(img_a2, len_a2, kernels[_i], &mixed, "bigru-random");
  printf("batch-test: random bigru-attn kernel %s: %d batched words equal "
         "per-word\n", kernels[_i], c);
}
END_TEST

START_TEST(arch3_random) {
  int c = check_model(img_a3, len_a3, kernels[_i], &mixed, "bigru-if-random");
  printf("batch-test: random bigru-attn-if kernel %s: %d batched words equal "
         "per-word\n", kernels[_i], c);
}
END_TEST

START_TEST(arch2_shipped) {
  if (!img_ship)
    return;
  int c = check_model(img_ship, len_ship, kernels[_i], &mixed, "shipped");
  printf("batch-test: shipped/BATCH_MODEL model kernel %s: %d batched words "
         "equal per-word\n", kernels[_i], c);
}
END_TEST

/* Bad arguments and per-word refusals of the model-level call. */
START_TEST(model_edges) {
  g2p_model *m = NULL;
  char err[512];
  ck_assert_int_eq(g2p_model_open_mem(&m, img_a2, len_a2, "scalar", err,
                                      sizeof err), 0);
  void *sb = aligned(g2p_model_batch_scratch_bytes(m));
  char out[G2P_BATCH_MAX + 1][G2P_TEXT_MAX];
  int got[G2P_BATCH_MAX + 1];
  const char *bw[G2P_BATCH_MAX + 1];
  size_t bl[G2P_BATCH_MAX + 1];
  char big[G2P_BATCH_MAX * 8];
  memset(big, 'a', sizeof big);
  for (int i = 0; i <= G2P_BATCH_MAX; i++) {
    bw[i] = "abc";
    bl[i] = 3;
  }
  ck_assert_int_eq(g2p_model_predict_batch(m, sb, bw, bl, G2P_BATCH_MAX + 1,
                                           &out[0][0], G2P_TEXT_MAX, got),
                   G2P_EINVAL);
  ck_assert_int_eq(g2p_model_predict_batch(m, (char *)sb + 8, bw, bl, 1,
                                           &out[0][0], G2P_TEXT_MAX, got),
                   G2P_EINVAL);
  ck_assert_int_eq(g2p_model_predict_batch(m, sb, bw, bl, 0, &out[0][0],
                                           G2P_TEXT_MAX, got), 0);
  bw[1] = "";
  bl[1] = 0;
  bw[2] = big;
  bl[2] = G2P_BATCH_WORD_MAX + 1;
  bw[3] = big;
  bl[3] = G2P_BATCH_WORD_MAX;
  ck_assert_int_eq(g2p_model_predict_batch(m, sb, bw, bl, 4, &out[0][0],
                                           G2P_TEXT_MAX, got), 0);
  ck_assert_int_ge(got[0], 0);
  ck_assert_int_eq(got[1], G2P_EEMPTY);
  ck_assert_int_eq(got[2], G2P_ETOOLONG);
  ck_assert_int_ge(got[3], 0);
  free(sb);
  g2p_model_close(m);
}
END_TEST

static void same_result(const g2p_word_result *a, const g2p_word_result *b,
                        const char *word) {
  ck_assert_msg(a->source == b->source && a->error == b->error,
                "'%s': source %d/%d error %d/%d", word, a->source, b->source,
                a->error, b->error);
  ck_assert_int_eq(a->phones_len, b->phones_len);
  if (a->phones_len)
    ck_assert_msg(memcmp(a->phones, b->phones, a->phones_len) == 0,
                  "'%s': '%.*s' vs '%.*s'", word, a->phones_len, a->phones,
                  b->phones_len, b->phones);
  ck_assert_int_eq(a->n_variants, b->n_variants);
}

START_TEST(engine_batch) {
  char path[] = "/tmp/batch-test.XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  char err[512];
  ck_assert_int_eq(g2pm_write_file(path, img_a2, len_a2, err, sizeof err), 0);
  g2p_engine_config cfg = {NULL, path, 1, 0, NULL};
  g2p_engine *e = NULL;
  ck_assert_msg(g2p_engine_open(&e, &cfg, err, sizeof err) == 0, "%s", err);
  g2p_scratch *s1 = NULL, *sb = NULL;
  ck_assert_int_eq(g2p_scratch_create(&s1, e), 0);
  ck_assert_int_eq(g2p_scratch_create(&sb, e), 0);

  char big[G2P_WORD_MAX + 1];
  memset(big, 'b', sizeof big);
  const char *w[G2P_BATCH_MAX] = {"Kate", "", "\xff" "ab", "zest'", big, big,
                                  "\xc3\xa9t\xc3\xa9", "QUIZ", "a", "tottest",
                                  "sox", "e", "kazoo", "bee", "oats", "z"};
  size_t l[G2P_BATCH_MAX] = {4, 0, 3, 5, G2P_BATCH_WORD_MAX + 3,
                             G2P_WORD_MAX + 1, 6, 4, 1, 7, 3, 1, 5, 3, 4, 1};
  g2p_word_result rb[G2P_BATCH_MAX], r1;
  int beams[] = {1, 3, 0};
  for (int bi = 0; bi < 3; bi++) {
    for (size_t n = 1; n <= G2P_BATCH_MAX; n++) {
      ck_assert_int_eq(g2p_engine_lookup_batch(e, sb, w, l, n, 0, beams[bi],
                                               rb), 0);
      for (size_t i = 0; i < n; i++) {
        g2p_engine_lookup(e, s1, w[i], l[i], 0, beams[bi], &r1);
        same_result(&rb[i], &r1, w[i]);
      }
    }
  }
  /* all answers of one batch stay valid together */
  ck_assert_int_eq(g2p_engine_lookup_batch(e, sb, w, l, G2P_BATCH_MAX, 0, 1,
                                           rb), 0);
  for (size_t i = 0; i < G2P_BATCH_MAX; i++) {
    g2p_engine_lookup(e, s1, w[i], l[i], 0, 1, &r1);
    same_result(&rb[i], &r1, w[i]);
  }
  ck_assert_int_eq(rb[1].error, G2P_EEMPTY);
  ck_assert_int_eq(rb[2].error, G2P_EUTF8);
  ck_assert_int_eq(rb[4].source, G2P_SOURCE_MODEL);
  ck_assert_int_eq(rb[5].error, G2P_ETOOLONG);
  ck_assert_int_eq(g2p_engine_lookup_batch(e, sb, w, l, G2P_BATCH_MAX + 1, 0, 1,
                                           rb), G2P_EINVAL);
  ck_assert_int_eq(g2p_engine_lookup_batch(e, sb, w, l, 0, 0,
                                           1, rb), 0);

  g2p_scratch_destroy(s1);
  g2p_scratch_destroy(sb);
  g2p_engine_close(e);
  unlink(path);
}
END_TEST

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = b ? (size_t)n : 0;
  return b;
}

int main(void) {
  const char *t = getenv("top_srcdir");
  snprintf(top, sizeof top, "%.1900s", t ? t : ".");
  snprintf(dir, sizeof dir, "%s/../shared/data/g2p_en", top);
  char npz[4200], err[512];
  snprintf(npz, sizeof npz, "%s/checkpoint20.npz", dir);
  if (access(npz, R_OK) != 0 || read_golden() != 0) {
    printf("batch-test: %s or golden_words.tsv absent, skipping\n", npz);
    return 77;
  }
  g2pm_convert_opts opts = {"g2p_en-2.0", 0};
  if (g2pm_npz_to_image(&img_en, &len_en, npz, &opts, err, sizeof err)) {
    fprintf(stderr, "batch-test: converting %s: %s\n", npz, err);
    return 1;
  }
  if (make_attn(G2PM_ARCH_BIGRU_ATTN, &img_a2, &len_a2, err, sizeof err) ||
      make_attn(G2PM_ARCH_BIGRU_ATTN_IF, &img_a3, &len_a3, err, sizeof err)) {
    fprintf(stderr, "batch-test: random attention model: %s\n", err);
    return 1;
  }
  make_mixed();
  char ship[4200];
  const char *other = getenv("BATCH_MODEL"); /* check another model file */
  if (other && *other)
    snprintf(ship, sizeof ship, "%.4000s", other);
  else
    snprintf(ship, sizeof ship, "%s/models/cmudict-bigru.g2pm", top);
  img_ship = read_file(ship, &len_ship);
  if (!img_ship)
    printf("batch-test: %s absent, shipped-model case skipped\n", ship);

  Suite *s = suite_create("batch");
  TCase *tc = tcase_create("batch");
  tcase_set_timeout(tc, 900);
  tcase_add_loop_test(tc, g2p_en_golden, 0, N_KERNELS);
  tcase_add_loop_test(tc, arch2_random, 0, N_KERNELS);
  tcase_add_loop_test(tc, arch3_random, 0, N_KERNELS);
  tcase_add_loop_test(tc, arch2_shipped, 0, N_KERNELS);
  tcase_add_test(tc, model_edges);
  tcase_add_test(tc, engine_batch);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  free(img_en);
  free(img_a2);
  free(img_a3);
  free(img_ship);
  return failed ? 1 : 0;
}
