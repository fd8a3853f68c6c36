/* bench/tagger -- what part-of-speech tagging and homograph choice cost in
 * process: ns per token and us per sentence, median of several runs, on
 * UD English EWT test (when ../shared is there; built-in sentences
 * otherwise) and, per homograph, on sentences of the homograph data.
 * Not part of `make check` (speed is measured here, never asserted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"

#define MAX_SENT 4000
#define MAX_TOK 200000
#define RUNS 7

static tagger_word toks[MAX_TOK];
static char *store[MAX_TOK];
static size_t sent_start[MAX_SENT + 1], n_sent, n_tok;

static void add_sentence(void *arg, const tagger_word *w, const char *const *u,
                         const char *const *x, size_t n) {
  (void)arg, (void)u, (void)x;
  if (n_sent >= MAX_SENT || n_tok + n > MAX_TOK) return;
  sent_start[n_sent++] = n_tok;
  for (size_t i = 0; i < n; i++) {
    store[n_tok] = malloc(w[i].len + 1);
    memcpy(store[n_tok], w[i].s, w[i].len);
    toks[n_tok].s = store[n_tok];
    toks[n_tok].len = w[i].len;
    n_tok++;
  }
  sent_start[n_sent] = n_tok;
}

/* CPU time of this thread: on a shared machine wall time would count the
 * other processes' turns too (`--wall` for wall-clock time) */
static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static double now(void) {
  struct timespec ts;
  clock_gettime(clock_id, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static uint8_t tags[MAX_TOK];

/* mode 0: tag only; 1: tag, then choose for every token */
static double run(const tagger *t, const homograph *h, int mode, unsigned long *chosen) {
  double t0 = now();
  unsigned long c = 0;
  for (size_t s = 0; s < n_sent; s++) {
    size_t a = sent_start[s], n = sent_start[s + 1] - a;
    tagger_tag(t, toks + a, n, tags + a);
    if (mode == 1)
      for (size_t i = 0; i < n; i++) {
        homograph_choice ch;
        c += (unsigned long)homograph_choose(h, toks + a, tags + a, n, i, &ch);
      }
  }
  *chosen = c;
  return now() - t0;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmpd);
  return v[n / 2];
}

int main(int argc, char **argv) {
  const char *models = "models", *shared = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--wall")) clock_id = CLOCK_MONOTONIC;
    if (i + 1 < argc && !strcmp(argv[i], "--models"))
      models = argv[++i];
    else if (i + 1 < argc && !strcmp(argv[i], "--shared"))
      shared = argv[++i];
  }
  char mp[4096], hp[4096], cp[4096], err[512];
  snprintf(mp, sizeof mp, "%s/en-ewt-tagger.linm", models);
  snprintf(hp, sizeof hp, "%s/en-homographs.linm", models);
  tagger *t;
  homograph *h;
  if (tagger_open(&t, mp, err, sizeof err)) {
    fprintf(stderr, "bench/tagger: %s\n", err);
    return 1;
  }
  if (homograph_open(&h, hp, t, err, sizeof err)) {
    fprintf(stderr, "bench/tagger: %s\n", err);
    return 1;
  }
  const char *corpus = "built-in sentences";
  if (shared) {
    snprintf(cp, sizeof cp, "%s/data/ud-english-ewt/en_ewt-ud-test.conllu", shared);
    if (tu_read_conllu(cp, add_sentence, NULL) > 0) corpus = "UD English EWT test";
  }
  if (n_sent == 0) {
    static const char *const b[] = {
        "I read it yesterday , and I will read it again tomorrow .",
        "The lead singer of the band wore boots with lead in the heels .",
        "They live here and they love live music on Friday nights .",
        "The committee will conduct a review of the conduct of its members .",
        "Dr. Smith said that the permit was issued in 1984 for $ 3.50 ."};
    for (int r = 0; r < 400; r++)
      for (int k = 0; k < 5; k++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", b[k]);
        tagger_word w[64];
        size_t n = 0;
        for (char *p = strtok(buf, " "); p && n < 64; p = strtok(NULL, " "))
          w[n++] = (tagger_word){p, strlen(p)};
        add_sentence(NULL, w, NULL, NULL, n);
      }
  }
  unsigned long chosen = 0;
  double tag_s[RUNS], all_s[RUNS];
  run(t, h, 1, &chosen); /* warm */
  for (int r = 0; r < RUNS; r++) {
    tag_s[r] = run(t, h, 0, &chosen);
    all_s[r] = run(t, h, 1, &chosen);
  }
  double tm = median(tag_s, RUNS), am = median(all_s, RUNS);
  printf("corpus: %s, %zu sentences, %zu tokens (%.1f per sentence), %lu homographs chosen\n",
         corpus, n_sent, n_tok, (double)n_tok / n_sent, chosen);
  printf("median of %d runs (%s time):\n", RUNS,
         clock_id == CLOCK_MONOTONIC ? "wall-clock" : "thread CPU");
  printf("  tagging            %7.1f ns/token  %6.2f us/sentence\n", 1e9 * tm / n_tok,
         1e6 * tm / n_sent);
  printf("  homograph choice   %7.1f ns/token  %6.2f us/sentence (every token looked up)\n",
         1e9 * (am - tm) / n_tok, 1e6 * (am - tm) / n_sent);
  printf("  tagging + choice   %7.1f ns/token  %6.2f us/sentence\n", 1e9 * am / n_tok,
         1e6 * am / n_sent);

  /* per homograph: sentences of the homograph data, each one's homograph */
  if (shared) {
    snprintf(cp, sizeof cp, "%s/data/homographs/train.tsv", shared);
    FILE *f = fopen(cp, "r");
    if (f) {
      static char line[8192];
      static tagger_word w[512];
      static uint8_t tg[512];
      size_t rows = 0, ntok = 0;
      double best[RUNS];
      char **lines = calloc(20000, sizeof *lines);
      size_t *starts = calloc(20000, sizeof *starts), nl = 0;
      while (fgets(line, sizeof line, f) && nl < 20000) {
        char *col[6], *p = line;
        int k = 0;
        col[k++] = p;
        while (k < 6 && (p = strchr(p, '\t'))) *p++ = 0, col[k++] = p;
        if (k != 6 || !strcmp(col[0], "id")) continue;
        col[5][strcspn(col[5], "\n")] = 0;
        lines[nl] = strdup(col[5]);
        starts[nl++] = tu_cp_to_byte(col[5], strlen(col[5]), strtoul(col[3], NULL, 10));
      }
      fclose(f);
      /* tokenize and tag once; time the choice alone */
      tagger_word **lw = calloc(nl, sizeof *lw);
      uint8_t **lt = calloc(nl, sizeof *lt);
      size_t *ln = calloc(nl, sizeof *ln), *li = calloc(nl, sizeof *li);
      for (size_t l = 0; l < nl; l++) {
        size_t n = tu_tokenize(lines[l], strlen(lines[l]), w, 512), ti = n;
        for (size_t k = 0; k < n; k++)
          if ((size_t)(w[k].s - lines[l]) == starts[l]) ti = k;
        lw[l] = malloc(sizeof *w * (n ? n : 1));
        memcpy(lw[l], w, sizeof *w * n);
        lt[l] = malloc(n ? n : 1);
        tagger_tag(t, w, n, lt[l]);
        ln[l] = n;
        li[l] = ti;
        ntok += n;
      }
      for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        rows = 0;
        for (size_t l = 0; l < nl; l++) {
          homograph_choice ch;
          if (li[l] < ln[l])
            rows += (size_t)homograph_choose(h, lw[l], lt[l], ln[l], li[l], &ch);
        }
        best[r] = now() - t0;
      }
      double m = median(best, RUNS);
      printf(
          "homograph data: %zu sentences, %zu tokens: %.0f ns per homograph chosen "
          "(classifier features and scoring)\n",
          rows, ntok, 1e9 * m / (rows ? rows : 1));
      (void)tg;
    }
  }
  homograph_close(h);
  tagger_close(t);
  return 0;
}
