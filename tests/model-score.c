/* model-score -- teacher-forced scores of given answers, and right-to-left
 * networks (G2PM_FLAG_REVERSED), on the shipped H=256 models (fp32 and
 * int8).
 *
 *  - g2p_model_score of a beam's own n-best texts gives back their beam
 *    log-probabilities, bit for bit (the same steps, batched alike);
 *  - a model file with the REVERSED flag (the same weights) emits the
 *    reverse of what the plain file emits, renders it left to right, and
 *    scores an answer as the plain file scores the answer turned around;
 *  - g2p_model_nbest_after reuses the encoding a greedy read of the same
 *    word left in the scratch (or the batch decoder's, handed over by
 *    g2p_model_batch_export), and only then, with g2p_model_nbest's
 *    answers bit for bit;
 *  - bad candidates (an unknown symbol, </s>, too many phonemes,
 *    no candidates) are G2P_EINVAL, and nothing else changes;
 *  - the engine's rescoring (g2p_engine_config.rescore_model_path): by the
 *    network itself it changes no answer; by the right-to-left twin each
 *    answer is the best combined hypothesis, found again here from the
 *    model calls, and nbest alternatives follow that order; bad rescoring
 *    settings fail the open with a reason;
 *  - a gated rescorer (rescore_gate < 0) keeps the greedy answer of every
 *    word whose greedy log-probability reaches the gate and gives the
 *    rescored answer of every other, one word at a time, batched, and as
 *    an nbest lookup of one.
 * Skips (77) when the shipped models are absent. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/decode_batch.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_format.h"
#include "tests/tiny-model.h"

#define N_WORDS 120

static const char *files[2] = {"cmudict-bigru-h256.g2pm", "en-us-h256-int8.g2pm"};
static char paths[2][4096];
static char words[N_WORDS][16];

static void made_up(char *w, unsigned seed) {
  unsigned x = seed * 2654435761u + 7u;
  int n = 3 + (int)(x % 9);
  for (int k = 0; k < n; k++) {
    x = x * 1103515245u + 12345u;
    w[k] = (char)('a' + (x >> 16) % 26);
  }
  w[n] = '\0';
}

static void *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *p = malloc((size_t)n);
  ck_assert_ptr_nonnull(p);
  ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return p;
}

/* Sets G2PM_FLAG_REVERSED (version 2) in a model image's header. */
static void set_reversed(uint8_t *img) {
  g2pm_header h;
  g2pm_header_decode(&h, img);
  h.flags |= G2PM_FLAG_REVERSED;
  h.version = 2;
  g2pm_header_encode(img, &h);
}

/* The file's image with G2PM_FLAG_REVERSED set, opened. */
static g2p_model *open_reversed(const char *path) {
  size_t len;
  uint8_t *img = read_file(path, &len);
  set_reversed(img);
  g2p_model *m = NULL;
  char err[256];
  ck_assert_msg(g2p_model_open_mem(&m, img, len, NULL, err, sizeof err) == 0, "%s", err);
  free(img);
  return m;
}

static g2p_model *open_plain(const char *path) {
  g2p_model *m = NULL;
  char err[256];
  ck_assert_msg(g2p_model_open(&m, path, err, sizeof err) == 0, "%s", err);
  return m;
}

static void *scratch_for(const g2p_model *m) {
  void *s = NULL;
  ck_assert_int_eq(posix_memalign(&s, 64, g2p_model_scratch_bytes(m)), 0);
  return s;
}

/* Symbols of text (n bytes) in reverse order, into out; returns length. */
static int turn(const char *text, int n, char *out) {
  int o = 0, end = n;
  while (end > 0) {
    int start = end;
    while (start > 0 && text[start - 1] != ' ') start--;
    if (o) out[o++] = ' ';
    memcpy(out + o, text + start, (size_t)(end - start));
    o += end - start;
    end = start - 1;
  }
  return o;
}

START_TEST(scores_match_the_beam) {
  g2p_model *m = open_plain(paths[_i]);
  void *s = scratch_for(m);
  static char alt[16 * 512];
  int lens[16], checked = 0;
  double lps[16], got[16];
  for (int w = 0; w < N_WORDS; w++) {
    size_t len = strlen(words[w]);
    int nf = g2p_model_nbest(m, s, words[w], len, 4, 4, alt, sizeof alt, lens, lps);
    ck_assert_int_ge(nf, 1);
    ck_assert_int_eq(g2p_model_score(m, s, words[w], len, alt, lens, nf, got), 0);
    for (int i = 0; i < nf; i++)
      ck_assert_msg(got[i] == lps[i], "%s: hypothesis %d scored %.17g, the beam said %.17g",
                    words[w], i, got[i], lps[i]);
    checked += nf;
  }
  fprintf(stderr, "%s: %d hypotheses of %d words scored as the beam scored them\n",
          files[_i], checked, N_WORDS);
  free(s);
  g2p_model_close(m);
}
END_TEST

START_TEST(reversed_flag) {
  g2p_model *m = open_plain(paths[_i]), *r = open_reversed(paths[_i]);
  void *s = scratch_for(m);
  char a[512], b[512], t[512];
  for (int w = 0; w < N_WORDS; w++) {
    size_t len = strlen(words[w]);
    int na = g2p_model_predict(m, s, words[w], len, 1, a, sizeof a);
    int nb = g2p_model_predict(r, s, words[w], len, 1, b, sizeof b);
    ck_assert_int_gt(na, 0);
    ck_assert_int_eq(nb, na);
    int nt = turn(a, na, t);
    ck_assert_msg(nt == nb && memcmp(t, b, (size_t)nb) == 0,
                  "%s: reversed file says %.*s, plain %.*s", words[w], nb, b, na, a);
    /* the reversed file reads an answer last first: it scores the plain
     * answer as the plain file scores it turned around */
    double lr, lp;
    int ln = na;
    ck_assert_int_eq(g2p_model_score(r, s, words[w], len, a, &ln, 1, &lr), 0);
    ln = nt;
    ck_assert_int_eq(g2p_model_score(m, s, words[w], len, t, &ln, 1, &lp), 0);
    ck_assert(lr == lp);
  }
  free(s);
  g2p_model_close(r);
  g2p_model_close(m);
}
END_TEST

/* Every architecture (tiny random networks, arch 3 with input feeding
 * among them): scores equal the beam's, and the REVERSED flag turns the
 * answers around. */
START_TEST(tiny_architectures) {
  uint32_t rng = 777u + (uint32_t)_i;
  size_t len;
  uint8_t *img = tiny_model_image((uint32_t)_i + 1, &rng, &len);
  g2p_model *m = NULL, *r = NULL;
  char err[256];
  ck_assert_msg(g2p_model_open_mem(&m, img, len, NULL, err, sizeof err) == 0, "%s", err);
  set_reversed(img);
  ck_assert_msg(g2p_model_open_mem(&r, img, len, NULL, err, sizeof err) == 0, "%s", err);
  free(img);
  void *s = scratch_for(m);
  static char alt[16 * 512];
  char a[512], b[512], t[512];
  int lens[16], checked = 0;
  double lps[16], got[16];
  for (int w = 0; w < 40; w++) {
    size_t wl = strlen(words[w]);
    int nf = g2p_model_nbest(m, s, words[w], wl, 6, 6, alt, sizeof alt, lens, lps);
    ck_assert_int_ge(nf, 1);
    ck_assert_int_eq(g2p_model_score(m, s, words[w], wl, alt, lens, nf, got), 0);
    for (int i = 0; i < nf; i++) ck_assert(got[i] == lps[i]);
    checked += nf;
    int na = g2p_model_predict(m, s, words[w], wl, 1, a, sizeof a);
    int nb = g2p_model_predict(r, s, words[w], wl, 1, b, sizeof b);
    ck_assert_int_ge(na, 0);
    ck_assert_int_eq(na, nb);
    ck_assert(turn(a, na, t) == nb && memcmp(t, b, (size_t)nb) == 0);
  }
  fprintf(stderr, "arch %d (tiny): %d hypotheses scored as the beam scored them\n", _i + 1,
          checked);
  free(s);
  g2p_model_close(r);
  g2p_model_close(m);
}
END_TEST

/* g2p_model_nbest_after: after a greedy or n-best read of the same word by
 * the same model the scratch holds its encoding and the n-best reuses it;
 * after another word, or another model's use of the scratch, it encodes
 * again; either way its answers are g2p_model_nbest's on a fresh scratch,
 * bit for bit. _i 0-2: tiny networks of arch 1-3; 3-4: the shipped files. */
static void same_nbest(const char *what, int nf, const int *lens, const double *lps,
                       const char *alt, int rf, const int *rlens, const double *rlps,
                       const char *ralt) {
  ck_assert_msg(nf == rf, "%s: %d hypotheses, %d fresh", what, nf, rf);
  size_t off = 0;
  for (int i = 0; i < nf; off += (size_t)lens[i], i++) {
    ck_assert_int_eq(lens[i], rlens[i]);
    ck_assert_msg(lps[i] == rlps[i], "%s: hypothesis %d scored %.17g, fresh %.17g", what, i,
                  lps[i], rlps[i]);
  }
  ck_assert(memcmp(alt, ralt, off) == 0);
}

START_TEST(nbest_after_greedy) {
  g2p_model *m = NULL, *r = NULL;
  if (_i < 3) {
    uint32_t rng = 4242u + (uint32_t)_i;
    size_t len;
    uint8_t *img = tiny_model_image((uint32_t)_i + 1, &rng, &len);
    char err[256];
    ck_assert_msg(g2p_model_open_mem(&m, img, len, NULL, err, sizeof err) == 0, "%s", err);
    set_reversed(img);
    ck_assert_msg(g2p_model_open_mem(&r, img, len, NULL, err, sizeof err) == 0, "%s", err);
    free(img);
  } else {
    m = open_plain(paths[_i - 3]);
    r = open_reversed(paths[_i - 3]);
  }
  size_t sb = g2p_model_scratch_bytes(m) > g2p_model_scratch_bytes(r)
                  ? g2p_model_scratch_bytes(m) : g2p_model_scratch_bytes(r);
  void *s = NULL, *fresh = scratch_for(m);
  ck_assert_int_eq(posix_memalign(&s, 64, sb), 0);
  static char alt[16 * 512], ralt[16 * 512];
  char out[512];
  int lens[16], rlens[16], reused = 0;
  double lps[16], rlps[16], lp;
  for (int w = 0; w < 40; w++) {
    const char *wd = words[w], *other = words[w + 40];
    size_t wl = strlen(wd), ol = strlen(other);
    int rf = g2p_model_nbest(m, fresh, wd, wl, 4, 4, ralt, sizeof ralt, rlens, rlps);
    ck_assert_int_ge(rf, 1);
    /* after its greedy read: reused */
    ck_assert_int_ge(g2p_model_predict_scored(m, s, wd, wl, 1, out, sizeof out, &lp), 0);
    ck_assert(g2p_model_holds_encoding(m, s, wd, wl));
    ck_assert(!g2p_model_holds_encoding(m, s, other, ol) || strcmp(wd, other) == 0);
    ck_assert(!g2p_model_holds_encoding(r, s, wd, wl));
    int nf = g2p_model_nbest_after(m, s, wd, wl, 4, 4, alt, sizeof alt, lens, lps);
    same_nbest("after greedy", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    reused++;
    /* after its own n-best: reused again */
    ck_assert(g2p_model_holds_encoding(m, s, wd, wl));
    nf = g2p_model_nbest_after(m, s, wd, wl, 4, 4, alt, sizeof alt, lens, lps);
    same_nbest("after n-best", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    /* another model used the scratch: encoded again */
    ck_assert_int_ge(g2p_model_predict(r, s, wd, wl, 1, out, sizeof out), 0);
    ck_assert(!g2p_model_holds_encoding(m, s, wd, wl));
    nf = g2p_model_nbest_after(m, s, wd, wl, 4, 4, alt, sizeof alt, lens, lps);
    same_nbest("after another model", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    /* a scoring pass by another model, then another word's greedy read */
    ck_assert_int_eq(g2p_model_score(r, s, wd, wl, ralt, rlens, 1, lps), 0);
    ck_assert(!g2p_model_holds_encoding(m, s, wd, wl));
    ck_assert_int_ge(g2p_model_predict(m, s, other, ol, 1, out, sizeof out), 0);
    ck_assert(!g2p_model_holds_encoding(m, s, wd, wl) || strcmp(wd, other) == 0);
    nf = g2p_model_nbest_after(m, s, wd, wl, 4, 4, alt, sizeof alt, lens, lps);
    same_nbest("after another word", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    /* a call that fails after reading another word (a symbol the model
     * lacks) leaves no claim on the encoding behind */
    ck_assert_int_ge(g2p_model_predict(m, s, wd, wl, 1, out, sizeof out), 0);
    int badlen = 5;
    ck_assert_int_eq(g2p_model_score(m, s, other, ol, "QQ9 X", &badlen, 1, lps), G2P_EINVAL);
    ck_assert(!g2p_model_holds_encoding(m, s, other, ol) || strcmp(wd, other) == 0);
    rf = g2p_model_nbest(m, fresh, other, ol, 4, 4, ralt, sizeof ralt, rlens, rlps);
    nf = g2p_model_nbest_after(m, s, other, ol, 4, 4, alt, sizeof alt, lens, lps);
    same_nbest("after a failed call", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    ck_assert_int_eq(g2p_model_nbest_after(m, s, wd, 0, 4, 4, alt, sizeof alt, lens, lps),
                     G2P_EEMPTY);
  }
  ck_assert_int_eq(reused, 40);
  /* the batch decoder's encodings, handed over word by word */
  void *bs = NULL;
  ck_assert_int_eq(posix_memalign(&bs, 64, g2p_model_batch_scratch_bytes(m)), 0);
  for (int first = 0; first < 40; first += 10) {
    const char *bw[10];
    size_t bl[10];
    int blen[10];
    for (int j = 0; j < 10; j++) {
      bw[j] = words[first + j];
      bl[j] = strlen(bw[j]);
    }
    ck_assert_int_eq(g2p_model_predict_batch(m, bs, bw, bl, 10, alt, 512, blen), 0);
    for (int j = 0; j < 10; j++) {
      int rf = g2p_model_nbest(m, fresh, bw[j], bl[j], 4, 4, ralt, sizeof ralt, rlens, rlps);
      /* another word read in between: the handover restores this one's */
      const char *ow = words[40 + first + j];
      ck_assert_int_ge(g2p_model_predict(m, s, ow, strlen(ow), 1, out, sizeof out), 0);
      ck_assert_int_eq(g2p_model_batch_export(m, bs, j, bw[j], bl[j], s), 0);
      ck_assert(g2p_model_holds_encoding(m, s, bw[j], bl[j]));
      int nf = g2p_model_nbest_after(m, s, bw[j], bl[j], 4, 4, alt, sizeof alt, lens, lps);
      same_nbest("from the batch", nf, lens, lps, alt, rf, rlens, rlps, ralt);
    }
    /* a word the batch did not hold, or not at that index: refused */
    ck_assert_int_eq(g2p_model_batch_export(m, bs, 10, bw[0], bl[0], s), G2P_EINVAL);
    if (strcmp(bw[0], bw[1]) != 0)
      ck_assert_int_eq(g2p_model_batch_export(m, bs, 1, bw[0], bl[0], s), G2P_EINVAL);
  }
  /* a batch whose every word was refused leaves nothing to hand over */
  const char *empty[1] = {""};
  size_t zero[1] = {0};
  int elen[1];
  ck_assert_int_eq(g2p_model_predict_batch(m, bs, empty, zero, 1, alt, 512, elen), 0);
  ck_assert_int_eq(g2p_model_batch_export(m, bs, 0, words[0], strlen(words[0]), s), G2P_EINVAL);
  free(bs);
  free(s);
  free(fresh);
  g2p_model_close(r);
  g2p_model_close(m);
}
END_TEST

START_TEST(bad_candidates) {
  g2p_model *m = open_plain(paths[_i]);
  void *s = scratch_for(m);
  double lp[2] = {1.0, 1.0};
  const char *bad[] = {"K AE1 XX9", "K AE1 </s> T", "K  AE1 T Q"};
  for (int i = 0; i < 3; i++) {
    int n = (int)strlen(bad[i]);
    ck_assert_int_eq(g2p_model_score(m, s, "cat", 3, bad[i], &n, 1, lp), G2P_EINVAL);
  }
  static char longer[8192];
  int n = 0;
  for (int i = 0; i < g2p_model_max_len(m) + 1; i++)
    n += snprintf(longer + n, sizeof longer - (size_t)n, "%sAH0", i ? " " : "");
  ck_assert_int_eq(g2p_model_score(m, s, "cat", 3, longer, &n, 1, lp), G2P_EINVAL);
  n = 7;
  ck_assert_int_eq(g2p_model_score(m, s, "cat", 3, "K AE1 T", &n, 0, lp), G2P_EINVAL);
  ck_assert_int_eq(g2p_model_score(m, s, "cat", 3, "K AE1 T", &n, 17, lp), G2P_EINVAL);
  /* and a good one still scores: a likely answer beats an unlikely one */
  int ns[2] = {7, 7};
  ck_assert_int_eq(g2p_model_score(m, s, "cat", 3, "K AE1 TZ IY1 Z", ns, 2, lp), 0);
  ck_assert(lp[0] > lp[1]);
  free(s);
  g2p_model_close(m);
}
END_TEST

/* Writes the reversed image of path to a temporary file (name into out). */
static void write_reversed(const char *path, char *out, size_t cap) {
  size_t len;
  uint8_t *img = read_file(path, &len);
  set_reversed(img);
  snprintf(out, cap, "%s/model-score-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  int fd = mkstemp(out);
  ck_assert_int_ge(fd, 0);
  ck_assert(write(fd, img, len) == (ssize_t)len);
  close(fd);
  free(img);
}

static g2p_engine *engine_with(const char *model, const char *rescorer, double w) {
  g2p_engine_config cfg = {.model_path = model, .beam_width = 1,
                           .rescore_model_path = rescorer, .rescore_weight = w};
  g2p_engine *e = NULL;
  char err[512];
  ck_assert_msg(g2p_engine_open(&e, &cfg, err, sizeof err) == 0, "%s", err);
  return e;
}

/* Rescored by itself a network changes no ranking: the answers are the
 * plain engine's at beam 4. Rescored by its right-to-left twin, an answer
 * is the hypothesis of the 4-best with the highest lp + w * lp_reversed,
 * and an nbest lookup's alternatives come in that order, the first the
 * plain lookup's answer. */
START_TEST(engine_rescoring) {
  char rev[4096];
  write_reversed(paths[_i], rev, sizeof rev);
  g2p_engine *plain = engine_with(paths[_i], NULL, 0.0);
  g2p_engine *self = engine_with(paths[_i], paths[_i], 0.7);
  g2p_engine *twin = engine_with(paths[_i], rev, 0.5);
  g2p_scratch *sp, *ss, *st;
  ck_assert_int_eq(g2p_scratch_create(&sp, plain), 0);
  ck_assert_int_eq(g2p_scratch_create(&ss, self), 0);
  ck_assert_int_eq(g2p_scratch_create(&st, twin), 0);
  g2p_model *m = open_plain(paths[_i]), *r = open_reversed(paths[_i]);
  void *mem = scratch_for(m);
  static char alt[16 * 512];
  int lens[16], moved = 0, same = 0;
  double lps[16], rl[16];
  for (int w = 0; w < N_WORDS; w++) {
    size_t len = strlen(words[w]);
    g2p_word_result a, b, c, n;
    int nf = g2p_model_nbest(m, mem, words[w], len, 4, 4, alt, sizeof alt, lens, lps);
    ck_assert_int_ge(nf, 1);
    ck_assert_int_eq(g2p_engine_lookup(self, ss, words[w], len, 0, 1, &b), 0);
    if (lens[0] > 0) { /* (an empty best: the plain beam says greedy's answer) */
      ck_assert_int_eq(g2p_engine_lookup(plain, sp, words[w], len, 0, 4, &a), 0);
      ck_assert_msg(a.phones_len == b.phones_len &&
                        memcmp(a.phones, b.phones, a.phones_len) == 0,
                    "%s: rescored by itself %.*s, beam 4 %.*s", words[w], b.phones_len,
                    b.phones, a.phones_len, a.phones);
      ck_assert(a.confidence == b.confidence);
      same++;
    }
    /* the twin: recompute the choice from the model calls */
    ck_assert_int_eq(g2p_model_score(r, mem, words[w], len, alt, lens, nf, rl), 0);
    int best = -1;
    size_t off = 0, at = 0;
    for (int i = 0; i < nf; off += (size_t)lens[i], i++)
      if (lens[i] > 0 && (best < 0 || lps[i] + 0.5 * rl[i] > lps[best] + 0.5 * rl[best])) {
        best = i;
        at = off;
      }
    ck_assert_int_ge(best, 0);
    ck_assert_int_eq(g2p_engine_lookup(twin, st, words[w], len, 0, 1, &c), 0);
    ck_assert_msg(c.phones_len == lens[best] && memcmp(c.phones, alt + at, c.phones_len) == 0,
                  "%s: the rescored answer is not the best combined hypothesis", words[w]);
    ck_assert(c.confidence == exp(lps[best]));
    moved += best != 0;
    ck_assert_int_eq(g2p_engine_lookup_nbest(twin, st, words[w], len, 0, 4, 3, &n), 0);
    ck_assert_int_ge(n.n_alternatives, 1);
    ck_assert(n.alternative_len[0] == lens[best] &&
              memcmp(n.alternative[0], alt + at, lens[best]) == 0);
    ck_assert(n.phones == n.alternative[0]);
    ck_assert(n.alternative_logprob[0] == lps[best]);
  }
  fprintf(stderr, "%s: rescored by itself, %d answers as the beam's; by its right-to-left "
                  "twin, %d of %d answers are not the beam's first\n", files[_i], same, moved,
          N_WORDS);
  ck_assert_int_gt(same, N_WORDS / 2);
  ck_assert_int_gt(moved, 0); /* the twin does rank differently */
  free(mem);
  g2p_model_close(r);
  g2p_model_close(m);
  g2p_scratch_destroy(sp);
  g2p_scratch_destroy(ss);
  g2p_scratch_destroy(st);
  g2p_engine_close(plain);
  g2p_engine_close(self);
  g2p_engine_close(twin);
  unlink(rev);
}
END_TEST

static g2p_engine *engine_gated(const char *model, const char *rescorer, double w,
                                double gate) {
  g2p_engine_config cfg = {.model_path = model, .beam_width = 1, .rescore_model_path = rescorer,
                           .rescore_weight = w, .rescore_gate = gate};
  g2p_engine *e = NULL;
  char err[512];
  ck_assert_msg(g2p_engine_open(&e, &cfg, err, sizeof err) == 0, "%s", err);
  return e;
}

static int same_answer(const g2p_word_result *a, const g2p_word_result *b) {
  return a->error == b->error && a->phones_len == b->phones_len &&
         memcmp(a->phones, b->phones, a->phones_len) == 0 && a->confidence == b->confidence;
}

/* The gate sits at the median greedy log-probability of the words, so that
 * about half of them take each side. */
START_TEST(engine_rescoring_gate) {
  char rev[4096];
  write_reversed(paths[_i], rev, sizeof rev);
  g2p_model *m = open_plain(paths[_i]);
  void *mem = scratch_for(m);
  static char out[512];
  double glp[N_WORDS], sorted[N_WORDS];
  for (int w = 0; w < N_WORDS; w++) {
    ck_assert_int_gt(g2p_model_predict_scored(m, mem, words[w], strlen(words[w]), 1, out,
                                              sizeof out, &glp[w]), 0);
    sorted[w] = glp[w];
  }
  for (int i = 1; i < N_WORDS; i++) /* insertion sort: few words */
    for (int j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
      double t = sorted[j];
      sorted[j] = sorted[j - 1];
      sorted[j - 1] = t;
    }
  double gate = sorted[N_WORDS / 2];
  g2p_engine *plain = engine_with(paths[_i], NULL, 0.0);
  g2p_engine *twin = engine_with(paths[_i], rev, 0.5);
  g2p_engine *gated = engine_gated(paths[_i], rev, 0.5, gate);
  g2p_scratch *sp, *st, *sg;
  ck_assert_int_eq(g2p_scratch_create(&sp, plain), 0);
  ck_assert_int_eq(g2p_scratch_create(&st, twin), 0);
  ck_assert_int_eq(g2p_scratch_create(&sg, gated), 0);
  g2p_engine_info gi;
  g2p_engine_get_info(gated, &gi);
  ck_assert(gi.rescore_gate == gate);
  static g2p_word_result want[N_WORDS];
  static char keep[N_WORDS][512];
  int kept = 0, rescored = 0, differ = 0;
  for (int w = 0; w < N_WORDS; w++) {
    size_t len = strlen(words[w]);
    g2p_word_result a, c, g, n;
    ck_assert_int_eq(g2p_engine_lookup(plain, sp, words[w], len, 0, 1, &a), 0);
    ck_assert_int_eq(g2p_engine_lookup(twin, st, words[w], len, 0, 1, &c), 0);
    ck_assert_int_eq(g2p_engine_lookup(gated, sg, words[w], len, 0, 1, &g), 0);
    const g2p_word_result *exp_r = glp[w] >= gate ? &a : &c;
    ck_assert_msg(same_answer(&g, exp_r), "%s: gated %.*s, greedy %.*s (lp %g), rescored %.*s",
                  words[w], g.phones_len, g.phones, a.phones_len, a.phones, glp[w],
                  c.phones_len, c.phones);
    kept += glp[w] >= gate;
    rescored += glp[w] < gate;
    differ += !same_answer(&a, &c);
    want[w] = g;
    memcpy(keep[w], g.phones, g.phones_len);
    want[w].phones = keep[w];
    ck_assert_int_eq(g2p_engine_lookup_nbest(gated, sg, words[w], len, 0, 1, 1, &n), 0);
    ck_assert_int_eq(n.n_alternatives, 1);
    ck_assert(same_answer(&n, &want[w]));
    ck_assert(n.alternative_len[0] == n.phones_len && n.alternative[0] == n.phones);
  }
  /* batched: the greedy words of a batch decode together, those past the
   * gate are rescored alone; the answers are the same */
  for (int w0 = 0; w0 < N_WORDS; w0 += G2P_BATCH_MAX) {
    int k = N_WORDS - w0 < G2P_BATCH_MAX ? N_WORDS - w0 : G2P_BATCH_MAX;
    const char *bw[G2P_BATCH_MAX];
    size_t bl[G2P_BATCH_MAX];
    g2p_word_result br[G2P_BATCH_MAX];
    for (int j = 0; j < k; j++) {
      bw[j] = words[w0 + j];
      bl[j] = strlen(words[w0 + j]);
    }
    ck_assert_int_eq(g2p_engine_lookup_batch(gated, sg, bw, bl, (size_t)k, 0, 1, br), 0);
    for (int j = 0; j < k; j++)
      ck_assert_msg(same_answer(&br[j], &want[w0 + j]), "%s: batched %.*s, alone %.*s",
                    bw[j], br[j].phones_len, br[j].phones, want[w0 + j].phones_len,
                    want[w0 + j].phones);
  }
  fprintf(stderr, "%s: gate %.3f: %d greedy answers kept, %d rescored (%d words where "
                  "greedy and rescored differ)\n", files[_i], gate, kept, rescored, differ);
  ck_assert_int_gt(kept, N_WORDS / 4);
  ck_assert_int_gt(rescored, N_WORDS / 4);
  ck_assert_int_gt(differ, 0); /* else the check could not tell the two apart */
  free(mem);
  g2p_model_close(m);
  g2p_scratch_destroy(sp);
  g2p_scratch_destroy(st);
  g2p_scratch_destroy(sg);
  g2p_engine_close(plain);
  g2p_engine_close(twin);
  g2p_engine_close(gated);
  unlink(rev);
}
END_TEST

START_TEST(engine_rescoring_config) {
  g2p_engine *e = NULL;
  char err[512];
  g2p_engine_config no_model = {.rescore_model_path = paths[0]};
  ck_assert_int_eq(g2p_engine_open(&e, &no_model, err, sizeof err), G2P_EINVAL);
  ck_assert_ptr_nonnull(strstr(err, "needs a model"));
  g2p_engine_config bad_w = {.model_path = paths[0], .rescore_model_path = paths[0],
                             .rescore_weight = -1.0};
  ck_assert_int_eq(g2p_engine_open(&e, &bad_w, err, sizeof err), G2P_EINVAL);
  g2p_engine_config bad_b = {.model_path = paths[0], .rescore_model_path = paths[0],
                             .rescore_beam = 17};
  ck_assert_int_eq(g2p_engine_open(&e, &bad_b, err, sizeof err), G2P_EINVAL);
  g2p_engine_config bad_g = {.model_path = paths[0], .rescore_model_path = paths[0],
                             .rescore_gate = 0.5};
  ck_assert_int_eq(g2p_engine_open(&e, &bad_g, err, sizeof err), G2P_EINVAL);
  ck_assert_ptr_nonnull(strstr(err, "gate"));
  bad_g.rescore_gate = NAN;
  ck_assert_int_eq(g2p_engine_open(&e, &bad_g, err, sizeof err), G2P_EINVAL);
  g2p_engine_config missing = {.model_path = paths[0], .rescore_model_path = "/nonexistent.g2pm"};
  ck_assert_int_lt(g2p_engine_open(&e, &missing, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(err, "rescore model"));
  ck_assert_ptr_null(e);
}
END_TEST

int main(void) {
  const char *top = getenv("top_srcdir");
  for (int i = 0; i < 2; i++) {
    snprintf(paths[i], sizeof paths[i], "%s/models/%s", top ? top : ".", files[i]);
    if (access(paths[i], R_OK) != 0) {
      fprintf(stderr, "model-score: %s not found; skipped\n", paths[i]);
      return 77;
    }
  }
  for (int w = 0; w < N_WORDS; w++) made_up(words[w], 100u + (unsigned)w);
  Suite *su = suite_create("model-score");
  TCase *tc = tcase_create("score");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, scores_match_the_beam, 0, 2);
  tcase_add_loop_test(tc, reversed_flag, 0, 2);
  tcase_add_loop_test(tc, tiny_architectures, 0, 3);
  tcase_add_loop_test(tc, nbest_after_greedy, 0, 5);
  tcase_add_loop_test(tc, bad_candidates, 0, 2);
  tcase_add_loop_test(tc, engine_rescoring, 0, 2);
  tcase_add_loop_test(tc, engine_rescoring_gate, 0, 2);
  tcase_add_test(tc, engine_rescoring_config);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
