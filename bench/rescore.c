/* rescore.c -- what rescoring costs a word: the engine's network answer
 * greedy, at beam N, rescored (the best of a beam's N hypotheses by
 * log p + w log p(rescorer)), and gated (rescored only when the greedy
 * answer's log-probability is below the gate), side by side on one pinned
 * core.
 *
 *   bench/rescore --model M.g2pm --rescore-model R.g2pm --words WORDS.tsv
 *                 [--weight W] [--beam N] [--gate LP] [--reps N] [--cpu N]
 *
 * Every word is looked up network only (the dictionary skipped, no result
 * cache), in rounds; within a round each word runs in the four modes one
 * after another, so that background load hits them alike. Prints one row a
 * mode (per-word median, p99 and mean over all timed lookups) and each
 * mode's median and mean over greedy's, and the share of words past the
 * gate. */
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "g2p/engine.h"

#define MAX_WORDS 20000

static char *words[MAX_WORDS];
static size_t lens[MAX_WORDS];
static int n_words;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The first column of a word<TAB>... file. */
static int load_words(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return -1;
  }
  char line[1024];
  while (n_words < MAX_WORDS && fgets(line, sizeof line, f)) {
    size_t n = strcspn(line, "\t\r\n");
    if (n == 0 || n > G2P_WORD_MAX) continue;
    line[n] = '\0';
    words[n_words] = strdup(line);
    lens[n_words++] = n;
  }
  fclose(f);
  return n_words ? 0 : -1;
}

static g2p_engine *open_engine(const char *model, const char *rescorer, double w, int beam,
                               double gate) {
  g2p_engine_config cfg = {.model_path = model, .beam_width = 1, .rescore_model_path = rescorer,
                           .rescore_weight = w, .rescore_beam = rescorer ? beam : 0,
                           .rescore_gate = gate};
  g2p_engine *e = NULL;
  char err[512];
  if (g2p_engine_open(&e, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, "bench/rescore: %s\n", err);
    return NULL;
  }
  return e;
}

int main(int argc, char **argv) {
  const char *model = NULL, *rescorer = NULL, *wpath = NULL;
  double weight = 1.0, gate = -1.5;
  int beam = 4, reps = 3, cpu = -1;
  static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                       {"rescore-model", required_argument, NULL, 'R'},
                                       {"words", required_argument, NULL, 'w'},
                                       {"weight", required_argument, NULL, 'W'},
                                       {"beam", required_argument, NULL, 'b'},
                                       {"gate", required_argument, NULL, 'g'},
                                       {"reps", required_argument, NULL, 'r'},
                                       {"cpu", required_argument, NULL, 'c'},
                                       {NULL, 0, NULL, 0}};
  int o;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
    case 'm': model = optarg; break;
    case 'R': rescorer = optarg; break;
    case 'w': wpath = optarg; break;
    case 'W': weight = atof(optarg); break;
    case 'b': beam = atoi(optarg); break;
    case 'g': gate = atof(optarg); break;
    case 'r': reps = atoi(optarg); break;
    case 'c': cpu = atoi(optarg); break;
    default:
      fprintf(stderr, "usage: bench/rescore --model M --rescore-model R --words TSV "
                      "[--weight W] [--beam N] [--gate LP] [--reps N] [--cpu N]\n");
      return 2;
    }
  }
  if (!model || !rescorer || !wpath || reps < 1 || reps > 100 || beam < 2 || beam > 16 ||
      !(weight > 0.0) || !(gate < 0.0 && gate > -1e6)) {
    fprintf(stderr, "bench/rescore: --model, --rescore-model and --words are required "
                    "(--beam 2..16, --reps 1..100, --weight > 0, --gate < 0)\n");
    return 2;
  }
  if (load_words(wpath)) return 1;
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set)) {
      perror("bench/rescore: sched_setaffinity");
      return 1;
    }
  }
  g2p_engine *plain = open_engine(model, NULL, 0.0, 0, 0.0);
  g2p_engine *resc = open_engine(model, rescorer, weight, beam, 0.0);
  g2p_engine *gated = open_engine(model, rescorer, weight, beam, gate);
  if (!plain || !resc || !gated) return 1;
  g2p_scratch *sp, *sr, *sg;
  if (g2p_scratch_create(&sp, plain) || g2p_scratch_create(&sr, resc) ||
      g2p_scratch_create(&sg, gated))
    return 1;
  enum { GREEDY, BEAM, RESCORED, GATED, N_MODES };
  static const char *names[N_MODES] = {"greedy", "beam", "rescored", "gated"};
  size_t nt = (size_t)n_words * (size_t)reps;
  double *t[N_MODES];
  for (int k = 0; k < N_MODES; k++)
    if (!(t[k] = malloc(nt * sizeof(double)))) return 1;
  g2p_word_result res;
  int past_gate = 0;
  for (int i = 0; i < n_words; i++) { /* warm up; count the words past the gate */
    g2p_engine_lookup(resc, sr, words[i], lens[i], G2P_FLAG_MODEL_ONLY, 1, &res);
    g2p_engine_lookup(plain, sp, words[i], lens[i], G2P_FLAG_MODEL_ONLY, 1, &res);
    past_gate += res.error != 0 || log(res.confidence) < gate;
  }
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n_words; i++)
      for (int k = 0; k < N_MODES; k++) {
        double t0 = now_ns();
        if (k == RESCORED)
          g2p_engine_lookup(resc, sr, words[i], lens[i], G2P_FLAG_MODEL_ONLY, 1, &res);
        else if (k == GATED)
          g2p_engine_lookup(gated, sg, words[i], lens[i], G2P_FLAG_MODEL_ONLY, 1, &res);
        else
          g2p_engine_lookup(plain, sp, words[i], lens[i], G2P_FLAG_MODEL_ONLY,
                            k == BEAM ? beam : 1, &res);
        t[k][(size_t)r * n_words + i] = now_ns() - t0;
      }
  g2p_engine_info gi;
  g2p_engine_get_info(resc, &gi);
  printf("# %d words x %d rounds, cpu %d; model %s (%s), rescorer %s, weight %g, "
         "%d hypotheses, gate %g (%d words past it, %.1f%%)\n", n_words, reps, cpu, model,
         gi.kernel, rescorer, weight, beam, gate, past_gate, 100.0 * past_gate / n_words);
  double med[N_MODES], mean[N_MODES];
  for (int k = 0; k < N_MODES; k++) {
    double sum = 0;
    for (size_t j = 0; j < nt; j++) sum += t[k][j];
    qsort(t[k], nt, sizeof(double), cmp_double);
    med[k] = t[k][nt / 2];
    mean[k] = sum / (double)nt;
    char name[32];
    snprintf(name, sizeof name, k == BEAM ? "%s%d" : "%s", names[k], beam);
    printf("row mode=%s median_us=%.2f p99_us=%.2f mean_us=%.2f x_greedy=%.2f "
           "x_greedy_mean=%.2f\n", name, med[k] / 1e3, t[k][nt * 99 / 100] / 1e3,
           mean[k] / 1e3, med[k] / med[GREEDY], mean[k] / mean[GREEDY]);
  }
  for (int k = 0; k < N_MODES; k++) free(t[k]);
  g2p_scratch_destroy(sp);
  g2p_scratch_destroy(sr);
  g2p_scratch_destroy(sg);
  g2p_engine_close(plain);
  g2p_engine_close(resc);
  g2p_engine_close(gated);
  for (int i = 0; i < n_words; i++) free(words[i]);
  return 0;
}
