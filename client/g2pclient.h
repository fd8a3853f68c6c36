/* g2pclient.h -- client library for rnninferd, the grapheme-to-phoneme daemon.
 *
 *   g2pc_client *c;
 *   g2pc_result r;
 *   if (g2pc_client_open(&c, NULL, 0) == 0) {
 *     if (g2pc_lookup(c, "aardvark", 0, &r) == 0)
 *       puts(r.phones);                       // AA1 R D V AA2 R K
 *     g2pc_result_free(&r);
 *     g2pc_client_close(c);
 *   }
 *
 * A g2pc_client is one connection to the daemon's Unix socket. It is owned by
 * the caller and is not thread-safe: use one per thread. Every call returns 0
 * or a negative G2PC_E* code (g2pc_strerror() describes it); after a
 * connection-level error (timeout, closed, protocol) the handle refuses
 * further calls with G2PC_EBROKEN: close it and open a new one.
 * The wire protocol is documented in doc/protocol.md; libg2pclient(3). */
#ifndef G2PCLIENT_H
#define G2PCLIENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define G2PC_API __attribute__((visibility("default")))
#else
#define G2PC_API
#endif

#define G2PC_PROTOCOL_VERSION 1
#define G2PC_DEFAULT_TIMEOUT_MS 5000

/* Error codes (all negative). The -1xx codes are the daemon's error codes
 * (doc/protocol.md) as G2PC_ESERVER_CODE(code) = -(100 + code). */
enum g2pc_error {
  G2PC_OK = 0,
  G2PC_EINVAL = -1,          /* bad argument */
  G2PC_ENOMEM = -2,          /* out of memory */
  G2PC_ECONNECT = -3,        /* cannot connect to the socket */
  G2PC_ETIMEDOUT = -4,       /* no progress within the timeout */
  G2PC_ECLOSED = -5,         /* the daemon closed the connection */
  G2PC_EIO = -6,             /* read or write error on the socket */
  G2PC_EPROTO = -7,          /* malformed or unexpected reply */
  G2PC_EBROKEN = -8,         /* an earlier error left the connection unusable */
  G2PC_ENOSPACE = -9,        /* g2pc_text: the caller's buffer is too small */
  G2PC_ESERVER = -100,       /* daemon error with a code this library does not know */
  G2PC_EFRAMETOOLARGE = -101,
  G2PC_EBADFRAME = -102,
  G2PC_EBADMSGPACK = -103,
  G2PC_EBADREQUEST = -104,
  G2PC_EUNKNOWNOP = -105,
  G2PC_ETOOMANYWORDS = -106,
  G2PC_EWORDTOOLONG = -107,  /* per word */
  G2PC_EBADUTF8 = -108,      /* per word */
  G2PC_EEMPTYWORD = -109,    /* per word */
  G2PC_ENOTFOUND = -110,     /* per word: not in the dictionary, no model; or nothing to say */
  G2PC_EBUSY = -111,
  G2PC_ESHUTTINGDOWN = -112,
  G2PC_EINTERNAL = -113,
  G2PC_ENOPRONUNCIATION = -114, /* per word: the network gave no answer */
  G2PC_ETEXTTOOLONG = -115,  /* text over the daemon's max_text_bytes */
  G2PC_ETOOMANYTOKENS = -116,/* text makes more than max_tokens tokens */
  G2PC_EUNREADABLE = -117    /* per token: the front end cannot read it */
};
#define G2PC_ESERVER_CODE(code) (-(100 + (code)))

/* Lookup flags. */
enum g2pc_flags {
  G2PC_VARIANTS = 1 << 0,    /* return every dictionary pronunciation */
  G2PC_MODEL_ONLY = 1 << 1,  /* skip the dictionary, ask the model */
  G2PC_NO_STRESS = 1 << 2,   /* phones without stress digits / IPA marks */
  G2PC_IPA = 1 << 3          /* phones in the IPA (General American) */
};
/* Beam width 1..16 for the model, or'ed into flags (0 = server default). */
#define G2PC_BEAM(n) (((n) & 0xff) << 8)

enum g2pc_source {
  G2PC_SOURCE_NONE = 0,      /* no answer (see error) */
  G2PC_SOURCE_DICT = 1,      /* pronunciation dictionary */
  G2PC_SOURCE_MODEL = 2,     /* neural network */
  G2PC_SOURCE_LETTERS = 3,   /* text: a letter said by its name */
  G2PC_SOURCE_USER = 4,      /* a user lexicon (rnninferd --user-lexicon) */
  G2PC_SOURCE_HOMOGRAPH = 5  /* text: a reading chosen from the sentence */
};

typedef struct g2pc_client g2pc_client;

/* The answer for one word. Release with g2pc_result_free(). */
typedef struct g2pc_result {
  int error;          /* 0, or a negative G2PC_E* code for this word */
  int source;         /* enum g2pc_source */
  char *phones;       /* "AA1 R D V AA2 R K"; NULL when error != 0 */
  size_t n_variants;  /* with G2PC_VARIANTS: all pronunciations, first = phones */
  char **variants;
} g2pc_result;

typedef struct g2pc_server_info {
  char *version;           /* daemon package version */
  unsigned protocol;       /* protocol version */
  uint32_t lexicon_words;
  uint32_t lexicon_prons;
  int has_model;
  char *model_name;        /* NULL without a model */
  char *model_arch;
  char *model_kernel;
  uint32_t model_checksum;
  uint32_t max_frame;      /* the daemon's limits */
  uint32_t max_words;
  uint32_t max_word_bytes;
} g2pc_server_info;

/* The daemon's rescorer (rnninferd --rescore-model): a second network that
 * re-ranks the beam's hypotheses of every network answer. Release with
 * g2pc_rescorer_info_free. */
typedef struct g2pc_rescorer_info {
  char *name;              /* NULL: the daemon rescores nothing (or, before
                            * protocol 1.2, does not say) */
  uint32_t checksum;
  double weight;           /* beside the model's own log-probability */
  unsigned hypotheses;     /* how many the beam hands it */
} g2pc_rescorer_info;

typedef struct g2pc_stat {
  char *name;              /* e.g. "requests.words" */
  uint64_t value;
} g2pc_stat;

/* Connects to socket_path; NULL means $G2PC_SOCKET, else the default path
 * (g2pc_default_socket_path()). timeout_ms bounds every wait for progress
 * (connect, each write, each read): 0 means G2PC_DEFAULT_TIMEOUT_MS,
 * negative means wait forever. */
G2PC_API int g2pc_client_open(g2pc_client **out, const char *socket_path,
                              int timeout_ms);
G2PC_API void g2pc_client_close(g2pc_client *c);
/* The socket path in use. */
G2PC_API const char *g2pc_client_socket_path(const g2pc_client *c);
/* Detail of the last error on this handle (the daemon's message, or the
 * system error); "" when none. */
G2PC_API const char *g2pc_client_last_error(const g2pc_client *c);
/* Requests kept in flight by g2pc_lookup_many (default 8, 1..1024). */
G2PC_API int g2pc_client_set_window(g2pc_client *c, unsigned requests);

/* Writes the default socket path into buf: /run/rnninferd/rnninferd.sock
 * for root; otherwise $XDG_RUNTIME_DIR/rnninferd.sock when that socket
 * exists, else the system path. Returns 0 or G2PC_EINVAL (buf too small). */
G2PC_API int g2pc_default_socket_path(char *buf, size_t len);

/* Looks up one word. Returns 0 when it has phones, the word's own error
 * (e.g. G2PC_ENOTFOUND, also in result->error), or a connection error.
 * result is always filled in and must be released with g2pc_result_free. */
G2PC_API int g2pc_lookup(g2pc_client *c, const char *word, int flags,
                         g2pc_result *result);
/* Looks up n words, pipelined: they are split into requests of at most the
 * daemon's max_words, several of which are in flight at once. Returns 0 when
 * every request was answered (each result then carries its own error), or
 * a connection error, in which case the words not answered carry it too.
 * results[0..n) must be released with g2pc_results_free. */
G2PC_API int g2pc_lookup_many(g2pc_client *c, const char *const *words,
                              size_t n, int flags, g2pc_result *results);
G2PC_API void g2pc_result_free(g2pc_result *result);
G2PC_API void g2pc_results_free(g2pc_result *results, size_t n);

/* The n best answers for one word (a struct of its own: g2pc_result's size
 * is part of the ABI). A network answer: its nbest best hypotheses, best
 * first, with their log-probabilities; a dictionary answer: its variants,
 * logprob NAN. Release with g2pc_nbest_free. */
typedef struct g2pc_alternative {
  char *phones;
  double logprob;     /* natural log of the probability; NAN: none */
} g2pc_alternative;
typedef struct g2pc_nbest {
  int error;          /* 0, or a negative G2PC_E* code for this word */
  int source;         /* enum g2pc_source */
  char *phones;       /* the answer (== alternatives[0].phones' text) */
  size_t n;
  g2pc_alternative *alternatives;
} g2pc_nbest;
/* Looks up one word asking for its nbest (1..the beam width: G2PC_BEAM in
 * flags, or the daemon's default) best answers. Returns as g2pc_lookup
 * does; a request the daemon refuses (nbest over the beam width) returns
 * G2PC_ESERVER_CODE(bad_request) with the reason in
 * g2pc_client_last_error. result is always filled in. */
G2PC_API int g2pc_lookup_nbest(g2pc_client *c, const char *word, int flags,
                               int nbest, g2pc_nbest *result);
G2PC_API void g2pc_nbest_free(g2pc_nbest *result);

/* Round trip with the daemon. */
G2PC_API int g2pc_ping(g2pc_client *c);
/* Versions, dictionary size, model, limits. Release with g2pc_info_free. */
G2PC_API int g2pc_info(g2pc_client *c, g2pc_server_info *info);
G2PC_API void g2pc_info_free(g2pc_server_info *info);
/* The daemon's rescorer, from the same info op (a separate call, so that
 * g2pc_server_info keeps its size). 0 with info->name NULL when there is
 * none. Release with g2pc_rescorer_info_free. */
G2PC_API int g2pc_info_rescorer(g2pc_client *c, g2pc_rescorer_info *info);
G2PC_API void g2pc_rescorer_info_free(g2pc_rescorer_info *info);
/* The rescorer's gate (rnninferd --rescore-gate) into *gate: below 0, only
 * greedy answers whose log-probability is below it are rescored; 0 when
 * every answer is, when there is no rescorer, or from a daemon before
 * protocol 1.3. A call of its own so g2pc_rescorer_info keeps its size. */
G2PC_API int g2pc_info_rescore_gate(g2pc_client *c, double *gate);
/* Counters: *stats gets an array of *n entries; release with g2pc_stats_free. */
G2PC_API int g2pc_stats(g2pc_client *c, g2pc_stat **stats, size_t *n);
G2PC_API void g2pc_stats_free(g2pc_stat *stats, size_t n);

/* Running text (the daemon's `text` op, protocol 1.1). A text is split
 * into tokens in order; each has its text, its span in Unicode code points
 * of the request text (end exclusive), a kind ("word", "punctuation",
 * "money", ... see doc/protocol.md) and the spoken words it stands for,
 * each with phonemes and source. Punctuation has no words. */
typedef struct g2pc_text_word {
  const char *word;        /* the spoken word, e.g. "three" */
  const char *phones;      /* NULL when error != 0 */
  int source;              /* enum g2pc_source */
  int error;               /* 0 or a negative G2PC_E* code */
} g2pc_text_word;

typedef struct g2pc_token {
  const char *text;        /* as written in the request, e.g. "$3.50" */
  uint32_t start, end;     /* code points */
  const char *kind;
  int error;               /* 0, or G2PC_EUNREADABLE / G2PC_EWORDTOOLONG */
  size_t n_words;
  const g2pc_text_word *words;
} g2pc_token;

typedef struct g2pc_text_result {
  const g2pc_token *tokens;
  size_t n_tokens;
} g2pc_text_result;

/* Reads one text (len bytes of UTF-8). Everything the result points at is
 * laid out in the caller's buf[0..cap): nothing to free. When cap is too
 * small, returns G2PC_ENOSPACE and *needed (if not NULL) says how many
 * bytes would do. flags: G2PC_MODEL_ONLY, G2PC_BEAM(n). Returns 0 or a
 * negative G2PC_E* code. */
G2PC_API int g2pc_text(g2pc_client *c, const char *text, size_t len, int flags,
                       g2pc_text_result *out, void *buf, size_t cap,
                       size_t *needed);

/* Reads n NUL-terminated texts pipelined (up to the handle's window in
 * flight) and calls fn(opaque, i, rc, result) for each, in order; result
 * is valid during the call only (NULL when rc != 0). fn returning non-zero
 * stops the run (returned as is). Returns 0, or the connection's error. */
typedef int (*g2pc_text_fn)(void *opaque, size_t index, int rc,
                            const g2pc_text_result *result);
G2PC_API int g2pc_text_many(g2pc_client *c, const char *const *texts,
                            size_t n, int flags, g2pc_text_fn fn, void *opaque);

/* "daemon closed the connection", ...; never NULL. */
G2PC_API const char *g2pc_strerror(int err);
/* Short stable name: "closed", "not_found", ...; never NULL. */
G2PC_API const char *g2pc_error_name(int err);
/* Library version, e.g. "0.1.0". */
G2PC_API const char *g2pc_version(void);

#ifdef __cplusplus
}
#endif

#endif
