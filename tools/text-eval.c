/* text-eval -- runs the text front end over sentences, composed with the
 * dictionary and the network exactly as far as the engine allows, and
 * either shows what it did (--dump) or scores it against a sentence set.
 *
 * Sentence set format (one per line, '#' comments): the sentence, a TAB,
 * then one or more accepted readings separated by TABs. A reading is the
 * spoken words in lower case; a letter said by its name is written as the
 * letter and a period ("f. b. i."), its plural as "d's." (CDs: "c. d's."). Each reading is turned into phonemes
 * with the same dictionary and network (letters by their names), stress
 * digits are dropped on both sides, and a sentence is right when the front
 * end's phonemes equal those of any accepted reading. This checks the
 * normaliser's readings, not the network's spelling of unknown words.
 *
 * Output: `sentences: N`, `correct: K`, `accuracy: P%` (and with --errors
 * every miss as sentence / got / wanted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/engine.h"
#include "g2p/lexicon.h"
#include "text/text.h"

static lexicon *lex;
static g2p_engine *eng;
static g2p_scratch *scr;

static int has_word(void *opaque, const char *key, size_t len) {
  (void)opaque;
  uint32_t first;
  return lex && lexicon_lookup(lex, key, len, &first) > 0;
}

/* appends the stressless phonemes of one word; source name in *src */
static void word_phones(const char *w, size_t n, int letter, const char *letter_ph,
                        char *out, size_t cap, const char **src) {
  const char *ph = NULL;
  size_t pn = 0;
  g2p_word_result r;
  if (letter) {
    ph = letter_ph;
    pn = strlen(ph);
    *src = "letters";
  } else if (g2p_engine_lookup(eng, scr, w, n, 0, 0, &r) == 0) {
    ph = r.phones;
    pn = r.phones_len;
    *src = g2p_source_name(r.source);
  } else {
    *src = "none";
    ph = "?";
    pn = 1;
  }
  size_t o = strlen(out);
  for (size_t i = 0; i < pn && o + 2 < cap; i++) {
    if (ph[i] >= '0' && ph[i] <= '9') continue;
    if (ph[i] == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
    if (o == 0 || out[o - 1] == ' ' || ph[i] != ' ' || 1) {
      if (o > 0 && out[o - 1] != ' ' && i == 0) out[o++] = ' ';
      out[o++] = ph[i];
    }
  }
  while (o > 0 && out[o - 1] == ' ') o--;
  out[o] = '\0';
}

static void reading_phones(const char *r, size_t n, char *out, size_t cap) {
  out[0] = '\0';
  size_t i = 0;
  while (i < n) {
    while (i < n && r[i] == ' ') i++;
    size_t j = i;
    while (j < n && r[j] != ' ') j++;
    if (j > i) {
      const char *src;
      if (j - i == 2 && r[i + 1] == '.' && text_letter_phones(r[i]))
        word_phones(r + i, 1, 1, text_letter_phones(r[i]), out, cap, &src);
      else if (j - i == 4 && !memcmp(r + i + 1, "'s.", 3) && text_letter_phones(r[i]))
        word_phones(r + i, 1, 1, text_letter_phones_z(r[i]), out, cap, &src);
      else
        word_phones(r + i, j - i, 0, NULL, out, cap, &src);
    }
    i = j;
  }
}

static void result_phones(const text_result *res, char *out, size_t cap,
                          char *words, size_t wcap) {
  out[0] = '\0';
  words[0] = '\0';
  for (uint32_t w = 0; w < res->n_words; w++) {
    const text_word *tw = &res->words[w];
    const char *src;
    word_phones(tw->text, tw->len, tw->say == TEXT_SAY_LETTER, tw->phones, out, cap, &src);
    size_t o = strlen(words);
    snprintf(words + o, wcap - o, "%s%s%s", o ? " " : "", tw->text,
             tw->say == TEXT_SAY_LETTER ? "." : "");
  }
}

static void dump(text_ctx *ctx, const char *line, size_t n) {
  text_result res;
  char err[160];
  int rc = text_analyze(ctx, line, n, has_word, NULL, &res, err, sizeof err);
  if (rc) {
    printf("error %d: %s\n", rc, err);
    return;
  }
  for (uint32_t t = 0; t < res.n_tokens; t++) {
    const text_token *tk = &res.tokens[t];
    printf("  [%u,%u) %-12s \"%.*s\"%s", tk->start, tk->end, text_kind_name(tk->kind),
           (int)(tk->byte_end - tk->byte_start), line + tk->byte_start,
           tk->error ? " ERROR" : "");
    for (uint32_t w = 0; w < tk->n_words; w++) {
      const text_word *tw = &res.words[tk->first_word + w];
      char ph[512] = "";
      const char *src;
      word_phones(tw->text, tw->len, tw->say == TEXT_SAY_LETTER, tw->phones, ph,
                  sizeof ph, &src);
      printf("%s %s%s", w ? " |" : " ->", tw->text, tw->say == TEXT_SAY_LETTER ? "." : "");
    }
    printf("\n");
  }
}

int main(int argc, char **argv) {
  const char *lexp = NULL, *modelp = NULL, *file = NULL, *errors = NULL;
  int mode_dump = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--lexicon") && i + 1 < argc) lexp = argv[++i];
    else if (!strcmp(argv[i], "--model") && i + 1 < argc) modelp = argv[++i];
    else if (!strcmp(argv[i], "--errors") && i + 1 < argc) errors = argv[++i];
    else if (!strcmp(argv[i], "--dump")) mode_dump = 1;
    else if (!strcmp(argv[i], "--help")) {
      printf("usage: text-eval --lexicon LEX [--model M] [--dump] [--errors FILE] [FILE]\n");
      return 0;
    } else if (argv[i][0] != '-' && !file) file = argv[i];
    else {
      fprintf(stderr, "text-eval: bad argument %s\n", argv[i]);
      return 2;
    }
  }
  char err[256];
  if (lexp && lexicon_open(&lex, lexp, err, sizeof err)) {
    fprintf(stderr, "text-eval: %s\n", err);
    return 1;
  }
  g2p_engine_config cfg = {.lexicon_path = lexp, .model_path = modelp, .beam_width = 1};
  if (g2p_engine_open(&eng, &cfg, err, sizeof err) || g2p_scratch_create(&scr, eng)) {
    fprintf(stderr, "text-eval: engine: %s\n", err);
    return 1;
  }
  text_ctx *ctx;
  if (text_ctx_create(&ctx, NULL)) return 1;
  FILE *in = file ? fopen(file, "r") : stdin;
  if (!in) {
    perror(file);
    return 1;
  }
  FILE *ef = errors ? fopen(errors, "w") : NULL;
  char line[16384];
  unsigned total = 0, right = 0;
  while (fgets(line, sizeof line, in)) {
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (!n || line[0] == '#') continue;
    if (mode_dump) {
      printf("%s\n", line);
      dump(ctx, line, n);
      continue;
    }
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    total++;
    text_result res;
    static char got[8192], gotw[8192], want[8192];
    int ok = 0;
    if (text_analyze(ctx, line, (size_t)(tab - line), has_word, NULL, &res, err, sizeof err) == 0) {
      result_phones(&res, got, sizeof got, gotw, sizeof gotw);
      char *r = tab + 1;
      while (r && *r) {
        char *nt = strchr(r, '\t');
        size_t rn = nt ? (size_t)(nt - r) : strlen(r);
        reading_phones(r, rn, want, sizeof want);
        if (!strcmp(want, got)) ok = 1;
        r = nt ? nt + 1 : NULL;
      }
    } else {
      snprintf(gotw, sizeof gotw, "error: %s", err);
    }
    right += ok;
    if (!ok && ef) {
      *tab = '\0';
      fprintf(ef, "%s\n  got:  %s\n  want: %s\n", line, gotw, tab + 1);
    }
  }
  if (!mode_dump) {
    printf("sentences: %u\ncorrect: %u\naccuracy: %.1f%%\n", total, right,
           total ? 100.0 * right / total : 0.0);
  }
  if (ef) fclose(ef);
  text_ctx_destroy(ctx);
  g2p_scratch_destroy(scr);
  g2p_engine_close(eng);
  lexicon_close(lex);
  return 0;
}
