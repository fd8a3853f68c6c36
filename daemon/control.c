/* control.c -- the daemon's lifecycle: signals, graceful drain, hot reload,
 * systemd watchdog.
 *
 * SIGTERM/SIGINT: stop accepting, answer what clients already sent, flush,
 * close, exit 0; connections still open when --drain-timeout expires are
 * closed. A second signal during the drain closes everything at once.
 * SIGHUP: a new engine is opened on a thread of our own (the loop keeps
 * serving meanwhile) and swapped in on the loop thread between two
 * requests; a failure keeps the old engine and is logged. Not libuv's
 * threadpool: it aborts the process when it cannot start a thread (a
 * RLIMIT_NPROC or pids limit); when ours cannot start, the engine is opened
 * on the loop thread instead, which only pauses serving. */
#include "daemon/control.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/sysd.h"

static void close_if_open(uv_handle_t *h) {
  if (h->type != UV_UNKNOWN_HANDLE && !uv_is_closing(h)) uv_close(h, NULL);
}

/* Everything is answered: release the loop's remaining handles so that
 * uv_run() returns. */
static void control_finish(server *s) {
  if (s->finished) return;
  s->finished = 1;
  uv_timer_stop(&s->drain_timer);
  close_if_open((uv_handle_t *)&s->drain_timer);
  if (s->watchdog_on) {
    uv_timer_stop(&s->watchdog_timer);
    close_if_open((uv_handle_t *)&s->watchdog_timer);
  }
  uv_signal_stop(&s->sig_term);
  uv_signal_stop(&s->sig_int);
  uv_signal_stop(&s->sig_hup);
  close_if_open((uv_handle_t *)&s->sig_term);
  close_if_open((uv_handle_t *)&s->sig_int);
  close_if_open((uv_handle_t *)&s->sig_hup);
  if (s->reload_thread_live) { /* a reload still loading: wait, drop it */
    pthread_join(s->reload_thread, NULL);
    s->reload_thread_live = 0;
    engine_ref_release(s->reload_result);
    s->reload_result = NULL;
    s->reload_busy = 0;
  }
  close_if_open((uv_handle_t *)&s->reload_done);
  server_stop_threads(s);
  uint64_t requests = 0;
  for (int op = 0; op < STATS_N_OPS; op++) requests += s->stats.requests[op];
  log_info("stopped: %llu connections and %llu requests served",
           (unsigned long long)s->stats.conn_total,
           (unsigned long long)requests);
}

/* The server's on_drained: the last connection closed during a drain. */
static void on_drained(server *s) {
  if (s->draining) control_finish(s);
}

static void close_all(server *s) {
  for (uint32_t i = 0; i < s->n_slots; i++)
    if (s->conns[i].in_use) conn_close(&s->conns[i]);
}

static void on_drain_timeout(uv_timer_t *t) {
  server *s = t->data;
  log_warn("drain deadline (%u ms) reached: closing %llu connections",
           s->cfg->drain_ms, (unsigned long long)s->stats.conn_current);
  close_all(s);
}

void control_drain(server *s) {
  if (s->draining) {
    log_warn("second stop signal: closing all connections now");
    close_all(s);
    return;
  }
  s->draining = 1;
  sysd_notify("STOPPING=1");
  log_info("draining: %llu connections open",
           (unsigned long long)s->stats.conn_current);
  server_stop_accepting(s);
  for (uint32_t i = 0; i < s->n_slots; i++)
    if (s->conns[i].in_use) conn_drain(&s->conns[i]);
  if (s->stats.conn_current == 0) {
    control_finish(s);
    return;
  }
  uv_timer_start(&s->drain_timer, on_drain_timeout, s->cfg->drain_ms, 0);
}

/* ---- reload ---------------------------------------------------------------- */

static void reload_work(server *s) {
  s->reload_err[0] = '\0';
  s->reload_result = engine_ref_open(&s->ecfg, s->reload_n_workers,
                                     s->reload_err, sizeof s->reload_err);
}

static void notify_ready(server *s) {
  char state[256];
  g2p_engine_info gi;
  memset(&gi, 0, sizeof gi);
  g2p_engine_get_info(s->engine->engine, &gi);
  snprintf(state, sizeof state,
           "READY=1\nSTATUS=%u words, model %s, generation %u",
           gi.lexicon_words, gi.has_model && gi.model_name ? gi.model_name : "none",
           s->engine->generation);
  sysd_notify(state);
}

static void *reload_thread_main(void *arg) {
  server *s = arg;
  reload_work(s);
  uv_async_send(&s->reload_done);
  return NULL;
}

static void reload_apply(server *s) {
  engine_ref *fresh = s->reload_result;
  s->reload_result = NULL;
  s->reload_busy = 0;
  if (fresh) {
    fresh->generation = s->engine->generation + 1;
    engine_ref *old = s->engine;
    s->engine = fresh;
    engine_ref_release(old); /* closed once its last request is done */
    s->stats.reloads_ok++;
    g2p_engine_info gi;
    memset(&gi, 0, sizeof gi);
    g2p_engine_get_info(fresh->engine, &gi);
    log_info("reloaded (generation %u): %u words, %u pronunciations, model %s",
             fresh->generation, gi.lexicon_words, gi.lexicon_prons,
             gi.has_model && gi.model_name ? gi.model_name : "none");
  } else {
    s->stats.reloads_failed++;
    log_error("reload failed, still serving generation %u: %s",
              s->engine->generation, s->reload_err);
  }
  if (!s->draining) notify_ready(s);
  if (s->reload_again && !s->draining) {
    s->reload_again = 0;
    control_reload(s);
  }
}

void control_reload(server *s) {
  if (s->draining) return;
  if (s->reload_busy) {
    s->reload_again = 1;
    return;
  }
  char state[96];
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  snprintf(state, sizeof state, "RELOADING=1\nMONOTONIC_USEC=%llu",
           (unsigned long long)ts.tv_sec * 1000000ull +
               (unsigned long long)ts.tv_nsec / 1000ull);
  sysd_notify(state);
  log_info("reloading lexicon %s, model %s",
           s->ecfg.lexicon_path ? s->ecfg.lexicon_path : "(none)",
           s->ecfg.model_path ? s->ecfg.model_path : "(none)");
  s->reload_busy = 1;
  s->reload_n_workers = s->n_workers;
  /* the thread takes no signals: they stay with the loop thread */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&s->reload_thread, NULL, reload_thread_main, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc == 0) {
    s->reload_thread_live = 1;
    return;
  }
  log_warn("reload: cannot start a thread (%s); loading on the event loop",
           strerror(rc));
  reload_work(s);
  reload_apply(s);
}

/* The reload thread has finished: join it and swap on the loop thread. */
static void on_reload_done(uv_async_t *a) {
  server *s = a->data;
  if (!s->reload_thread_live) return;
  pthread_join(s->reload_thread, NULL);
  s->reload_thread_live = 0;
  reload_apply(s);
}

/* ---- signals and watchdog --------------------------------------------------- */

static void on_signal(uv_signal_t *h, int signum) {
  server *s = h->data;
  if (signum == SIGHUP) {
    control_reload(s);
    return;
  }
  log_info("%s received", signum == SIGTERM ? "SIGTERM" : "SIGINT");
  control_drain(s);
}

static void on_watchdog(uv_timer_t *t) {
  (void)t;
  sysd_notify("WATCHDOG=1");
}

int control_start(server *s) {
  s->on_drained = on_drained;
  uv_signal_t *sigs[3] = { &s->sig_term, &s->sig_int, &s->sig_hup };
  const int nums[3] = { SIGTERM, SIGINT, SIGHUP };
  for (int i = 0; i < 3; i++) {
    int rc = uv_signal_init(s->loop, sigs[i]);
    if (rc == 0) {
      sigs[i]->data = s;
      rc = uv_signal_start(sigs[i], on_signal, nums[i]);
    }
    if (rc != 0) {
      log_error("signal %d: %s", nums[i], uv_strerror(rc));
      return -1;
    }
  }
  int rc = uv_async_init(s->loop, &s->reload_done, on_reload_done);
  if (rc != 0) {
    log_error("reload notifier: %s", uv_strerror(rc));
    return -1;
  }
  s->reload_done.data = s;
  uv_timer_init(s->loop, &s->drain_timer);
  s->drain_timer.data = s;
  uint64_t usec = sysd_watchdog_usec();
  if (usec > 0) {
    uint64_t ms = usec / 2000u;
    if (ms == 0) ms = 1;
    uv_timer_init(s->loop, &s->watchdog_timer);
    s->watchdog_timer.data = s;
    uv_timer_start(&s->watchdog_timer, on_watchdog, ms, ms);
    s->watchdog_on = 1;
    log_info("systemd watchdog: pinging every %llu ms", (unsigned long long)ms);
  }
  /* server_listen() held these back until the handlers above existed */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
  notify_ready(s);
  return 0;
}
