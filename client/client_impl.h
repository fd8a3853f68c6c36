/* client_impl.h -- the inside of a g2pc_client (not installed).
 *
 * The connection keeps its socket non-blocking and waits with poll(), so that
 * every wait is bounded by the handle's timeout and a batch can write
 * requests and read replies at the same time (pipelining without
 * deadlock when both socket buffers fill). */
#ifndef RNNINFERD_CLIENT_IMPL_H
#define RNNINFERD_CLIENT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "client/g2pclient.h"
#include "proto/proto.h"

/* Largest reply frame accepted (replies may exceed the request max_frame). */
#define CLIENT_MAX_REPLY (16u << 20)

struct g2pc_client {
  int fd;
  int timeout_ms;          /* < 0: forever */
  char *path;
  uint64_t next_id;
  int broken;              /* a fatal error happened: refuse further calls */
  unsigned window;         /* requests in flight in g2pc_lookup_many */
  proto_limits lim;        /* the daemon's limits (defaults until learned) */
  int have_limits;
  char *rbuf;              /* received bytes: [rstart, rlen) not yet consumed */
  size_t rstart, rlen, rcap;
  char *wbuf;              /* one encoded request */
  size_t wcap;
  char errmsg[256];
};

/* Sets c->errmsg; returns err. */
int client_fail(g2pc_client *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As client_fail, and marks the connection unusable. */
int client_fatal(g2pc_client *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Connects c->fd to c->path within the timeout. */
int conn_connect(g2pc_client *c);
/* Waits until the socket is readable (and, when want_write, writable).
 * Sets *readable / *writable. Returns 0 or G2PC_ETIMEDOUT / G2PC_EIO. */
int conn_wait(g2pc_client *c, int want_write, int *readable, int *writable);
/* Writes what the socket takes now; adds to *done. Returns 0 or G2PC_E*. */
int conn_send_some(g2pc_client *c, const char *p, size_t len, size_t *done);
/* Reads what is available into the receive buffer. Returns 0, or
 * G2PC_ECLOSED at end of stream, or another G2PC_E*. */
int conn_recv_some(g2pc_client *c);
/* Takes the next complete frame out of the receive buffer: returns 1 with
 * its payload (valid until the next conn_recv_some), 0 when none is
 * complete, or G2PC_EPROTO for an impossible length. */
int conn_next_frame(g2pc_client *c, const char **payload, size_t *len);
/* Blocking helpers built on the above. */
int conn_send_all(g2pc_client *c, const char *p, size_t len);
int conn_read_frame(g2pc_client *c, const char **payload, size_t *len);

#endif
