/* e2e-wire.c -- sockets, frames and a msgpack id scanner for the bench.
 *
 * Why a scanner of its own: the measuring loops see hundreds of thousands of
 * replies per second and must not allocate, while proto_reply_decode() copies
 * every string. Only "id" and "ok" are needed to time and count a reply. The
 * walker below understands every msgpack type well enough to skip it, with a
 * depth cap instead of recursion. */
#include "bench/e2e-wire.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

uint64_t e2e_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int e2e_connect_unix(const char *path, double timeout_s) {
  struct sockaddr_un sa;
  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  uint64_t deadline = e2e_now_ns() + (uint64_t)(timeout_s * 1e9);
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) return fd;
    int e = errno;
    close(fd);
    if ((e != ENOENT && e != ECONNREFUSED) || e2e_now_ns() >= deadline) {
      errno = e;
      return -1;
    }
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
  }
}

int e2e_write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t k = write(fd, c, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

int e2e_read_all(int fd, void *p, size_t n) {
  char *c = p;
  while (n > 0) {
    ssize_t k = read(fd, c, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (k == 0) {
      errno = 0;
      return -1;
    }
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

void e2e_put_be32(void *p, uint32_t v) {
  unsigned char *b = p;
  b[0] = (unsigned char)(v >> 24);
  b[1] = (unsigned char)(v >> 16);
  b[2] = (unsigned char)(v >> 8);
  b[3] = (unsigned char)v;
}

uint32_t e2e_get_be32(const void *p) {
  const unsigned char *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
         (uint32_t)b[3];
}

int e2e_read_frame(int fd, char *buf, size_t cap, uint32_t *payload_len) {
  if (cap < 4) {
    errno = EMSGSIZE;
    return -1;
  }
  /* One read usually brings the whole (small) frame. */
  size_t have = 0;
  for (;;) {
    ssize_t k = read(fd, buf + have, cap - have);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (k == 0) {
      errno = 0;
      return -1;
    }
    have += (size_t)k;
    if (have >= 4) break;
  }
  uint32_t len = e2e_get_be32(buf);
  if ((size_t)len + 4 > cap) {
    errno = EMSGSIZE;
    return -1;
  }
  if (have > (size_t)len + 4) {
    /* Callers keep one frame in flight per fd on this path. */
    errno = EPROTO;
    return -1;
  }
  if (have < (size_t)len + 4 &&
      e2e_read_all(fd, buf + have, (size_t)len + 4 - have) < 0)
    return -1;
  *payload_len = len;
  return 0;
}

/* ---- msgpack walking ---------------------------------------------------- */

typedef struct cursor {
  const unsigned char *p;
  const unsigned char *end;
} cursor;

static int need(const cursor *c, size_t n) { return (size_t)(c->end - c->p) >= n; }

static uint64_t be(const unsigned char *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v = v << 8 | p[i];
  return v;
}

/* One object header. kind: 0 scalar/bytes (fully consumed), 1 array of n
 * items, 2 map of n pairs. For uints, uval holds the value; for strings, str
 * and n; for booleans, is_bool and bval. mp_next returns -1 when truncated
 * or on the reserved byte 0xc1. */
typedef struct mp_obj {
  int kind;
  uint64_t n;
  int is_uint;
  uint64_t uval;
  int is_str;
  const unsigned char *str;
  int is_bool;
  int bval;
} mp_obj;

static int mp_next(cursor *c, mp_obj *o) {
  memset(o, 0, sizeof *o);
  if (!need(c, 1)) return -1;
  unsigned t = *c->p++;
  uint64_t skip = 0;
  if (t <= 0x7f) {
    o->is_uint = 1;
    o->uval = t;
  } else if (t >= 0xe0) {
    /* negative fixint */
  } else if (t >= 0x80 && t <= 0x8f) {
    o->kind = 2;
    o->n = t & 0x0f;
  } else if (t >= 0x90 && t <= 0x9f) {
    o->kind = 1;
    o->n = t & 0x0f;
  } else if (t >= 0xa0 && t <= 0xbf) {
    o->is_str = 1;
    o->n = t & 0x1f;
    skip = o->n;
  } else {
    unsigned w;
    switch (t) {
    case 0xc0: break;                                   /* nil */
    case 0xc2: case 0xc3: o->is_bool = 1; o->bval = t == 0xc3; break;
    case 0xc4: case 0xc5: case 0xc6:                    /* bin */
    case 0xd9: case 0xda: case 0xdb:                    /* str */
      w = (t == 0xc4 || t == 0xd9) ? 1 : (t == 0xc5 || t == 0xda) ? 2 : 4;
      if (!need(c, w)) return -1;
      skip = be(c->p, w);
      c->p += w;
      if (t >= 0xd9) {
        o->is_str = 1;
        o->n = skip;
      }
      break;
    case 0xc7: case 0xc8: case 0xc9:                    /* ext */
      w = t == 0xc7 ? 1 : t == 0xc8 ? 2 : 4;
      if (!need(c, w)) return -1;
      skip = be(c->p, w) + 1;
      c->p += w;
      break;
    case 0xca: skip = 4; break;
    case 0xcb: skip = 8; break;
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
      w = 1u << (t - 0xcc);
      if (!need(c, w)) return -1;
      o->is_uint = 1;
      o->uval = be(c->p, w);
      c->p += w;
      break;
    case 0xd0: skip = 1; break;
    case 0xd1: skip = 2; break;
    case 0xd2: skip = 4; break;
    case 0xd3: skip = 8; break;
    case 0xd4: skip = 2; break;
    case 0xd5: skip = 3; break;
    case 0xd6: skip = 5; break;
    case 0xd7: skip = 9; break;
    case 0xd8: skip = 17; break;
    case 0xdc: case 0xdd:
      w = t == 0xdc ? 2 : 4;
      if (!need(c, w)) return -1;
      o->kind = 1;
      o->n = be(c->p, w);
      c->p += w;
      break;
    case 0xde: case 0xdf:
      w = t == 0xde ? 2 : 4;
      if (!need(c, w)) return -1;
      o->kind = 2;
      o->n = be(c->p, w);
      c->p += w;
      break;
    default:
      return -1; /* 0xc1 */
    }
  }
  if (skip) {
    if (!need(c, skip)) return -1;
    o->str = c->p;
    c->p += skip;
  }
  return 0;
}

#define MP_DEPTH 32

/* Skips one whole object (the header of which has been read into o). */
static int mp_skip_rest(cursor *c, const mp_obj *o) {
  uint64_t pending[MP_DEPTH];
  int depth = 0;
  if (o->kind == 0) return 0;
  pending[depth++] = o->kind == 2 ? o->n * 2 : o->n;
  while (depth > 0) {
    if (pending[depth - 1] == 0) {
      depth--;
      continue;
    }
    pending[depth - 1]--;
    mp_obj in;
    if (mp_next(c, &in) < 0) return -1;
    if (in.kind != 0) {
      if (depth == MP_DEPTH) return -1;
      uint64_t items = in.kind == 2 ? in.n * 2 : in.n;
      /* each item takes at least one byte: refuse impossible counts */
      if (items > (uint64_t)(c->end - c->p)) return -1;
      pending[depth++] = items;
    }
  }
  return 0;
}

int e2e_reply_scan(const void *payload, size_t len, uint64_t *id, int *ok) {
  cursor c = {payload, (const unsigned char *)payload + len};
  mp_obj o;
  if (mp_next(&c, &o) < 0 || o.kind != 2) return -1;
  int have_id = 0, have_ok = 0;
  for (uint64_t i = 0; i < o.n; i++) {
    mp_obj k, v;
    if (mp_next(&c, &k) < 0) return -1;
    if (k.kind != 0 && mp_skip_rest(&c, &k) < 0) return -1;
    if (mp_next(&c, &v) < 0) return -1;
    if (k.is_str && k.n == 2 && memcmp(k.str, "id", 2) == 0 && v.is_uint) {
      *id = v.uval;
      have_id = 1;
    } else if (k.is_str && k.n == 2 && memcmp(k.str, "ok", 2) == 0 &&
               v.is_bool) {
      *ok = v.bval;
      have_ok = 1;
    }
    if (v.kind != 0 && mp_skip_rest(&c, &v) < 0) return -1;
  }
  return have_id && have_ok ? 0 : -1;
}
