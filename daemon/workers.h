/* workers.h -- kernel worker threads that run the network for words the
 * dictionary does not know.
 *
 * Each worker is a thread (optionally pinned to a CPU) with two
 * preallocated single-producer/single-consumer rings: jobs from the loop
 * thread, completions back to it. The loop wakes a worker with a semaphore
 * post; workers wake the loop with uv_async_send. Jobs carry everything a
 * worker needs (engine reference, word bytes, destination slot); a worker
 * writes only into the destination slot (and, for an nbest request's
 * word, its alternatives record), then publishes the completion. A
 * reading job (a words request's written form whose spoken words need the
 * network) is read whole by the worker, with its own text context.
 *
 * The reply path of a network word runs one way: worker -> done ring ->
 * loop (on_done, the owner's callback) -> connection (conn_word_done) ->
 * reply, packed once the request's last word is back. Nothing here calls
 * up into the connections or the dispatcher. */
#ifndef RNNINFERD_DAEMON_WORKERS_H
#define RNNINFERD_DAEMON_WORKERS_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "daemon/engines.h"
#include "daemon/ring.h"
#include "daemon/stats.h"
#include "daemon/word_slot.h"

typedef struct word_job {
  engine_ref *eng;
  const char *word;
  uint32_t len;
  unsigned flags;
  int beam;
  word_slot *out;
  const int *cancelled; /* atomic: set when nobody waits for the answer */
  uint32_t slot, gen;   /* the connection and its request */
  int nbest;            /* > 0: an nbest request's word, run alone */
  word_alts *alts;      /* nbest: where its alternatives go */
  int reading;          /* a written form ("42", "x-ray") the text front end
                         * reads, network words and all (run alone; flags
                         * as the request gave them) */
} word_job;

typedef struct word_done {
  uint32_t slot, gen;
} word_done;

struct workers;

typedef struct worker {
  struct workers *pool;
  unsigned index;
  int cpu;               /* -1 = not pinned */
  pthread_t thread;
  int started;
  sem_t wake;
  int kick;              /* jobs pushed since the last post (loop side) */
  ring jobs, done;
  uint64_t *allocatedp;  /* jemalloc's per-thread counter, set by the thread */
  uint64_t words;        /* words run (written by the worker) */
  uint64_t cancelled;    /* words skipped: their client had gone (ditto) */
  int spinning;          /* polling its ring instead of sleeping (atomic) */
  g2p_text_ctx *text;    /* the text front end's buffers, for reading jobs */
} worker;

typedef struct workers {
  worker *w;
  unsigned n;
  unsigned next;          /* round robin */
  uv_async_t async;
  int async_open;
  int stop;
  uint64_t spin_ns;       /* --spin-us, 0 = always sleep */
  unsigned batch_max;     /* queued words run together, 1..G2P_BATCH_MAX */
  uv_idle_t spin;         /* loop-side polling while words are out */
  int spin_active;       /* loop: the spin idle handle runs; workers read it
                          * (atomic) and skip the async wake-up meanwhile */
  uint64_t spin_until;    /* keep polling this long after a completion */
  uint64_t due_at;        /* when the words out should all be back */
  uint64_t spin_cap;      /* stop polling for outstanding words after this */
  uint64_t word_ns;       /* moving average of a lone word's run time (atomic;
                           * written by workers) */
  int tfd;                /* timerfd: wakes the loop shortly before a word
                           * is due, so it need not poll all the while */
  uv_poll_t due;          /* watches tfd */
  int due_open;
  uint64_t outstanding;   /* words submitted, not yet collected */
  void (*on_done)(void *ctx, const word_done *d);
  void *ctx;
} workers;

/* Starts n workers; cpus (n_cpus entries, may be 0) are assigned in turn.
 * ring_cap bounds the words in flight per worker. spin_us > 0: a worker
 * polls its ring for that long after its last job; the loop polls from
 * about spin_us before the words out are due (by the measured time of a
 * lone word) until they are back, at most ~2 spin_us past that estimate,
 * and for spin_us after the last completion. Each worker reads written
 * forms of up to word_bytes bytes into a text context of the loop's token
 * limit (max_tokens tokens, 8 words each), so that it reads them as the
 * loop would. 0 or -1 with err. */
int workers_start(workers *ws, uv_loop_t *loop, unsigned n, const int *cpus,
                  unsigned n_cpus, size_t ring_cap, uint32_t spin_us,
                  uint32_t word_bytes, uint32_t max_tokens,
                  void (*on_done)(void *ctx, const word_done *d), void *ctx,
                  char *err, size_t errlen);
/* Queues one job (round robin). 0, or -1 when the rings are full. */
int workers_submit(workers *ws, const word_job *job);
/* Wakes the workers that got jobs since the last kick. */
void workers_kick(workers *ws);
/* Records n more words out with the workers (starts loop-side polling). */
void workers_note_submitted(workers *ws, uint32_t n);
/* Stops and joins the threads, closes the async handle. */
void workers_stop(workers *ws);
/* The workers' totals for `stats` (all zero when ws is NULL). */
void workers_totals(const workers *ws, stats_workers *t);

#endif
