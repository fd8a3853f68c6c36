/* conn.c -- the client's socket: connect, bounded waits, framed reads.
 *
 * Every blocking point is a poll() with the handle's timeout, so a daemon
 * that stops answering turns into G2PC_ETIMEDOUT instead of a hung caller.
 * Writes use MSG_NOSIGNAL: a daemon going away is an error code, never a
 * SIGPIPE in the caller's process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client/client_impl.h"

int client_fail(g2pc_client *c, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
  va_end(ap);
  return err;
}

int client_fatal(g2pc_client *c, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
  va_end(ap);
  c->broken = 1;
  return err;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int conn_connect(g2pc_client *c) {
  struct sockaddr_un sa;
  size_t n = strlen(c->path);
  if (n == 0 || n >= sizeof sa.sun_path)
    return client_fail(c, G2PC_ECONNECT, "%s: socket path empty or too long", c->path);
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, c->path, n);
  c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (c->fd < 0) return client_fail(c, G2PC_ECONNECT, "socket: %s", strerror(errno));
  int64_t deadline = c->timeout_ms < 0 ? -1 : now_ms() + c->timeout_ms;
  for (;;) {
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0) return 0;
    if (errno == EINTR) continue;
    if (errno == EINPROGRESS) {
      int r, w, rc = conn_wait(c, 1, &r, &w);
      if (rc) return client_fail(c, rc, "%s: connect timed out", c->path);
      int soerr = 0;
      socklen_t sl = sizeof soerr;
      if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) return 0;
      return client_fail(c, G2PC_ECONNECT, "%s: %s", c->path, strerror(soerr));
    }
    if (errno == EAGAIN) {
      /* A Unix socket whose accept backlog is full: retry until the deadline. */
      if (deadline >= 0 && now_ms() >= deadline)
        return client_fail(c, G2PC_ETIMEDOUT, "%s: connect timed out (backlog full)", c->path);
      struct timespec ts = {0, 2 * 1000 * 1000};
      nanosleep(&ts, NULL);
      continue;
    }
    return client_fail(c, G2PC_ECONNECT, "%s: %s", c->path, strerror(errno));
  }
}

int conn_wait(g2pc_client *c, int want_write, int *readable, int *writable) {
  struct pollfd p = {.fd = c->fd, .events = POLLIN | (want_write ? POLLOUT : 0)};
  int64_t deadline = c->timeout_ms < 0 ? -1 : now_ms() + c->timeout_ms;
  for (;;) {
    int wait = -1;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      wait = left > 0 ? (int)left : 0;
    }
    int n = poll(&p, 1, wait);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return client_fatal(c, G2PC_EIO, "poll: %s", strerror(errno));
    if (n == 0) return client_fatal(c, G2PC_ETIMEDOUT, "no answer within %d ms", c->timeout_ms);
    /* Errors and hang-ups surface through the following read or write. */
    *readable = (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    *writable = (p.revents & (POLLOUT | POLLERR)) != 0;
    return 0;
  }
}

int conn_send_some(g2pc_client *c, const char *p, size_t len, size_t *done) {
  while (len > 0) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
      *done += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
      return client_fatal(c, G2PC_ECLOSED, "daemon closed the connection");
    return client_fatal(c, G2PC_EIO, "send: %s", strerror(errno));
  }
  return 0;
}

int conn_recv_some(g2pc_client *c) {
  if (c->rstart > 0) {
    memmove(c->rbuf, c->rbuf + c->rstart, c->rlen - c->rstart);
    c->rlen -= c->rstart;
    c->rstart = 0;
  }
  if (c->rcap - c->rlen < 4096) {
    size_t ncap = c->rcap ? c->rcap * 2 : 65536;
    if (ncap > CLIENT_MAX_REPLY + 2 * PROTO_HEADER_BYTES + 65536)
      ncap = CLIENT_MAX_REPLY + 2 * PROTO_HEADER_BYTES + 65536;
    if (ncap <= c->rcap) return client_fatal(c, G2PC_EPROTO, "reply too large");
    char *nb = realloc(c->rbuf, ncap);
    if (!nb) return client_fatal(c, G2PC_ENOMEM, "out of memory");
    c->rbuf = nb;
    c->rcap = ncap;
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, MSG_DONTWAIT);
    if (n > 0) {
      c->rlen += (size_t)n;
      return 0;
    }
    if (n == 0) {
      if (c->rlen > c->rstart)
        return client_fatal(c, G2PC_ECLOSED, "daemon closed the connection mid-frame");
      return client_fatal(c, G2PC_ECLOSED, "daemon closed the connection");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    if (errno == ECONNRESET) return client_fatal(c, G2PC_ECLOSED, "connection reset by the daemon");
    return client_fatal(c, G2PC_EIO, "recv: %s", strerror(errno));
  }
}

int conn_next_frame(g2pc_client *c, const char **payload, size_t *len) {
  size_t avail = c->rlen - c->rstart;
  if (avail < PROTO_HEADER_BYTES) return 0;
  uint32_t l = proto_frame_length(c->rbuf + c->rstart);
  if (l == 0 || l > CLIENT_MAX_REPLY)
    return client_fatal(c, G2PC_EPROTO, "reply frame length %u is invalid", (unsigned)l);
  if (avail - PROTO_HEADER_BYTES < l) return 0;
  *payload = c->rbuf + c->rstart + PROTO_HEADER_BYTES;
  *len = l;
  c->rstart += PROTO_HEADER_BYTES + l;
  return 1;
}

int conn_send_all(g2pc_client *c, const char *p, size_t len) {
  size_t done = 0;
  while (done < len) {
    int r, w, rc;
    if ((rc = conn_send_some(c, p + done, len - done, &done))) return rc;
    if (done == len) break;
    if ((rc = conn_wait(c, 1, &r, &w))) return rc;
    if (r && !w) {
      /* The daemon answered (or hung up) before taking the whole request:
       * an early error reply is read by the caller; drain it now so a full
       * receive buffer cannot stall us. */
      if ((rc = conn_recv_some(c))) return rc;
    }
  }
  return 0;
}

int conn_read_frame(g2pc_client *c, const char **payload, size_t *len) {
  for (;;) {
    int rc = conn_next_frame(c, payload, len);
    if (rc != 0) return rc < 0 ? rc : 0;
    int r, w;
    if ((rc = conn_wait(c, 0, &r, &w))) return rc;
    if ((rc = conn_recv_some(c))) return rc;
  }
}

int g2pc_default_socket_path(char *buf, size_t len) {
  const char *sys = "/run/rnninferd/rnninferd.sock";
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  int n;
  if (!buf) return G2PC_EINVAL;
  if (geteuid() != 0 && xdg && *xdg) {
    struct stat st;
    n = snprintf(buf, len, "%s/rnninferd.sock", xdg);
    if (n >= 0 && (size_t)n < len && stat(buf, &st) == 0 && S_ISSOCK(st.st_mode)) return 0;
  }
  n = snprintf(buf, len, "%s", sys);
  return n >= 0 && (size_t)n < len ? 0 : G2PC_EINVAL;
}
