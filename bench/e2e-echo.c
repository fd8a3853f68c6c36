/* e2e-echo.c -- a bare Unix-socket echo server: the floor for bench/e2e.
 *
 * The end-to-end bench compares rnninferd's round trip with the cheapest
 * round trip the same socket can do: read a frame (4-byte big-endian length +
 * payload, the daemon's framing), write it straight back. Two flavours, so the
 * daemon's event-loop design is compared with like:
 *   default  blocking: one thread per connection sleeping in read(2);
 *   --uv     one libuv loop thread (epoll), as rnninferd has.
 * Frames are echoed whole; a frame over --max-frame closes the connection.
 * SIGINT/SIGTERM stop the server and remove the socket file. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "bench/e2e-wire.h"

static volatile sig_atomic_t stop_flag;
static uint32_t max_frame = 1u << 20;

static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

static void usage(FILE *f) {
  fputs("usage: e2e-echo --socket PATH [--uv] [--max-frame BYTES]\n"
        "Echoes length-prefixed frames (4-byte big-endian length + payload)\n"
        "on a Unix stream socket; the baseline round trip of bench/e2e.\n",
        f);
}

/* ---- blocking, thread per connection ------------------------------------ */

static void *conn_thread(void *arg) {
  int fd = (int)(intptr_t)arg;
  size_t cap = (size_t)max_frame + 4;
  char *buf = malloc(cap);
  if (buf) {
    for (;;) {
      if (e2e_read_all(fd, buf, 4) < 0) break;
      uint32_t len = e2e_get_be32(buf);
      if (len > max_frame) break;
      if (e2e_read_all(fd, buf + 4, len) < 0) break;
      if (e2e_write_all(fd, buf, (size_t)len + 4) < 0) break;
    }
  }
  free(buf);
  close(fd);
  return NULL;
}

static int listen_unix(const char *path) {
  struct sockaddr_un sa;
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "e2e-echo: socket path too long: %s\n", path);
    return -1;
  }
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  unlink(path);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0) {
    fprintf(stderr, "e2e-echo: %s: %s\n", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static int run_blocking(const char *path) {
  int lfd = listen_unix(path);
  if (lfd < 0) return 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  while (!stop_flag) {
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fprintf(stderr, "e2e-echo: accept: %s\n", strerror(errno));
      break;
    }
    pthread_t t;
    if (pthread_create(&t, &attr, conn_thread, (void *)(intptr_t)fd) != 0) {
      fprintf(stderr, "e2e-echo: cannot start a thread\n");
      close(fd);
    }
  }
  pthread_attr_destroy(&attr);
  close(lfd);
  unlink(path);
  return 0;
}

/* ---- libuv loop ---------------------------------------------------------- */

/* One buffer per connection: bytes [0, len) are read and not yet echoed.
 * Complete frames at the front are written with uv_try_write; when the
 * socket is full the rest goes out with uv_write and reading pauses until
 * that write completes, so the buffer is never touched while lent out. */
typedef struct uv_conn {
  uv_pipe_t pipe;
  uv_write_t wreq;
  char *buf;
  size_t cap;
  size_t len;
  size_t lent; /* bytes lent to a pending uv_write */
} uv_conn;

static void uv_conn_closed(uv_handle_t *h) {
  uv_conn *c = h->data;
  free(c->buf);
  free(c);
}

static void uv_conn_close(uv_conn *c) {
  if (!uv_is_closing((uv_handle_t *)&c->pipe))
    uv_close((uv_handle_t *)&c->pipe, uv_conn_closed);
}

static void uv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  (void)hint;
  uv_conn *c = h->data;
  *b = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

static int uv_echo_frames(uv_conn *c);
static void uv_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);

static void uv_written(uv_write_t *req, int status) {
  uv_conn *c = req->data;
  if (status < 0) {
    uv_conn_close(c);
    return;
  }
  memmove(c->buf, c->buf + c->lent, c->len - c->lent);
  c->len -= c->lent;
  c->lent = 0;
  if (uv_echo_frames(c) == 0 &&
      uv_read_start((uv_stream_t *)&c->pipe, uv_alloc, uv_on_read) < 0)
    uv_conn_close(c);
}

/* Echoes every complete frame at the front of the buffer. Returns 0 when
 * reading may go on, 1 when a write is pending (reading stopped), -1 when
 * the connection is closing. */
static int uv_echo_frames(uv_conn *c) {
  size_t whole = 0;
  while (c->len - whole >= 4) {
    uint32_t flen = e2e_get_be32(c->buf + whole);
    if (flen > max_frame) {
      uv_conn_close(c);
      return -1;
    }
    if (c->len - whole < (size_t)flen + 4) break;
    whole += (size_t)flen + 4;
  }
  if (whole > 0) {
    uv_buf_t out = uv_buf_init(c->buf, (unsigned)whole);
    int k = uv_try_write((uv_stream_t *)&c->pipe, &out, 1);
    if (k == UV_EAGAIN) k = 0;
    if (k < 0) {
      uv_conn_close(c);
      return -1;
    }
    if ((size_t)k < whole) {
      uv_read_stop((uv_stream_t *)&c->pipe);
      c->lent = whole;
      out = uv_buf_init(c->buf + k, (unsigned)(whole - (size_t)k));
      c->wreq.data = c;
      if (uv_write(&c->wreq, (uv_stream_t *)&c->pipe, &out, 1, uv_written) < 0) {
        uv_conn_close(c);
        return -1;
      }
      return 1;
    }
    memmove(c->buf, c->buf + whole, c->len - whole);
    c->len -= whole;
  }
  return 0;
}

static void uv_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  (void)b;
  uv_conn *c = s->data;
  if (n < 0) {
    uv_conn_close(c);
    return;
  }
  c->len += (size_t)n;
  (void)uv_echo_frames(c);
}

static void uv_on_connection(uv_stream_t *server, int status) {
  if (status < 0) return;
  uv_conn *c = calloc(1, sizeof *c);
  if (!c) return;
  c->cap = (size_t)max_frame + 4 + 65536;
  c->buf = malloc(c->cap);
  uv_pipe_init(server->loop, &c->pipe, 0);
  c->pipe.data = c;
  if (!c->buf || uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
    uv_conn_close(c);
    return;
  }
  if (uv_read_start((uv_stream_t *)&c->pipe, uv_alloc, uv_on_read) < 0)
    uv_conn_close(c);
}

static void uv_on_signal(uv_signal_t *h, int sig) {
  (void)sig;
  uv_stop(h->loop);
}

static int run_uv(const char *path) {
  uv_loop_t *loop = uv_default_loop();
  uv_pipe_t server;
  uv_signal_t sigint, sigterm;
  uv_pipe_init(loop, &server, 0);
  unlink(path);
  int rc = uv_pipe_bind(&server, path);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&server, 128, uv_on_connection);
  if (rc < 0) {
    fprintf(stderr, "e2e-echo: %s: %s\n", path, uv_strerror(rc));
    return 1;
  }
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  uv_signal_start(&sigint, uv_on_signal, SIGINT);
  uv_signal_start(&sigterm, uv_on_signal, SIGTERM);
  uv_run(loop, UV_RUN_DEFAULT);
  unlink(path);
  return 0;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  int use_uv = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else if (strcmp(argv[i], "--uv") == 0) {
      use_uv = 1;
    } else if (strcmp(argv[i], "--max-frame") == 0 && i + 1 < argc) {
      long v = strtol(argv[++i], NULL, 10);
      if (v < 1 || v > (1l << 26)) {
        fputs("e2e-echo: --max-frame out of range\n", stderr);
        return 2;
      }
      max_frame = (uint32_t)v;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (!path) {
    usage(stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (use_uv) return run_uv(path);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: accept() returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  return run_blocking(path);
}
