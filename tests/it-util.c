/* it-util.c -- spawning the daemon and talking to it (see it-util.h).
 *
 * Plain POSIX: fork/exec, blocking sockets with timeouts, waitpid with a
 * deadline. Every failure is reported to the caller; the tests decide what
 * it means. */
#include "tests/it-util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *it_builddir(void) {
  const char *b = getenv("top_builddir");
  return b && *b ? b : ".";
}

void it_tempdir_template(char *buf, size_t cap, const char *prefix) {
  const char *tmp = getenv("TMPDIR");
  char six[7];
  memset(six, 'X', 6); /* mkdtemp's placeholder */
  six[6] = '\0';
  snprintf(buf, cap, "%s/%s.%s", tmp && *tmp ? tmp : "/tmp", prefix, six);
}

int it_prepare(it_daemon *d) {
  memset(d, 0, sizeof *d);
  it_tempdir_template(d->dir, sizeof d->dir, "rnninferd-it");
  if (!mkdtemp(d->dir)) return -1;
  snprintf(d->sock, sizeof d->sock, "%s/s.sock", d->dir);
  snprintf(d->log, sizeof d->log, "%s/daemon.log", d->dir);
  return 0;
}

pid_t it_spawn(it_daemon *d, const char *const *extra) {
  char bin[512], lex[512];
  snprintf(bin, sizeof bin, "%s/daemon/rnninferd", it_builddir());
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", it_builddir());
  const char *argv[64];
  int n = 0;
  argv[n++] = bin;
  argv[n++] = "--socket";
  argv[n++] = d->sock;
  argv[n++] = "--lexicon";
  argv[n++] = lex;
  int model = 0;
  for (int i = 0; extra && extra[i]; i++)
    if (strcmp(extra[i], "--model") == 0) model = 1;
  if (!model) argv[n++] = "--no-model";
  for (int i = 0; extra && extra[i] && n < 62; i++) argv[n++] = extra[i];
  argv[n] = NULL;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 2);
      close(fd);
    }
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  d->pid = pid;
  return pid;
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int it_wait(pid_t pid, int ms) {
  long end = now_ms() + ms;
  for (;;) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(st)) return WEXITSTATUS(st);
      if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
      return -1;
    }
    if (r < 0) return -1;
    if (now_ms() > end) return -1;
    usleep(5000);
  }
}

int it_start(it_daemon *d, const char *const *extra) {
  if (it_spawn(d, extra) <= 0) return -1;
  long end = now_ms() + 20000;
  while (now_ms() < end) {
    int fd = it_connect(d->sock);
    if (fd >= 0) {
      close(fd);
      return 0;
    }
    if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
      d->pid = 0;
      return -1;
    }
    usleep(10000);
  }
  return -1;
}

int it_stop(it_daemon *d) {
  if (d->pid <= 0) return -1;
  kill(d->pid, SIGTERM);
  int st = it_wait(d->pid, 20000);
  if (st == -1) {
    kill(d->pid, SIGKILL);
    it_wait(d->pid, 5000);
  }
  d->pid = 0;
  return st;
}

void it_cleanup(it_daemon *d) {
  if (d->pid > 0) it_stop(d);
  if (d->dir[0]) {
    unlink(d->sock);
    unlink(d->log);
    rmdir(d->dir);
  }
}

int it_start_args(it_daemon *d, const char *const *base, int nbase,
                  const char *const *more) {
  const char *extra[32];
  int n = 0;
  for (int i = 0; i < nbase && n < 31; i++) extra[n++] = base[i];
  for (int i = 0; more && more[i] && n < 31; i++) extra[n++] = more[i];
  extra[n] = NULL;
  if (it_prepare(d) != 0) return -1;
  if (it_start(d, extra) != 0) {
    it_dump_log(d);
    return -1;
  }
  return 0;
}

int it_g2p_en_model(const char *prefix, char *dir, size_t dcap, char *model,
                    size_t mcap) {
  char lex[512], npz[700], conv[600], cmd[2400];
  const char *src = getenv("top_srcdir");
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", it_builddir());
  snprintf(npz, sizeof npz, "%s/../shared/data/g2p_en/checkpoint20.npz",
           src ? src : ".");
  snprintf(conv, sizeof conv, "%s/tools/g2p-convert", it_builddir());
  if (access(lex, R_OK) != 0 || access(npz, R_OK) != 0 || access(conv, X_OK) != 0) {
    printf("%s: needs %s, %s and %s; skipped\n", prefix, lex, npz, conv);
    return 77;
  }
  it_tempdir_template(dir, dcap, prefix);
  if (!mkdtemp(dir)) return 99;
  snprintf(model, mcap, "%s/g2p_en.g2pm", dir);
  snprintf(cmd, sizeof cmd, "'%s' -o '%s' '%s' >/dev/null", conv, model, npz);
  return system(cmd) == 0 ? 0 : 99;
}

int it_stop_clean(it_daemon *d) {
  int st = it_stop(d);
  if (st != 0) it_dump_log(d);
  it_cleanup(d);
  return st;
}

void it_dump_log(const it_daemon *d) {
  char buf[4096];
  int fd = open(d->log, O_RDONLY);
  if (fd < 0) return;
  ssize_t n;
  fprintf(stderr, "---- %s\n", d->log);
  while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stderr);
  close(fd);
}

int it_connect(const char *path) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) return -1;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  /* IT_IO_TIMEOUT_S stretches it for slow builds (ThreadSanitizer) */
  const char *io = getenv("IT_IO_TIMEOUT_S");
  struct timeval tv = { io && atoi(io) > 0 ? atoi(io) : 10, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

int it_send_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

static int recv_exact(int fd, void *p, size_t n, int *got_any) {
  char *c = p;
  while (n > 0) {
    ssize_t r = recv(fd, c, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return -1;
    if (r < 0) return -2;
    *got_any = 1;
    c += r;
    n -= (size_t)r;
  }
  return 0;
}

long it_recv_frame(int fd, void *buf, size_t cap) {
  unsigned char h[4];
  int any = 0;
  int rc = recv_exact(fd, h, 4, &any);
  if (rc == -1 && !any) return -1;
  if (rc != 0) return -2;
  uint32_t len = proto_frame_length(h);
  if (len > cap) return -3;
  if (recv_exact(fd, buf, len, &any) != 0) return -2;
  return (long)len;
}

int it_wait_eof(int fd, int ms) {
  struct pollfd p = { fd, POLLIN, 0 };
  int r = poll(&p, 1, ms);
  if (r <= 0) return r;
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
  if (n == 0) return 1;
  if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) return 1;
  return n < 0 ? -1 : 0;
}

int it_send_frame(int fd, const void *payload, size_t n) {
  unsigned char h[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                         (unsigned char)(n >> 8), (unsigned char)n };
  if (it_send_all(fd, h, 4) != 0) return -1;
  return it_send_all(fd, payload, n);
}

int it_recv_reply(int fd, proto_reply *rep) {
  static __thread char buf[1 << 20]; /* per thread: tests use threads */
  char err[256];
  memset(rep, 0, sizeof *rep);
  long n = it_recv_frame(fd, buf, sizeof buf);
  if (n < 0) return -1;
  if (proto_reply_decode(buf, (size_t)n, rep, err, sizeof err) != PROTO_OK) {
    fprintf(stderr, "it: bad reply: %s\n", err);
    return -1;
  }
  return 0;
}

int it_words(int fd, uint64_t id, const char *const *words, uint32_t n,
             proto_reply *rep) {
  static __thread char mem[1 << 18];
  proto_slice sl[1024];
  proto_buf b;
  if (n > 1024) return -1;
  for (uint32_t i = 0; i < n; i++) {
    sl[i].ptr = words[i];
    sl[i].len = (uint32_t)strlen(words[i]);
  }
  proto_buf_init(&b, mem, sizeof mem);
  if (proto_encode_request(&b, id, PROTO_OP_WORDS, sl, n, 0, 0, 0) != 0)
    return -1;
  if (it_send_all(fd, b.data, b.len) != 0) return -1;
  return it_recv_reply(fd, rep);
}

int it_aardvark_ok_fd(int fd, uint64_t id) {
  const char *w[1] = { "aardvark" };
  proto_reply rep;
  if (it_words(fd, id, w, 1, &rep) != 0) return 0;
  int ok = rep.ok && rep.id == id && rep.n_words == 1 && rep.words[0].phones &&
           strcmp(rep.words[0].phones, "AA1 R D V AA2 R K") == 0 &&
           rep.words[0].source == PROTO_SOURCE_DICT && rep.words[0].error == 0;
  proto_reply_free(&rep);
  return ok;
}

int it_aardvark_ok(const char *sock) {
  int fd = it_connect(sock);
  if (fd < 0) return 0;
  int ok = it_aardvark_ok_fd(fd, 4242);
  close(fd);
  return ok;
}

int it_stat(const proto_reply *rep, const char *name, uint64_t *v) {
  for (size_t i = 0; i < rep->n_stats; i++)
    if (strcmp(rep->stat_names[i], name) == 0) {
      *v = rep->stat_values[i];
      return 1;
    }
  return 0;
}

void it_made_up(char *w, unsigned seed) {
  unsigned x = seed * 2654435761u + 7u;
  int n = 5 + (int)(x % 5);
  for (int k = 0; k < n; k++) {
    x = x * 1103515245u + 12345u;
    w[k] = (char)('a' + (x >> 16) % 26);
  }
  w[n] = '\0';
}

int it_stat_of(const char *sock, const char *name, uint64_t *v) {
  char mem[64];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_request(&b, 77, PROTO_OP_STATS, NULL, 0, 0, 0, 0);
  int fd = it_connect(sock);
  if (fd < 0) return -1;
  proto_reply r;
  int rc = -1;
  if (it_send_all(fd, b.data, b.len) == 0 && it_recv_reply(fd, &r) == 0) {
    rc = it_stat(&r, name, v) ? 0 : -1;
    proto_reply_free(&r);
  }
  close(fd);
  return rc;
}

int it_workers_idle(const char *sock, uint64_t *ran) {
  uint64_t before = ~0ull;
  for (;;) {
    uint64_t w = 0, c = 0;
    if (it_stat_of(sock, "workers.words", &w) != 0 ||
        it_stat_of(sock, "workers.cancelled", &c) != 0)
      return -1;
    if (w + c == before) {
      *ran = w;
      return 0;
    }
    before = w + c;
    usleep(300000);
  }
}

int it_ping_then_stat(const char *sock, const char *name, uint64_t *v) {
  char mem[128];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_request(&b, 100, PROTO_OP_PING, NULL, 0, 0, 0, 0);
  proto_encode_request(&b, 101, PROTO_OP_STATS, NULL, 0, 0, 0, 0);
  int fd = it_connect(sock);
  if (fd < 0) return -1;
  int rc = -1;
  proto_reply r;
  if (it_send_all(fd, b.data, b.len) == 0 && it_recv_reply(fd, &r) == 0) {
    int pong = r.ok && r.id == 100;
    proto_reply_free(&r);
    if (pong && it_recv_reply(fd, &r) == 0) {
      if (r.ok && r.id == 101 && it_stat(&r, name, v)) rc = 0;
      proto_reply_free(&r);
    }
  }
  close(fd);
  return rc;
}

/* ---- msgpack writer ------------------------------------------------------ */

void mp_raw(it_bytes *b, const void *p, size_t n) {
  if (b->n + n > sizeof b->d) abort();
  memcpy(b->d + b->n, p, n);
  b->n += n;
}

void mp_byte(it_bytes *b, unsigned v) {
  unsigned char c = (unsigned char)v;
  mp_raw(b, &c, 1);
}

static void mp_be(it_bytes *b, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    mp_byte(b, (unsigned)(v >> (8 * (n - 1 - i))) & 0xffu);
}

void mp_map(it_bytes *b, unsigned n) {
  if (n < 16) mp_byte(b, 0x80u | n);
  else { mp_byte(b, 0xde); mp_be(b, n, 2); }
}

void mp_array(it_bytes *b, unsigned n) {
  if (n < 16) mp_byte(b, 0x90u | n);
  else { mp_byte(b, 0xdc); mp_be(b, n, 2); }
}

void mp_strn(it_bytes *b, const char *s, size_t n) {
  if (n < 32) mp_byte(b, 0xa0u | (unsigned)n);
  else if (n < 256) { mp_byte(b, 0xd9); mp_byte(b, (unsigned)n); }
  else { mp_byte(b, 0xda); mp_be(b, n, 2); }
  mp_raw(b, s, n);
}

void mp_str(it_bytes *b, const char *s) { mp_strn(b, s, strlen(s)); }

void mp_uint(it_bytes *b, uint64_t v) {
  if (v < 128) mp_byte(b, (unsigned)v);
  else { mp_byte(b, 0xcf); mp_be(b, v, 8); }
}
