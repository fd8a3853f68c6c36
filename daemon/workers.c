/* workers.c -- kernel worker threads (see workers.h).
 *
 * A worker sleeps on its semaphore, drains its job ring, runs each word
 * through the engine (network only: the loop already tried the dictionary),
 * writes the answer into the job's slot and pushes a completion. Signals
 * are blocked in workers so that they are all handled on the loop.
 *
 * Batching: a worker takes every job already queued, up to G2P_BATCH_MAX
 * (16), and runs consecutive ones with the same engine, flags and beam
 * through g2p_engine_lookup_batch, which decodes greedy words in lockstep
 * with one matrix-matrix product per step (the weights are read once for
 * all of them). It never waits for a batch to fill: a lone word runs
 * alone, at once. A word of an nbest request always runs alone
 * (g2p_engine_lookup_nbest), its alternatives copied beside its slot.
 * The environment variable RNNINFERD_WORKER_BATCH (1..16, default 16)
 * caps the batch; 1 turns batching off, for comparisons.
 *
 * Wake-ups (--spin-us): on these virtual machines waking a sleeping thread
 * on another vCPU costs ~20 us, and a network word needs two (loop to
 * worker, worker to loop). A worker therefore polls its ring for spin_us
 * after each job. The loop does not poll through a whole word (hundreds of
 * microseconds of a core, which a loaded machine cannot spare): it arms a
 * timerfd for spin_us before the words out are due, estimated from the
 * measured run time of lone words, polls from then until they are back
 * (giving up ~2 spin_us after the estimate: the worker's wake-up then
 * brings them) and for spin_us after the last one. */
#include "daemon/workers.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jemalloc/jemalloc.h>

#include "daemon/log.h"
#include "g2p/engine.h"

/* A full fence, for the Dekker pairs below (a store, then a load of what
 * the other side stores). ThreadSanitizer does not model standalone
 * fences, so under it the same ordering comes from a seq_cst
 * read-modify-write of one shared word, which both sides of every pair go
 * through (the later one acquires what the earlier one released). */
#if defined(__SANITIZE_THREAD__)
#define WORKERS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WORKERS_TSAN 1
#endif
#endif
#ifdef WORKERS_TSAN
static int fence_word;
static inline void full_fence(void) {
  __atomic_fetch_add(&fence_word, 0, __ATOMIC_SEQ_CST);
}
#else
static inline void full_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* Pops the jobs already queued, at most max. */
static size_t take_jobs(worker *w, word_job *jobs, size_t max) {
  size_t n = 0;
  while (n < max && ring_pop(&w->jobs, &jobs[n]) == 0) n++;
  return n;
}

/* Can b run in one engine call with a? (An nbest word runs alone: the
 * batched lookup gives one answer a word.) */
static int same_batch(const word_job *a, const word_job *b) {
  return a->eng == b->eng && a->flags == b->flags && a->beam == b->beam &&
         a->nbest == 0 && b->nbest == 0 && !a->reading && !b->reading;
}

/* Pushes the completions of n jobs and wakes the loop. */
static void publish_done(worker *w, const word_job *jobs, size_t n) {
  workers *ws = w->pool;
  for (size_t i = 0; i < n; i++) {
    word_done d = { jobs[i].slot, jobs[i].gen };
    while (ring_push(&w->done, &d) != 0) sched_yield(); /* sized not to */
  }
  /* A polling loop collects the completion rings itself, so the eventfd
   * write (and the loop's read of it) would only add latency. The fence
   * orders the pushes before the load; spin_stop() clears spin_active and
   * then drains, so a completion is either seen there or signalled here. */
  full_fence();
  if (!__atomic_load_n(&ws->spin_active, __ATOMIC_SEQ_CST))
    uv_async_send(&ws->async);
}

/* A written form read whole: its dictionary words, letters and network
 * words, as the loop reads one without workers. */
static void run_reading(worker *w, const word_job *j) {
  enum g2p_source src = G2P_SOURCE_NONE;
  double conf = 0.0;
  int rc = g2p_engine_text_reading(j->eng->engine, j->eng->wscratch[w->index], w->text,
                                   j->word, j->len, j->flags, j->beam, j->out->text,
                                   sizeof j->out->text, &src, &conf);
  word_slot_set_reading(j->out, rc, src, conf);
  __atomic_store_n(&w->words, w->words + 1, __ATOMIC_RELAXED);
  publish_done(w, j, 1);
}

/* Runs n jobs of one engine, flags and beam (one lookup, or one batched
 * lookup for several), fills their slots and publishes the completions. */
static void run_jobs(worker *w, const word_job *jobs, size_t n) {
  workers *ws = w->pool;
  const word_job *j0 = &jobs[0];
  if (j0->reading) { /* alone: same_batch */
    run_reading(w, j0);
    return;
  }
  g2p_scratch *scratch = j0->eng->wscratch[w->index];
  /* the loop thread asked the dictionary and the result cache already */
  unsigned flags = j0->flags | G2P_FLAG_MODEL_ONLY | G2P_FLAG_CACHE_CHECKED;
  g2p_word_result g[G2P_BATCH_MAX];
  int rc[G2P_BATCH_MAX];
  if (n == 1) {
    uint64_t t0 = uv_hrtime();
    rc[0] = j0->nbest > 0
                ? g2p_engine_lookup_nbest(j0->eng->engine, scratch, j0->word, j0->len,
                                          flags, j0->beam, j0->nbest, &g[0])
                : g2p_engine_lookup(j0->eng->engine, scratch, j0->word, j0->len,
                                    flags, j0->beam, &g[0]);
    /* A lone word's time, tracked low (down fast, up slowly: ~ a low
     * percentile): waking the loop early costs a little polling, late a
     * wake-up. Workers race on it benignly. */
    uint64_t dt = uv_hrtime() - t0;
    uint64_t est = __atomic_load_n(&ws->word_ns, __ATOMIC_RELAXED);
    est = !est ? dt : dt < est ? est - (est - dt) / 4 : est + (dt - est) / 64;
    __atomic_store_n(&ws->word_ns, est, __ATOMIC_RELAXED);
  } else {
    const char *words[G2P_BATCH_MAX];
    size_t lens[G2P_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
      words[i] = jobs[i].word;
      lens[i] = jobs[i].len;
    }
    int brc = g2p_engine_lookup_batch(j0->eng->engine, scratch, words, lens,
                                      n, flags, j0->beam, g);
    for (size_t i = 0; i < n; i++) rc[i] = brc != 0 ? brc : g[i].error;
  }
  for (size_t i = 0; i < n; i++) {
    word_slot_set(jobs[i].out, rc[i], &g[i], 1);
    if (jobs[i].alts) word_alts_set(jobs[i].alts, rc[i], &g[i], 1);
  }
  __atomic_store_n(&w->words, w->words + n, __ATOMIC_RELAXED);
  publish_done(w, jobs, n);
}

/* Completes the jobs of clients that have gone without running them (the
 * loop still needs the completions to free their slots); moves the others
 * to the front. Returns how many are left to run. */
static size_t skip_cancelled(worker *w, word_job *jobs, size_t n) {
  word_job gone[G2P_BATCH_MAX];
  size_t keep = 0, k = 0;
  for (size_t i = 0; i < n; i++) {
    if (__atomic_load_n(jobs[i].cancelled, __ATOMIC_ACQUIRE)) gone[k++] = jobs[i];
    else jobs[keep++] = jobs[i];
  }
  if (k > 0) {
    __atomic_store_n(&w->cancelled, w->cancelled + k, __ATOMIC_RELAXED);
    publish_done(w, gone, k);
  }
  return keep;
}

static void *worker_main(void *arg) {
  worker *w = arg;
  workers *ws = w->pool;
  size_t sz = sizeof w->allocatedp;
  uint64_t *p = NULL;
  if (mallctl("thread.allocatedp", &p, &sz, NULL, 0) == 0)
    __atomic_store_n(&w->allocatedp, p, __ATOMIC_RELEASE);
  for (;;) {
    /* Spin for a while after the last job (--spin-us): the next one then
     * needs no wake-up. "spinning" tells the loop it need not post; the
     * seq_cst store/fence/load pairs with workers_kick() so that a job
     * pushed while we stop spinning is either seen here or posted there. */
    int got = 0;
    if (ws->spin_ns > 0) {
      __atomic_store_n(&w->spinning, 1, __ATOMIC_SEQ_CST);
      uint64_t end = uv_hrtime() + ws->spin_ns;
      while (!(got = ring_count(&w->jobs) > 0) &&
             !__atomic_load_n(&ws->stop, __ATOMIC_ACQUIRE) && uv_hrtime() < end)
        cpu_relax();
      __atomic_store_n(&w->spinning, 0, __ATOMIC_SEQ_CST);
      full_fence();
      if (!got) got = ring_count(&w->jobs) > 0;
    }
    if (!got)
      while (sem_wait(&w->wake) != 0 && errno == EINTR) {
      }
    if (__atomic_load_n(&ws->stop, __ATOMIC_ACQUIRE)) break;
    word_job jobs[G2P_BATCH_MAX];
    size_t n;
    while ((n = take_jobs(w, jobs, ws->batch_max)) > 0) {
      n = skip_cancelled(w, jobs, n);
      for (size_t at = 0; at < n;) {
        size_t k = 1;
        while (at + k < n && same_batch(&jobs[at], &jobs[at + k])) k++;
        run_jobs(w, jobs + at, k);
        at += k;
      }
    }
  }
  return NULL;
}

static void drain_done(workers *ws) {
  for (unsigned i = 0; i < ws->n; i++) {
    word_done d;
    while (ring_pop(&ws->w[i].done, &d) == 0) {
      ws->outstanding--;
      if (ws->spin_ns) ws->spin_until = uv_hrtime() + ws->spin_ns;
      ws->on_done(ws->ctx, &d);
    }
  }
}

static void on_async(uv_async_t *h);
static void on_due(uv_poll_t *h, int status, int events);

int workers_start(workers *ws, uv_loop_t *loop, unsigned n, const int *cpus,
                  unsigned n_cpus, size_t ring_cap, uint32_t spin_us,
                  uint32_t word_bytes, uint32_t max_tokens,
                  void (*on_done)(void *ctx, const word_done *d), void *ctx,
                  char *err, size_t errlen) {
  memset(ws, 0, sizeof *ws);
  ws->tfd = -1;
  ws->on_done = on_done;
  ws->ctx = ctx;
  ws->w = calloc(n, sizeof *ws->w);
  if (!ws->w) {
    snprintf(err, errlen, "out of memory (workers)");
    return -1;
  }
  int rc = uv_async_init(loop, &ws->async, on_async);
  if (rc != 0) {
    snprintf(err, errlen, "async: %s", uv_strerror(rc));
    return -1;
  }
  ws->async.data = ws;
  ws->async_open = 1;
  ws->spin_ns = (uint64_t)spin_us * 1000u;
  ws->batch_max = G2P_BATCH_MAX;
  const char *bm = getenv("RNNINFERD_WORKER_BATCH");
  if (bm && *bm) {
    long v = strtol(bm, NULL, 10);
    ws->batch_max = v < 1 ? 1 : v > G2P_BATCH_MAX ? G2P_BATCH_MAX : (unsigned)v;
  }
  uv_idle_init(loop, &ws->spin);
  ws->spin.data = ws;
  if (ws->spin_ns > 0) {
    /* timers of this (the loop) thread fire within 1 us rather than the
     * default 50 us of slack, which would eat the whole lead */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    ws->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ws->tfd < 0) {
      snprintf(err, errlen, "timerfd: %s", strerror(errno));
      return -1;
    }
    rc = uv_poll_init(loop, &ws->due, ws->tfd);
    if (rc == 0) rc = uv_poll_start(&ws->due, UV_READABLE, on_due);
    if (rc != 0) {
      snprintf(err, errlen, "timerfd poll: %s", uv_strerror(rc));
      close(ws->tfd);
      ws->tfd = -1;
      return -1;
    }
    ws->due.data = ws;
    ws->due_open = 1;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  for (unsigned i = 0; i < n; i++) {
    worker *w = &ws->w[i];
    w->pool = ws;
    w->index = i;
    w->cpu = n_cpus ? cpus[i % n_cpus] : -1;
    if (ring_init(&w->jobs, ring_cap, sizeof(word_job)) != 0 ||
        ring_init(&w->done, ring_cap, sizeof(word_done)) != 0 ||
        sem_init(&w->wake, 0, 0) != 0) {
      snprintf(err, errlen, "out of memory (worker rings)");
      break;
    }
    if (g2p_text_ctx_create(&w->text, word_bytes ? word_bytes : 1,
                            max_tokens ? max_tokens : 1,
                            (max_tokens ? max_tokens : 1) * 8) != G2P_OK) {
      w->text = NULL;
      snprintf(err, errlen, "out of memory (worker text context)");
      break;
    }
    ws->n = i + 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (w->cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(w->cpu, &set);
      pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    }
    rc = pthread_create(&w->thread, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      snprintf(err, errlen, "worker %u: %s%s", i, strerror(rc),
               w->cpu >= 0 ? " (is the --cpus entry a CPU this process may use?)"
                           : "");
      break;
    }
    w->started = 1;
    ws->n = i + 1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (ws->n != n || !ws->w[n - 1].started) return -1;
  return 0;
}

int workers_submit(workers *ws, const word_job *job) {
  for (unsigned k = 0; k < ws->n; k++) {
    worker *w = &ws->w[ws->next];
    ws->next = (ws->next + 1) % ws->n;
    if (ring_push(&w->jobs, job) == 0) {
      w->kick = 1;
      return 0;
    }
  }
  return -1;
}

void workers_kick(workers *ws) {
  full_fence(); /* jobs pushed before the check */
  for (unsigned i = 0; i < ws->n; i++)
    if (ws->w[i].kick) {
      ws->w[i].kick = 0;
      if (!__atomic_load_n(&ws->w[i].spinning, __ATOMIC_SEQ_CST))
        sem_post(&ws->w[i].wake);
    }
}

/* Loop-side spinning: while it runs the loop polls instead of sleeping
 * and collects completions without waiting for the async wake-up. */
static void on_spin(uv_idle_t *h);

static void spin_start(workers *ws, uint64_t now) {
  ws->spin_until = now + ws->spin_ns;
  ws->spin_cap = ws->due_at + 2 * ws->spin_ns; /* then the async brings them */
  if (!ws->spin_active) {
    __atomic_store_n(&ws->spin_active, 1, __ATOMIC_SEQ_CST);
    uv_idle_start(&ws->spin, on_spin);
  }
}

static void spin_stop(workers *ws) {
  uv_idle_stop(&ws->spin);
  __atomic_store_n(&ws->spin_active, 0, __ATOMIC_SEQ_CST);
  drain_done(ws); /* what a worker pushed without signalling (see run_jobs) */
}

static void on_spin(uv_idle_t *h) {
  workers *ws = h->data;
  drain_done(ws);
  uint64_t now = uv_hrtime();
  if (ws->outstanding == 0 ? now > ws->spin_until : now > ws->spin_cap)
    spin_stop(ws);
}

static void on_async(uv_async_t *h) {
  workers *ws = h->data;
  drain_done(ws);
  /* poll a little for the client's next request, as after a polled one */
  if (ws->spin_ns && ws->outstanding == 0 && !ws->spin_active)
    spin_start(ws, uv_hrtime());
}

/* The timerfd fired: the words out are about due. */
static void on_due(uv_poll_t *h, int status, int events) {
  (void)status;
  (void)events;
  workers *ws = h->data;
  uint64_t ticks;
  while (read(ws->tfd, &ticks, sizeof ticks) > 0) {
  }
  if (ws->outstanding > 0) spin_start(ws, uv_hrtime());
}

void workers_note_submitted(workers *ws, uint32_t n) {
  uint64_t now = uv_hrtime();
  uint64_t cost = (uint64_t)n * __atomic_load_n(&ws->word_ns, __ATOMIC_RELAXED);
  /* the new words queue behind those already out */
  ws->due_at = (ws->outstanding && ws->due_at > now ? ws->due_at : now) + cost;
  ws->outstanding += n;
  if (ws->spin_ns == 0) return;
  if (ws->due_at <= now + 2 * ws->spin_ns) {
    spin_start(ws, now); /* short, or not yet measured: poll now */
    return;
  }
  /* Long: sleep until shortly before it is due. A loop still polling for
   * this request (the spin after the last reply) stops at its next turn;
   * stopping here would run completion callbacks inside the submission. */
  ws->spin_until = ws->spin_cap = now;
  uint64_t at = ws->due_at - ws->spin_ns; /* CLOCK_MONOTONIC, as uv_hrtime */
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_sec = (time_t)(at / 1000000000u);
  its.it_value.tv_nsec = (long)(at % 1000000000u);
  if (timerfd_settime(ws->tfd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
    spin_start(ws, now);
}

void workers_stop(workers *ws) {
  if (!ws->w) return;
  __atomic_store_n(&ws->stop, 1, __ATOMIC_RELEASE);
  for (unsigned i = 0; i < ws->n; i++)
    if (ws->w[i].started) sem_post(&ws->w[i].wake);
  for (unsigned i = 0; i < ws->n; i++) {
    worker *w = &ws->w[i];
    if (w->started) pthread_join(w->thread, NULL);
    w->started = 0;
    ring_destroy(&w->jobs);
    ring_destroy(&w->done);
    sem_destroy(&w->wake);
    g2p_text_ctx_destroy(w->text);
    w->text = NULL;
  }
  if (ws->async_open && !uv_is_closing((uv_handle_t *)&ws->async)) {
    uv_close((uv_handle_t *)&ws->async, NULL);
    uv_idle_stop(&ws->spin);
    uv_close((uv_handle_t *)&ws->spin, NULL);
  }
  if (ws->due_open) {
    uv_close((uv_handle_t *)&ws->due, NULL);
    ws->due_open = 0;
  }
  if (ws->tfd >= 0) { /* safe right after uv_close (libuv's uv_poll docs) */
    close(ws->tfd);
    ws->tfd = -1;
  }
  ws->async_open = 0;
  free(ws->w);
  ws->w = NULL;
  ws->n = 0;
}

void workers_totals(const workers *ws, stats_workers *t) {
  memset(t, 0, sizeof *t);
  for (unsigned i = 0; ws && i < ws->n; i++) {
    uint64_t *p = __atomic_load_n(&ws->w[i].allocatedp, __ATOMIC_ACQUIRE);
    if (p) {
      t->allocated_bytes += __atomic_load_n(p, __ATOMIC_RELAXED);
      t->alloc_counters++;
    }
    t->words += __atomic_load_n(&ws->w[i].words, __ATOMIC_RELAXED);
    t->cancelled += __atomic_load_n(&ws->w[i].cancelled, __ATOMIC_RELAXED);
  }
  t->count = ws ? ws->n : 0;
}
