/* model-parity -- the converted g2p_en model must behave like g2p_en.
 *
 * Converts ../shared/data/g2p_en/checkpoint20.npz with the converter's own
 * code, then, with every kernel table this CPU runs:
 *  - predicts the 2,018 words of golden_words.tsv greedily: at least 2,010
 *    must match g2p_en exactly, and each mismatch is printed with the top-2
 *    logit margin at the first step where we part ways (near ties are
 *    expected from float summation order; a real bug shows large margins);
 *  - compares the final encoder state and the first decoder step's logits
 *    with golden_states.txt within STATE_TOL / LOGIT_TOL;
 *  - checks that beam search of width 1 gives the greedy answer for every
 *    word, and that wider beams return hypotheses at least as probable as
 *    greedy for nearly all words.
 * Skips (77) when ../shared is absent. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_convert.h"
#include "kernels/kernels.h"

#define STATE_TOL 5e-5 /* absolute, final encoder state (values in -1..1) */
#define LOGIT_TOL 2e-4 /* absolute, first-step logits */
#define MIN_EXACT 2010

static char dir[4096];
static uint8_t *image;
static size_t image_len;

typedef struct word {
  char *text;
  char *phones;
  float enc_h[256];
  float logits0[74];
  int have_h, have_l;
} word;
static word *words;
static int n_words;

static const char *const kernels[] = {"scalar", "avx2", "avx512"};
#define N_KERNELS 3

static int kernel_usable(const char *name) {
  char err[128];
  return kern_cpu_supports(name) && kern_select(name, err, sizeof err);
}

static g2p_model *load(const char *kernel) {
  g2p_model *m = NULL;
  char err[256];
  int rc = g2p_model_open_mem(&m, image, image_len, kernel, err, sizeof err);
  ck_assert_msg(rc == 0, "load with %s: %s", kernel, err);
  ck_assert_str_eq(g2p_model_kernel(m), kernel);
  return m;
}

static void *scratch_for(const g2p_model *m) {
  size_t n = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (n + 63) / 64 * 64);
  ck_assert_ptr_nonnull(s);
  return s;
}

static void read_golden(void) {
  char path[4200];
  snprintf(path, sizeof path, "%s/golden_words.tsv", dir);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "model-parity: cannot open %s\n", path);
    exit(1);
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int alloc = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n')
      line[--n] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = '\0';
    if (n_words == alloc) {
      alloc = alloc ? 2 * alloc : 4096;
      words = realloc(words, (size_t)alloc * sizeof *words);
    }
    memset(&words[n_words], 0, sizeof *words);
    words[n_words].text = strdup(line);
    words[n_words].phones = strdup(tab + 1);
    n_words++;
  }
  fclose(f);

  snprintf(path, sizeof path, "%s/golden_states.txt", dir);
  f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "model-parity: cannot open %s\n", path);
    exit(1);
  }
  int w = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    char *t1 = strchr(line, '\t');
    if (!t1)
      continue;
    *t1 = '\0';
    char *t2 = strchr(t1 + 1, '\t');
    if (!t2)
      continue;
    *t2 = '\0';
    /* states come in the words' order; find this line's word from w on */
    while (w < n_words && strcmp(words[w].text, line) != 0)
      w++;
    if (w == n_words) {
      fprintf(stderr, "model-parity: state for unknown word '%s'\n", line);
      exit(1);
    }
    int is_h = strcmp(t1 + 1, "enc_h") == 0;
    float *dst = is_h ? words[w].enc_h : words[w].logits0;
    int want = is_h ? 256 : 74, got = 0;
    char *p = t2 + 1, *end;
    while (got < want) {
      float v = strtof(p, &end);
      if (end == p)
        break;
      dst[got++] = v;
      p = end;
    }
    if (got != want) {
      fprintf(stderr, "model-parity: '%s' %s has %d values\n", line, t1 + 1,
              got);
      exit(1);
    }
    if (is_h)
      words[w].have_h = 1;
    else
      words[w].have_l = 1;
  }
  free(line);
  fclose(f);
}

/* Golden phones -> ids; returns the count. */
static int golden_ids(const g2p_model *m, const char *phones, int *ids,
                      int max) {
  int n = 0;
  const char *p = phones;
  while (*p && n < max) {
    const char *e = strchr(p, ' ');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    ids[n] = g2p_model_phoneme_id(m, p, l);
    ck_assert_msg(ids[n] >= 0, "unknown golden phoneme in '%s'", phones);
    n++;
    p += l;
    while (*p == ' ')
      p++;
  }
  return n;
}

static int argmax(const float *l, int n) {
  int b = 0;
  for (int j = 1; j < n; j++)
    if (l[j] > l[b])
      b = j;
  return b;
}

/* Prints where and by how much we and g2p_en part ways on one word. */
static void explain(const g2p_model *m, void *scratch, const word *w,
                    const char *ours, const char *kernel) {
  int gold[G2P_PHONES_MAX + 1];
  int ng = golden_ids(m, w->phones, gold, G2P_PHONES_MAX);
  int P = g2p_model_num_phonemes(m);
  int steps = ng + 1;
  float *logits = malloc((size_t)steps * (size_t)P * sizeof(float));
  ck_assert_ptr_nonnull(logits);
  int rc = g2p_model_forced(m, scratch, w->text, strlen(w->text), gold, steps,
                            logits, NULL);
  ck_assert_int_eq(rc, 0);
  for (int i = 0; i < steps; i++) {
    const float *l = logits + (size_t)i * P;
    int target = i < ng ? gold[i] : 3; /* </s> */
    int top = argmax(l, P);
    if (top == target)
      continue;
    int second = top == 0 ? 1 : 0;
    for (int j = 0; j < P; j++)
      if (j != top && l[j] > l[second])
        second = j;
    size_t a_len, b_len;
    const char *a = g2p_model_phoneme(m, top, &a_len);
    const char *b = g2p_model_phoneme(m, target, &b_len);
    printf("  mismatch [%s] %-20s ours '%s' | g2p_en '%s'\n"
           "    step %d: ours %.*s (%.6f) vs g2p_en's %.*s (%.6f): "
           "margin %.6f, top-2 margin %.6f\n",
           kernel, w->text, ours, w->phones, i, (int)a_len, a, (double)l[top],
           (int)b_len, b, (double)l[target], (double)(l[top] - l[target]),
           (double)(l[top] - l[second]));
    break;
  }
  free(logits);
}

START_TEST(golden_words) {
  const char *kernel = kernels[_i];
  if (!kernel_usable(kernel)) {
    printf("model-parity: kernel %s not available here, skipped\n", kernel);
    return;
  }
  g2p_model *m = load(kernel);
  void *scratch = scratch_for(m);
  char out[G2P_TEXT_MAX];
  int exact = 0;
  for (int i = 0; i < n_words; i++) {
    const word *w = &words[i];
    int n = g2p_model_predict(m, scratch, w->text, strlen(w->text), 1, out,
                              sizeof out);
    ck_assert_msg(n >= 0, "predict '%s' failed: %d", w->text, n);
    out[n] = '\0';
    if (strcmp(out, w->phones) == 0)
      exact++;
    else
      explain(m, scratch, w, out, kernel);
  }
  printf("model-parity: kernel %s: %d of %d words exactly as g2p_en\n",
         kernel, exact, n_words);
  ck_assert_int_eq(n_words, 2018);
  ck_assert_msg(exact >= MIN_EXACT, "only %d of %d exact with %s", exact,
                n_words, kernel);
  free(scratch);
  g2p_model_close(m);
}
END_TEST

START_TEST(golden_states) {
  const char *kernel = kernels[_i];
  if (!kernel_usable(kernel))
    return;
  g2p_model *m = load(kernel);
  void *scratch = scratch_for(m);
  ck_assert_int_eq(g2p_model_state_size(m), 256);
  ck_assert_int_eq(g2p_model_num_phonemes(m), 74);
  float h[256], l[74];
  double max_h = 0, max_l = 0;
  const char *worst_h = "", *worst_l = "";
  int checked = 0;
  for (int i = 0; i < n_words; i++) {
    const word *w = &words[i];
    ck_assert_msg(w->have_h && w->have_l, "no golden state for '%s'",
                  w->text);
    int rc = g2p_model_forced(m, scratch, w->text, strlen(w->text), NULL, 1,
                              l, h);
    ck_assert_int_eq(rc, 0);
    for (int j = 0; j < 256; j++) {
      double d = fabs((double)h[j] - (double)w->enc_h[j]);
      if (d > max_h)
        max_h = d, worst_h = w->text;
    }
    for (int j = 0; j < 74; j++) {
      double d = fabs((double)l[j] - (double)w->logits0[j]);
      if (d > max_l)
        max_l = d, worst_l = w->text;
    }
    checked++;
  }
  printf("model-parity: kernel %s: %d words, max |enc_h - golden| = %.3g "
         "('%s'), max |logits0 - golden| = %.3g ('%s')\n",
         kernel, checked, max_h, worst_h, max_l, worst_l);
  ck_assert_msg(max_h <= STATE_TOL, "encoder state off by %g", max_h);
  ck_assert_msg(max_l <= LOGIT_TOL, "first logits off by %g", max_l);
  free(scratch);
  g2p_model_close(m);
}
END_TEST

/* Sum of log-softmax scores of a phoneme string (incl. the final </s>). */
static double sequence_logprob(const g2p_model *m, void *scratch,
                               const word *w, const char *phones) {
  int ids[G2P_PHONES_MAX + 1];
  int n = *phones ? golden_ids(m, phones, ids, G2P_PHONES_MAX) : 0;
  int P = g2p_model_num_phonemes(m);
  int steps = n + 1;
  if (n == g2p_model_max_len(m))
    steps = n; /* capped: no </s> was chosen */
  float *logits = malloc((size_t)(n + 1) * (size_t)P * sizeof(float));
  ck_assert_ptr_nonnull(logits);
  ck_assert_int_eq(g2p_model_forced(m, scratch, w->text, strlen(w->text), ids,
                                    steps, logits, NULL), 0);
  double total = 0;
  for (int i = 0; i < steps; i++) {
    const float *l = logits + (size_t)i * P;
    double mx = l[argmax(l, P)], sum = 0;
    for (int j = 0; j < P; j++)
      sum += exp((double)l[j] - mx);
    int t = i < n ? ids[i] : 3;
    total += (double)l[t] - mx - log(sum);
  }
  free(logits);
  return total;
}

/* The n best of a beam: the first is the beam's answer; all distinct, best
 * first, each scored as teacher forcing scores its phonemes. */
START_TEST(beam_nbest) {
  g2p_model *m = load("scalar");
  void *scratch = scratch_for(m);
  char b[G2P_TEXT_MAX], alt[G2P_BEAM_MAX * G2P_TEXT_MAX];
  int lens[G2P_BEAM_MAX];
  double lps[G2P_BEAM_MAX];
  int words_checked = 0, full = 0;
  double worst = 0.0;
  for (int i = 0; i < n_words; i += 8) {
    const word *w = &words[i];
    size_t len = strlen(w->text);
    int nb = g2p_model_beam(m, scratch, w->text, len, 4, b, sizeof b);
    ck_assert_int_ge(nb, 0);
    int nf = g2p_model_nbest(m, scratch, w->text, len, 4, 4, alt, sizeof alt,
                             lens, lps);
    ck_assert_int_ge(nf, 1);
    ck_assert_int_le(nf, 4);
    full += nf == 4;
    ck_assert_int_eq(lens[0], nb);
    ck_assert(memcmp(alt, b, (size_t)nb) == 0);
    char text[4][G2P_TEXT_MAX];
    size_t off = 0;
    for (int k = 0; k < nf; k++) {
      memcpy(text[k], alt + off, (size_t)lens[k]);
      text[k][lens[k]] = '\0';
      off += (size_t)lens[k];
      if (k) ck_assert(lps[k] <= lps[k - 1]);
      for (int j = 0; j < k; j++) ck_assert_str_ne(text[j], text[k]);
      double forced = sequence_logprob(m, scratch, w, text[k]);
      double d = fabs(forced - lps[k]);
      worst = d > worst ? d : worst;
      ck_assert_msg(d < 1e-3, "'%s' hypothesis %d '%s': %g, forced %g", w->text,
                    k, text[k], lps[k], forced);
    }
    /* n = 1 at width 1 is the greedy answer */
    char g[G2P_TEXT_MAX];
    int ng = g2p_model_predict(m, scratch, w->text, len, 1, g, sizeof g);
    nf = g2p_model_nbest(m, scratch, w->text, len, 1, 1, alt, sizeof alt, lens, lps);
    ck_assert_int_eq(nf, 1);
    ck_assert_int_eq(lens[0], ng);
    ck_assert(memcmp(alt, g, (size_t)ng) == 0);
    words_checked++;
  }
  printf("model-parity: nbest 4 at beam 4 on %d words (%d with 4 hypotheses), "
         "scores within %.2g of teacher forcing\n", words_checked, full, worst);
  ck_assert_int_gt(full, 0);
  ck_assert_int_eq(g2p_model_nbest(m, scratch, "abc", 3, 4, 5, alt, sizeof alt,
                                   lens, lps), G2P_EINVAL);
  ck_assert_int_eq(g2p_model_nbest(m, scratch, "abc", 3, 4, 0, alt, sizeof alt,
                                   lens, lps), G2P_EINVAL);
  ck_assert_int_eq(g2p_model_nbest(m, scratch, "abc", 3, 4, 4, alt, 2, lens, lps),
                   G2P_EINVAL);
  free(scratch);
  g2p_model_close(m);
}
END_TEST

START_TEST(beam_search) {
  g2p_model *m = load("scalar");
  void *scratch = scratch_for(m);
  char g[G2P_TEXT_MAX], b[G2P_TEXT_MAX];
  int same1 = 0, differ4 = 0, better4 = 0, worse4 = 0;
  for (int i = 0; i < n_words; i++) {
    const word *w = &words[i];
    size_t len = strlen(w->text);
    int ng = g2p_model_predict(m, scratch, w->text, len, 1, g, sizeof g);
    int nb = g2p_model_beam(m, scratch, w->text, len, 1, b, sizeof b);
    ck_assert_int_ge(ng, 0);
    ck_assert_int_ge(nb, 0);
    g[ng] = b[nb] = '\0';
    ck_assert_msg(strcmp(g, b) == 0, "beam 1 '%s' != greedy '%s' for '%s'",
                  b, g, w->text);
    same1++;
    if (i % 4)
      continue; /* width 4 on a quarter of the words keeps this quick */
    nb = g2p_model_beam(m, scratch, w->text, len, 4, b, sizeof b);
    ck_assert_int_ge(nb, 0);
    b[nb] = '\0';
    if (strcmp(g, b) == 0)
      continue;
    differ4++;
    double sg = sequence_logprob(m, scratch, w, g);
    double sb = sequence_logprob(m, scratch, w, b);
    if (sb >= sg - 1e-9)
      better4++;
    else
      worse4++;
  }
  printf("model-parity: beam 1 == greedy on %d words; beam 4 differs from "
         "greedy on %d of %d words, more probable on %d, less on %d\n",
         same1, differ4, (n_words + 3) / 4, better4, worse4);
  ck_assert_int_eq(same1, n_words);
  ck_assert_int_eq(worse4, 0);
  ck_assert_int_eq(g2p_model_predict(m, scratch, "abc", 3, 0, g, sizeof g),
                   G2P_EINVAL);
  ck_assert_int_eq(g2p_model_predict(m, scratch, "abc", 3, G2P_BEAM_MAX + 1,
                                     g, sizeof g), G2P_EINVAL);
  ck_assert_int_gt(g2p_model_predict(m, scratch, "abc", 3, G2P_BEAM_MAX, g,
                                     sizeof g), 0);
  free(scratch);
  g2p_model_close(m);
}
END_TEST

START_TEST(file_round_trip) {
  /* The converter's file, through the real file path and the default
   * kernel choice; identity fields as the info op reports them. */
  char path[] = "/tmp/model-parity-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  char err[256];
  ck_assert_int_eq(g2pm_write_file(path, image, image_len, err, sizeof err),
                   0);
  g2p_model *m;
  int rc = g2p_model_open(&m, path, err, sizeof err);
  unlink(path);
  ck_assert_msg(rc == 0, "%s", err);
  ck_assert_str_eq(g2p_model_name(m), "g2p_en-2.0");
  ck_assert_str_eq(g2p_model_arch(m), "g2p_en-gru");
  ck_assert_int_eq(g2p_model_max_len(m), 20);
  void *scratch = scratch_for(m);
  char out[G2P_TEXT_MAX];
  int n = g2p_model_predict(m, scratch, "aardvark", 8, 1, out, sizeof out);
  ck_assert_int_gt(n, 0);
  out[n] = '\0';
  ck_assert_str_eq(out, "AA1 R D V AA2 R K");
  ck_assert_int_eq(g2p_model_predict(m, scratch, "", 0, 1, out, sizeof out),
                   G2P_EEMPTY);
  char big[G2P_WORD_MAX + 1];
  memset(big, 'a', sizeof big);
  ck_assert_int_eq(g2p_model_predict(m, scratch, big, sizeof big, 1, out,
                                     sizeof out), G2P_ETOOLONG);
  ck_assert_int_gt(g2p_model_predict(m, scratch, big, G2P_WORD_MAX, 4, out,
                                     sizeof out), 0);
  /* too small an output buffer is an error, not an overrun */
  ck_assert_int_eq(g2p_model_predict(m, scratch, "aardvark", 8, 1, out, 4),
                   G2P_EINVAL);
  free(scratch);
  g2p_model_close(m);
}
END_TEST

int main(void) {
  const char *top = getenv("top_srcdir");
  snprintf(dir, sizeof dir, "%s/../shared/data/g2p_en", top ? top : ".");
  char npz[4200];
  snprintf(npz, sizeof npz, "%s/checkpoint20.npz", dir);
  if (access(npz, R_OK) != 0) {
    printf("model-parity: %s absent, skipping\n", npz);
    return 77;
  }
  char err[512];
  g2pm_convert_opts opts = {"g2p_en-2.0", 0};
  if (g2pm_npz_to_image(&image, &image_len, npz, &opts, err, sizeof err)) {
    fprintf(stderr, "model-parity: converting %s: %s\n", npz, err);
    return 1;
  }
  read_golden();

  Suite *s = suite_create("model-parity");
  TCase *tc = tcase_create("g2p_en");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, golden_words, 0, N_KERNELS);
  tcase_add_loop_test(tc, golden_states, 0, N_KERNELS);
  tcase_add_test(tc, beam_search);
  tcase_add_test(tc, beam_nbest);
  tcase_add_test(tc, file_round_trip);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  for (int i = 0; i < n_words; i++) {
    free(words[i].text);
    free(words[i].phones);
  }
  free(words);
  free(image);
  return failed ? 1 : 0;
}
