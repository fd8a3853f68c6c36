/* g2p-eval -- accuracy of the engine on a word<TAB>pronunciation file.
 *
 * Runs every distinct word of the test file through the same engine the
 * daemon uses (network only with --model-only, or dictionary then network)
 * and scores the answers the way the G2P literature does on the CMUdict
 * g014b2b split:
 *   - a word may appear on several lines: those are its variants, and a
 *     prediction is right if it equals any of them;
 *   - WER = words not right / words; PER = sum over words of the edit
 *     distance (Levenshtein over phonemes) to the closest variant (ties: the
 *     first listed) / sum of the lengths of those closest variants;
 *   - stressless: stress digits are stripped from both sides;
 *   - stressed: against the file's own pronunciations when they carry stress
 *     digits, otherwise against the --ref-lexicon's (stressed) variants for
 *     the words it has, with the coverage reported (and, as ref_stressless_*,
 *     the same words against those variants with stress stripped);
 *   - a word the engine cannot answer counts as wrong, with an empty
 *     prediction (distance = reference length).
 * Output is one `key: value` line per figure so scripts can parse it.
 * --errors FILE also writes every stressless miss as
 * `word<TAB>prediction<TAB>reference | reference...` for error analysis.
 * --predictions FILE writes every word's answer as `word<TAB>prediction`
 * (empty when unanswered), in the test file's order; with it, a line that
 * is a bare word (no tab) is read and predicted but not scored, so a plain
 * word list can be labelled by the engine (e.g. a rescored network reading
 * unlabelled words for the trainer's --unlabeled-labels).
 * Words are lower-cased (ASCII A-Z) when read, as the engine does. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "g2p/engine.h"
#include "g2p/lexicon.h"

/* --- phoneme symbols as small integers ----------------------------------- */

#define SYM_MAX 1024
static char sym_text[SYM_MAX][8];
static int sym_stressless[SYM_MAX];
static int n_syms;

static int intern(const char *s, size_t n) {
  char tmp[8];
  if (n >= sizeof tmp) n = sizeof tmp - 1; /* longer junk compares by prefix */
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  for (int i = 0; i < n_syms; i++)
    if (!strcmp(sym_text[i], tmp)) return i;
  if (n_syms == SYM_MAX) return SYM_MAX - 1;
  int id = n_syms++;
  memcpy(sym_text[id], tmp, n + 1);
  /* the stressless twin: digits removed */
  char base[8];
  size_t b = 0;
  for (size_t i = 0; i < n; i++)
    if (tmp[i] < '0' || tmp[i] > '9') base[b++] = tmp[i];
  base[b] = '\0';
  if (b == n) {
    sym_stressless[id] = id;
  } else {
    sym_stressless[id] = intern(base, b);
  }
  return id;
}

/* Splits space-separated phonemes into ids; returns the count (<= cap). */
static int tokenize(const char *s, size_t n, int *out, int cap, int *has_digit) {
  int k = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= n) break;
    size_t st = i;
    while (i < n && s[i] != ' ' && s[i] != '\t') {
      if (has_digit && s[i] >= '0' && s[i] <= '9') *has_digit = 1;
      i++;
    }
    if (k < cap) out[k++] = intern(s + st, i - st);
  }
  return k;
}

#define PH_MAX 128

static int levenshtein(const int *a, int na, const int *b, int nb) {
  int prev[PH_MAX + 1], cur[PH_MAX + 1];
  for (int j = 0; j <= nb; j++) prev[j] = j;
  for (int i = 1; i <= na; i++) {
    cur[0] = i;
    for (int j = 1; j <= nb; j++) {
      int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      int del = prev[j] + 1, ins = cur[j - 1] + 1;
      int m = sub < del ? sub : del;
      cur[j] = m < ins ? m : ins;
    }
    memcpy(prev, cur, sizeof(int) * (size_t)(nb + 1));
  }
  return prev[nb];
}

/* --- the test set -------------------------------------------------------- */

struct pron {
  int n;
  int ph[PH_MAX];
};

struct word {
  char *text;
  size_t len;
  int n_var, cap_var;
  struct pron *var;
};

static struct word *words;
static size_t n_words, cap_words;
static size_t *table; /* open addressing: index+1 into words, 0 = empty */
static size_t table_cap;

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

static int grow_table(void) {
  size_t ncap = table_cap ? table_cap * 2 : 1024;
  size_t *nt = calloc(ncap, sizeof *nt);
  if (!nt) return -1;
  for (size_t i = 0; i < n_words; i++) {
    size_t h = (size_t)hash_bytes(words[i].text, words[i].len) & (ncap - 1);
    while (nt[h]) h = (h + 1) & (ncap - 1);
    nt[h] = i + 1;
  }
  free(table);
  table = nt;
  table_cap = ncap;
  return 0;
}

static struct word *find_or_add(const char *w, size_t n) {
  if ((n_words + 1) * 2 > table_cap && grow_table() != 0) return NULL;
  size_t h = (size_t)hash_bytes(w, n) & (table_cap - 1);
  while (table[h]) {
    struct word *x = &words[table[h] - 1];
    if (x->len == n && !memcmp(x->text, w, n)) return x;
    h = (h + 1) & (table_cap - 1);
  }
  if (n_words == cap_words) {
    size_t nc = cap_words ? cap_words * 2 : 1024;
    struct word *nw = realloc(words, nc * sizeof *nw);
    if (!nw) return NULL;
    words = nw;
    cap_words = nc;
  }
  struct word *x = &words[n_words];
  memset(x, 0, sizeof *x);
  x->text = malloc(n);
  if (!x->text) return NULL;
  memcpy(x->text, w, n);
  x->len = n;
  table[h] = ++n_words;
  return x;
}

static int add_variant(struct word *w, const int *ph, int n) {
  if (w->n_var == w->cap_var) {
    int nc = w->cap_var ? w->cap_var * 2 : 2;
    struct pron *nv = realloc(w->var, (size_t)nc * sizeof *nv);
    if (!nv) return -1;
    w->var = nv;
    w->cap_var = nc;
  }
  w->var[w->n_var].n = n;
  memcpy(w->var[w->n_var].ph, ph, sizeof(int) * (size_t)n);
  w->n_var++;
  return 0;
}

/* Scores pred against refs; stressless maps both sides. Returns 1 if right;
 * adds distance and reference length of the closest variant. */
static int score(const int *pred, int np, const struct pron *refs, int nref,
                 int stressless, long *dist, long *ref_len) {
  int p[PH_MAX], r[PH_MAX];
  for (int i = 0; i < np; i++) p[i] = stressless ? sym_stressless[pred[i]] : pred[i];
  int best = -1, best_len = 0;
  for (int v = 0; v < nref; v++) {
    for (int i = 0; i < refs[v].n; i++)
      r[i] = stressless ? sym_stressless[refs[v].ph[i]] : refs[v].ph[i];
    int d = levenshtein(p, np, r, refs[v].n);
    if (best < 0 || d < best) {
      best = d;
      best_len = refs[v].n;
    }
  }
  *dist += best;
  *ref_len += best_len;
  return best == 0;
}

static void write_phones(FILE *f, const int *ph, int n) {
  for (int i = 0; i < n; i++) fprintf(f, "%s%s", i ? " " : "", sym_text[ph[i]]);
}

static void write_error(FILE *f, const struct word *w, const int *pred, int np) {
  fprintf(f, "%.*s\t", (int)w->len, w->text);
  write_phones(f, pred, np);
  fputc('\t', f);
  for (int v = 0; v < w->n_var; v++) {
    if (v) fputs(" | ", f);
    write_phones(f, w->var[v].ph, w->var[v].n);
  }
  fputc('\n', f);
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: g2p-eval [--model FILE] [--lexicon FILE] [--model-only] [--beam N]\n"
          "                [--rescore-model FILE [--rescore-weight W] [--rescore-beam N]\n"
          "                 [--rescore-gate LP]]\n"
          "                [--ref-lexicon FILE] [--errors FILE] [--predictions FILE] TESTFILE\n"
          "Scores the engine on a word<TAB>pronunciation file (WER and PER,\n"
          "stressless and stressed). Prints `key: value` lines. With\n"
          "--predictions, bare-word lines are answered but not scored.\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double pct(long a, long b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

int main(int argc, char **argv) {
  const char *model = NULL, *lex = NULL, *ref = NULL, *test = NULL, *errors = NULL;
  const char *rescore = NULL, *predictions = NULL;
  double rescore_weight = 0.0, rescore_gate = 0.0;
  int model_only = 0, beam = 1, rescore_beam = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--model") && i + 1 < argc)
      model = argv[++i];
    else if (!strcmp(a, "--lexicon") && i + 1 < argc)
      lex = argv[++i];
    else if (!strcmp(a, "--ref-lexicon") && i + 1 < argc)
      ref = argv[++i];
    else if (!strcmp(a, "--errors") && i + 1 < argc)
      errors = argv[++i];
    else if (!strcmp(a, "--predictions") && i + 1 < argc)
      predictions = argv[++i];
    else if (!strcmp(a, "--rescore-model") && i + 1 < argc)
      rescore = argv[++i];
    else if (!strcmp(a, "--rescore-weight") && i + 1 < argc) {
      char *end;
      rescore_weight = strtod(argv[++i], &end);
      if (*end || !(rescore_weight > 0.0)) {
        fprintf(stderr, "g2p-eval: --rescore-weight must be a number > 0\n");
        return 2;
      }
    } else if (!strcmp(a, "--rescore-gate") && i + 1 < argc) {
      char *end;
      rescore_gate = strtod(argv[++i], &end);
      if (*end || !(rescore_gate <= 0.0 && rescore_gate > -1e6)) {
        fprintf(stderr, "g2p-eval: --rescore-gate must be a log-probability in (-1e6, 0]\n");
        return 2;
      }
    } else if (!strcmp(a, "--rescore-beam") && i + 1 < argc) {
      char *end;
      long b = strtol(argv[++i], &end, 10);
      if (*end || b < 2 || b > 16) {
        fprintf(stderr, "g2p-eval: --rescore-beam must be 2..16\n");
        return 2;
      }
      rescore_beam = (int)b;
    }
    else if (!strcmp(a, "--beam") && i + 1 < argc) {
      char *end;
      long b = strtol(argv[++i], &end, 10);
      if (*end || b < 1 || b > 16) {
        fprintf(stderr, "g2p-eval: --beam must be 1..16\n");
        return 2;
      }
      beam = (int)b;
    } else if (!strcmp(a, "--model-only"))
      model_only = 1;
    else if (!strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (a[0] == '-' || test) {
      usage(stderr);
      return 2;
    } else
      test = a;
  }
  if (!test) {
    usage(stderr);
    return 2;
  }
  if (!model && !lex) {
    fprintf(stderr, "g2p-eval: need --model and/or --lexicon\n");
    return 2;
  }

  FILE *f = fopen(test, "r");
  if (!f) {
    fprintf(stderr, "g2p-eval: %s: %s\n", test, strerror(errno));
    return 1;
  }
  char line[4096];
  long lines = 0, skipped = 0;
  int file_stressed = 0;
  while (fgets(line, sizeof line, f)) {
    size_t n = strcspn(line, "\r\n");
    line[n] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab && predictions && n && !strchr(line, ' ')) {
      /* a bare word: answered, not scored */
      for (size_t i = 0; i < n; i++)
        if (line[i] >= 'A' && line[i] <= 'Z') line[i] = (char)(line[i] - 'A' + 'a');
      if (!find_or_add(line, n)) {
        fprintf(stderr, "g2p-eval: out of memory\n");
        return 1;
      }
      lines++;
      continue;
    }
    if (!tab || tab == line) {
      if (n) skipped++;
      continue;
    }
    size_t wl = (size_t)(tab - line);
    for (size_t i = 0; i < wl; i++)
      if (line[i] >= 'A' && line[i] <= 'Z') line[i] = (char)(line[i] - 'A' + 'a');
    int ph[PH_MAX];
    int np = tokenize(tab + 1, strlen(tab + 1), ph, PH_MAX, &file_stressed);
    if (np == 0) {
      skipped++;
      continue;
    }
    struct word *w = find_or_add(line, wl);
    if (!w || add_variant(w, ph, np) != 0) {
      fprintf(stderr, "g2p-eval: out of memory\n");
      return 1;
    }
    lines++;
  }
  fclose(f);
  if (n_words == 0) {
    fprintf(stderr, "g2p-eval: %s: no word<TAB>pronunciation lines\n", test);
    return 1;
  }
  size_t n_scored = 0; /* words with at least one reference */
  for (size_t i = 0; i < n_words; i++) n_scored += words[i].n_var > 0;

  g2p_engine_config cfg = {.lexicon_path = lex, .model_path = model, .beam_width = beam,
                           .rescore_model_path = rescore, .rescore_weight = rescore_weight,
                           .rescore_beam = rescore_beam, .rescore_gate = rescore_gate};
  g2p_engine *eng;
  g2p_scratch *scr;
  char err[512];
  int rc = g2p_engine_open(&eng, &cfg, err, sizeof err);
  if (rc != G2P_OK) {
    fprintf(stderr, "g2p-eval: %s\n", err);
    return 1;
  }
  if (g2p_scratch_create(&scr, eng) != G2P_OK) {
    fprintf(stderr, "g2p-eval: out of memory\n");
    return 1;
  }
  lexicon *rlx = NULL;
  if (ref && !file_stressed && lexicon_open(&rlx, ref, err, sizeof err) != LEX_OK) {
    fprintf(stderr, "g2p-eval: --ref-lexicon: %s\n", err);
    return 1;
  }

  /* Predict everything first (timed), then score. */
  struct pron *pred = calloc(n_words, sizeof *pred);
  char *ok = calloc(n_words, 1);
  if (!pred || !ok) {
    fprintf(stderr, "g2p-eval: out of memory\n");
    return 1;
  }
  unsigned flags = model_only ? G2P_FLAG_MODEL_ONLY : 0;
  long src_dict = 0, src_model = 0, failed = 0, too_long = 0;
  double t_engine = 0;
  for (size_t i = 0; i < n_words; i++) {
    g2p_word_result r;
    double t0 = now();
    int e = g2p_engine_lookup(eng, scr, words[i].text, words[i].len, flags, beam, &r);
    t_engine += now() - t0;
    if (e != G2P_OK) {
      failed++;
      if (e == G2P_ETOOLONG) too_long++;
      continue;
    }
    ok[i] = 1;
    if (r.source == G2P_SOURCE_DICT) src_dict++;
    if (r.source == G2P_SOURCE_MODEL) src_model++;
    pred[i].n = tokenize(r.phones, r.phones_len, pred[i].ph, PH_MAX, NULL);
  }

  if (predictions) {
    FILE *pf = fopen(predictions, "w");
    if (!pf) {
      fprintf(stderr, "g2p-eval: %s: %s\n", predictions, strerror(errno));
      return 1;
    }
    for (size_t i = 0; i < n_words; i++) {
      fprintf(pf, "%.*s\t", (int)words[i].len, words[i].text);
      if (ok[i]) write_phones(pf, pred[i].ph, pred[i].n);
      fputc('\n', pf);
    }
    if (fclose(pf) != 0) {
      fprintf(stderr, "g2p-eval: %s: write error\n", predictions);
      return 1;
    }
  }

  FILE *ef = NULL;
  if (errors && !(ef = fopen(errors, "w"))) {
    fprintf(stderr, "g2p-eval: %s: %s\n", errors, strerror(errno));
    return 1;
  }
  long sl_wrong = 0, sl_dist = 0, sl_len = 0;
  long st_words = 0, st_wrong = 0, st_dist = 0, st_len = 0;
  long rl_wrong = 0, rl_dist = 0, rl_len = 0; /* stressless, ref-lexicon refs */
  for (size_t i = 0; i < n_words; i++) {
    struct word *w = &words[i];
    int np = ok[i] ? pred[i].n : 0;
    if (w->n_var == 0) continue; /* answered only (--predictions) */
    if (!score(pred[i].ph, np, w->var, w->n_var, 1, &sl_dist, &sl_len)) {
      sl_wrong++;
      if (ef) write_error(ef, w, pred[i].ph, np);
    }
    if (file_stressed) {
      st_words++;
      if (!score(pred[i].ph, np, w->var, w->n_var, 0, &st_dist, &st_len)) st_wrong++;
    } else if (rlx) {
      uint32_t first;
      unsigned nv = lexicon_lookup(rlx, w->text, w->len, &first);
      if (nv == 0) continue;
      struct pron refs[16];
      if (nv > 16) nv = 16;
      for (unsigned v = 0; v < nv; v++) {
        uint16_t tl;
        const char *t = lexicon_pron(rlx, first + v, &tl);
        refs[v].n = tokenize(t, tl, refs[v].ph, PH_MAX, NULL);
      }
      st_words++;
      if (!score(pred[i].ph, np, refs, (int)nv, 0, &st_dist, &st_len)) st_wrong++;
      if (!score(pred[i].ph, np, refs, (int)nv, 1, &rl_dist, &rl_len)) rl_wrong++;
    }
  }

  if (ef && fclose(ef) != 0) {
    fprintf(stderr, "g2p-eval: %s: write error\n", errors);
    return 1;
  }
  printf("test_file: %s\n", test);
  printf("lines: %ld\n", lines);
  printf("skipped_lines: %ld\n", skipped);
  printf("words: %zu\n", n_scored);
  if (n_scored < n_words) printf("unscored_words: %zu\n", n_words - n_scored);
  printf("mode: %s\n", model_only ? "model-only" : lex ? (model ? "dict+model" : "dict-only")
                                                      : "model-only");
  printf("beam: %d\n", beam);
  printf("answered_dict: %ld\n", src_dict);
  printf("answered_model: %ld\n", src_model);
  printf("unanswered: %ld\n", failed);
  if (too_long) printf("unanswered_too_long: %ld\n", too_long);
  if (n_scored) { /* nothing to score in a bare word list */
    printf("stressless_wer: %.2f\n", pct(sl_wrong, (long)n_scored));
    printf("stressless_per: %.2f\n", pct(sl_dist, sl_len));
    printf("stressed_reference: %s\n", file_stressed ? "test-file" : rlx ? "ref-lexicon" : "none");
    printf("stressed_words: %ld\n", st_words);
    printf("stressed_coverage: %.2f\n", pct(st_words, (long)n_scored));
    if (st_words) {
      printf("stressed_wer: %.2f\n", pct(st_wrong, st_words));
      printf("stressed_per: %.2f\n", pct(st_dist, st_len));
      if (!file_stressed) {
        /* the ref-lexicon's conventions with stress ignored: what a network
         * trained on that dictionary is judged by */
        printf("ref_stressless_wer: %.2f\n", pct(rl_wrong, st_words));
        printf("ref_stressless_per: %.2f\n", pct(rl_dist, rl_len));
      }
    }
  }
  printf("engine_seconds: %.3f\n", t_engine);
  printf("words_per_second: %.0f\n", t_engine > 0 ? (double)n_words / t_engine : 0.0);
  printf("us_per_word: %.2f\n", 1e6 * t_engine / (double)n_words);

  for (size_t i = 0; i < n_words; i++) {
    free(words[i].text);
    free(words[i].var);
  }
  free(words);
  free(table);
  free(pred);
  free(ok);
  lexicon_close(rlx);
  g2p_scratch_destroy(scr);
  g2p_engine_close(eng);
  return 0;
}
