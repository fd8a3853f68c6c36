/* proto.h -- the rnninferd wire protocol, shared by the daemon and the client.
 *
 * A frame is a 4-byte big-endian payload length L followed by L bytes holding
 * exactly one msgpack map. doc/protocol.md is the normative description; this
 * header is its C face.
 *
 * Two sides with different needs:
 *  - The daemon decodes requests and encodes replies on its hot path, so both
 *    directions here work in caller-provided memory and never allocate:
 *    proto_request_decode() is a bounds-checked msgpack reader over the frame
 *    bytes (word slices point into the frame), and replies are packed into a
 *    fixed proto_buf.
 *  - The client encodes requests into a proto_buf and decodes replies with
 *    proto_reply_decode(), which may allocate (its output is owned by a
 *    proto_reply and released with proto_reply_free()).
 *
 * Nothing here knows about sockets, models or the dictionary. */
#ifndef RNNINFERD_PROTO_H
#define RNNINFERD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1
/* Compatible additions to version 1 (doc/protocol.md section 6): 1, the
 * text op, user lexicon answers, output forms, confidences; 2, the info
 * reply's rescorer and the words op's spelled initialisms. */
#define PROTO_VERSION_MINOR 3
#define PROTO_HEADER_BYTES 4

/* Defaults for the limits (all overridable by daemon flags). */
#define PROTO_DEFAULT_MAX_FRAME      65536u
#define PROTO_DEFAULT_MAX_WORDS      256u
#define PROTO_DEFAULT_MAX_WORD_BYTES 64u
#define PROTO_MAX_BEAM               16
#define PROTO_DEFAULT_MAX_TEXT_BYTES 8192u
#define PROTO_DEFAULT_MAX_TOKENS     2048u

/* Stable error codes on the wire (the "code" of an error map). */
enum proto_error {
  PROTO_OK = 0,
  PROTO_E_FRAME_TOO_LARGE = 1, /* length over max_frame: reply id 0, close */
  PROTO_E_BAD_FRAME = 2,       /* zero length or malformed framing: reply, close */
  PROTO_E_BAD_MSGPACK = 3,     /* payload is not exactly one msgpack object */
  PROTO_E_BAD_REQUEST = 4,     /* not a map, missing/mistyped field */
  PROTO_E_UNKNOWN_OP = 5,
  PROTO_E_TOO_MANY_WORDS = 6,
  PROTO_E_WORD_TOO_LONG = 7,   /* per word */
  PROTO_E_BAD_UTF8 = 8,        /* per word */
  PROTO_E_EMPTY_WORD = 9,      /* per word */
  PROTO_E_NOT_FOUND = 10,      /* per word: no dictionary entry and no model */
  PROTO_E_BUSY = 11,           /* limits reached (connections, in-flight) */
  PROTO_E_SHUTTING_DOWN = 12,
  PROTO_E_INTERNAL = 13,
  PROTO_E_NO_PRONUNCIATION = 14, /* per word: the network answered nothing */
  PROTO_E_TEXT_TOO_LONG = 15,  /* text over max_text_bytes */
  PROTO_E_TOO_MANY_TOKENS = 16,/* text makes more than max_tokens tokens */
  PROTO_E_UNREADABLE = 17      /* per token: script or symbol not read */
};
#define PROTO_E_MAX 17

/* "frame_too_large", ... ; "unknown" for codes outside the table. */
const char *proto_error_name(int code);
/* A one-line human description of the code. */
const char *proto_error_message(int code);

enum proto_op {
  PROTO_OP_NONE = 0,
  PROTO_OP_WORDS = 1,
  PROTO_OP_PING = 2,
  PROTO_OP_STATS = 3,
  PROTO_OP_INFO = 4,
  PROTO_OP_TEXT = 5
};
const char *proto_op_name(enum proto_op op); /* "words", ... */

typedef struct proto_limits {
  uint32_t max_frame;      /* payload bytes */
  uint32_t max_words;      /* words in one request */
  uint32_t max_word_bytes; /* UTF-8 bytes in one word */
  uint32_t max_text_bytes; /* UTF-8 bytes in one text (op text) */
  uint32_t max_tokens;     /* tokens in one text */
} proto_limits;
void proto_limits_default(proto_limits *lim);

/* ---- framing ------------------------------------------------------------ */

/* Reads the 4-byte big-endian length at p. */
uint32_t proto_frame_length(const void *p);
/* Checks a frame length against the limits: PROTO_OK,
 * PROTO_E_BAD_FRAME (0) or PROTO_E_FRAME_TOO_LARGE. */
int proto_frame_check(uint32_t len, const proto_limits *lim);

/* A fixed output buffer. Writes past cap set `overflow` and are dropped;
 * nothing ever reallocates. */
typedef struct proto_buf {
  char *data;
  size_t len;
  size_t cap;
  int overflow;
} proto_buf;
void proto_buf_init(proto_buf *b, void *mem, size_t cap);
void proto_buf_reset(proto_buf *b);

/* Frames are written as: mark = proto_frame_begin(b); <encode one map>;
 * proto_frame_end(b, mark). begin reserves the 4-byte header, end patches
 * it. proto_frame_end returns 0, or -1 on overflow, in which case the buffer
 * is rolled back to mark (nothing partial is left behind). */
size_t proto_frame_begin(proto_buf *b);
int proto_frame_end(proto_buf *b, size_t mark);

/* ---- requests --------------------------------------------------------- */

typedef struct proto_slice {
  const char *ptr;
  uint32_t len;
} proto_slice;

typedef struct proto_request {
  uint64_t id;
  int has_id;              /* the request carried a valid "id" */
  enum proto_op op;
  /* words op: slices into the decoded payload, at most words_cap of them */
  proto_slice *words;      /* caller-provided array */
  uint32_t words_cap;      /* its capacity (>= lim->max_words) */
  uint32_t n_words;
  /* text op: the text, a slice into the payload (validated by the daemon) */
  proto_slice text;
  int has_text;
  /* "opts" */
  int opt_variants;        /* bool */
  int opt_model_only;      /* bool */
  int opt_beam;            /* 0 = server default, else 1..PROTO_MAX_BEAM */
  int opt_no_stress;       /* "stress": false */
  int opt_ipa;             /* "alphabet": "ipa" */
  int opt_nbest;           /* 0 = none, else 1..PROTO_MAX_BEAM ("nbest") */
} proto_request;

/* Decodes one request payload (the L bytes after the header). Never
 * allocates; word slices point into payload. Returns PROTO_OK or one of
 * PROTO_E_BAD_MSGPACK, PROTO_E_BAD_REQUEST, PROTO_E_UNKNOWN_OP,
 * PROTO_E_TOO_MANY_WORDS with a message in err. req->id/has_id are set
 * whenever the id could be read, even on error, so the error reply can echo
 * it. Words are not validated here (per-word errors are per-word replies);
 * see proto_word_check(). Unknown keys are ignored. */
int proto_request_decode(const void *payload, size_t len,
                         const proto_limits *lim, proto_request *req,
                         char *err, size_t errlen);

/* Per-word validity: PROTO_OK, PROTO_E_EMPTY_WORD, PROTO_E_WORD_TOO_LONG or
 * PROTO_E_BAD_UTF8 (strict UTF-8: no overlongs, surrogates, > U+10FFFF). */
int proto_word_check(const char *w, size_t len, const proto_limits *lim);

/* Client side: encodes a request frame (header included) into b.
 * Returns 0, or -1 when b is too small. */
int proto_encode_request(proto_buf *b, uint64_t id, enum proto_op op,
                         const proto_slice *words, uint32_t n_words,
                         int opt_variants, int opt_model_only, int opt_beam);

/* Client side: a text request frame {"id", "op": "text", "text", "opts"}. */
int proto_encode_text_request(proto_buf *b, uint64_t id, const char *text,
                              uint32_t len, int opt_model_only, int opt_beam);

/* Every option of a words request; zero means the server's default. */
typedef struct proto_opts {
  int variants, model_only, beam, no_stress, ipa;
  int nbest;                    /* 0 = none, else "nbest" */
} proto_opts;
int proto_encode_request_opts(proto_buf *b, uint64_t id, enum proto_op op,
                              const proto_slice *words, uint32_t n_words,
                              const proto_opts *opts);

/* ---- replies ------------------------------------------------------------ */

/* Source of a word's answer, as on the wire: "dict", "model", "user", "none". */
enum proto_source {
  PROTO_SOURCE_NONE = 0,
  PROTO_SOURCE_DICT = 1,
  PROTO_SOURCE_MODEL = 2,
  PROTO_SOURCE_LETTERS = 3, /* text op: a letter said by its name */
  PROTO_SOURCE_USER = 4,  /* a user lexicon (rnninferd --user-lexicon) */
  PROTO_SOURCE_HOMOGRAPH = 5 /* text op: a reading chosen from the sentence */
};
const char *proto_source_name(enum proto_source s);

#define PROTO_VARIANTS_MAX 8
#define PROTO_NBEST_MAX PROTO_MAX_BEAM /* "alternatives" of one answer */

typedef struct proto_word_result {
  enum proto_source source;
  int error;                    /* 0 or a per-word PROTO_E_* code */
  const char *phones;           /* not NUL-terminated; NULL when error */
  uint32_t phones_len;
  uint32_t n_variants;          /* 0 = no "variants" key */
  int has_confidence;           /* network answers: "confidence" */
  double confidence;            /* probability of the answer, 0..1 */
  const char *variant[PROTO_VARIANTS_MAX];
  uint32_t variant_len[PROTO_VARIANTS_MAX];
  /* "alternatives" (an nbest request): phones and log-probability (NAN:
   * none, sent as nil) of each; 0 = no key */
  uint32_t n_alternatives;
  const char *alternative[PROTO_NBEST_MAX];
  uint32_t alternative_len[PROTO_NBEST_MAX];
  double alternative_logprob[PROTO_NBEST_MAX];
} proto_word_result;

/* Daemon side: each writes one whole frame into b (header included) and
 * returns 0, or -1 when b is too small (b rolled back). */
int proto_encode_error(proto_buf *b, uint64_t id, int code, const char *message);
int proto_encode_pong(proto_buf *b, uint64_t id);

/* A words reply is written incrementally so that results can be produced
 * one at a time: begin (n results follow), n x word, end. end returns 0 or
 * -1 on overflow (b rolled back to before begin). */
typedef struct proto_words_writer {
  proto_buf *b;
  size_t mark;
  uint32_t n;        /* results announced by begin */
  uint32_t written;  /* results written so far; end fails unless == n */
} proto_words_writer;
void proto_encode_words_begin(proto_words_writer *w, proto_buf *b,
                              uint64_t id, uint32_t n);
void proto_encode_word(proto_words_writer *w, const proto_word_result *r);
int proto_encode_words_end(proto_words_writer *w);

/* A text reply, written incrementally like a words reply: begin (n tokens
 * follow), then per token token() and exactly its n_words word() calls,
 * then end (0, or -1 on overflow or miscount: b rolled back). */
typedef struct proto_text_writer {
  proto_buf *b;
  size_t mark;
  uint32_t n, written;        /* tokens announced / written */
  uint32_t words_due;         /* words the current token still owes */
  int bad;
} proto_text_writer;
void proto_encode_text_begin(proto_text_writer *w, proto_buf *b, uint64_t id,
                             uint32_t n_tokens);
/* error: 0 or a per-token code (PROTO_E_UNREADABLE, PROTO_E_WORD_TOO_LONG) */
void proto_encode_token(proto_text_writer *w, const char *text, uint32_t len,
                        uint32_t start, uint32_t end, const char *kind,
                        int error, uint32_t n_words);
/* phones NULL with error != 0 for a word that could not be answered */
void proto_encode_token_word(proto_text_writer *w, const char *word,
                             uint32_t word_len, const char *phones,
                             uint32_t phones_len, enum proto_source source,
                             int error);
int proto_encode_text_end(proto_text_writer *w);

/* stats: a flat map of counters, name -> uint64 (names are dotted paths,
 * e.g. "requests.words", "errors.bad_msgpack", "latency_us.words.p99"). */
typedef struct proto_stat {
  const char *name;
  uint64_t value;
} proto_stat;
int proto_encode_stats(proto_buf *b, uint64_t id, const proto_stat *stats,
                       size_t n);

typedef struct proto_info {
  const char *version;         /* package version */
  uint32_t lexicon_words;
  uint32_t lexicon_prons;
  uint32_t user_words;         /* user lexicons (0 without) */
  uint32_t user_prons;
  int has_model;
  const char *model_name;
  const char *model_arch;
  const char *model_kernel;
  uint32_t model_checksum;
  int has_rescorer;            /* rnninferd --rescore-model (minor 2) */
  const char *rescorer_name;
  uint32_t rescorer_checksum;
  double rescorer_weight;
  uint32_t rescorer_hypotheses;
  double rescorer_gate;        /* < 0: only greedy answers below it (minor 3); 0: all */
  proto_limits limits;
} proto_info;
int proto_encode_info(proto_buf *b, uint64_t id, const proto_info *info);

/* Client side: a decoded reply. Strings are NUL-terminated copies owned by
 * the reply; release with proto_reply_free(). */
typedef struct proto_reply_word {
  enum proto_source source;
  int error;            /* 0 or per-word code */
  char *phones;         /* NULL when error */
  uint32_t n_variants;
  char **variants;
  uint32_t n_alternatives;  /* "alternatives": phones and log-probability */
  char **alternatives;
  double *alternative_logprobs; /* NAN where the reply has nil */
} proto_reply_word;

typedef struct proto_reply_tword {
  char *word;
  char *phones;         /* NULL when error */
  enum proto_source source;
  int error;
} proto_reply_tword;

typedef struct proto_reply_token {
  char *text;
  uint32_t start, end;  /* code points */
  char *kind;
  int error;            /* 0 or per-token code */
  uint32_t n_words;
  proto_reply_tword *words;
} proto_reply_token;

typedef struct proto_reply {
  uint64_t id;
  int ok;
  int error_code;       /* when !ok */
  char *error_name;
  char *error_message;
  enum proto_op op;     /* inferred from the keys present */
  uint32_t n_words;
  proto_reply_word *words;
  size_t n_stats;
  char **stat_names;
  uint64_t *stat_values;
  proto_info info;      /* when op == PROTO_OP_INFO (strings owned) */
  uint32_t protocol;    /* info: the server's protocol version */
  uint32_t protocol_minor; /* info: 0 from servers before the text op */
  uint32_t n_tokens;    /* op text */
  proto_reply_token *tokens;
} proto_reply;

/* Decodes one reply payload. Returns PROTO_OK or PROTO_E_BAD_MSGPACK /
 * PROTO_E_BAD_REQUEST (malformed reply) with a message in err. */
int proto_reply_decode(const void *payload, size_t len, proto_reply *rep,
                       char *err, size_t errlen);
void proto_reply_free(proto_reply *rep);

#endif
