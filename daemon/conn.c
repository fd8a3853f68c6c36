/* conn.c -- per-connection reading, framing and writing (see conn.h).
 *
 * The read buffer holds at most one partial frame after processing (the
 * complete ones are answered at once, in order), so reading into its free
 * tail never runs out of room. A frame error (length 0 or over max_frame)
 * is answered with an error frame and the connection is closed once it is
 * written; a peer that ends the stream mid-frame just loses that
 * connection. Nothing here allocates once the slot exists. */
#include "daemon/conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"

static void conn_process(conn *c);
static void conn_flush(conn *c);
static void conn_maybe_finish(conn *c);
static void conn_read_start(conn *c);
static void conn_read_stop(conn *c);
static void on_close(uv_handle_t *h);

int conn_slot_init(conn *c, const conn_env *env, uint32_t slot) {
  memset(c, 0, sizeof *c);
  c->env = env;
  c->slot = slot;
  c->rcap = (size_t)env->cfg->lim.max_frame + PROTO_HEADER_BYTES;
  c->rbuf = malloc(c->rcap);
  c->out[0] = malloc(env->cfg->max_output);
  c->out[1] = malloc(env->cfg->max_output);
  if (env->cfg->workers > 0)
    c->ar.slots = calloc(env->cfg->lim.max_words, sizeof *c->ar.slots);
  if (!c->rbuf || !c->out[0] || !c->out[1] ||
      (env->cfg->workers > 0 && !c->ar.slots)) {
    conn_slot_destroy(c);
    return -1;
  }
  return 0;
}

void conn_slot_destroy(conn *c) {
  free(c->rbuf);
  free(c->out[0]);
  free(c->out[1]);
  free(c->ar.slots);
  c->ar.slots = NULL;
  c->rbuf = c->out[0] = c->out[1] = NULL;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  conn *c = h->data;
  (void)suggested;
  buf->base = c->rbuf + c->rlen;
  buf->len = c->rcap - c->rlen;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf) {
  conn *c = st->data;
  (void)buf;
  if (nread > 0) {
    c->active_ms = uv_now(c->env->loop);
    c->rlen += (size_t)nread;
    c->env->stats->bytes_in += (uint64_t)nread;
    conn_process(c);
    return;
  }
  if (nread == 0) return; /* EAGAIN */
  conn_read_stop(c);
  if (nread == UV_EOF) {
    c->eof = 1;
    conn_maybe_finish(c);
    return;
  }
  log_debug("conn %llu: read: %s", (unsigned long long)c->serial,
            uv_strerror((int)nread));
  conn_close(c);
}

static void conn_read_start(conn *c) {
  if (c->reading || c->eof || c->fatal || c->closing || c->blocked ||
      c->draining || c->ar.active || c->waiting)
    return;
  int rc = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
  if (rc != 0) {
    log_warn("conn %llu: read start: %s", (unsigned long long)c->serial,
             uv_strerror(rc));
    conn_close(c);
    return;
  }
  c->reading = 1;
}

static void conn_read_stop(conn *c) {
  if (!c->reading) return;
  uv_read_stop((uv_stream_t *)&c->pipe);
  c->reading = 0;
}

static void on_write(uv_write_t *req, int status) {
  conn *c = req->data;
  c->writing = 0;
  if (status < 0) {
    if (status != UV_ECANCELED)
      log_debug("conn %llu: write: %s", (unsigned long long)c->serial,
                uv_strerror(status));
    conn_close(c);
    return;
  }
  c->env->stats->bytes_out += c->send_len;
  c->send_len = 0;
  if (c->blocked) {
    c->blocked = 0;
    conn_process(c); /* resumes reading when everything fit */
  } else {
    conn_flush(c);
    conn_maybe_finish(c);
  }
}

/* Writes the fill buffer. Most replies fit the socket buffer and go out
 * at once (uv_try_write: no write request, no callback, and none of the
 * epoll_ctl libuv makes after every queued write); the rest goes to libuv
 * and the other buffer becomes the fill buffer. */
static void conn_flush(conn *c) {
  if (c->writing || c->closing || c->fill.len == 0) return;
  size_t len = c->fill.len, done = 0;
  uv_buf_t b = uv_buf_init(c->fill.data, (unsigned)len);
  int n = uv_try_write((uv_stream_t *)&c->pipe, &b, 1);
  if (n > 0) {
    done = (size_t)n;
  } else if (n != UV_EAGAIN) {
    log_debug("conn %llu: write: %s", (unsigned long long)c->serial,
              uv_strerror(n));
    conn_close(c);
    return;
  }
  if (done == len) {
    c->env->stats->bytes_out += len;
    proto_buf_init(&c->fill, c->out[c->fill_idx], c->env->cfg->max_output);
    return;
  }
  b = uv_buf_init(c->fill.data + done, (unsigned)(len - done));
  c->wreq.data = c;
  int rc = uv_write(&c->wreq, (uv_stream_t *)&c->pipe, &b, 1, on_write);
  if (rc != 0) {
    log_debug("conn %llu: write: %s", (unsigned long long)c->serial,
              uv_strerror(rc));
    conn_close(c);
    return;
  }
  c->writing = 1;
  c->blocked_since = uv_now(c->env->loop);
  c->send_len = len;
  c->fill_idx ^= 1;
  proto_buf_init(&c->fill, c->out[c->fill_idx], c->env->cfg->max_output);
}

/* A reply needs room that only a finished write can give. */
static void conn_block(conn *c) {
  c->blocked = 1;
  conn_read_stop(c);
}

/* Makes room for one more reply: returns 1 when the caller may retry at
 * once (the fill buffer was handed to the writer), 0 when it must wait. */
static int conn_make_room(conn *c) {
  if (c->writing || c->fill.len == 0) return 0;
  conn_flush(c);
  return !c->closing && c->fill.len == 0;
}

/* Emits the pending frame error reply. 0 when written to the fill buffer,
 * -1 when it must wait for the write in flight. */
static int conn_emit_frame_error(conn *c) {
  char msg[128];
  const proto_limits *lim = &c->env->cfg->lim;
  if (c->frame_err == PROTO_E_FRAME_TOO_LARGE)
    snprintf(msg, sizeof msg, "frame length %u exceeds the limit of %u bytes",
             c->frame_err_len, lim->max_frame);
  else
    snprintf(msg, sizeof msg, "frame length must be 1..%u, got %u",
             lim->max_frame, c->frame_err_len);
  while (dispatch_error(c->env->disp, &c->fill, 0, c->frame_err, msg) != 0)
    if (!conn_make_room(c)) return -1;
  log_debug("conn %llu: %s; closing", (unsigned long long)c->serial, msg);
  c->frame_err = 0;
  return 0;
}

/* Answers every complete frame held, in order, and hands the replies to
 * the writer. Returns 0, or -1 when the connection is blocked (waiting for
 * output room) or closing. */
static int conn_answer(conn *c) {
  const conn_env *env = c->env;
  const proto_limits *lim = &env->cfg->lim;
  if (c->waiting) return -1; /* for a pool: conn_pool_free resumes */
  while (!c->closing && !c->fatal) {
    if (c->ar.active) {
      if (c->ar.pending > 0) return -1; /* words still with the workers */
      if (dispatch_async_finish(env->disp, &c->ar, &c->fill,
                                c->fill.len == 0) != DISPATCH_DONE) {
        if (conn_make_room(c)) continue;
        if (c->closing) return -1;
        conn_block(c);
        return -1;
      }
      c->roff += c->ar.frame_bytes;
      continue;
    }
    size_t avail = c->rlen - c->roff;
    if (avail < PROTO_HEADER_BYTES) break;
    uint32_t len = proto_frame_length(c->rbuf + c->roff);
    int fc = proto_frame_check(len, lim);
    if (fc != PROTO_OK) {
      /* the stream cannot be resynchronised: answer, flush, close */
      c->frame_err = fc;
      c->frame_err_len = len;
      c->fatal = 1;
      conn_read_stop(c);
      c->rlen = c->roff = 0;
      break;
    }
    if (avail - PROTO_HEADER_BYTES < len) break;
    const char *payload = c->rbuf + c->roff + PROTO_HEADER_BYTES;
    int r = dispatch_request(env->disp, payload, len, &c->fill,
                             c->fill.len == 0, &c->ar, c->slot);
    if (r == DISPATCH_ASYNC) {
      /* the frame stays put until answered: the workers read its words */
      c->ar.frame_bytes = PROTO_HEADER_BYTES + len;
      conn_read_stop(c);
      conn_flush(c); /* replies before it need not wait */
      return -1;
    }
    if (r == DISPATCH_WAIT) {
      /* the pool it needs is lent: the frame stays, asked again later */
      c->waiting = 1;
      conn_read_stop(c);
      conn_flush(c);
      return -1;
    }
    if (r != DISPATCH_DONE) {
      if (conn_make_room(c)) continue;
      if (c->closing) return -1;
      conn_block(c);
      return -1;
    }
    c->roff += PROTO_HEADER_BYTES + len;
  }
  if (c->closing) return -1;
  if (c->frame_err && conn_emit_frame_error(c) != 0) {
    if (!c->closing) conn_block(c);
    return -1;
  }
  /* keep only the partial frame, at the front */
  if (c->roff > 0) {
    size_t rest = c->rlen - c->roff;
    if (rest > 0) memmove(c->rbuf, c->rbuf + c->roff, rest);
    c->rlen = rest;
    c->roff = 0;
  }
  conn_flush(c);
  return c->closing ? -1 : 0;
}

/* Drain: reads (without libuv) what the peer has already sent, answering as
 * it goes, until the socket is empty; then no more input is taken. Resumed
 * from conn_process() when output room stopped it. */
static void conn_drain_read(conn *c) {
  uv_os_fd_t fd;
  if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0) {
    c->eof = 1;
    return;
  }
  while (!c->fatal && c->rlen < c->rcap) {
    ssize_t n = read(fd, c->rbuf + c->rlen, c->rcap - c->rlen);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* empty (EAGAIN), EOF or error: done either way */
    c->rlen += (size_t)n;
    c->env->stats->bytes_in += (uint64_t)n;
    if (conn_answer(c) != 0) return; /* blocked or closing */
  }
  c->eof = 1;
}

static void conn_process(conn *c) {
  if (conn_answer(c) != 0) return;
  if (c->draining && !c->eof) {
    conn_drain_read(c);
    if (c->closing || c->blocked) return;
  } else {
    conn_read_start(c);
  }
  conn_maybe_finish(c);
}

/* Closes a connection that will get no more input once its replies are out. */
static void conn_maybe_finish(conn *c) {
  if (c->closing || c->blocked || c->ar.active || c->waiting ||
      !(c->eof || c->fatal))
    return;
  if (c->rlen > c->roff) {
    c->env->stats->conn_closed_truncated++;
    log_debug("conn %llu: stream ended inside a frame (%zu bytes); closing",
              (unsigned long long)c->serial, c->rlen - c->roff);
    c->rlen = c->roff = 0;
  }
  if (c->fill.len > 0) conn_flush(c);
  if (!c->writing && c->fill.len == 0) conn_close(c);
}

int conn_start(conn *c, int fd, uint64_t serial) {
  const conn_env *env = c->env;
  c->serial = serial;
  c->rlen = c->roff = 0;
  c->fill_idx = 0;
  proto_buf_init(&c->fill, c->out[0], env->cfg->max_output);
  c->send_len = 0;
  c->frame_err = 0;
  c->in_use = 1;
  c->reading = c->blocked = c->eof = c->fatal = c->writing = c->closing = 0;
  c->draining = c->zombie = c->waiting = 0;
  c->ar.active = 0;
  c->ar.pending = 0;
  c->ar.waited_since = 0; /* an earlier client's wait for a pool */
  c->active_ms = uv_now(env->loop);
  int rc = uv_pipe_init(env->loop, &c->pipe, 0);
  if (rc != 0) {
    close(fd);
    c->in_use = 0;
    env->on_closed(env->ctx, c);
    return rc;
  }
  c->pipe.data = c;
  rc = uv_pipe_open(&c->pipe, fd);
  if (rc != 0) {
    /* the handle exists: close it the usual way, which frees the slot */
    close(fd);
    conn_close(c);
    return rc;
  }
  conn_read_start(c);
  return 0;
}

void conn_drain(conn *c) {
  if (c->closing || c->draining) return;
  c->draining = 1;
  conn_read_stop(c);
  if (!c->eof && !c->fatal && !c->blocked) conn_drain_read(c);
  if (c->closing || c->blocked) return;
  conn_maybe_finish(c);
}

static void on_close(uv_handle_t *h) {
  conn *c = h->data;
  if (c->ar.active && c->ar.pending > 0) {
    c->zombie = 1; /* the slot is free once the workers are done with it */
    return;
  }
  if (c->ar.active) dispatch_async_abandon(&c->ar);
  c->in_use = 0;
  c->env->on_closed(c->env->ctx, c);
}

void conn_word_done(conn *c, uint32_t gen) {
  if (!c->ar.active || c->ar.gen != gen || c->ar.pending == 0) return;
  if (--c->ar.pending > 0) return;
  if (c->zombie) {
    dispatch_async_abandon(&c->ar);
    c->zombie = 0;
    c->in_use = 0;
    c->env->on_closed(c->env->ctx, c);
    return;
  }
  if (!c->closing && !c->blocked) conn_process(c);
}

void conn_pool_free(conn *c) {
  if (!c->in_use || c->closing || !c->waiting) return;
  c->waiting = 0;
  if (!c->blocked) conn_process(c);
}

int conn_check_vanished(conn *c) {
  if (!c->in_use || c->closing) return 0;
  if (!c->waiting && (!c->ar.active || c->ar.pending == 0)) return 0;
  uv_os_fd_t fd;
  if (uv_fileno((const uv_handle_t *)&c->pipe, &fd) != 0) return 0;
  struct pollfd p = { .fd = fd, .events = 0 };
  if (poll(&p, 1, 0) != 1 || !(p.revents & (POLLHUP | POLLERR))) return 0;
  if (c->ar.active) __atomic_store_n(&c->ar.cancelled, 1, __ATOMIC_RELEASE);
  c->env->stats->conn_vanished++;
  log_debug("conn %llu: client gone with %u words queued%s; cancelled",
            (unsigned long long)c->serial, (unsigned)c->ar.pending,
            c->waiting ? " (waiting for a pool)" : "");
  conn_close(c);
  return 1;
}

void conn_close(conn *c) {
  if (c->closing) return;
  dispatch_wait_cancel(c->env->disp, &c->ar);
  conn_read_stop(c);
  c->closing = 1;
  uv_close((uv_handle_t *)&c->pipe, on_close);
}
