/* main.c -- rnninferd: options, start-up and shutdown.
 *
 * Everything that can fail for a reason the operator must fix (bad option,
 * unreadable lexicon or model, socket path taken by a live daemon or by
 * something that is not a socket) fails here, before the daemon reports
 * ready, with a message on stderr and a non-zero exit status: 2 for usage
 * errors, 1 for everything else. After start-up the only way out is a
 * signal, and that exit is 0. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "daemon/access.h"
#include "daemon/settings.h"
#include "daemon/engines.h"
#include "daemon/log.h"
#include "daemon/control.h"
#include "daemon/server.h"
#include "daemon/sysd.h"

#define DEFAULT_LEXICON PKGDATADIR "/cmudict.lex"
#define DEFAULT_MODEL PKGDATADIR "/en-us-h384-int4.g2pm"
/* The default model's answers are rescored by this right-to-left network
 * where the greedy answer is unsure (models/MODEL_CARD.md, "Gated
 * rescoring": the gate was chosen on the trainer's dev words). */
#define DEFAULT_RESCORER PKGDATADIR "/en-us-r2l-h256-int8.g2pm"
#define DEFAULT_RESCORE_GATE (-1.5)
#define DEFAULT_TAGGER PKGDATADIR "/en-ewt-tagger.linm"
#define DEFAULT_HOMOGRAPHS PKGDATADIR "/en-homographs.linm"
#define ROOT_SOCKET "/run/rnninferd/rnninferd.sock"

/* A user lexicon's bad line, at start-up or on reload (any thread: the
 * log is one write). */
static void log_lexicon_problem(void *ctx, const char *msg) {
  (void)ctx;
  log_error("%s", msg);
}

static void usage(FILE *f) {
  fputs(
    "Usage: rnninferd [OPTION]...\n"
    "Grapheme-to-phoneme daemon: answers pronunciations (CMU ARPAbet with\n"
    "stress) over a Unix socket, from the CMU dictionary and a neural network.\n"
    "\n"
    "Socket:\n"
    "  -s, --socket PATH         listen on PATH (default " ROOT_SOCKET "\n"
    "                            as root, $XDG_RUNTIME_DIR/rnninferd.sock otherwise;\n"
    "                            ignored under systemd socket activation)\n"
    "      --socket-mode MODE    octal permissions of the socket file (default 0666)\n"
    "      --socket-group GROUP  group owning the socket file\n"
    "      --allow-uid LIST      admit only these users (names or uids, comma-\n"
    "                            separated; repeatable) ...\n"
    "      --allow-gid LIST      ... or peers whose primary group is listed\n"
    "      --max-connections N   connection slots reserved at start-up (default 128)\n"
    "\n"
    "Engine:\n"
    "  -l, --lexicon FILE        compiled lexicon (default " DEFAULT_LEXICON ")\n"
    "  -u, --user-lexicon FILE   CMUdict-format text file whose words take\n"
    "                            precedence over the lexicon (repeatable, up to\n"
    "                            16; a later file wins a word they share)\n"
    "  -m, --model FILE          model file (default " DEFAULT_MODEL "\n"
    "                            when it exists)\n"
    "      --no-model            answer from the dictionary only\n"
    "      --tagger FILE         part-of-speech tagger model for the text op\n"
    "                            (default " DEFAULT_TAGGER "\n"
    "                            when it exists)\n"
    "      --homographs FILE     homograph model: the text op chooses each\n"
    "                            homograph's reading from its sentence (default\n"
    "                            " DEFAULT_HOMOGRAPHS " when it exists)\n"
    "      --no-homographs       the text op says every word's first variant\n"
    "      --beam N              default beam width, 1..16 (default 1 = greedy)\n"
    "      --rescore-model FILE  rank each network answer's beam hypotheses by\n"
    "                            this model too (a right-to-left network;\n"
    "                            default with the default model, when it exists:\n"
    "                            " DEFAULT_RESCORER ",\n"
    "                            gated at -1.5)\n"
    "      --no-rescore          answer with the network's own ranking alone\n"
    "      --rescore-weight W    its weight beside the model's, > 0 (default 1)\n"
    "      --rescore-beam N      hypotheses to rank, 2..16 (default 4; at least\n"
    "                            the beam width)\n"
    "      --rescore-gate LP     rescore only greedy answers whose log-probability\n"
    "                            is below LP, < 0 (-1.5: a fifth of the words);\n"
    "                            default: -1.5 with the default rescorer, else\n"
    "                            every word\n"
    "      --kernel NAME         kernel table: scalar, avx2, avx512, scalar-int8,\n"
    "                            avx2-int8, avx512-int8, amx-int8 (default: the\n"
    "                            best for this CPU and the model's weights, or\n"
    "                            $RNNINFERD_KERNEL)\n"
    "      --cache-size N        network answers kept for repeated words, 0..16777216\n"
    "                            (default 4096; 0 = no cache; emptied on reload)\n"
    "      --workers N           threads running the network, 0..64 (default 1);\n"
    "                            0 runs it on the event loop\n"
    "      --cpus LIST           pin the workers to these CPUs in turn (e.g. 1 or\n"
    "                            0,1 or 2-5)\n"
    "      --spin-us N           poll N microseconds around wake-ups instead of\n"
    "                            sleeping (default 50; 0: always sleep)\n"
    "\n"
    "Limits:\n"
    "      --max-frame BYTES     largest request payload (default 65536)\n"
    "      --max-words N         words in one request (default 256)\n"
    "      --max-word-bytes N    UTF-8 bytes in one word, 1..256 (default 64)\n"
    "      --max-text-bytes N    UTF-8 bytes in one text of the text op\n"
    "                            (default 8192)\n"
    "      --max-tokens N        tokens in one text (default 2048)\n"
    "      --max-output BYTES    each of a connection's two reply buffers\n"
    "                            (default 131072, or 64 x --max-text-bytes when\n"
    "                            larger: 524288); the largest possible reply\n"
    "      --output-timeout SEC  drop a client that leaves replies unread this\n"
    "                            long (default 30; 0 = never)\n"
    "      --idle-timeout SEC    close a connection idle (or holding part of a\n"
    "                            request) this long (default 0 = never)\n"
    "\n"
    "Running:\n"
    "      --drain-timeout SEC   on SIGTERM, time allowed to finish (default 10)\n"
    "      --log-level LEVEL     error, warn, info (default) or debug\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads lexicon, user\n"
    "lexicons and model\n"
    "(the old ones keep serving if the new ones fail to load).\n"
    "Exit status: 0 after a signal, 1 when start-up fails, 2 for usage errors.\n",
    f);
}

enum {
  OPT_NO_MODEL = 256, OPT_BEAM, OPT_KERNEL, OPT_MAX_FRAME, OPT_MAX_WORDS,
  OPT_MAX_WORD_BYTES, OPT_MAX_CONNECTIONS, OPT_MAX_OUTPUT, OPT_SOCKET_MODE,
  OPT_SOCKET_GROUP, OPT_ALLOW_UID, OPT_ALLOW_GID, OPT_DRAIN_TIMEOUT,
  OPT_LOG_LEVEL, OPT_WORKERS, OPT_CPUS, OPT_OUTPUT_TIMEOUT, OPT_SPIN_US,
  OPT_IDLE_TIMEOUT, OPT_MAX_TEXT_BYTES, OPT_MAX_TOKENS, OPT_CACHE_SIZE,
  OPT_TAGGER, OPT_HOMOGRAPHS, OPT_NO_HOMOGRAPHS, OPT_RESCORE_MODEL,
  OPT_RESCORE_WEIGHT, OPT_RESCORE_BEAM, OPT_RESCORE_GATE, OPT_NO_RESCORE
};

static const struct option long_opts[] = {
  { "socket", required_argument, NULL, 's' },
  { "lexicon", required_argument, NULL, 'l' },
  { "user-lexicon", required_argument, NULL, 'u' },
  { "model", required_argument, NULL, 'm' },
  { "no-model", no_argument, NULL, OPT_NO_MODEL },
  { "tagger", required_argument, NULL, OPT_TAGGER },
  { "homographs", required_argument, NULL, OPT_HOMOGRAPHS },
  { "no-homographs", no_argument, NULL, OPT_NO_HOMOGRAPHS },
  { "beam", required_argument, NULL, OPT_BEAM },
  { "rescore-model", required_argument, NULL, OPT_RESCORE_MODEL },
  { "rescore-weight", required_argument, NULL, OPT_RESCORE_WEIGHT },
  { "rescore-beam", required_argument, NULL, OPT_RESCORE_BEAM },
  { "rescore-gate", required_argument, NULL, OPT_RESCORE_GATE },
  { "no-rescore", no_argument, NULL, OPT_NO_RESCORE },
  { "kernel", required_argument, NULL, OPT_KERNEL },
  { "max-frame", required_argument, NULL, OPT_MAX_FRAME },
  { "max-words", required_argument, NULL, OPT_MAX_WORDS },
  { "max-word-bytes", required_argument, NULL, OPT_MAX_WORD_BYTES },
  { "max-text-bytes", required_argument, NULL, OPT_MAX_TEXT_BYTES },
  { "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
  { "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
  { "max-output", required_argument, NULL, OPT_MAX_OUTPUT },
  { "socket-mode", required_argument, NULL, OPT_SOCKET_MODE },
  { "socket-group", required_argument, NULL, OPT_SOCKET_GROUP },
  { "allow-uid", required_argument, NULL, OPT_ALLOW_UID },
  { "allow-gid", required_argument, NULL, OPT_ALLOW_GID },
  { "drain-timeout", required_argument, NULL, OPT_DRAIN_TIMEOUT },
  { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
  { "workers", required_argument, NULL, OPT_WORKERS },
  { "cpus", required_argument, NULL, OPT_CPUS },
  { "spin-us", required_argument, NULL, OPT_SPIN_US },
  { "cache-size", required_argument, NULL, OPT_CACHE_SIZE },
  { "output-timeout", required_argument, NULL, OPT_OUTPUT_TIMEOUT },
  { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

static int parse_u32(const char *opt, const char *arg, unsigned long min,
                     unsigned long max, int base, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(arg, &end, base);
  if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
    fprintf(stderr, "rnninferd: --%s: expected a number in %lu..%lu, got \"%s\"\n",
            opt, min, max, arg);
    return -1;
  }
  *out = (uint32_t)v;
  return 0;
}

/* "0,2-3" -> cpus[]. 0 or -1. */
static int parse_cpus(const char *arg, daemon_config *cfg) {
  const char *p = arg;
  cfg->n_cpus = 0;
  while (*p) {
    char *end;
    errno = 0;
    long a = strtol(p, &end, 10), b;
    if (errno || end == p || a < 0 || a >= CPU_SETSIZE) return -1;
    b = a;
    if (*end == '-') {
      const char *q = end + 1;
      b = strtol(q, &end, 10);
      if (errno || end == q || b < a || b >= CPU_SETSIZE) return -1;
    }
    for (long c = a; c <= b; c++) {
      if (cfg->n_cpus >= DAEMON_CPUS_MAX) return -1;
      cfg->cpus[cfg->n_cpus++] = (int)c;
    }
    if (*end == ',') end++;
    else if (*end) return -1;
    p = end;
  }
  return cfg->n_cpus > 0 ? 0 : -1;
}

static int parse_seconds(const char *opt, const char *arg, uint32_t *ms) {
  char *end;
  errno = 0;
  double sec = strtod(arg, &end);
  if (errno || end == arg || *end || !(sec >= 0.0 && sec <= 86400.0)) {
    fprintf(stderr, "rnninferd: --%s: expected seconds in 0..86400, got \"%s\"\n",
            opt, arg);
    return -1;
  }
  *ms = (uint32_t)(sec * 1000.0 + 0.5);
  return 0;
}

static char default_socket[PATH_MAX];

static const char *pick_socket_path(void) {
  if (geteuid() == 0) return ROOT_SOCKET;
  const char *run = getenv("XDG_RUNTIME_DIR");
  if (!run || !*run) return NULL;
  int n = snprintf(default_socket, sizeof default_socket, "%s/rnninferd.sock",
                   run);
  if (n < 0 || (size_t)n >= sizeof default_socket) return NULL;
  return default_socket;
}

/* 0 = run, 1 = exit 0 (help/version), 2 = usage error. */
static int parse_options(int argc, char **argv, daemon_config *cfg,
                         int *log_level) {
  int model_set = 0, no_model = 0, output_set = 0, no_homographs = 0;
  int no_rescore = 0, gate_set = 0;
  char err[256];
  uint32_t v;
  memset(cfg, 0, sizeof *cfg);
  proto_limits_default(&cfg->lim);
  cfg->lexicon_path = DEFAULT_LEXICON;
  cfg->beam = 1;
  cfg->max_connections = DAEMON_DEFAULT_MAX_CONNECTIONS;
  cfg->max_output = DAEMON_DEFAULT_MAX_OUTPUT;
  cfg->socket_mode = DAEMON_DEFAULT_SOCKET_MODE;
  cfg->drain_ms = DAEMON_DEFAULT_DRAIN_MS;
  cfg->output_timeout_ms = DAEMON_DEFAULT_OUTPUT_TIMEOUT_MS;
  cfg->workers = DAEMON_DEFAULT_WORKERS;
  cfg->cache_size = DAEMON_DEFAULT_CACHE_SIZE;
  cfg->spin_us = DAEMON_DEFAULT_SPIN_US;
  *log_level = DLOG_INFO;
  int c;
  while ((c = getopt_long(argc, argv, "s:l:u:m:hV", long_opts, NULL)) != -1) {
    switch (c) {
    case 's': cfg->socket_path = optarg; break;
    case 'l': cfg->lexicon_path = optarg; break;
    case 'u':
      if (cfg->n_user_lexicons >= DAEMON_USER_LEXICONS_MAX) {
        fprintf(stderr, "rnninferd: --user-lexicon: at most %d files\n",
                DAEMON_USER_LEXICONS_MAX);
        return 2;
      }
      cfg->user_lexicon[cfg->n_user_lexicons++] = optarg;
      break;
    case 'm': cfg->model_path = optarg; model_set = 1; break;
    case OPT_NO_MODEL: no_model = 1; break;
    case OPT_TAGGER: cfg->tagger_path = optarg; break;
    case OPT_HOMOGRAPHS: cfg->homograph_path = optarg; break;
    case OPT_NO_HOMOGRAPHS: no_homographs = 1; break;
    case OPT_BEAM:
      if (parse_u32("beam", optarg, 1, PROTO_MAX_BEAM, 10, &v)) return 2;
      cfg->beam = (int)v;
      break;
    case OPT_RESCORE_MODEL: cfg->rescore_path = optarg; break;
    case OPT_NO_RESCORE: no_rescore = 1; break;
    case OPT_RESCORE_WEIGHT: {
      char *end;
      errno = 0;
      double w = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(w > 0.0) || !(w < 1e6)) {
        fprintf(stderr, "rnninferd: --rescore-weight: '%s' is not a number in (0, 1e6)\n",
                optarg);
        return 2;
      }
      cfg->rescore_weight = w;
      break;
    }
    case OPT_RESCORE_GATE: {
      char *end;
      errno = 0;
      double g = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(g < 0.0) || !(g > -1e6)) {
        fprintf(stderr, "rnninferd: --rescore-gate: '%s' is not a log-probability in "
                        "(-1e6, 0)\n", optarg);
        return 2;
      }
      cfg->rescore_gate = g;
      gate_set = 1;
      break;
    }
    case OPT_RESCORE_BEAM:
      if (parse_u32("rescore-beam", optarg, 2, PROTO_MAX_BEAM, 10, &v)) return 2;
      cfg->rescore_beam = (int)v;
      break;
    case OPT_KERNEL: cfg->kernel = optarg; break;
    case OPT_CACHE_SIZE:
      if (parse_u32("cache-size", optarg, 0, 1u << 24, 10, &cfg->cache_size))
        return 2;
      break;
    case OPT_MAX_FRAME:
      if (parse_u32("max-frame", optarg, 64, 16u << 20, 10, &cfg->lim.max_frame))
        return 2;
      break;
    case OPT_MAX_WORDS:
      if (parse_u32("max-words", optarg, 1, 65536, 10, &cfg->lim.max_words))
        return 2;
      break;
    case OPT_MAX_WORD_BYTES:
      if (parse_u32("max-word-bytes", optarg, 1, G2P_WORD_MAX, 10,
                    &cfg->lim.max_word_bytes))
        return 2;
      break;
    case OPT_MAX_TEXT_BYTES:
      if (parse_u32("max-text-bytes", optarg, 1, 1u << 20, 10, &cfg->lim.max_text_bytes))
        return 2;
      break;
    case OPT_MAX_TOKENS:
      if (parse_u32("max-tokens", optarg, 1, 65536, 10, &cfg->lim.max_tokens))
        return 2;
      break;
    case OPT_MAX_CONNECTIONS:
      if (parse_u32("max-connections", optarg, 1, 65536, 10,
                    &cfg->max_connections))
        return 2;
      break;
    case OPT_MAX_OUTPUT:
      if (parse_u32("max-output", optarg, 4096, 64u << 20, 10, &cfg->max_output))
        return 2;
      output_set = 1;
      break;
    case OPT_SOCKET_MODE:
      if (parse_u32("socket-mode", optarg, 0, 0777, 8, &v)) return 2;
      cfg->socket_mode = (int)v;
      break;
    case OPT_SOCKET_GROUP:
      if (access_parse_group(optarg, &cfg->socket_group) != 0) {
        fprintf(stderr, "rnninferd: --socket-group: unknown group \"%s\"\n",
                optarg);
        return 2;
      }
      cfg->has_socket_group = 1;
      break;
    case OPT_ALLOW_UID:
    case OPT_ALLOW_GID:
      if ((c == OPT_ALLOW_UID ? access_add_uids : access_add_gids)(
              cfg, optarg, err, sizeof err) != 0) {
        fprintf(stderr, "rnninferd: --%s: %s\n",
                c == OPT_ALLOW_UID ? "allow-uid" : "allow-gid", err);
        return 2;
      }
      break;
    case OPT_DRAIN_TIMEOUT:
      if (parse_seconds("drain-timeout", optarg, &cfg->drain_ms)) return 2;
      break;
    case OPT_OUTPUT_TIMEOUT:
      if (parse_seconds("output-timeout", optarg, &cfg->output_timeout_ms))
        return 2;
      break;
    case OPT_IDLE_TIMEOUT:
      if (parse_seconds("idle-timeout", optarg, &cfg->idle_timeout_ms))
        return 2;
      break;
    case OPT_SPIN_US:
      if (parse_u32("spin-us", optarg, 0, 1000000, 10, &cfg->spin_us)) return 2;
      break;
    case OPT_WORKERS:
      if (parse_u32("workers", optarg, 0, 64, 10, &cfg->workers)) return 2;
      break;
    case OPT_CPUS:
      if (parse_cpus(optarg, cfg) != 0) {
        fprintf(stderr, "rnninferd: --cpus: expected a CPU list like 0,2-3, "
                        "got \"%s\"\n", optarg);
        return 2;
      }
      break;
    case OPT_LOG_LEVEL: {
      int lv = dlog_level_parse(optarg);
      if (lv < 0) {
        fprintf(stderr, "rnninferd: --log-level: expected error, warn, info or "
                        "debug, got \"%s\"\n", optarg);
        return 2;
      }
      *log_level = lv;
      break;
    }
    case 'h': usage(stdout); return 1;
    case 'V':
      printf("rnninferd %s (protocol %d)\n", PACKAGE_VERSION, PROTO_VERSION);
      return 1;
    default:
      fputs("Try 'rnninferd --help' for more information.\n", stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "rnninferd: unexpected argument \"%s\"\n", argv[optind]);
    return 2;
  }
  /* A text's reply can be ~50 times the text (a token map and a word map
   * for every few bytes: 8 KiB of "$1.25 " took 400 KB); unless told, make
   * room for the largest text the daemon takes. */
  if (!output_set && (uint64_t)cfg->lim.max_text_bytes * 64 > cfg->max_output)
    cfg->max_output = (uint64_t)cfg->lim.max_text_bytes * 64 > (64u << 20)
                          ? (64u << 20)
                          : cfg->lim.max_text_bytes * 64;
  if (no_model && model_set) {
    fputs("rnninferd: --model and --no-model contradict each other\n", stderr);
    return 2;
  }
  if (!model_set && !no_model && access(DEFAULT_MODEL, R_OK) == 0)
    cfg->model_path = DEFAULT_MODEL;
  if (cfg->rescore_path && !cfg->model_path) {
    fputs("rnninferd: --rescore-model needs a model (--model FILE)\n", stderr);
    return 2;
  }
  int rescore_opts = cfg->rescore_weight > 0.0 || cfg->rescore_beam || gate_set;
  if (no_rescore && (cfg->rescore_path || rescore_opts)) {
    fputs("rnninferd: --no-rescore contradicts --rescore-model, --rescore-weight, "
          "--rescore-beam and --rescore-gate\n", stderr);
    return 2;
  }
  /* The default model comes with its rescorer; a model named by --model
   * is rescored only when asked (the gate was chosen for the default). */
  if (!cfg->rescore_path && !no_rescore && !model_set && cfg->model_path &&
      access(DEFAULT_RESCORER, R_OK) == 0) {
    cfg->rescore_path = DEFAULT_RESCORER;
    if (!gate_set) cfg->rescore_gate = DEFAULT_RESCORE_GATE;
  }
  if (!cfg->rescore_path && rescore_opts) {
    fputs("rnninferd: --rescore-weight, --rescore-beam and --rescore-gate need "
          "--rescore-model\n", stderr);
    return 2;
  }
  if (no_homographs && (cfg->homograph_path || cfg->tagger_path)) {
    fputs("rnninferd: --no-homographs contradicts --homographs and --tagger\n", stderr);
    return 2;
  }
  if (!no_homographs) {
    if (!cfg->tagger_path && access(DEFAULT_TAGGER, R_OK) == 0)
      cfg->tagger_path = DEFAULT_TAGGER;
    if (!cfg->homograph_path && access(DEFAULT_HOMOGRAPHS, R_OK) == 0)
      cfg->homograph_path = DEFAULT_HOMOGRAPHS;
    if (cfg->homograph_path && !cfg->tagger_path) {
      fputs("rnninferd: --homographs needs a tagger model (--tagger FILE)\n", stderr);
      return 2;
    }
  }
  /* Under socket activation the passed socket is used and no path is
   * needed: rnninferd.service runs as a system user without
   * XDG_RUNTIME_DIR. */
  if (!cfg->socket_path) cfg->socket_path = pick_socket_path();
  if (!cfg->socket_path && !sysd_socket_passed()) {
    fputs("rnninferd: XDG_RUNTIME_DIR is not set; give --socket PATH\n", stderr);
    if (sysd_notify_expected())
      fputs("rnninferd: no socket passed by systemd either (NOTIFY_SOCKET is "
            "set, LISTEN_FDS is not): is rnninferd.socket active?\n", stderr);
    return 2;
  }
  return 0;
}

static void close_walk(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void loop_teardown(uv_loop_t *loop) {
  uv_walk(loop, close_walk, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  if (uv_loop_close(loop) != 0) log_warn("event loop did not close cleanly");
}

int main(int argc, char **argv) {
  daemon_config cfg;
  int level;
  char err[512];
  int rc = parse_options(argc, argv, &cfg, &level);
  if (rc == 1) return 0;
  if (rc != 0) return 2;
  dlog_init(argv[0], (enum dlog_level)level);
  signal(SIGPIPE, SIG_IGN);
  if (cfg.kernel && setenv("RNNINFERD_KERNEL", cfg.kernel, 1) != 0) {
    log_error("setenv: %s", strerror(errno));
    return 1;
  }

  g2p_engine_config ecfg;
  memset(&ecfg, 0, sizeof ecfg);
  ecfg.lexicon_path = cfg.lexicon_path;
  ecfg.model_path = cfg.model_path;
  ecfg.tagger_path = cfg.tagger_path;
  ecfg.homograph_path = cfg.homograph_path;
  ecfg.beam_width = cfg.beam;
  ecfg.rescore_model_path = cfg.rescore_path;
  ecfg.rescore_weight = cfg.rescore_weight;
  ecfg.rescore_beam = cfg.rescore_beam;
  ecfg.rescore_gate = cfg.rescore_gate;
  ecfg.user_lexicon_paths = cfg.user_lexicon;
  ecfg.n_user_lexicons = cfg.n_user_lexicons;
  ecfg.diag = log_lexicon_problem;
  ecfg.cache_entries = cfg.cache_size;
  err[0] = '\0';
  unsigned n_workers = cfg.model_path ? cfg.workers : 0;
  engine_ref *eng = engine_ref_open(&ecfg, n_workers, err, sizeof err);
  if (!eng) {
    log_error("cannot start: %s", err);
    return 1;
  }
  g2p_engine_info gi;
  memset(&gi, 0, sizeof gi);
  g2p_engine_get_info(eng->engine, &gi);
  log_info("rnninferd %s: lexicon %s (%u words, %u pronunciations), model %s%s%s, "
           "%u worker%s",
           PACKAGE_VERSION, cfg.lexicon_path ? cfg.lexicon_path : "(none)",
           gi.lexicon_words, gi.lexicon_prons,
           gi.has_model && cfg.model_path ? cfg.model_path : "none",
           gi.has_model ? ", kernel " : "",
           gi.has_model && gi.kernel ? gi.kernel : "", n_workers,
           n_workers == 1 ? "" : "s");
  if (gi.homograph_words)
    log_info("homographs: %u words (%s), tagger %s", gi.homograph_words,
             cfg.homograph_path, cfg.tagger_path);
  if (gi.rescore_name && gi.rescore_gate < 0.0)
    log_info("rescoring: %s (%s), weight %g, %d hypotheses, greedy answers of "
             "log-probability below %g only", cfg.rescore_path, gi.rescore_name,
             gi.rescore_weight, gi.rescore_beam, gi.rescore_gate);
  else if (gi.rescore_name)
    log_info("rescoring: %s (%s), weight %g, %d hypotheses", cfg.rescore_path,
             gi.rescore_name, gi.rescore_weight, gi.rescore_beam);
  if (cfg.n_user_lexicons)
    log_info("user lexicon%s: %u words, %u pronunciations",
             cfg.n_user_lexicons == 1 ? "" : "s", gi.user_words, gi.user_prons);

  if (cfg.kernel && !gi.has_model)
    log_warn("--kernel %s has no effect without a model", cfg.kernel);
  else if (cfg.kernel && gi.kernel && strcmp(cfg.kernel, gi.kernel) != 0)
    log_warn("--kernel %s asked for, the model runs on %s", cfg.kernel,
             gi.kernel);

  uv_loop_t loop;
  rc = uv_loop_init(&loop);
  if (rc != 0) {
    log_error("event loop: %s", uv_strerror(rc));
    engine_ref_release(eng);
    return 1;
  }
  static server srv;
  int status = 0;
  if (server_init(&srv, &loop, &cfg, &ecfg, eng, err, sizeof err) != 0 ||
      server_listen(&srv, err, sizeof err) != 0) {
    log_error("cannot start: %s", err);
    status = 1;
  } else if (control_start(&srv) != 0) {
    status = 1;
  } else {
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  server_destroy(&srv);
  loop_teardown(&loop);
  if (status == 0) log_info("exiting");
  return status;
}
