/* conn.h -- one client connection: read, frame, answer, write, in order.
 *
 * Each connection slot owns a read buffer of max_frame + 4 bytes and two
 * output buffers of max_output bytes, all reserved when the server starts:
 * a request never allocates. Replies are packed into the "fill" buffer
 * while the other one is being written; when the fill buffer cannot take
 * the next reply and a write is still in flight, the connection stops
 * reading until the write completes (backpressure), so a client that does
 * not read its replies only ever holds its own two buffers.
 *
 * A words request whose words went to the kernel workers stops the
 * connection (no reading, no further frames: replies stay in order) until
 * its last word comes back; the frame stays in the read buffer meanwhile,
 * since the workers read the words from there. An nbest request that
 * finds every nbest pool lent stops it the same way until the owner says
 * a pool is free (conn_pool_free). */
#ifndef RNNINFERD_DAEMON_CONN_H
#define RNNINFERD_DAEMON_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

#include "daemon/dispatch.h"
#include "proto/proto.h"

struct conn;

/* What connections need from their owner, set up once by the server: the
 * loop, the limits, the dispatcher that answers requests, the counters,
 * and whom to tell when a connection's slot is free again. */
typedef struct conn_env {
  uv_loop_t *loop;
  const daemon_config *cfg;
  dispatcher *disp;
  daemon_stats *stats;
  void (*on_closed)(void *ctx, struct conn *c);
  void *ctx;
} conn_env;

typedef struct conn {
  uv_pipe_t pipe;       /* the client's stream; pipe.data = this */
  const conn_env *env;
  uint32_t slot;        /* index in the server's pool */
  uint64_t serial;      /* 1, 2, ... per accepted connection, for logs */
  pid_t pid;            /* peer credentials (SO_PEERCRED) */
  uid_t uid;
  gid_t gid;

  char *rbuf;           /* max_frame + 4 bytes */
  size_t rcap, rlen, roff; /* bytes held, bytes consumed */

  char *out[2];         /* two output buffers of max_output bytes */
  int fill_idx;         /* out[fill_idx] is being filled */
  proto_buf fill;
  size_t send_len;      /* bytes of the write in flight */
  uv_write_t wreq;
  uint64_t blocked_since; /* uv_now() when the last write started waiting */
  uint64_t active_ms;     /* uv_now() of the last bytes read, or of the last
                           * sweep that found work under way (--idle-timeout) */
  async_req ar;         /* a words request waiting for the workers */
  int frame_err;        /* framing error reply still to send (code) */
  uint32_t frame_err_len;

  unsigned in_use : 1;
  unsigned reading : 1;  /* uv_read_start in effect */
  unsigned blocked : 1;  /* a reply is waiting for output room */
  unsigned eof : 1;      /* no more input will be read */
  unsigned fatal : 1;    /* framing error: answer, flush, close */
  unsigned writing : 1;  /* wreq in flight */
  unsigned closing : 1;  /* uv_close called */
  unsigned draining : 1; /* daemon stopping: no input beyond what has arrived */
  unsigned zombie : 1;   /* closed while words were with the workers */
  unsigned waiting : 1;  /* an nbest request waits for a pool (ar.wait_ticket) */
} conn;

/* Reserves the slot's buffers (start-up only). env must outlive the slot.
 * 0 or -1. */
int conn_slot_init(conn *c, const conn_env *env, uint32_t slot);
void conn_slot_destroy(conn *c);

/* Takes over an accepted, connected socket. Returns 0, or a libuv error
 * after which the fd is closed and the slot comes back through
 * env->on_closed like any closed connection. */
int conn_start(conn *c, int fd, uint64_t serial);

/* Drain: answer what the peer has sent so far (including what still sits
 * in the socket buffer), flush, then close. */
void conn_drain(conn *c);
/* Closes now; pending output is dropped. */
void conn_close(conn *c);
/* A connection whose words are with the workers is not read meanwhile, so
 * a client that closes is not noticed by reading. This asks the kernel
 * (POLLHUP: the peer closed both ways, unlike a half-close, which still
 * wants its replies); when the client is gone, its queued words are
 * cancelled and the connection closed. The same for a connection waiting
 * for a pool. Returns 1 then, else 0. */
int conn_check_vanished(conn *c);
/* A pool was given back: a connection waiting for one asks again
 * (the owner calls it for the oldest waiting ticket first). */
void conn_pool_free(conn *c);
/* A worker finished one word of this slot's request generation gen. */
void conn_word_done(conn *c, uint32_t gen);

#endif
