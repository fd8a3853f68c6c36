/* bench/text -- per-sentence cost of the text front end, in process and
 * over the socket, side by side in one run with espeak-ng's own
 * text-to-phonemes on the same sentences.
 *
 *   bench/text --lexicon LEX [--model M] [--tagger T --homographs H]
 *              [--socket PATH] SENTENCES
 *
 * Rows: the front end alone (g2p_engine_text_analyze: folding, tokenizer,
 * verbalizers); the front end with every spoken word answered from the
 * dictionary or the network (the work of the text op without the socket);
 * with --tagger and --homographs, the same two rows again with every
 * sentence tagged and its homographs' readings chosen, and the difference:
 * the cost of tagging and choice per sentence and per token;
 * espeak_TextToPhonemes (libespeak-ng, when built with it); and with
 * --socket, the text op round trip for one all-dictionary 15-word sentence
 * next to a ping round trip (p50 of 2000 each). Times are per sentence,
 * the mean of the medians of 5 passes over the whole set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "client/g2pclient.h"
#include "g2p/engine.h"

#ifdef HAVE_ESPEAK
#include <espeak-ng/speak_lib.h>
#endif

#define MAXS 2048

static char *sent[MAXS];
static size_t n_sent;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_d);
  return n ? v[n / 2] : 0;
}

static const g2p_engine *eng, *eng_plain; /* eng_plain: no homographs */
static g2p_scratch *scr;
static g2p_text_ctx *ctx;
static volatile size_t sink;

static void run_front(const char *s) {
  uint32_t n;
  g2p_engine_text_analyze(eng, ctx, s, strlen(s), &n, NULL, 0);
  sink += n;
}

static void run_front_plain(const char *s) {
  uint32_t n;
  g2p_engine_text_analyze(eng_plain, ctx, s, strlen(s), &n, NULL, 0);
  sink += n;
}

static void run_full(const char *s) {
  uint32_t n;
  if (g2p_engine_text_analyze(eng, ctx, s, strlen(s), &n, NULL, 0)) return;
  for (uint32_t t = 0; t < n; t++) {
    g2p_text_token tk;
    g2p_text_token_get(ctx, t, &tk);
    for (uint32_t k = 0; k < tk.n_words; k++) {
      const char *w;
      uint16_t wl;
      g2p_word_result g;
      if (g2p_engine_text_word(eng, scr, ctx, t, k, 0, 0, &w, &wl, &g) == 0)
        sink += g.phones_len;
    }
  }
}

#ifdef HAVE_ESPEAK
static void run_espeak(const char *s) {
  const void *p = s;
  while (p) {
    const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, espeakPHONEMES_SHOW);
    if (ph) sink += strlen(ph);
  }
}
#endif

/* per-sentence time: median over sentences of the per-sentence mean of
 * reps runs; the mean of 5 such passes */
static double per_sentence(void (*fn)(const char *), int reps) {
  static double t[MAXS];
  double acc = 0;
  for (int pass = 0; pass < 5; pass++) {
    for (size_t i = 0; i < n_sent; i++) {
      double a = now_us();
      for (int k = 0; k < reps; k++) fn(sent[i]);
      t[i] = (now_us() - a) / reps;
    }
    acc += median(t, n_sent);
  }
  return acc / 5;
}

int main(int argc, char **argv) {
  const char *lexp = NULL, *modelp = NULL, *sock = NULL, *file = NULL;
  const char *taggerp = NULL, *homp = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--lexicon") && i + 1 < argc) lexp = argv[++i];
    else if (!strcmp(argv[i], "--model") && i + 1 < argc) modelp = argv[++i];
    else if (!strcmp(argv[i], "--socket") && i + 1 < argc) sock = argv[++i];
    else if (!strcmp(argv[i], "--tagger") && i + 1 < argc) taggerp = argv[++i];
    else if (!strcmp(argv[i], "--homographs") && i + 1 < argc) homp = argv[++i];
    else if (argv[i][0] != '-' && !file) file = argv[i];
    else {
      fprintf(stderr, "usage: bench/text --lexicon LEX [--model M] [--socket S] SENTENCES\n");
      return 2;
    }
  }
  if (!file || !lexp) {
    fprintf(stderr, "usage: bench/text --lexicon LEX [--model M] [--socket S] SENTENCES\n");
    return 2;
  }
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return 1;
  }
  char line[4096];
  size_t words = 0;
  while (n_sent < MAXS && fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (tab) *tab = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0] || line[0] == '#') continue;
    sent[n_sent++] = strdup(line);
    for (char *p = line; *p; p++) words += (p == line || p[-1] == ' ') && *p != ' ';
  }
  fclose(f);
  char err[256];
  g2p_engine *e;
  g2p_engine_config cfg = {.lexicon_path = lexp, .model_path = modelp, .beam_width = 1};
  if (g2p_engine_open(&e, &cfg, err, sizeof err) || g2p_scratch_create(&scr, e)) {
    fprintf(stderr, "bench/text: %s\n", err);
    return 1;
  }
  eng = eng_plain = e;
  g2p_engine *eh = NULL;
  g2p_scratch *scr_plain = scr;
  if (taggerp && homp) {
    g2p_engine_config hcfg = cfg;
    hcfg.tagger_path = taggerp;
    hcfg.homograph_path = homp;
    if (g2p_engine_open(&eh, &hcfg, err, sizeof err) || g2p_scratch_create(&scr, eh)) {
      fprintf(stderr, "bench/text: %s\n", err);
      return 1;
    }
    eng = eh;
  }
  if (g2p_text_ctx_create(&ctx, 8192, 4096, 8192)) return 1;
  printf("bench/text: %zu sentences, %.1f whitespace words each on average\n", n_sent,
         (double)words / (double)(n_sent ? n_sent : 1));
  for (size_t i = 0; i < n_sent; i++) run_full(sent[i]); /* warm-up */
  size_t tokens = 0;
  for (size_t i = 0; i < n_sent; i++) {
    uint32_t n = 0;
    g2p_engine_text_analyze(eng, ctx, sent[i], strlen(sent[i]), &n, NULL, 0);
    tokens += n;
  }
  double per_tok = (double)tokens / (double)(n_sent ? n_sent : 1);
  double front = per_sentence(run_front, 20);
  double full = per_sentence(run_full, 5);
  printf("%-44s %10s\n", "per sentence (median, us)", "us");
  if (eh) {
    const g2p_engine *keep = eng;
    g2p_scratch *keep_scr = scr;
    eng = eng_plain;
    scr = scr_plain;
    double plain = per_sentence(run_front_plain, 20);
    double plain_full = per_sentence(run_full, 5);
    eng = keep;
    scr = keep_scr;
    printf("%-44s %10.2f\n", "front end alone, no homographs", plain);
    printf("%-44s %10.2f\n", "front end + answers, no homographs", plain_full);
    printf("%-44s %10.2f\n", "front end + tagging + homograph choice", front);
    printf("%-44s %10.2f\n", "  ... + answers (the text op's work)", full);
    printf("%-44s %10.2f\n", "tagging + choice per sentence", front - plain);
    printf("%-44s %10.3f\n", "tagging + choice per token", (front - plain) / per_tok);
    printf("%-44s %10.1f\n", "tokens per sentence", per_tok);
  } else {
    printf("%-44s %10.2f\n", "front end alone (text_analyze)", front);
    printf("%-44s %10.2f\n", "front end + dictionary/network answers", full);
  }
#ifdef HAVE_ESPEAK
  if (espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0) > 0 &&
      espeak_SetVoiceByName("en-us") == EE_OK) {
    for (size_t i = 0; i < n_sent; i++) run_espeak(sent[i]);
    double es = per_sentence(run_espeak, 3);
    printf("%-44s %10.2f\n", "espeak-ng espeak_TextToPhonemes (en-us)", es);
    printf("%-44s %10.1fx\n", eh ? "espeak-ng / front end + homographs" : "espeak-ng / front end alone", es / front);
    printf("%-44s %10.1fx\n", eh ? "espeak-ng / text op work (with homographs)" : "espeak-ng / front end + answers", es / full);
    espeak_Terminate();
  } else {
    printf("espeak-ng: could not initialise (no en-us voice data?)\n");
  }
#else
  printf("espeak-ng: not built with libespeak-ng (apt-get install libespeak-ng-dev)\n");
#endif
  if (sock) {
    g2pc_client *c;
    if (g2pc_client_open(&c, sock, 5000)) {
      fprintf(stderr, "bench/text: cannot connect to %s\n", sock);
      return 1;
    }
    static const char s15[] =
        "The quick brown fox jumps over the lazy dog and then it runs back home";
    static char buf[1 << 16];
    static double t1[2000], t2[2000];
    g2pc_text_result r;
    for (int i = 0; i < 200; i++) g2pc_text(c, s15, strlen(s15), 0, &r, buf, sizeof buf, NULL);
    for (int i = 0; i < 2000; i++) {
      double a = now_us();
      g2pc_ping(c);
      double b = now_us();
      g2pc_text(c, s15, strlen(s15), 0, &r, buf, sizeof buf, NULL);
      t1[i] = b - a;
      t2[i] = now_us() - b;
    }
    double pp = median(t1, 2000), tp = median(t2, 2000);
    printf("%-44s %10.2f\n", "ping round trip p50 (socket)", pp);
    printf("%-44s %10.2f\n", "text op, 15 dictionary words, p50 (socket)", tp);
    printf("%-44s %10.2f\n", "text op p50 - ping p50", tp - pp);
    g2pc_client_close(c);
  }
  g2p_text_ctx_destroy(ctx);
  if (eh) {
    g2p_scratch_destroy(scr);
    g2p_engine_close(eh);
  }
  g2p_scratch_destroy(scr_plain);
  g2p_engine_close(e);
  for (size_t i = 0; i < n_sent; i++) free(sent[i]);
  return sink == 0xdeadbeef;
}
