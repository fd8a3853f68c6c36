/* tagger-accuracy -- the shipped tagger and homograph models still score
 * what their card says, through the C code.
 *
 * With ../shared present: UPOS and Penn accuracy of models/en-ewt-tagger.linm
 * on UD English EWT dev and test, and the homograph chooser's accuracy on
 * our dev split of the Wikipedia Homograph Data (the 15% of each word's
 * rows first by FNV-1a 64 of the row id, as tools/train-tagger does). Each
 * must stay above a floor a few points under the measured figure, so this
 * catches breakage (a feature computed differently from the trainer, a
 * damaged model), not noise. Without ../shared it skips (exit 77). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"
#include "text/tagger_format.h"

#define UPOS_TEST_FLOOR 92.0
#define XPOS_TEST_FLOOR 91.0
#define HOMOGRAPH_DEV_FLOOR 92.0

typedef struct counts {
  const tagger *t;
  long n, upos_ok, xpos_ok;
} counts;

static void score_sentence(void *arg, const tagger_word *w, const char *const *upos,
                           const char *const *xpos, size_t n) {
  counts *c = arg;
  uint8_t tags[1024];
  tagger_tag(c->t, w, n, tags);
  for (size_t i = 0; i < n; i++) {
    c->n++;
    c->upos_ok += strcmp(tagger_upos_name(tagger_upos(c->t, tags[i])), upos[i]) == 0;
    c->xpos_ok += strcmp(tagger_xpos(c->t, tags[i]), xpos[i]) == 0;
  }
}

/* ---- homograph dev split ---------------------------------------------- */
typedef struct row {
  char *id, *word, *wordid, *sentence;
  size_t start;
  uint64_t key;
} row;

typedef struct label {
  char *wordid, *phones;
} label;

static int split_tabs(char *line, char **col, int max) {
  int k = 0;
  char *p = line;
  col[k++] = p;
  while (k < max && (p = strchr(p, '\t'))) {
    *p++ = 0;
    col[k++] = p;
  }
  return k;
}

static size_t read_labels(const char *path, label *out, size_t max) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[4096];
  size_t n = 0;
  int first = 1;
  while (fgets(line, sizeof line, f) && n < max) {
    line[strcspn(line, "\n")] = 0;
    if (first) {
      first = 0;
      continue;
    }
    char *col[8];
    if (split_tabs(line, col, 8) < 2) continue;
    out[n].wordid = strdup(col[0]);
    out[n].phones = strdup(col[1]);
    n++;
  }
  fclose(f);
  return n;
}

static int cmp_row(const void *a, const void *b) {
  const row *x = a, *y = b;
  int c = strcmp(x->word, y->word);
  if (c) return c;
  return x->key < y->key ? -1 : x->key > y->key;
}

static int reading_right(const char *phones, const char *wordid, const label *lab, size_t nlab,
                         const label *alt, size_t nalt) {
  for (size_t k = 0; k < nlab; k++)
    if (strcmp(lab[k].wordid, wordid) == 0 && strcmp(lab[k].phones, phones) == 0) return 1;
  for (size_t k = 0; k < nalt; k++)
    if (strcmp(alt[k].wordid, wordid) == 0 && strcmp(alt[k].phones, phones) == 0) return 1;
  return 0;
}

static int homograph_dev(const tagger *t, const homograph *h, double *acc) {
  char p1[4096], p2[4096], p3[4096];
  const char *train = tu_shared_path(p1, sizeof p1, "homographs/train.tsv");
  const char *arp = tu_shared_path(p2, sizeof p2, "homographs/wordid_arpabet.tsv");
  const char *alts = tu_shared_path(p3, sizeof p3, "homographs/wordid_alternates.tsv");
  if (!train || !arp || !alts) return -1;
  static label lab[1024], alt[1024];
  size_t nlab = read_labels(arp, lab, 1024), nalt = read_labels(alts, alt, 1024);
  FILE *f = fopen(train, "r");
  if (!f || nlab == 0) return -1;
  size_t cap = 20000, n = 0;
  row *rows = calloc(cap, sizeof *rows);
  char line[8192];
  int first = 1;
  while (fgets(line, sizeof line, f) && n < cap) {
    line[strcspn(line, "\n")] = 0;
    if (first) {
      first = 0;
      continue;
    }
    char *col[6];
    if (split_tabs(line, col, 6) != 6) continue;
    rows[n].id = strdup(col[0]);
    rows[n].word = strdup(col[1]);
    rows[n].wordid = strdup(col[2]);
    rows[n].start = (size_t)strtoul(col[3], NULL, 10);
    rows[n].sentence = strdup(col[5]);
    rows[n].key = linm_fnv(col[0], strlen(col[0]));
    n++;
  }
  fclose(f);
  qsort(rows, n, sizeof *rows, cmp_row);
  long total = 0, ok = 0;
  for (size_t a = 0; a < n;) {
    size_t b = a;
    while (b < n && strcmp(rows[b].word, rows[a].word) == 0) b++;
    size_t ndev = (size_t)rint(0.15 * (double)(b - a));
    for (size_t r = a; r < a + ndev; r++) {
      const row *x = &rows[r];
      tagger_word w[512];
      size_t len = strlen(x->sentence);
      size_t nw = tu_tokenize(x->sentence, len, w, 512);
      size_t at = tu_cp_to_byte(x->sentence, len, x->start), ti = nw;
      for (size_t k = 0; k < nw; k++)
        if ((size_t)(w[k].s - x->sentence) <= at &&
            at < (size_t)(w[k].s - x->sentence) + w[k].len)
          ti = k;
      if (ti == nw) continue; /* the trainer leaves such rows out too */
      uint8_t tags[512];
      tagger_tag(t, w, nw, tags);
      homograph_choice ch;
      total++;
      if (homograph_choose(h, w, tags, nw, ti, &ch) &&
          reading_right(ch.phones, x->wordid, lab, nlab, alt, nalt))
        ok++;
    }
    a = b;
  }
  for (size_t r = 0; r < n; r++) {
    free(rows[r].id);
    free(rows[r].word);
    free(rows[r].wordid);
    free(rows[r].sentence);
  }
  free(rows);
  printf("homograph dev split: %ld rows, %.2f%% read right (floor %.1f%%)\n", total,
         total ? 100.0 * ok / total : 0.0, HOMOGRAPH_DEV_FLOOR);
  *acc = total ? 100.0 * ok / total : 0.0;
  return 0;
}

int main(void) {
  char mp[4096], hp[4096], dp[4096], tp[4096], err[512];
  const char *dev = tu_shared_path(dp, sizeof dp, "ud-english-ewt/en_ewt-ud-dev.conllu");
  const char *test = tu_shared_path(tp, sizeof tp, "ud-english-ewt/en_ewt-ud-test.conllu");
  if (!dev || !test) {
    printf("SKIP: ../shared/data/ud-english-ewt not present\n");
    return 77;
  }
  tagger *t;
  if (tagger_open(&t, tu_src_path(mp, sizeof mp, "models/en-ewt-tagger.linm"), err,
                  sizeof err) != 0) {
    fprintf(stderr, "FAIL: %s\n", err);
    return 1;
  }
  int failed = 0;
  const char *names[2] = {"dev", "test"}, *paths[2] = {dev, test};
  for (int k = 0; k < 2; k++) {
    counts c = {t, 0, 0, 0};
    if (tu_read_conllu(paths[k], score_sentence, &c) <= 0 || c.n == 0) {
      fprintf(stderr, "FAIL: cannot read %s\n", paths[k]);
      return 1;
    }
    double u = 100.0 * c.upos_ok / c.n, x = 100.0 * c.xpos_ok / c.n;
    printf("EWT %s: %ld words, UPOS %.2f%%, Penn %.2f%%\n", names[k], c.n, u, x);
    if (k == 1 && (u < UPOS_TEST_FLOOR || x < XPOS_TEST_FLOOR)) {
      fprintf(stderr, "FAIL: EWT test below the floor (UPOS %.1f%%, Penn %.1f%%)\n",
              UPOS_TEST_FLOOR, XPOS_TEST_FLOOR);
      failed = 1;
    }
  }
  homograph *h;
  if (homograph_open(&h, tu_src_path(hp, sizeof hp, "models/en-homographs.linm"), t, err,
                     sizeof err) != 0) {
    fprintf(stderr, "FAIL: %s\n", err);
    return 1;
  }
  double acc;
  if (homograph_dev(t, h, &acc) == 0) {
    if (acc < HOMOGRAPH_DEV_FLOOR) {
      fprintf(stderr, "FAIL: homograph dev below the floor\n");
      failed = 1;
    }
  } else {
    printf("homograph data not present: dev split not scored\n");
  }
  homograph_close(h);
  tagger_close(t);
  return failed;
}
