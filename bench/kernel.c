/* kernel.c -- per-word latency of the network on one pinned core, for every
 * kernel table, next to the mat-vec bound measured in the same run.
 *
 *   bench/kernel --model FILE.g2pm --words golden_words.tsv
 *                [--kernels scalar,avx2,avx512] [--reps N] [--cpu N]
 *                [--rescore-model R.g2pm [--rescore-gate LP]
 *                 [--rescore-weight W]]
 *
 * For each table: the model is loaded with it, every word is predicted once
 * to warm up, then N times in rounds over the list; each prediction is
 * timed alone (median and p99 over all of them). The bound: each mat-vec
 * shape the network uses, run bare and hot on the same core (median of
 * batches), and for each word the sum over the mat-vecs it performs --
 * counted from the architecture, the word's code points and the number of
 * phonemes it decoded -- of their bare times. ratio = time / bound. Words
 * that g2p_en's golden output lists are also checked (exact matches).
 *
 * With --rescore-model, each table gets a second row, kernel=NAME+gated: the
 * same words looked up as the daemon answers them with that rescorer and
 * gate (g2p_engine_lookup, network only, no result cache): greedy, and for
 * the words under the gate the beam and the rescorer too. Each lookup is
 * timed alone, as the plain rows' predictions are, so the two rows compare.
 *
 * Output is one "row" line per table, machine-readable, that bench/kernel.sh
 * joins with the numpy and TorchScript rows into a table. */
#include <getopt.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_impl.h"
#include "kernels/kernels.h"

#define MAX_WORDS 4096
#define OUT_CAP 512

typedef struct word {
  char text[128];
  char gold[256];
  int cps; /* code points */
} word;

static word words[MAX_WORDS];
static int n_words;

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Percentile q (0..1) of n sorted values. */
static double pct(const double *v, size_t n, double q) {
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

static int load_words(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "bench/kernel: cannot open %s\n", path);
    return -1;
  }
  char line[512];
  while (n_words < MAX_WORDS && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char *tab = strchr(line, '\t');
    if (tab)
      *tab++ = 0;
    if (!*line || strlen(line) >= sizeof words[0].text)
      continue;
    /* The network's graphemes are lower-case and the engine folds case
     * before it; g2p_model_predict takes the word as given. Fold ASCII here
     * too, or an upper-case list (the CMUdict split) times <unk> inputs. */
    for (char *p = line; *p; p++)
      if (*p >= 'A' && *p <= 'Z')
        *p = (char)(*p - 'A' + 'a');
    word *w = &words[n_words++];
    snprintf(w->text, sizeof w->text, "%s", line);
    snprintf(w->gold, sizeof w->gold, "%s", tab ? tab : "");
    w->cps = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
      w->cps += (*p & 0xc0) != 0x80;
  }
  fclose(f);
  return n_words > 0 ? 0 : -1;
}

/* Median time of one bare rows x cols mat-vec with a hot matrix; q4: the
 * table's 4-bit mat-vec (an int4 model's recurrent matrices). */
static double matvec_ns(const kern_ops *k, int rows, int cols, int q4) {
  float *W = malloc((size_t)rows * cols * sizeof(float));
  size_t pb = q4 ? k->packed_bytes_q4(rows, cols) : k->packed_bytes(rows, cols);
  float *P = aligned_alloc(KERN_ALIGN, (pb + 63) / 64 * 64);
  int8_t *q = q4 ? malloc((size_t)rows * cols) : NULL;
  float *sc = q4 ? malloc((size_t)rows * sizeof(float)) : NULL;
  void (*mv)(const float *, const float *, const float *, float *, int, int) =
      q4 ? k->matvec_q4 : k->matvec;
  size_t xb = ((size_t)cols * 4 + 63) / 64 * 64, yb = ((size_t)rows * 4 + 63) / 64 * 64;
  float *x = aligned_alloc(KERN_ALIGN, xb), *y = aligned_alloc(KERN_ALIGN, yb);
  float *b = aligned_alloc(KERN_ALIGN, yb);
  if (!W || !P || !x || !y || !b || (q4 && (!q || !sc))) {
    fprintf(stderr, "bench/kernel: out of memory\n");
    exit(1);
  }
  uint32_t s = 12345;
  for (size_t i = 0; i < (size_t)rows * cols; i++) {
    s = s * 1664525u + 1013904223u;
    W[i] = ((float)(s >> 8) / 16777216.0f - 0.5f) * 0.2f;
  }
  for (int i = 0; i < cols; i++)
    x[i] = 0.5f - (float)i / (float)cols;
  for (int i = 0; i < rows; i++)
    b[i] = 0.01f;
  if (q4) {
    kern_q4_quantize_rows(W, rows, cols, q, sc);
    k->pack_q4(P, q, sc, rows, cols);
  } else {
    k->pack_matrix(P, W, rows, cols);
  }
  enum { BATCH = 20, ROUNDS = 201 };
  double t[ROUNDS];
  for (int i = 0; i < 50; i++)
    mv(P, b, x, y, rows, cols);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++)
      mv(P, b, x, y, rows, cols);
    t[r] = (now_ns() - t0) / BATCH;
  }
  qsort(t, ROUNDS, sizeof t[0], cmp_double);
  free(W), free(P), free(x), free(y), free(b), free(q), free(sc);
  return t[ROUNDS / 2];
}

typedef struct bounds {
  double rec_enc, rec_dec, fc, att, init, comb; /* ns per mat-vec; comb: D x D */
} bounds;

/* Mat-vec bound of one word: what the decoder performs, shape by shape.
 * arch 1: T - 1 encoder steps of (3H x H) (the first, from h = 0, is its
 * bias: decode_common.h); S decoder steps of (3D x D) and (P x D). arch 2:
 * 2 (T - 1) encoder steps (both directions), T key and T
 * context projections and one init (D x 2H), S decoder steps of (3D x D),
 * (D x D) and (P x D) (model_impl.h: the combination layer's context half
 * is applied to the encoder outputs once per word); attention's T-long dot
 * products are not counted. T = code
 * points + 1 (</s>); S = phonemes + 1 (the </s> step), at most max_len. */
static double word_bound(const g2p_model *m, const bounds *b, int cps,
                         int phonemes) {
  int T = cps + 1;
  int S = phonemes + 1 < m->max_len ? phonemes + 1 : m->max_len;
  if (m->arch == 1)
    return (T - 1) * b->rec_enc + S * (b->rec_dec + b->fc);
  return 2 * (T - 1) * b->rec_enc + 2 * T * b->att + b->init +
         S * (b->rec_dec + b->comb + b->fc);
}

static int count_phonemes(const char *out, int len) {
  int n = 0;
  for (int i = 0; i < len; i++)
    if (out[i] != ' ' && (i == 0 || out[i - 1] == ' '))
      n++;
  return n;
}

static int run_table(const char *model_path, const char *kname, int reps) {
  g2p_model *m;
  char err[512];
  if (g2p_model_open_ex(&m, model_path, kname, err, sizeof err)) {
    fprintf(stderr, "bench/kernel: %s: %s\n", kname, err);
    return -1;
  }
  const kern_ops *k = m->kw; /* the table of the weight matrices */
  bounds b = {0};
  b.rec_enc = matvec_ns(k, 3 * m->H, m->H, m->enc.q4);
  b.rec_dec = m->D == m->H && m->dec.q4 == m->enc.q4
                  ? b.rec_enc
                  : matvec_ns(k, 3 * m->D, m->D, m->dec.q4);
  b.fc = matvec_ns(k, m->P, m->D, 0);
  if (m->arch != 1) {
    b.att = matvec_ns(k, m->D, 2 * m->H, 0);
    b.init = b.att;
    b.comb = matvec_ns(k, m->D, m->D, 0);
  }
  double bare768 = m->H == 256 && !m->enc.q4 ? b.rec_enc : matvec_ns(k, 768, 256, 0);

  size_t sb = g2p_model_scratch_bytes(m);
  void *scratch = aligned_alloc(KERN_ALIGN, (sb + 63) / 64 * 64);
  double *t = malloc(sizeof(double) * (size_t)n_words * (size_t)reps);
  double *per = malloc(sizeof(double) * (size_t)n_words);
  double *bnd = malloc(sizeof(double) * (size_t)n_words);
  if (!scratch || !t || !per || !bnd) {
    fprintf(stderr, "bench/kernel: out of memory\n");
    return -1;
  }
  char out[OUT_CAP];
  int exact = 0, golden = 0;
  double sum_bound = 0;
  for (int i = 0; i < n_words; i++) {
    int n = g2p_model_predict(m, scratch, words[i].text, strlen(words[i].text),
                              1, out, sizeof out);
    if (n < 0) {
      fprintf(stderr, "bench/kernel: predict '%s' failed (%d)\n",
              words[i].text, n);
      return -1;
    }
    if (words[i].gold[0]) {
      golden++;
      exact += (size_t)n == strlen(words[i].gold) &&
               memcmp(out, words[i].gold, (size_t)n) == 0;
    }
    bnd[i] = word_bound(m, &b, words[i].cps, count_phonemes(out, n));
    sum_bound += bnd[i];
  }
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n_words; i++) {
      double t0 = now_ns();
      g2p_model_predict(m, scratch, words[i].text, strlen(words[i].text), 1,
                        out, sizeof out);
      t[(size_t)r * n_words + i] = now_ns() - t0;
    }
  /* Per word: its median over the rounds, against its own bound. */
  double sum_time = 0;
  double *col = malloc(sizeof(double) * (size_t)reps);
  for (int i = 0; i < n_words; i++) {
    for (int r = 0; r < reps; r++)
      col[r] = t[(size_t)r * n_words + i];
    qsort(col, (size_t)reps, sizeof col[0], cmp_double);
    per[i] = col[reps / 2];
    sum_time += per[i];
  }
  double *ratio = malloc(sizeof(double) * (size_t)n_words);
  for (int i = 0; i < n_words; i++)
    ratio[i] = per[i] / bnd[i];
  qsort(ratio, (size_t)n_words, sizeof ratio[0], cmp_double);
  qsort(bnd, (size_t)n_words, sizeof bnd[0], cmp_double);
  size_t nt = (size_t)n_words * (size_t)reps;
  /* golden_words.tsv is g2p_en's output: only comparable for its network. */
  char exact_s[32] = "n/a";
  if (m->arch == 1 && golden)
    snprintf(exact_s, sizeof exact_s, "%d/%d", exact, golden);
  qsort(t, nt, sizeof t[0], cmp_double);
  printf("row kernel=%s median_us=%.2f p99_us=%.2f mean_us=%.2f "
         "bound_median_us=%.2f ratio_total=%.3f ratio_median=%.3f "
         "matvec768x256_us=%.3f matvec_fc_us=%.3f exact=%s words=%d "
         "reps=%d arch=%s\n",
         k->name, pct(t, nt, 0.5) / 1e3, pct(t, nt, 0.99) / 1e3,
         sum_time / n_words / 1e3, pct(bnd, (size_t)n_words, 0.5) / 1e3,
         sum_time / sum_bound, pct(ratio, (size_t)n_words, 0.5),
         bare768 / 1e3, b.fc / 1e3, exact_s, n_words, reps,
         g2p_model_arch(m));
  fflush(stdout);
  free(col), free(ratio), free(t), free(per), free(bnd), free(scratch);
  g2p_model_close(m);
  return 0;
}

typedef struct rescoring {
  const char *path; /* NULL: no gated rows */
  double gate, weight;
} rescoring;

/* The kernel=NAME+gated row: the engine's gated lookups of every word, on
 * table kname (the engine opens its models with RNNINFERD_KERNEL's
 * table). */
static int run_gated(const char *model_path, const char *kname, int reps,
                     const rescoring *rs) {
  if (setenv("RNNINFERD_KERNEL", kname, 1) != 0) {
    perror("bench/kernel: setenv");
    return -1;
  }
  g2p_engine_config cfg = {.model_path = model_path, .beam_width = 1,
                           .rescore_model_path = rs->path,
                           .rescore_weight = rs->weight,
                           .rescore_gate = rs->gate};
  g2p_engine *e = NULL;
  g2p_scratch *sc = NULL;
  char err[512];
  int rc = g2p_engine_open(&e, &cfg, err, sizeof err);
  unsetenv("RNNINFERD_KERNEL");
  if (rc != 0) {
    fprintf(stderr, "bench/kernel: %s+gated: %s\n", kname, err);
    return -1;
  }
  size_t nt = (size_t)n_words * (size_t)reps;
  double *t = malloc(sizeof(double) * nt);
  if (!t || g2p_scratch_create(&sc, e) != 0) {
    fprintf(stderr, "bench/kernel: out of memory\n");
    free(t);
    g2p_engine_close(e);
    return -1;
  }
  g2p_word_result res;
  int past = 0;
  for (int i = 0; i < n_words; i++) { /* warm up; count the words under the gate */
    if (g2p_engine_lookup(e, sc, words[i].text, strlen(words[i].text),
                          G2P_FLAG_MODEL_ONLY, 1, &res) != 0) {
      fprintf(stderr, "bench/kernel: lookup '%s' failed (%d)\n", words[i].text,
              res.error);
      rc = -1;
      break;
    }
  }
  /* the plain greedy answer's log-probability decides the gate */
  g2p_model *m = NULL;
  if (rc == 0 && g2p_model_open_ex(&m, model_path, kname, err, sizeof err) == 0) {
    size_t sb = g2p_model_scratch_bytes(m);
    void *ms = aligned_alloc(KERN_ALIGN, (sb + 63) / 64 * 64);
    char out[OUT_CAP];
    for (int i = 0; ms && i < n_words; i++) {
      double lp = 0.0;
      int n = g2p_model_predict_scored(m, ms, words[i].text, strlen(words[i].text),
                                       1, out, sizeof out, &lp);
      past += n <= 0 || lp < rs->gate;
    }
    free(ms);
    g2p_model_close(m);
  }
  for (int r = 0; rc == 0 && r < reps; r++)
    for (int i = 0; i < n_words; i++) {
      double t0 = now_ns();
      g2p_engine_lookup(e, sc, words[i].text, strlen(words[i].text),
                        G2P_FLAG_MODEL_ONLY, 1, &res);
      t[(size_t)r * n_words + i] = now_ns() - t0;
    }
  if (rc == 0) {
    double sum = 0;
    for (size_t j = 0; j < nt; j++)
      sum += t[j];
    qsort(t, nt, sizeof t[0], cmp_double);
    printf("row kernel=%s+gated median_us=%.2f p99_us=%.2f mean_us=%.2f "
           "gate=%g weight=%g past_gate=%d words=%d reps=%d\n",
           kname, pct(t, nt, 0.5) / 1e3, pct(t, nt, 0.99) / 1e3,
           sum / (double)nt / 1e3, rs->gate, rs->weight, past, n_words, reps);
    fflush(stdout);
  }
  free(t);
  g2p_scratch_destroy(sc);
  g2p_engine_close(e);
  return rc;
}

int main(int argc, char **argv) {
  const char *model = NULL, *wpath = NULL, *kernels = "scalar,avx2,avx512";
  int reps = 5, cpu = -1;
  rescoring rs = {NULL, -1.5, 1.0};
  static const struct option opts[] = {
      {"model", required_argument, NULL, 'm'},
      {"words", required_argument, NULL, 'w'},
      {"kernels", required_argument, NULL, 'k'},
      {"reps", required_argument, NULL, 'r'},
      {"cpu", required_argument, NULL, 'c'},
      {"rescore-model", required_argument, NULL, 'R'},
      {"rescore-gate", required_argument, NULL, 'G'},
      {"rescore-weight", required_argument, NULL, 'W'},
      {NULL, 0, NULL, 0}};
  int o;
  while ((o = getopt_long(argc, argv, "m:w:k:r:c:", opts, NULL)) != -1) {
    switch (o) {
    case 'm': model = optarg; break;
    case 'w': wpath = optarg; break;
    case 'k': kernels = optarg; break;
    case 'r': reps = atoi(optarg); break;
    case 'c': cpu = atoi(optarg); break;
    case 'R': rs.path = optarg; break;
    case 'G': rs.gate = atof(optarg); break;
    case 'W': rs.weight = atof(optarg); break;
    default:
      fprintf(stderr, "usage: bench/kernel --model FILE --words TSV "
                      "[--kernels LIST] [--reps N] [--cpu N] [--rescore-model R "
                      "[--rescore-gate LP] [--rescore-weight W]]\n");
      return 2;
    }
  }
  if (!model || !wpath || reps < 1 || reps > 1000 ||
      !(rs.gate < 0.0 && rs.gate > -1e6) || !(rs.weight > 0.0 && rs.weight < 1e6)) {
    fprintf(stderr, "bench/kernel: --model and --words are required "
                    "(--reps 1..1000, --rescore-gate < 0, --rescore-weight > 0)\n");
    return 2;
  }
  if (load_words(wpath))
    return 1;
  if (cpu < 0) {
    cpu_set_t cur;
    CPU_ZERO(&cur);
    cpu = sched_getaffinity(0, sizeof cur, &cur) == 0 ? sched_getcpu() : 0;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set)) {
    perror("bench/kernel: sched_setaffinity");
    return 1;
  }
  printf("# pinned to cpu %d; %d words from %s; model %s\n", cpu, n_words,
         wpath, model);
  char list[256];
  snprintf(list, sizeof list, "%s", kernels);
  int rc = 0;
  for (char *save = NULL, *name = strtok_r(list, ",", &save); name;
       name = strtok_r(NULL, ",", &save)) {
    if (!kern_cpu_supports(name)) {
      printf("# %s: skipped (CPU lacks it)\n", name);
      continue;
    }
    if (run_table(model, name, reps))
      rc = 1;
    if (rs.path && run_gated(model, name, reps, &rs))
      rc = 1;
  }
  return rc;
}
