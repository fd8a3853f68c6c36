/* server.c -- listening socket, accepting, and the connection slot pool
 * (see server.h).
 *
 * Binding is careful about what is already at the path: a socket somebody
 * answers on is a live daemon and is never displaced; a socket nobody
 * answers on (ECONNREFUSED) is a stale leftover and is replaced; anything
 * that is not a socket is refused. The file is created with mode 0600
 * (umask around bind) in a private directory, given its group and
 * --socket-mode there and then linked into place, so it is never briefly
 * more open than asked and no chmod follows a symlink swapped in by
 * somebody else. On exit we remove the file only if it is still the one we
 * made. */
#include "daemon/server.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/access.h"
#include "daemon/log.h"
#include "daemon/sysd.h"

#define ACCEPT_BATCH 64
#define ACCEPT_PAUSE_MS 100

/* A connection's handle is closed: its slot is free again. */
static void on_conn_closed(void *ctx, conn *c) {
  server *s = ctx;
  s->free_slots[s->n_free++] = c->slot;
  s->stats.conn_current--;
  log_debug("conn %llu: closed", (unsigned long long)c->serial);
  if (s->draining && s->stats.conn_current == 0 && s->on_drained)
    s->on_drained(s);
}

/* A worker finished a word: the reply path goes on in its connection. */
static void on_word_done(void *ctx, const word_done *d) {
  server *s = ctx;
  if (d->slot < s->n_slots) conn_word_done(&s->conns[d->slot], d->gen);
}

/* An nbest pool was given back (the dispatcher, maybe inside a reply):
 * the waiting connections are resumed on the next loop turn. */
static void on_pool_resume(uv_idle_t *h);
static void on_pool_free(void *ctx) {
  server *s = ctx;
  if (!uv_is_active((uv_handle_t *)&s->pool_resume))
    uv_idle_start(&s->pool_resume, on_pool_resume);
}

/* Resumes the connections waiting for a pool, oldest first, while a pool
 * of the kind each waits for is free (one that needs none any more leaves
 * it to the next). A resumed request takes the free pool or needs none, so
 * it never waits again here and each pass ends. */
static void on_pool_resume(uv_idle_t *h) {
  server *s = h->data;
  uv_idle_stop(h);
  static const int kinds[] = {DISPATCH_POOL_NBEST, DISPATCH_POOL_TEXT};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    while (dispatch_pool_free(&s->disp, kinds[k])) {
      conn *oldest = NULL;
      for (uint32_t i = 0; i < s->n_slots; i++) {
        conn *c = &s->conns[i];
        if (c->in_use && !c->closing && c->waiting && c->ar.wait_pool == kinds[k] &&
            (!oldest || c->ar.wait_ticket < oldest->ar.wait_ticket))
          oldest = c;
      }
      if (!oldest) break;
      conn_pool_free(oldest); /* clears waiting */
    }
}

/* Drops connections whose replies have waited for the client longer than
 * --output-timeout (a client that never reads cannot pin its slot), and
 * with --idle-timeout those that have sent nothing for that long while
 * nothing was being done for them: idle ones and, above all, ones holding
 * half a request, so that silent clients cannot fill every slot. */
static void on_slow_sweep(uv_timer_t *t) {
  server *s = t->data;
  uint64_t now = uv_now(s->loop);
  uint32_t out_ms = s->cfg->output_timeout_ms, idle_ms = s->cfg->idle_timeout_ms;
  for (uint32_t i = 0; i < s->n_slots; i++) {
    conn *c = &s->conns[i];
    if (!c->in_use || c->closing) continue;
    if (c->writing || c->ar.active || c->waiting || c->draining) {
      c->active_ms = now; /* busy for the client: not idle */
      if (!c->writing || out_ms == 0 || now - c->blocked_since < out_ms) continue;
      s->stats.conn_dropped_slow++;
      log_warn("conn %llu (pid %ld uid %u): replies unread for %u ms; "
               "disconnecting", (unsigned long long)c->serial, (long)c->pid,
               (unsigned)c->uid, out_ms);
      conn_close(c);
      continue;
    }
    if (idle_ms == 0 || now - c->active_ms < idle_ms) continue;
    s->stats.conn_idle_closed++;
    log_info("conn %llu (pid %ld uid %u): idle for %u ms with %zu bytes of a "
             "request held; closing", (unsigned long long)c->serial,
             (long)c->pid, (unsigned)c->uid, idle_ms, c->rlen - c->roff);
    conn_close(c);
  }
}

/* Descriptors held besides the connections: stdio, the loop's epoll,
 * eventfd, timerfd and signal pipes, the listening socket, the spare, the
 * files a reload opens, the systemd notify socket (13 measured with two
 * workers), plus each worker's wake-up descriptors. */
#define FD_RESERVE 24u

/* Fits the connection slots to RLIMIT_NOFILE: raises the soft limit as far
 * as the hard one allows, and when that is not enough uses fewer slots and
 * says so, so that every client beyond them is answered busy instead of
 * waiting unanswered in the backlog. 0 when not even one slot fits. */
static uint32_t fit_slots_to_fd_limit(uint32_t want, unsigned n_workers) {
  uint64_t reserve = FD_RESERVE + 2u * (uint64_t)n_workers;
  uint64_t need = want + reserve;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return want;
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need) return want;
  rlim_t was = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need
                    ? (rlim_t)need : rl.rlim_max;
  if (rl.rlim_cur > was && setrlimit(RLIMIT_NOFILE, &rl) == 0)
    log_info("open-file limit raised from %llu to %llu",
             (unsigned long long)was, (unsigned long long)rl.rlim_cur);
  else
    rl.rlim_cur = was;
  if (rl.rlim_cur >= need) return want;
  uint32_t fit = rl.rlim_cur > reserve ? (uint32_t)(rl.rlim_cur - reserve) : 0;
  log_warn("open-file limit %llu (hard %llu) leaves room for %u connections, "
           "not %u: using %u slots (raise the limit with ulimit -n or "
           "LimitNOFILE= for more)", (unsigned long long)rl.rlim_cur,
           (unsigned long long)rl.rlim_max, fit, want, fit);
  return fit;
}

/* Runs after each loop iteration (no wake-ups of its own: while words are
 * out, completions keep the loop turning). At most every VANISH_CHECK_MS,
 * asks the connections waiting for workers whether their client is still
 * there, so that nobody's words are computed for nobody. */
#define VANISH_CHECK_MS 5
static void on_vanish_check(uv_check_t *h) {
  server *s = h->data;
  if (s->n_workers == 0 || s->workers.outstanding == 0) return;
  uint64_t now = uv_now(s->loop);
  if (now - s->vanish_checked_ms < VANISH_CHECK_MS) return;
  s->vanish_checked_ms = now;
  for (uint32_t i = 0; i < s->n_slots; i++) conn_check_vanished(&s->conns[i]);
}

int server_init(server *s, uv_loop_t *loop, const daemon_config *cfg,
                const g2p_engine_config *ecfg, engine_ref *engine, char *err,
                size_t errlen) {
  memset(s, 0, sizeof *s);
  s->loop = loop;
  s->cfg = cfg;
  s->ecfg = *ecfg;
  s->engine = engine;
  s->listen_fd = -1;
  s->spare_fd = -1;
  stats_init(&s->stats, uv_hrtime());
  s->n_slots = fit_slots_to_fd_limit(cfg->max_connections,
                                     cfg->model_path ? cfg->workers : 0);
  if (s->n_slots == 0) {
    snprintf(err, errlen, "the open-file limit leaves no room for a connection");
    return -1;
  }
  s->stats.conn_max = s->n_slots;
  stats_watch_loop_thread(&s->stats);
  if (dispatcher_init(&s->disp, cfg, &s->stats, &s->engine) != 0) {
    snprintf(err, errlen, "out of memory (dispatcher)");
    return -1;
  }
  s->conns = calloc(s->n_slots, sizeof *s->conns);
  s->free_slots = calloc(s->n_slots, sizeof *s->free_slots);
  if (!s->conns || !s->free_slots) {
    snprintf(err, errlen, "out of memory (%u connection slots)", s->n_slots);
    return -1;
  }
  s->conn_env = (conn_env){ .loop = loop, .cfg = cfg, .disp = &s->disp,
                            .stats = &s->stats, .on_closed = on_conn_closed,
                            .ctx = s };
  for (uint32_t i = 0; i < s->n_slots; i++) {
    if (conn_slot_init(&s->conns[i], &s->conn_env, i) != 0) {
      snprintf(err, errlen,
               "out of memory reserving buffers for %u connections "
               "(%u + 2 x %u bytes each)",
               s->n_slots, cfg->lim.max_frame + PROTO_HEADER_BYTES,
               cfg->max_output);
      return -1;
    }
  }
  /* hand out low slots first */
  for (uint32_t i = 0; i < s->n_slots; i++)
    s->free_slots[i] = s->n_slots - 1 - i;
  s->n_free = s->n_slots;
  uv_timer_init(loop, &s->accept_pause);
  s->accept_pause.data = s;
  uv_timer_init(loop, &s->slow_sweep);
  s->slow_sweep.data = s;
  if (cfg->output_timeout_ms > 0 || cfg->idle_timeout_ms > 0) {
    uint32_t shortest = cfg->output_timeout_ms;
    if (shortest == 0 || (cfg->idle_timeout_ms > 0 && cfg->idle_timeout_ms < shortest))
      shortest = cfg->idle_timeout_ms;
    uint64_t every = shortest / 4 ? shortest / 4 : 1;
    if (every > 1000) every = 1000;
    uv_timer_start(&s->slow_sweep, on_slow_sweep, every, every);
  }
  s->n_workers = cfg->model_path ? cfg->workers : 0;
  if (s->n_workers > 0) {
    /* every connection's slots full, and the text pool */
    size_t cap = (size_t)s->n_slots * cfg->lim.max_words + s->disp.text_pool_cap;
    if (workers_start(&s->workers, loop, s->n_workers, cfg->cpus,
                      (unsigned)cfg->n_cpus, cap, cfg->spin_us,
                      cfg->lim.max_word_bytes < cfg->lim.max_text_bytes
                          ? cfg->lim.max_word_bytes
                          : cfg->lim.max_text_bytes,
                      cfg->lim.max_tokens, on_word_done,
                      s, err, errlen) != 0)
      return -1;
    s->disp.workers = &s->workers;
    s->disp.on_pool_free = on_pool_free;
    s->disp.pool_ctx = s;
    uv_idle_init(loop, &s->pool_resume);
    s->pool_resume.data = s;
    uv_check_init(loop, &s->vanish_check);
    s->vanish_check.data = s;
    uv_check_start(&s->vanish_check, on_vanish_check);
    uv_unref((uv_handle_t *)&s->vanish_check);
  }
  s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (s->spare_fd < 0) {
    snprintf(err, errlen, "/dev/null: %s", strerror(errno));
    return -1;
  }
  return 0;
}

void server_stop_threads(server *s) {
  uv_handle_t *h = (uv_handle_t *)&s->slow_sweep;
  if (h->type == UV_TIMER && !uv_is_closing(h)) {
    uv_timer_stop(&s->slow_sweep);
    uv_close(h, NULL);
  }
  h = (uv_handle_t *)&s->vanish_check;
  if (h->type == UV_CHECK && !uv_is_closing(h)) {
    uv_check_stop(&s->vanish_check);
    uv_close(h, NULL);
  }
  h = (uv_handle_t *)&s->pool_resume;
  if (h->type == UV_IDLE && !uv_is_closing(h)) {
    uv_idle_stop(&s->pool_resume);
    uv_close(h, NULL);
  }
  s->disp.on_pool_free = NULL;
  if (s->n_workers > 0) {
    s->disp.workers = NULL;
    workers_stop(&s->workers);
    s->n_workers = 0;
  }
}

/* ---- binding --------------------------------------------------------------- */

static int fill_addr(struct sockaddr_un *sa, const char *path, char *err,
                     size_t errlen) {
  size_t n = strlen(path);
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  if (n == 0 || n >= sizeof sa->sun_path) {
    snprintf(err, errlen, "socket path \"%s\" is empty or longer than %zu bytes",
             path, sizeof sa->sun_path - 1);
    return -1;
  }
  memcpy(sa->sun_path, path, n);
  return 0;
}

/* Decides what to do about an existing file at the socket path:
 * 0 = path is free now, -1 = refuse (message in err). */
static int clear_path(const char *path, const struct sockaddr_un *sa, char *err,
                      size_t errlen) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT) return 0;
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISSOCK(st.st_mode)) {
    snprintf(err, errlen, "%s exists and is not a socket; not touching it", path);
    return -1;
  }
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    return -1;
  }
  int rc = connect(probe, (const struct sockaddr *)sa, sizeof *sa);
  int e = errno;
  close(probe);
  if (rc == 0) {
    snprintf(err, errlen,
             "another daemon is listening on %s; refusing to replace it", path);
    return -1;
  }
  if (e != ECONNREFUSED) {
    /* EAGAIN here means a full listen backlog: somebody is alive */
    snprintf(err, errlen, "%s: cannot tell whether it is in use (%s); refusing",
             path, strerror(e));
    return -1;
  }
  if (unlink(path) != 0 && errno != ENOENT) {
    snprintf(err, errlen, "removing stale socket %s: %s", path, strerror(errno));
    return -1;
  }
  log_info("removed stale socket %s", path);
  return 0;
}

/* Creates the socket's directory (one level) when it is missing and checks
 * that nobody else can swap names in it: a directory others may write to
 * is refused unless it is sticky (then only we may rename or remove our
 * socket). dir gets the directory's path ("." for a bare name). */
static int check_parent(const char *path, char *dir, size_t dircap, char *err,
                        size_t errlen) {
  const char *slash = strrchr(path, '/');
  size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
  if (n >= dircap) {
    snprintf(err, errlen, "socket path \"%s\" is too long", path);
    return -1;
  }
  if (!slash) memcpy(dir, ".", 1);
  else if (slash == path) memcpy(dir, "/", 1);
  else memcpy(dir, path, n);
  dir[n] = '\0';
  if (mkdir(dir, 0755) == 0) log_info("created directory %s", dir);
  struct stat st;
  if (stat(dir, &st) != 0) {
    snprintf(err, errlen, "socket directory %s: %s", dir, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "socket directory %s is not a directory", dir);
    return -1;
  }
  if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
    snprintf(err, errlen,
             "socket directory %s is writable by others and not sticky "
             "(mode %04o); refusing", dir, (unsigned)(st.st_mode & 07777));
    return -1;
  }
  return 0;
}

/* The socket is made in a private directory (mode 0700, inside the target
 * directory so the last step is a link on one file system) where nobody
 * else can replace it by a symlink, given its group and mode there, and
 * only then linked to its final name. link() never follows a symlink and
 * never replaces what is at the target, so no chmod or chown lands on a
 * file somebody else put in our way. */
static int bind_path(server *s, char *err, size_t errlen) {
  const daemon_config *cfg = s->cfg;
  const char *path = cfg->socket_path;
  struct sockaddr_un sa, tmp_sa;
  char dir[sizeof sa.sun_path], priv[sizeof sa.sun_path];
  char tmp_path[sizeof sa.sun_path];
  if (!path) {
    snprintf(err, errlen, "no socket passed by systemd and no socket path");
    return -1;
  }
  if (fill_addr(&sa, path, err, errlen) != 0) return -1;
  if (check_parent(path, dir, sizeof dir, err, errlen) != 0) return -1;
  if (clear_path(path, &sa, err, errlen) != 0) return -1;
  int np = snprintf(priv, sizeof priv, "%s/.rnninferd-XXXXXX", dir);
  if (np < 0 || (size_t)np + 3 > sizeof sa.sun_path) {
    snprintf(err, errlen,
             "socket path \"%s\": its directory name is too long (at most "
             "%zu bytes, room is needed for a private directory inside it)",
             path, sizeof sa.sun_path - 22);
    return -1;
  }
  if (!mkdtemp(priv)) {
    snprintf(err, errlen, "private directory in %s: %s", dir, strerror(errno));
    return -1;
  }
  memcpy(tmp_path, priv, (size_t)np);
  memcpy(tmp_path + np, "/s", 3); /* room checked above */
  if (fill_addr(&tmp_sa, tmp_path, err, errlen) != 0) {
    rmdir(priv);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    rmdir(priv);
    return -1;
  }
  mode_t old = umask(0177);
  int rc = bind(fd, (struct sockaddr *)&tmp_sa, sizeof tmp_sa);
  int e = errno;
  umask(old);
  struct stat st;
  if (rc != 0) {
    snprintf(err, errlen, "bind %s: %s", tmp_path, strerror(e));
    goto fail;
  }
  if (cfg->has_socket_group &&
      chown(tmp_path, (uid_t)-1, cfg->socket_group) != 0) {
    snprintf(err, errlen, "chown %s to group %u: %s", path,
             (unsigned)cfg->socket_group, strerror(errno));
    goto fail;
  }
  if (chmod(tmp_path, (mode_t)cfg->socket_mode) != 0) {
    snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
    goto fail;
  }
  if (stat(tmp_path, &st) != 0) {
    snprintf(err, errlen, "stat %s: %s", tmp_path, strerror(errno));
    goto fail;
  }
  if (listen(fd, SOMAXCONN) != 0) {
    snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
    goto fail;
  }
  if (link(tmp_path, path) != 0) {
    e = errno;
    snprintf(err, errlen, "%s: %s%s", path, strerror(e),
             e == EEXIST ? " (it appeared while binding; not replaced)" : "");
    goto fail;
  }
  unlink(tmp_path);
  rmdir(priv);
  s->sock_dev = st.st_dev;
  s->sock_ino = st.st_ino;
  s->owns_path = 1;
  s->listen_fd = fd;
  return 0;
fail:
  close(fd);
  unlink(tmp_path);
  rmdir(priv);
  return -1;
}

/* ---- accepting --------------------------------------------------------------- */

static void refuse_busy(server *s, int fd, const char *why) {
  char mem[256];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  if (proto_encode_error(&b, 0, PROTO_E_BUSY, why) == 0) {
    ssize_t w = send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)w;
  }
  s->stats.conn_refused_busy++;
  s->stats.errors[PROTO_E_BUSY]++;
}

static void admit(server *s, int fd) {
  struct ucred cr;
  socklen_t len = sizeof cr;
  memset(&cr, 0, sizeof cr);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
    log_warn("SO_PEERCRED: %s; dropping connection", strerror(errno));
    close(fd);
    return;
  }
  if (!access_allowed(s->cfg, cr.uid, cr.gid)) {
    s->stats.conn_refused_peer++;
    log_warn("refused connection from pid %ld uid %u gid %u: not allowed",
             (long)cr.pid, (unsigned)cr.uid, (unsigned)cr.gid);
    close(fd);
    return;
  }
  if (s->n_free == 0) {
    log_warn("refused connection from pid %ld uid %u: all %u slots in use",
             (long)cr.pid, (unsigned)cr.uid, s->n_slots);
    refuse_busy(s, fd, "connection limit reached (--max-connections)");
    close(fd);
    return;
  }
  conn *c = &s->conns[s->free_slots[--s->n_free]];
  c->pid = cr.pid;
  c->uid = cr.uid;
  c->gid = cr.gid;
  s->stats.conn_current++;
  s->stats.conn_total++;
  uint64_t serial = ++s->serial;
  log_debug("conn %llu: accepted pid %ld uid %u gid %u (slot %u)",
            (unsigned long long)serial, (long)cr.pid, (unsigned)cr.uid,
            (unsigned)cr.gid, c->slot);
  int rc = conn_start(c, fd, serial);
  if (rc != 0) log_warn("conn %llu: %s", (unsigned long long)serial,
                        uv_strerror(rc));
}

static void on_listen(uv_poll_t *h, int status, int events);

static void on_accept_pause(uv_timer_t *t) {
  server *s = t->data;
  if (s->listen_poll_open && s->listen_fd >= 0)
    uv_poll_start(&s->listen_poll, UV_READABLE, on_listen);
}

static void on_listen(uv_poll_t *h, int status, int events) {
  server *s = h->data;
  (void)events;
  if (status < 0) {
    log_error("listening socket: %s", uv_strerror(status));
    return;
  }
  for (int i = 0; i < ACCEPT_BATCH && s->listen_fd >= 0; i++) {
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      admit(s, fd);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if ((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
      /* out of descriptors: the spare one lets us answer this client busy
       * rather than leave it waiting in the backlog */
      close(s->spare_fd);
      fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      int e = errno;
      if (fd >= 0) {
        refuse_busy(s, fd, "out of file descriptors");
        close(fd);
      }
      s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      errno = e;
      if (fd >= 0) {
        log_warn("accept: out of file descriptors; a client was answered busy");
        continue;
      }
    }
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
        errno == ENOMEM) {
      log_warn("accept: %s; pausing accepts for %d ms", strerror(errno),
               ACCEPT_PAUSE_MS);
      uv_poll_stop(&s->listen_poll);
      uv_timer_start(&s->accept_pause, on_accept_pause, ACCEPT_PAUSE_MS, 0);
      return;
    }
    log_error("accept: %s", strerror(errno));
    return;
  }
}

int server_listen(server *s, char *err, size_t errlen) {
  /* Clients (and their tests) may signal the daemon as soon as the socket
   * answers, before the loop's handlers exist: the stop and reload signals
   * wait, blocked, until control_start() has installed them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  int fd = -1;
  int act = sysd_listen_fd(&fd, err, errlen);
  if (act < 0) return -1;
  if (act > 0) {
    s->activated = 1;
    s->listen_fd = fd;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
      snprintf(err, errlen, "activated socket: %s", strerror(errno));
      return -1;
    }
    log_info("using the socket passed by systemd (fd %d)", fd);
  } else {
    if (bind_path(s, err, errlen) != 0) return -1;
    log_info("listening on %s (mode %04o)", s->cfg->socket_path,
             (unsigned)s->cfg->socket_mode);
  }
  int rc = uv_poll_init(s->loop, &s->listen_poll, s->listen_fd);
  if (rc != 0) {
    snprintf(err, errlen, "poll: %s", uv_strerror(rc));
    return -1;
  }
  s->listen_poll.data = s;
  s->listen_poll_open = 1;
  rc = uv_poll_start(&s->listen_poll, UV_READABLE, on_listen);
  if (rc != 0) {
    snprintf(err, errlen, "poll: %s", uv_strerror(rc));
    return -1;
  }
  return 0;
}

static void remove_our_socket(server *s) {
  struct stat st;
  if (!s->owns_path) return;
  s->owns_path = 0;
  if (lstat(s->cfg->socket_path, &st) == 0 && st.st_dev == s->sock_dev &&
      st.st_ino == s->sock_ino)
    unlink(s->cfg->socket_path);
}

void server_stop_accepting(server *s) {
  if (s->listen_poll_open) {
    uv_poll_stop(&s->listen_poll);
    uv_close((uv_handle_t *)&s->listen_poll, NULL);
    s->listen_poll_open = 0;
  }
  uv_handle_t *h = (uv_handle_t *)&s->accept_pause;
  if (h->type == UV_TIMER && !uv_is_closing(h)) {
    uv_timer_stop(&s->accept_pause);
    uv_close(h, NULL);
  }
  if (s->listen_fd >= 0) {
    close(s->listen_fd);
    s->listen_fd = -1;
  }
  remove_our_socket(s);
}


void server_destroy(server *s) {
  server_stop_threads(s);
  remove_our_socket(s);
  if (s->conns)
    for (uint32_t i = 0; i < s->n_slots; i++) conn_slot_destroy(&s->conns[i]);
  free(s->conns);
  free(s->free_slots);
  if (s->spare_fd >= 0) close(s->spare_fd);
  s->spare_fd = -1;
  dispatcher_destroy(&s->disp);
  engine_ref_release(s->engine);
  s->engine = NULL;
  s->conns = NULL;
  s->free_slots = NULL;
}
