/* server.h -- the listening socket, the pool of connection slots, and the
 * state shared by everything on the loop thread.
 *
 * The listener is either a socket we bind (refusing to displace a live
 * daemon, replacing a stale socket file) or one handed to us by systemd
 * socket activation. Accepting is done by hand (accept4 from a uv_poll_t)
 * so that a connection can be checked (SO_PEERCRED allow-list) or refused
 * (no free slot: a `busy` error frame, then close) before any libuv handle
 * exists for it. */
#ifndef RNNINFERD_DAEMON_SERVER_H
#define RNNINFERD_DAEMON_SERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

#include "daemon/settings.h"
#include "daemon/conn.h"
#include "daemon/dispatch.h"
#include "daemon/engines.h"
#include "daemon/stats.h"
#include "daemon/workers.h"
#include "g2p/engine.h"

struct server;

typedef struct server {
  uv_loop_t *loop;
  const daemon_config *cfg;
  g2p_engine_config ecfg;   /* what (re)loading opens */
  engine_ref *engine;       /* current engine; requests hold references */
  daemon_stats stats;
  dispatcher disp;

  /* listener */
  int listen_fd;
  int spare_fd;     /* /dev/null, given up to answer busy when out of fds */            /* -1 when closed */
  int activated;            /* fd came from systemd */
  int owns_path;            /* we bound cfg->socket_path: unlink at exit */
  dev_t sock_dev;           /* identity of the socket file we made */
  ino_t sock_ino;
  uv_poll_t listen_poll;
  int listen_poll_open;
  uv_timer_t accept_pause;  /* out of descriptors: retry accepting later */

  /* connection pool */
  conn_env conn_env;        /* what every connection slot is given */
  conn *conns;
  uint32_t n_slots;
  uint32_t *free_slots;     /* stack of free slot indices */
  uint32_t n_free;
  uint64_t serial;

  /* kernel workers (none when --workers 0 or no model) */
  workers workers;
  unsigned n_workers;

  /* clients that stopped reading their replies */
  uv_timer_t slow_sweep;

  /* clients gone while their words are with the workers */
  uv_check_t vanish_check;
  /* connections waiting for a pool, resumed when one is back */
  uv_idle_t pool_resume;
  uint64_t vanish_checked_ms;

  /* lifecycle (control.c) */
  uv_signal_t sig_term, sig_int, sig_hup;
  uv_timer_t drain_timer;
  uv_timer_t watchdog_timer;
  int watchdog_on;
  pthread_t reload_thread;   /* opens the new engine (live while joinable) */
  int reload_thread_live;
  uv_async_t reload_done;    /* the reload thread's "finished" */
  int reload_busy, reload_again;
  engine_ref *reload_result;
  unsigned reload_n_workers;
  char reload_err[512];
  int draining;
  int finished;
  /* the last connection closed during a drain (set by control.c) */
  void (*on_drained)(struct server *s);
} server;

/* Reserves the pools and the dispatcher. Takes over the engine reference. */
int server_init(server *s, uv_loop_t *loop, const daemon_config *cfg,
                const g2p_engine_config *ecfg, engine_ref *engine, char *err,
                size_t errlen);
/* Binds (or adopts the activated socket) and starts accepting. */
int server_listen(server *s, char *err, size_t errlen);
/* Stops accepting, closes the listener, removes our socket file. */
void server_stop_accepting(server *s);
/* Stops the worker threads and the timers (end of the drain). */
void server_stop_threads(server *s);
/* Frees everything (after the loop ended). */
void server_destroy(server *s);

#endif
