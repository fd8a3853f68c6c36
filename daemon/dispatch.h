/* dispatch.h -- one request payload in, one reply frame out.
 *
 * The dispatcher decodes a request, asks the engine about each word, and
 * packs the reply straight into the connection's output buffer. It runs on
 * the loop thread and never allocates: the word slices and the stats table
 * it needs are reserved in dispatcher_init(), the per-word results of a
 * request that waits for the network live in the connection's async_req.
 *
 * With kernel workers (--workers N > 0) and a model loaded, the loop thread
 * answers dictionary words itself and hands only the words that need the
 * network to the workers; the request then completes asynchronously
 * (dispatch_request returns DISPATCH_ASYNC and the connection waits for
 * dispatch_async_finish). The text op does the same with the spoken words
 * of a text: their answers wait in the connection's max_words slots, or,
 * for a text with more network words, in the dispatcher's text pool
 * (max_tokens slots, one text at a time). A text that fits neither (more
 * than max_tokens network words, or the pool lent to another text) is
 * answered inline on the loop thread, as without workers.
 *
 * A words request with opts.nbest goes the same way, its network words to
 * the workers, but each word's alternatives (up to 16 texts) need more
 * room than a word slot: they go to one of the dispatcher's few nbest
 * pools (DISPATCH_NBEST_POOLS of max_words word_alts, reserved when there
 * are workers), lent to one request until it is answered. When every pool
 * is lent, a request with network words waits (DISPATCH_WAIT: nothing
 * done, nothing counted; the connection stops and asks again when told a
 * pool is free, through on_pool_free); one without network words is
 * answered at once on the loop thread. A text whose network words need
 * the text pool waits the same way while another text holds it. */
#ifndef RNNINFERD_DAEMON_DISPATCH_H
#define RNNINFERD_DAEMON_DISPATCH_H

#include <stdint.h>

#include "daemon/engines.h"
#include "daemon/settings.h"
#include "daemon/stats.h"
#include "daemon/word_slot.h"
#include "g2p/engine.h"
#include "proto/proto.h"

struct workers;
struct dispatcher;

/* max_words alternatives records, lent to one nbest request at a time. */
typedef struct nbest_pool {
  word_alts *alts;
  int busy;
  struct dispatcher *owner; /* told when the pool is given back */
} nbest_pool;

/* Two: one request's words with the workers while the next is prepared. */
#define DISPATCH_NBEST_POOLS 2

/* A words or text request waiting for the workers (one per connection at
 * most). A text request's slots hold only its spoken words that the
 * network answers (or the result cache did at the first pass), in order,
 * each naming its word (word_slot.text_word); the rest are answered again
 * when the reply is packed, from the text read anew (the dispatcher's text
 * context serves other requests meanwhile). */
typedef struct async_req {
  word_slot *slots;           /* max_words, reserved with the connection */
  word_slot *lent;            /* text: the dispatcher's text_pool, when the
                               * text needed more slots (NULL otherwise) */
  int *lent_busy;             /* cleared when the pool is given back */
  struct dispatcher *lent_owner; /* told when the text pool is given back */
  nbest_pool *pool;           /* words with opts.nbest: the pool lent to it */
  int nbest;                  /* words: opts.nbest (0: none) */
  uint64_t wait_ticket;       /* DISPATCH_WAIT: its place among the waiting */
  int wait_pool;              /* DISPATCH_WAIT: the DISPATCH_POOL_* it needs */
  uint64_t waited_since;      /* DISPATCH_WAIT: the request's start (its
                               * latency counts the wait); 0 otherwise */
  int op;                     /* PROTO_OP_WORDS or PROTO_OP_TEXT */
  int active;                 /* a request is in progress */
  uint32_t pending;           /* words still with the workers */
  uint32_t gen;               /* tells completions of old requests apart */
  int cancelled;              /* atomic: the client has gone; workers skip
                               * this request's words and only complete them */
  uint64_t id;
  uint32_t n_words;           /* words: the request's; text: slots in use */
  const char *text;           /* text: the request's, in its frame (which
                               * stays put until answered) */
  uint32_t text_len;
  unsigned text_flags;        /* text: G2P_FLAG_MODEL_ONLY or 0 */
  int beam;                   /* text: opts.beam */
  int variants;
  int form;                   /* DISPATCH_FORM_* of the request */
  uint32_t frame_bytes;       /* header + payload, consumed when answered */
  uint64_t t0;                /* start, for the latency histogram */
  engine_ref *eng;            /* held until answered */
} async_req;

enum { DISPATCH_DONE = 0, DISPATCH_NO_ROOM = -1, DISPATCH_ASYNC = 1,
       DISPATCH_WAIT = 2 };

/* What a waiting request waits for. */
enum { DISPATCH_POOL_NBEST = 1, DISPATCH_POOL_TEXT = 2 };

/* How a words reply spells pronunciations (opts.stress, opts.alphabet). */
enum { DISPATCH_FORM_NO_STRESS = 1, DISPATCH_FORM_IPA = 2 };

typedef struct dispatcher {
  const daemon_config *cfg;
  daemon_stats *stats;
  engine_ref **current;    /* the server's current engine (swapped on reload) */
  struct workers *workers; /* NULL: everything inline on the loop thread */
  g2p_text_ctx *text;      /* the text front end's buffers (op text) */
  /* Slots for one text at a time whose network words outnumber a
   * connection's max_words slots (max_tokens of them, reserved when there
   * are workers; 0 without): lent to its async_req until it is answered. */
  word_slot *text_pool;
  uint32_t text_pool_cap;
  int text_pool_busy;
  /* nbest requests' alternatives (n_nbest pools when there are workers) */
  nbest_pool nbest[DISPATCH_NBEST_POOLS];
  unsigned n_nbest;
  uint64_t wait_serial;    /* tickets of the requests waiting for a pool */
  uint32_t n_waiting[3];   /* requests waiting, by DISPATCH_POOL_* */
  void (*on_pool_free)(void *ctx); /* a pool was given back (set by the owner) */
  void *pool_ctx;
  word_alts inline_alts;   /* an inline nbest word's, pointing into scratch */
  word_slot probe;         /* nbest_needs_network's answers, thrown away */
  proto_slice *words;      /* cfg->lim.max_words slices */
  proto_stat *stat_table;  /* STATS_MAX_ENTRIES */
} dispatcher;

int dispatcher_init(dispatcher *d, const daemon_config *cfg,
                    daemon_stats *stats, engine_ref **current);
void dispatcher_destroy(dispatcher *d);

/* Answers the request in payload[0..len) with one reply frame appended to
 * out and returns DISPATCH_DONE; or returns DISPATCH_NO_ROOM when the reply
 * did not fit, or when it needs a shared pool and out is not empty (out
 * unchanged, nothing counted: call again with more room;
 * when out_is_empty is set the buffer is as large as it gets, so an
 * oversized reply becomes an `internal` error reply instead); or returns
 * DISPATCH_ASYNC when words went to the workers: ar is then active and
 * dispatch_async_finish() packs the reply once ar->pending is 0; or returns
 * DISPATCH_WAIT (an nbest request with network words and every nbest
 * pool lent, or a text that needs the text pool while another holds it:
 * out unchanged, nothing counted but the wait, ar->wait_ticket and
 * ar->wait_pool set): call again after on_pool_free, oldest ticket first
 * among those waiting for that kind of pool. slot is the connection's slot
 * index, carried by the worker jobs. */
int dispatch_request(dispatcher *d, const char *payload, uint32_t len,
                     proto_buf *out, int out_is_empty, async_req *ar,
                     uint32_t slot);

/* Packs the reply of a completed asynchronous request: DISPATCH_DONE (ar
 * released) or DISPATCH_NO_ROOM (as above; call again). A text request is
 * read again here with the dispatcher's text context. */
int dispatch_async_finish(dispatcher *d, async_req *ar, proto_buf *out,
                          int out_is_empty);
/* Drops an asynchronous request whose connection went away (after its
 * words came back). Gives back what was lent to it. */
void dispatch_async_abandon(async_req *ar);

/* Is a pool of that kind (DISPATCH_POOL_*) free, so that a request
 * waiting for one would get it? */
int dispatch_pool_free(const dispatcher *d, int kind);
/* A connection that got DISPATCH_WAIT is closing: its request no longer
 * waits (and no longer holds back newer ones). */
void dispatch_wait_cancel(dispatcher *d, async_req *ar);

/* Appends an error reply (framing errors, refusals) and counts it.
 * Returns 0 or -1 when out has no room. */
int dispatch_error(dispatcher *d, proto_buf *out, uint64_t id, int code,
                   const char *message);

#endif
