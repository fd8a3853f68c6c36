/* g2pc.c -- the command-line client of rnninferd.
 *
 * Words come from the arguments or, one per line, from stdin; stdin is read
 * in large chunks that go through g2pc_lookup_many, so a long word list is
 * pipelined rather than paying one round trip per word. Output keeps one
 * stdout line per input word, in order, so it can be pasted next to the
 * input: a word that fails prints "!<error-name>" there (never an empty
 * line) and a readable message on stderr. See g2pc(1). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "client/g2pclient.h"
#include "common/utf8.h"

enum {
  EXIT_WORD_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_CONNECT = 3,
  EXIT_SERVER = 4
};

#define STDIN_CHUNK 16384

typedef struct options {
  const char *socket;
  int json, variants, model_only, beam, timeout_ms, no_stress, ipa, nbest;
  int info, stats, ping, text;
} options;

static void usage(FILE *f) {
  fprintf(f,
          "Usage: g2pc [OPTION]... [WORD]...\n"
          "Print the ARPAbet pronunciation of each WORD (or of each line of stdin)\n"
          "as answered by the rnninferd daemon, one line per word.\n"
          "\n"
          "  -s, --socket PATH   daemon socket (default: $G2PC_SOCKET, else\n"
          "                      /run/rnninferd/rnninferd.sock for root, else\n"
          "                      $XDG_RUNTIME_DIR/rnninferd.sock if it exists)\n"
          "  -j, --json          one JSON object per word\n"
          "  -v, --variants      every dictionary pronunciation (tab-separated)\n"
          "  -m, --model-only    ask the neural network, skip the dictionary\n"
          "  -b, --beam N        beam width for the model, 1..16\n"
          "  -n, --nbest N       the N best answers (1..the beam width), one line\n"
          "                      each: WORD, phones, log-probability (- for a\n"
          "                      dictionary variant), tab-separated\n"
          "  -T, --text          each argument (or line of stdin) is running text:\n"
          "                      print its spoken words' phonemes separated by ' | '\n"
          "                      (with --json: its tokens, offsets and words)\n"
          "      --no-stress     ARPAbet without stress digits (AA R D V AA R K)\n"
          "      --ipa           IPA, General American (ˈɑɹdˌvɑɹk); with\n"
          "                      --no-stress, without stress marks\n"
          "  -t, --timeout MS    give up after MS milliseconds without progress\n"
          "                      (default 5000; 0 waits forever)\n"
          "      --info          print the daemon's version, dictionary, model, rescorer,\n"
          "                      limits\n"
          "      --stats         print the daemon's counters\n"
          "      --ping          check that the daemon answers\n"
          "  -h, --help          show this help and exit\n"
          "  -V, --version       show the version and exit\n"
          "\n"
          "A word that fails prints !ERROR (e.g. !not_found) on stdout and\n"
          "'WORD: error: MESSAGE' on stderr.\n"
          "Exit status: 0 all words answered, 1 some word failed, 2 usage error,\n"
          "3 cannot connect or timed out, 4 protocol or server error.\n");
}

static int worse(int a, int b);

static int exit_for(int err) {
  return err == G2PC_ECONNECT || err == G2PC_ETIMEDOUT ? EXIT_CONNECT : EXIT_SERVER;
}

/* A word's own failure (exit 1) rather than the daemon's (exit 4). */
static int is_word_error(int err) {
  return err == G2PC_ENOTFOUND || err == G2PC_EWORDTOOLONG || err == G2PC_EBADUTF8 ||
         err == G2PC_EEMPTYWORD || err == G2PC_ENOPRONUNCIATION;
}

/* JSON string: escapes quotes, backslashes and control characters; bytes
 * that are not valid UTF-8 become U+FFFD so the output is always valid. */
static void json_str(FILE *f, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  putc('"', f);
  while (*p) {
    unsigned c = *p;
    if (c == '"' || c == '\\') {
      putc('\\', f);
      putc((int)c, f);
      p++;
    } else if (c < 0x20) {
      fprintf(f, "\\u%04x", c);
      p++;
    } else if (c < 0x80) {
      putc((int)c, f);
      p++;
    } else {
      size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (strnlen((const char *)p, n) == n && utf8_valid(p, n)) {
        fwrite(p, 1, n, f);
        p += n;
      } else {
        fputs("\\ufffd", f);
        p++;
      }
    }
  }
  putc('"', f);
}

static const char *source_name(int s) {
  return s == G2PC_SOURCE_DICT      ? "dict"
         : s == G2PC_SOURCE_MODEL   ? "model"
         : s == G2PC_SOURCE_LETTERS ? "letters"
         : s == G2PC_SOURCE_USER    ? "user"
         : s == G2PC_SOURCE_HOMOGRAPH ? "homograph"
                                    : "none";
}

typedef struct text_run {
  const options *o;
  const char *const *texts;
  int status;
} text_run;

/* Prints one text's line (g2pc_text_many callback). */
static int print_text(void *opaque, size_t i, int rc, const g2pc_text_result *r) {
  text_run *tr = opaque;
  const char *text = tr->texts[i];
  if (rc) {
    if (tr->o->json) {
      fputs("{\"text\": ", stdout);
      json_str(stdout, text);
      fputs(", \"error\": ", stdout);
      json_str(stdout, g2pc_error_name(rc));
      fputs(", \"message\": ", stdout);
      json_str(stdout, g2pc_strerror(rc));
      fputs("}\n", stdout);
    } else {
      printf("!%s\n", g2pc_error_name(rc));
    }
    fprintf(stderr, "g2pc: text %zu: error: %s\n", i + 1, g2pc_strerror(rc));
    tr->status = worse(tr->status, rc == G2PC_EBADUTF8 || rc == G2PC_ETEXTTOOLONG ||
                                           rc == G2PC_ETOOMANYTOKENS
                                       ? EXIT_WORD_FAILED
                                       : exit_for(rc));
    return 0;
  }
  int failed = 0, first = 1;
  if (tr->o->json) {
    fputs("{\"text\": ", stdout);
    json_str(stdout, text);
    fputs(", \"tokens\": [", stdout);
  }
  for (size_t t = 0; t < r->n_tokens; t++) {
    const g2pc_token *tk = &r->tokens[t];
    if (tk->error) {
      failed = 1;
      fprintf(stderr, "g2pc: \"%s\": error: %s\n", tk->text, g2pc_strerror(tk->error));
    }
    if (tr->o->json) {
      if (t) fputs(", ", stdout);
      fputs("{\"text\": ", stdout);
      json_str(stdout, tk->text);
      printf(", \"start\": %u, \"end\": %u, \"kind\": ", tk->start, tk->end);
      json_str(stdout, tk->kind);
      if (tk->error) {
        fputs(", \"error\": ", stdout);
        json_str(stdout, g2pc_error_name(tk->error));
      }
      fputs(", \"words\": [", stdout);
    }
    for (size_t k = 0; k < tk->n_words; k++) {
      const g2pc_text_word *w = &tk->words[k];
      if (w->error) failed = 1;
      if (tr->o->json) {
        if (k) fputs(", ", stdout);
        fputs("{\"word\": ", stdout);
        json_str(stdout, w->word);
        fputs(", \"phones\": ", stdout);
        if (w->phones) json_str(stdout, w->phones);
        else fputs("null", stdout);
        printf(", \"source\": \"%s\"", source_name(w->source));
        if (w->error) {
          fputs(", \"error\": ", stdout);
          json_str(stdout, g2pc_error_name(w->error));
        }
        putc('}', stdout);
      } else {
        if (!first) fputs(" | ", stdout);
        first = 0;
        if (w->phones) fputs(w->phones, stdout);
        else printf("!%s", g2pc_error_name(w->error));
      }
    }
    if (tr->o->json) fputs("]}", stdout);
  }
  if (tr->o->json) fputs("]}", stdout);
  putc('\n', stdout);
  if (failed) tr->status = worse(tr->status, EXIT_WORD_FAILED);
  return 0;
}

/* Reads n texts, pipelined, and prints one line each; returns the status. */
static int text_print(g2pc_client *c, const options *o, const char *const *t, size_t n) {
  text_run tr = {o, t, 0};
  int flags = (o->model_only ? G2PC_MODEL_ONLY : 0) | G2PC_BEAM(o->beam);
  int rc = g2pc_text_many(c, t, n, flags, print_text, &tr);
  if (rc) {
    fprintf(stderr, "g2pc: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
    tr.status = worse(tr.status, exit_for(rc));
  }
  return tr.status;
}

/* Prints one word's line; returns the exit status it implies. */
static int print_result(const options *o, const char *word, const g2pc_result *r) {
  if (o->json) {
    fputs("{\"word\":", stdout);
    json_str(stdout, word);
    if (r->error) {
      fputs(",\"phones\":null,\"source\":\"none\",\"error\":", stdout);
      json_str(stdout, g2pc_error_name(r->error));
      fputs(",\"message\":", stdout);
      json_str(stdout, g2pc_strerror(r->error));
    } else {
      fputs(",\"phones\":", stdout);
      json_str(stdout, r->phones);
      fprintf(stdout, ",\"source\":\"%s\"", source_name(r->source));
      if (o->variants) {
        fputs(",\"variants\":[", stdout);
        if (r->n_variants == 0) json_str(stdout, r->phones);
        for (size_t i = 0; i < r->n_variants; i++) {
          if (i) putc(',', stdout);
          json_str(stdout, r->variants[i]);
        }
        putc(']', stdout);
      }
    }
    fputs("}\n", stdout);
  } else if (r->error) {
    printf("!%s\n", g2pc_error_name(r->error));
  } else if (o->variants && r->n_variants > 0) {
    for (size_t i = 0; i < r->n_variants; i++) {
      if (i) putc('\t', stdout);
      fputs(r->variants[i], stdout);
    }
    putc('\n', stdout);
  } else {
    puts(r->phones);
  }
  if (!r->error) return 0;
  fprintf(stderr, "%s: error: %s\n", word, g2pc_strerror(r->error));
  return is_word_error(r->error) ? EXIT_WORD_FAILED : exit_for(r->error);
}

static int worse(int a, int b) {
  /* connection trouble > server trouble > a word failed > ok */
  static const int rank[] = {0, 1, 0, 3, 2};
  return rank[b] > rank[a] ? b : a;
}

/* --nbest: one word at a time, each alternative on a line of its own
 * (or one JSON object a word with "alternatives"). */
static int nbest_print(g2pc_client *c, const options *o, const char *const *w,
                       size_t n, int flags) {
  int status = 0;
  for (size_t i = 0; i < n; i++) {
    g2pc_nbest r;
    int rc = g2pc_lookup_nbest(c, w[i], flags, o->nbest, &r);
    if (rc && !is_word_error(rc)) {
      fprintf(stderr, "g2pc: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
      g2pc_nbest_free(&r);
      return worse(status, exit_for(rc));
    }
    if (r.error) {
      g2pc_result e = {r.error, G2PC_SOURCE_NONE, NULL, 0, NULL};
      status = worse(status, print_result(o, w[i], &e));
    } else if (o->json) {
      fputs("{\"word\":", stdout);
      json_str(stdout, w[i]);
      fputs(",\"phones\":", stdout);
      json_str(stdout, r.phones);
      fprintf(stdout, ",\"source\":\"%s\",\"alternatives\":[", source_name(r.source));
      for (size_t k = 0; k < r.n; k++) {
        fputs(k ? ",{\"phones\":" : "{\"phones\":", stdout);
        json_str(stdout, r.alternatives[k].phones);
        if (isnan(r.alternatives[k].logprob)) fputs(",\"logprob\":null}", stdout);
        else fprintf(stdout, ",\"logprob\":%.17g}", r.alternatives[k].logprob);
      }
      fputs("]}\n", stdout);
    } else {
      for (size_t k = 0; k < r.n; k++) {
        if (isnan(r.alternatives[k].logprob))
          printf("%s\t%s\t-\n", w[i], r.alternatives[k].phones);
        else
          printf("%s\t%s\t%.6f\n", w[i], r.alternatives[k].phones,
                 r.alternatives[k].logprob);
      }
    }
    g2pc_nbest_free(&r);
  }
  return status;
}

/* Looks up n words and prints them; returns the exit status. */
static int lookup_print(g2pc_client *c, const options *o, const char *const *w, size_t n) {
  if (o->nbest)
    return nbest_print(c, o, w, n,
                       (o->variants ? G2PC_VARIANTS : 0) | (o->model_only ? G2PC_MODEL_ONLY : 0) |
                       (o->no_stress ? G2PC_NO_STRESS : 0) | (o->ipa ? G2PC_IPA : 0) |
                       G2PC_BEAM(o->beam));
  g2pc_result *r = calloc(n ? n : 1, sizeof *r);
  int flags = (o->variants ? G2PC_VARIANTS : 0) | (o->model_only ? G2PC_MODEL_ONLY : 0) |
              (o->no_stress ? G2PC_NO_STRESS : 0) | (o->ipa ? G2PC_IPA : 0) |
              G2PC_BEAM(o->beam);
  int status = 0;
  if (!r) {
    fprintf(stderr, "g2pc: out of memory\n");
    return EXIT_SERVER;
  }
  int rc = g2pc_lookup_many(c, w, n, flags, r);
  for (size_t i = 0; i < n; i++) status = worse(status, print_result(o, w[i], &r[i]));
  if (rc) {
    fprintf(stderr, "g2pc: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
    status = worse(status, exit_for(rc));
  }
  g2pc_results_free(r, n);
  free(r);
  return status;
}

static char *trim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

static int lookup_stdin(g2pc_client *c, const options *o) {
  char **lines = calloc(STDIN_CHUNK, sizeof *lines);
  const char **words = calloc(STDIN_CHUNK, sizeof *words);
  int status = 0, eof = 0;
  if (!lines || !words) {
    fprintf(stderr, "g2pc: out of memory\n");
    free(lines);
    free(words);
    return EXIT_SERVER;
  }
  while (!eof && status != EXIT_CONNECT && status != EXIT_SERVER) {
    size_t n = 0;
    while (n < STDIN_CHUNK) {
      size_t cap = 0;
      lines[n] = NULL;
      if (getline(&lines[n], &cap, stdin) < 0) {
        free(lines[n]);
        eof = 1;
        break;
      }
      if (o->text) {
        size_t len = strlen(lines[n]);
        while (len > 0 && (lines[n][len - 1] == '\n' || lines[n][len - 1] == '\r'))
          lines[n][--len] = '\0';
        words[n] = lines[n];
      } else {
        words[n] = trim(lines[n]);
      }
      n++;
    }
    if (n > 0)
      status = worse(status, o->text ? text_print(c, o, words, n) : lookup_print(c, o, words, n));
    for (size_t i = 0; i < n; i++) free(lines[i]);
    if (fflush(stdout) != 0) {
      fprintf(stderr, "g2pc: write error: %s\n", strerror(errno));
      status = EXIT_SERVER;
    }
  }
  free(lines);
  free(words);
  return status;
}

static int do_info(g2pc_client *c, const options *o) {
  g2pc_server_info in;
  g2pc_rescorer_info rs;
  double gate = 0.0;
  int rc = g2pc_info(c, &in);
  if (rc == 0) {
    rc = g2pc_info_rescorer(c, &rs);
    if (rc == 0 && rs.name) rc = g2pc_info_rescore_gate(c, &gate);
    if (rc) {
      g2pc_info_free(&in);
      g2pc_rescorer_info_free(&rs);
    }
  }
  if (rc) {
    fprintf(stderr, "g2pc: info: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
    return exit_for(rc);
  }
  if (o->json) {
    printf("{\"version\":");
    json_str(stdout, in.version);
    printf(",\"protocol\":%u,\"lexicon_words\":%u,\"lexicon_prons\":%u,\"model\":",
           in.protocol, in.lexicon_words, in.lexicon_prons);
    if (in.has_model) {
      printf("{\"name\":");
      json_str(stdout, in.model_name);
      printf(",\"arch\":");
      json_str(stdout, in.model_arch);
      printf(",\"kernel\":");
      json_str(stdout, in.model_kernel);
      printf(",\"checksum\":%u}", in.model_checksum);
    } else {
      printf("null");
    }
    printf(",\"rescorer\":");
    if (rs.name) {
      printf("{\"name\":");
      json_str(stdout, rs.name);
      printf(",\"checksum\":%u,\"weight\":%.17g,\"hypotheses\":%u,\"gate\":%.17g}",
             rs.checksum, rs.weight, rs.hypotheses, gate);
    } else {
      printf("null");
    }
    printf(",\"limits\":{\"max_frame\":%u,\"max_words\":%u,\"max_word_bytes\":%u}}\n",
           in.max_frame, in.max_words, in.max_word_bytes);
  } else {
    printf("socket:          %s\n", g2pc_client_socket_path(c));
    printf("version:         %s\n", in.version);
    printf("protocol:        %u\n", in.protocol);
    printf("lexicon words:   %u\n", in.lexicon_words);
    printf("lexicon prons:   %u\n", in.lexicon_prons);
    if (in.has_model)
      printf("model:           %s (%s, kernel %s, checksum %08x)\n", in.model_name,
             in.model_arch, in.model_kernel, in.model_checksum);
    else
      printf("model:           none\n");
    if (rs.name && gate < 0.0)
      printf("rescorer:        %s (checksum %08x, weight %g, %u hypotheses, greedy answers "
             "below %g)\n", rs.name, rs.checksum, rs.weight, rs.hypotheses, gate);
    else if (rs.name)
      printf("rescorer:        %s (checksum %08x, weight %g, %u hypotheses)\n", rs.name,
             rs.checksum, rs.weight, rs.hypotheses);
    else
      printf("rescorer:        none\n");
    printf("max frame:       %u bytes\n", in.max_frame);
    printf("max words:       %u per request\n", in.max_words);
    printf("max word bytes:  %u\n", in.max_word_bytes);
  }
  g2pc_info_free(&in);
  g2pc_rescorer_info_free(&rs);
  return 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void human_ns(char *buf, size_t len, double ns) {
  if (ns < 1e3) snprintf(buf, len, "%.0f ns", ns);
  else if (ns < 1e6) snprintf(buf, len, "%.1f us", ns / 1e3);
  else if (ns < 1e9) snprintf(buf, len, "%.1f ms", ns / 1e6);
  else if (ns < 60e9) snprintf(buf, len, "%.1f s", ns / 1e9);
  else {
    unsigned long long t = (unsigned long long)(ns / 1e9);
    snprintf(buf, len, "%lluh %02llum %02llus", t / 3600, t / 60 % 60, t % 60);
  }
}

/* A readable form of a counter whose name says its unit ("" when none). */
static void human_stat(char *buf, size_t len, const char *name, uint64_t v) {
  buf[0] = '\0';
  if (strstr(name, "latency_ns.") && !ends_with(name, ".count")) {
    human_ns(buf, len, (double)v);
  } else if (ends_with(name, "_ms")) {
    human_ns(buf, len, (double)v * 1e6);
  } else if (strstr(name, "bytes")) {
    if (v >= (1u << 30)) snprintf(buf, len, "%.1f GiB", (double)v / (1u << 30));
    else if (v >= (1u << 20)) snprintf(buf, len, "%.1f MiB", (double)v / (1u << 20));
    else if (v >= (1u << 10)) snprintf(buf, len, "%.1f KiB", (double)v / (1u << 10));
  }
}

static int do_stats(g2pc_client *c, const options *o) {
  g2pc_stat *s;
  size_t n, width = 0;
  int rc = g2pc_stats(c, &s, &n);
  if (rc) {
    fprintf(stderr, "g2pc: stats: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
    return exit_for(rc);
  }
  for (size_t i = 0; i < n; i++)
    if (strlen(s[i].name) > width) width = strlen(s[i].name);
  if (o->json) putc('{', stdout);
  for (size_t i = 0; i < n; i++) {
    if (o->json) {
      if (i) putc(',', stdout);
      json_str(stdout, s[i].name);
      printf(":%llu", (unsigned long long)s[i].value);
    } else {
      char h[48];
      human_stat(h, sizeof h, s[i].name, s[i].value);
      if (h[0])
        printf("%-*s  %12llu  (%s)\n", (int)width, s[i].name,
               (unsigned long long)s[i].value, h);
      else
        printf("%-*s  %12llu\n", (int)width, s[i].name, (unsigned long long)s[i].value);
    }
  }
  if (o->json) puts("}");
  g2pc_stats_free(s, n);
  return 0;
}

static int do_ping(g2pc_client *c) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  int rc = g2pc_ping(c);
  clock_gettime(CLOCK_MONOTONIC, &b);
  if (rc) {
    fprintf(stderr, "g2pc: ping: %s: %s\n", g2pc_strerror(rc), g2pc_client_last_error(c));
    return exit_for(rc);
  }
  long us = (long)((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000);
  printf("pong from %s in %ld us\n", g2pc_client_socket_path(c), us);
  return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"socket", required_argument, NULL, 's'},
      {"json", no_argument, NULL, 'j'},
      {"variants", no_argument, NULL, 'v'},
      {"model-only", no_argument, NULL, 'm'},
      {"beam", required_argument, NULL, 'b'},
      {"nbest", required_argument, NULL, 'n'},
      {"no-stress", no_argument, NULL, 'N'},
      {"ipa", no_argument, NULL, 'A'},
      {"timeout", required_argument, NULL, 't'},
      {"text", no_argument, NULL, 'T'},
      {"info", no_argument, NULL, 'I'},
      {"stats", no_argument, NULL, 'S'},
      {"ping", no_argument, NULL, 'P'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  options o = {.timeout_ms = G2PC_DEFAULT_TIMEOUT_MS};
  int ch;
  while ((ch = getopt_long(argc, argv, "s:jvmb:n:t:ThV", longopts, NULL)) != -1) {
    switch (ch) {
    case 's': o.socket = optarg; break;
    case 'j': o.json = 1; break;
    case 'v': o.variants = 1; break;
    case 'm': o.model_only = 1; break;
    case 'N': o.no_stress = 1; break;
    case 'A': o.ipa = 1; break;
    case 'b':
      if (parse_int(optarg, 1, 16, &o.beam)) {
        fprintf(stderr, "g2pc: --beam wants an integer 1..16, not '%s'\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'n':
      if (parse_int(optarg, 1, 16, &o.nbest)) {
        fprintf(stderr, "g2pc: --nbest wants an integer 1..16, not '%s'\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case 't':
      if (parse_int(optarg, 0, 86400000, &o.timeout_ms)) {
        fprintf(stderr, "g2pc: --timeout wants milliseconds, not '%s'\n", optarg);
        return EXIT_USAGE;
      }
      if (o.timeout_ms == 0) o.timeout_ms = -1;
      break;
    case 'T': o.text = 1; break;
    case 'I': o.info = 1; break;
    case 'S': o.stats = 1; break;
    case 'P': o.ping = 1; break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("g2pc (rnninferd) %s\n", PACKAGE_VERSION); return 0;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (o.info + o.stats + o.ping > 1 || ((o.info || o.stats || o.ping) && optind < argc)) {
    fprintf(stderr, "g2pc: --info, --stats, --ping and words exclude each other\n");
    return EXIT_USAGE;
  }
  if (o.nbest && o.text) {
    fprintf(stderr, "g2pc: --nbest is for words, not --text\n");
    return EXIT_USAGE;
  }
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

  g2pc_client *c;
  int rc = g2pc_client_open(&c, o.socket, o.timeout_ms);
  if (rc) {
    char def[512];
    const char *path = o.socket ? o.socket : getenv("G2PC_SOCKET");
    if (!path || !*path) path = g2pc_default_socket_path(def, sizeof def) ? "?" : def;
    fprintf(stderr, "g2pc: cannot connect to %s: %s\n", path, g2pc_strerror(rc));
    return EXIT_CONNECT;
  }
  int status;
  if (o.info) status = do_info(c, &o);
  else if (o.stats) status = do_stats(c, &o);
  else if (o.ping) status = do_ping(c);
  else if (optind < argc && o.text)
    status = text_print(c, &o, (const char *const *)argv + optind, (size_t)(argc - optind));
  else if (optind < argc)
    status = lookup_print(c, &o, (const char *const *)argv + optind, (size_t)(argc - optind));
  else status = lookup_stdin(c, &o);
  g2pc_client_close(c);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "g2pc: write error\n");
    if (!status) status = EXIT_SERVER;
  }
  return status;
}
