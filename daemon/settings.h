/* settings.h -- everything rnninferd is told on its command line.
 *
 * main.c fills one daemon_config from the options and hands it, read-only,
 * to the server, the connections and the dispatcher. Every limit that sizes
 * a buffer lives here, so that all memory can be reserved at start-up. */
#ifndef RNNINFERD_DAEMON_SETTINGS_H
#define RNNINFERD_DAEMON_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/proto.h"

#define DAEMON_DEFAULT_MAX_CONNECTIONS 128u
#define DAEMON_DEFAULT_MAX_OUTPUT      (128u * 1024u)
#define DAEMON_DEFAULT_SOCKET_MODE     0666
#define DAEMON_DEFAULT_DRAIN_MS        10000u
#define DAEMON_ALLOW_MAX               64 /* entries per allow-list */
#define DAEMON_CPUS_MAX                256
#define DAEMON_USER_LEXICONS_MAX       16 /* --user-lexicon files */
#define DAEMON_DEFAULT_WORKERS         1u
#define DAEMON_DEFAULT_CACHE_SIZE 4096 /* network answers kept (~1.4 MB) */
#define DAEMON_DEFAULT_SPIN_US         50u  /* see workers.c and rnninferd(8) */
#define DAEMON_DEFAULT_OUTPUT_TIMEOUT_MS 30000u

typedef struct daemon_config {
  const char *socket_path;  /* where to bind (ignored under socket activation) */
  const char *lexicon_path; /* compiled lexicon, NULL = none */
  const char *model_path;   /* model file, NULL = none */
  const char *tagger_path;  /* POS tagger model, NULL = none */
  const char *homograph_path; /* homograph model, NULL = no choice */
  const char *user_lexicon[DAEMON_USER_LEXICONS_MAX]; /* CMUdict text files */
  size_t n_user_lexicons;
  const char *kernel;       /* kernel table name, NULL = automatic */
  int beam;                 /* default beam width */
  const char *rescore_path; /* rescoring model, NULL = none (g2p/engine.h) */
  double rescore_weight;    /* 0 = the engine's default */
  int rescore_beam;         /* 0 = the engine's default */
  double rescore_gate;      /* 0 = every word rescored, < 0: only the unsure */
  proto_limits lim;         /* frame, words, word bytes */
  uint32_t max_connections; /* connection slots reserved at start-up */
  uint32_t max_output;      /* bytes of each of a connection's two output buffers */
  int socket_mode;          /* permission bits of the socket file */
  int has_socket_group;
  gid_t socket_group;
  uint32_t drain_ms;        /* SIGTERM: give in-flight work this long */
  uint32_t output_timeout_ms; /* a client not reading its replies this long is dropped */
  uint32_t idle_timeout_ms;   /* a connection idle (or mid-frame) this long is closed; 0 = never */
  uint32_t workers;         /* kernel worker threads; 0 = network on the loop */
  uint32_t cache_size;      /* result cache entries; 0 = no cache */
  uint32_t spin_us;         /* polling window around wake-ups (workers.h) */
  size_t n_cpus;            /* --cpus: workers pinned in turn */
  int cpus[DAEMON_CPUS_MAX];
  size_t n_allow_uid, n_allow_gid; /* both 0 = everybody may connect */
  uid_t allow_uid[DAEMON_ALLOW_MAX];
  gid_t allow_gid[DAEMON_ALLOW_MAX];
} daemon_config;

#endif
