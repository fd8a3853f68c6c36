/* e2e-client.c -- end-to-end latency and throughput of rnninferd over its socket.
 *
 * What the numbers must show (DESIGN.md's targets): the daemon adds little to a bare
 * socket round trip, an unknown word costs the round trip plus the kernel,
 * batching raises throughput, and memory stays flat. So one run measures,
 * against the same machine state:
 *   closed  one connection, one request in flight: p50/p99/p99.9 for a
 *           dictionary word, a network word, ping, and a frame of the same
 *           size through a bare echo server (blocking and libuv), interleaved
 *           in rounds so background noise hits all of them alike;
 *   peak    pipelined (a window of requests in flight on each of several
 *           connections): words/s with one word per request and with batches;
 *   open    an open-loop load at fixed request rates (Poisson arrivals) on
 *           many connections; latency is taken from the INTENDED send time,
 *           so a daemon (or client) that falls behind shows as queueing
 *           instead of being hidden (no coordinated omission);
 *   long    optional: an open-loop run at one rate for --duration seconds,
 *           sampling the daemon's VmRSS every --rss-every seconds.
 * The daemon's VmRSS is read from /proc/PID/status before and after.
 *
 * Measuring loops use CLOCK_MONOTONIC, a fixed log-linear histogram and
 * buffers allocated before the loop; replies are timed with a scan of their
 * id and ok fields (e2e_reply_scan) instead of a full decode. Answers are
 * checked with proto_reply_decode() once, before measuring.
 *
 * Output: "key value" lines on stdout (bench/e2e.sh turns them into a table),
 * progress on stderr, and gnuplot-ready data files in --out. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bench/e2e-hist.h"
#include "bench/e2e-wire.h"
#include "proto/proto.h"

#define MAX_CONNS   256
#define OUT_CAP     (1u << 20)
#define IN_CAP      (PROTO_DEFAULT_MAX_FRAME + 4 + (1u << 18))
#define RING_BITS   20
#define RING_MASK   ((1u << RING_BITS) - 1)
#define MAX_LIST    256
#define DRAIN_NS    3000000000ull

/* ---- word lists ----------------------------------------------------------- */

/* Dictionary words of everyday length (all in CMUdict). */
static const char *const dict_list[] = {
    "aardvark", "about",     "between",  "children", "computer", "different",
    "education", "family",   "government", "history", "important", "language",
    "morning",  "national",  "people",   "question", "remember", "station",
    "together", "understand", "village", "weather",  "yesterday", "business",
    "country",  "develop",   "example",  "friendly", "general",  "hospital",
    "journey",  "kitchen"};
/* Made-up words absent from CMUdict: the network must answer them. */
static const char *const net_list[] = {
    "brondelk", "zorblax",   "quimbert", "flendrix", "snargle",  "trovisk",
    "plimmeth", "grovander", "skelbin",  "wonterac", "fribbish", "klandor",
    "mervoight", "pelstrun", "quenderly", "rastoval", "spindrek", "tolvenar",
    "ulbrecht", "vargomit",  "wexholm",  "yandrel",  "zelkova",  "brimsalt",
    "crondeval", "dwellmire", "farnish", "glimtock", "hostavel", "jindrel",
    "lurbington", "mossgrave"};
#define N_DICT_LIST (sizeof dict_list / sizeof dict_list[0])
#define N_NET_LIST (sizeof net_list / sizeof net_list[0])

/* A kind of request: per_req consecutive words from a list (cycling). */
typedef struct kind {
  const char *name;
  proto_slice list[MAX_LIST];
  uint32_t nlist;
  uint32_t per_req;
  uint32_t cursor;
  int model_only;
  int op;                      /* PROTO_OP_WORDS or PROTO_OP_PING */
} kind;

static void kind_init(kind *k, const char *name, const char *const *words,
                      uint32_t n, uint32_t per_req, int model_only) {
  memset(k, 0, sizeof *k);
  k->name = name;
  if (n > MAX_LIST) n = MAX_LIST;
  for (uint32_t i = 0; i < n; i++) {
    k->list[i].ptr = words[i];
    k->list[i].len = (uint32_t)strlen(words[i]);
  }
  k->nlist = n;
  k->per_req = per_req;
  k->model_only = model_only;
  k->op = PROTO_OP_WORDS;
}

/* Encodes the next request of kind k with the given id into b. */
static int kind_encode(kind *k, proto_buf *b, uint64_t id) {
  if (k->op != PROTO_OP_WORDS)
    return proto_encode_request(b, id, (enum proto_op)k->op, NULL, 0, 0, 0, 0);
  proto_slice tmp[MAX_LIST];
  const proto_slice *w = k->list + k->cursor;
  if (k->cursor + k->per_req > k->nlist) {
    for (uint32_t i = 0; i < k->per_req; i++)
      tmp[i] = k->list[(k->cursor + i) % k->nlist];
    w = tmp;
  }
  k->cursor = (k->cursor + k->per_req) % k->nlist;
  return proto_encode_request(b, id, PROTO_OP_WORDS, w, k->per_req, 0,
                              k->model_only, 0);
}

/* ---- options ---------------------------------------------------------------- */

typedef struct options {
  const char *socket;
  const char *echo;
  const char *echo_uv;
  const char *out;
  long pid;
  int phase_closed, phase_peak, phase_open;
  const char *dict_word;
  const char *net_word;
  int net_model_only;
  long count;
  long warmup;
  int rounds;
  int conns;
  int peak_conns;
  int window;
  int batch;
  double peak_time;
  double step;
  double fractions[64];
  int n_fractions;
  double rates[64];
  int n_rates;
  const char *open_kinds;
  int uniform;
  double duration;
  double long_rate;
  const char *long_kind;
  double rss_every;
  double connect_timeout;
} options;

static void usage(FILE *f) {
  fputs(
      "usage: e2e-client --socket PATH [options]\n"
      "  --echo PATH, --echo-uv PATH  bare echo servers (bench/e2e-echo) for the baseline\n"
      "  --pid PID           daemon pid: VmRSS and CPU from /proc/PID\n"
      "  --phases LIST       closed,peak,open (default all three; 'none' for only --duration)\n"
      "  --dict-word W       closed loop dictionary word (aardvark)\n"
      "  --net-word W        closed loop network word (kubernetes)\n"
      "  --model-only        send the network word with opts.model_only\n"
      "  --count N           closed loop requests per target (20000), --warmup N (2000)\n"
      "  --rounds N          interleaving rounds of the closed loop (10)\n"
      "  --peak-conns N      connections of the peak phase (4), --window N in flight each (16)\n"
      "  --batch N           words per request of the batched peak (32), --peak-time S (3)\n"
      "  --conns N           connections of the open loop (8), --step S seconds per rate (2)\n"
      "  --ladder F,F,...    open loop rates as fractions of the measured peak\n"
      "  --rates R,R,...     open loop rates in requests/s (overrides --ladder)\n"
      "  --open-kinds LIST   dict,net (default both)\n"
      "  --uniform           evenly spaced arrivals instead of Poisson\n"
      "  --duration S --rate R  long open-loop run sampling VmRSS every --rss-every S (5)\n"
      "  --long-kind K       dict, net or mix (default mix: alternate dict and network words)\n"
      "  --out DIR           where to write open-*.dat and rss.dat (default .)\n",
      f);
}

static int parse_list(const char *s, double *out, int cap) {
  int n = 0;
  while (*s && n < cap) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v <= 0) return -1;
    out[n++] = v;
    s = end;
    if (*s == ',') s++;
    else if (*s) return -1;
  }
  return n;
}

static int has_word(const char *list, const char *w) {
  size_t n = strlen(w);
  const char *p = list;
  while ((p = strstr(p, w)) != NULL) {
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return 1;
    p += n;
  }
  return 0;
}

/* ---- /proc ---------------------------------------------------------------- */

/* Reads a "Name:   123 kB" field of /proc/PID/status without stdio. */
static long proc_status_kb(long pid, const char *field) {
  static char buf[8192];
  char path[64];
  if (pid <= 0) return -1;
  snprintf(path, sizeof path, "/proc/%ld/status", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  size_t fl = strlen(field);
  for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, field, fl) == 0 && p[fl] == ':') return strtol(p + fl + 1, NULL, 10);
  }
  return -1;
}

/* utime + stime of a process, in seconds. */
static double proc_cpu_s(long pid) {
  static char buf[4096];
  char path[64];
  if (pid <= 0) return -1;
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  /* fields after ")": state(3) ... utime(14) stime(15) */
  p += 2;
  for (int f = 3; f < 14 && p; f++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (!p) return -1;
  char *end;
  unsigned long ut = strtoul(p, &end, 10);
  unsigned long st = strtoul(end, NULL, 10);
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ---- output ----------------------------------------------------------------- */

static void put_num(const char *key, double v) {
  printf("%s %.6g\n", key, v);
  fflush(stdout);
}

static void put_hist(const char *prefix, const e2e_hist *h) {
  char key[160];
  static const struct { const char *name; double q; } qs[] = {
      {"p50_us", 0.5}, {"p90_us", 0.9}, {"p99_us", 0.99}, {"p999_us", 0.999}};
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    snprintf(key, sizeof key, "%s.%s", prefix, qs[i].name);
    put_num(key, (double)e2e_hist_quantile(h, qs[i].q) / 1000.0);
  }
  snprintf(key, sizeof key, "%s.min_us", prefix);
  put_num(key, (double)(h->count ? h->min : 0) / 1000.0);
  snprintf(key, sizeof key, "%s.max_us", prefix);
  put_num(key, (double)h->max / 1000.0);
  snprintf(key, sizeof key, "%s.mean_us", prefix);
  put_num(key, e2e_hist_mean(h) / 1000.0);
  snprintf(key, sizeof key, "%s.count", prefix);
  put_num(key, (double)h->count);
}

/* ---- answer checks (outside the measuring loops) --------------------------- */

static char iobuf[IN_CAP];
static char sendmem[OUT_CAP];

/* Sends one request of kind k on a blocking fd and decodes the reply.
 * Returns the payload size of the reply, or -1. */
static long roundtrip_decode(int fd, kind *k, uint64_t id, proto_reply *rep) {
  proto_buf b;
  proto_buf_init(&b, sendmem, sizeof sendmem);
  char err[160];
  uint32_t len;
  if (kind_encode(k, &b, id) < 0 || e2e_write_all(fd, b.data, b.len) < 0 ||
      e2e_read_frame(fd, iobuf, sizeof iobuf, &len) < 0)
    return -1;
  memset(rep, 0, sizeof *rep);
  if (proto_reply_decode(iobuf + 4, len, rep, err, sizeof err) != PROTO_OK) {
    fprintf(stderr, "e2e-client: bad reply: %s\n", err);
    return -1;
  }
  if (rep->id != id) {
    fprintf(stderr, "e2e-client: reply id %llu, expected %llu\n",
            (unsigned long long)rep->id, (unsigned long long)id);
    proto_reply_free(rep);
    return -1;
  }
  return (long)len;
}

/* Checks that every word of kind k is answered from `want`; prints the first
 * answer. Returns 1 when all match, 0 when some do not, -1 on failure. */
static int check_kind(int fd, kind *k, enum proto_source want, const char *key) {
  int all = 1;
  uint32_t saved = k->per_req;
  k->per_req = k->nlist;
  k->cursor = 0;
  proto_reply rep;
  long n = roundtrip_decode(fd, k, 1, &rep);
  k->per_req = saved;
  k->cursor = 0;
  if (n < 0) return -1;
  if (!rep.ok || rep.n_words != k->nlist) {
    fprintf(stderr, "e2e-client: %s: request failed: %s\n", k->name,
            rep.error_message ? rep.error_message : "wrong result count");
    proto_reply_free(&rep);
    return -1;
  }
  for (uint32_t i = 0; i < rep.n_words; i++) {
    if (rep.words[i].source != want) {
      if (all)
        fprintf(stderr, "e2e-client: %s: '%.*s' answered by %s (error %d), not %s\n",
                k->name, (int)k->list[i].len, k->list[i].ptr,
                proto_source_name(rep.words[i].source), rep.words[i].error,
                proto_source_name(want));
      all = 0;
    }
  }
  printf("%s %s\n", key, rep.words[0].phones ? rep.words[0].phones : "-");
  proto_reply_free(&rep);
  return all;
}

/* ---- closed loop ------------------------------------------------------------- */

typedef struct target {
  const char *name;
  int fd;
  kind *k;            /* NULL: echo frame */
  char *frame;        /* echo: the frame to send */
  size_t frame_len;
  e2e_hist hist;
  uint64_t next_id;
} target;

static int closed_once(target *t, int record) {
  proto_buf b;
  const char *msg;
  size_t len;
  if (t->k) {
    proto_buf_init(&b, sendmem, sizeof sendmem);
    if (kind_encode(t->k, &b, ++t->next_id) < 0) return -1;
    msg = b.data;
    len = b.len;
  } else {
    msg = t->frame;
    len = t->frame_len;
  }
  uint32_t rlen;
  uint64_t t0 = e2e_now_ns();
  if (e2e_write_all(t->fd, msg, len) < 0 ||
      e2e_read_frame(t->fd, iobuf, sizeof iobuf, &rlen) < 0)
    return -1;
  uint64_t t1 = e2e_now_ns();
  if (t->k) {
    uint64_t id = 0;
    int ok = 0;
    if (e2e_reply_scan(iobuf + 4, rlen, &id, &ok) < 0 || id != t->next_id || !ok) {
      fprintf(stderr, "e2e-client: %s: unexpected reply (id %llu ok %d)\n", t->name,
              (unsigned long long)id, ok);
      return -1;
    }
  } else if (rlen + 4 != len || memcmp(iobuf, msg, len) != 0) {
    fprintf(stderr, "e2e-client: %s: echo differs\n", t->name);
    return -1;
  }
  if (record) e2e_hist_add(&t->hist, t1 - t0);
  return 0;
}

static int phase_closed(target *ts, int nt, const options *o) {
  for (int i = 0; i < nt; i++) {
    e2e_hist_reset(&ts[i].hist);
    for (long j = 0; j < o->warmup; j++)
      if (closed_once(&ts[i], 0) < 0) return -1;
  }
  long per_round = o->count / o->rounds;
  if (per_round < 1) per_round = 1;
  for (int r = 0; r < o->rounds; r++)
    for (int i = 0; i < nt; i++)
      for (long j = 0; j < per_round; j++)
        if (closed_once(&ts[i], 1) < 0) return -1;
  for (int i = 0; i < nt; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "closed.%s", ts[i].name);
    put_hist(prefix, &ts[i].hist);
  }
  return 0;
}

/* ---- the pipelined / open-loop driver ---------------------------------------- */

typedef struct dconn {
  int fd;
  char *out;
  size_t out_len, out_off;
  char *in;
  size_t in_len;
  int want_out;
  int dead;
} dconn;

typedef struct driver {
  int ep, tfd;
  dconn conn[MAX_CONNS];
  int n;
  kind *kinds[2];
  int nkinds;
  uint64_t *intended;        /* by id & RING_MASK */
  uint64_t next_id;
  uint64_t sent, recv, not_ok, overflow, words_per_reply_sum;
  uint64_t recv_in_window;   /* replies received in [win_start, win_end) */
  uint64_t words_in_window;
  uint64_t win_start, win_end;
  uint64_t max_lag;
  uint64_t armed;
  e2e_hist *hist;
  e2e_hist *interval;        /* optional second histogram (long run) */
  int window;                /* >0: closed pipelined mode */
  int failed;
} driver;

static int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int driver_open(driver *d, const char *path, int n, double timeout) {
  memset(d, 0, sizeof *d);
  d->ep = epoll_create1(EPOLL_CLOEXEC);
  d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  d->intended = calloc((size_t)RING_MASK + 1, sizeof *d->intended);
  if (d->ep < 0 || d->tfd < 0 || !d->intended) return -1;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  if (epoll_ctl(d->ep, EPOLL_CTL_ADD, d->tfd, &ev) < 0) return -1;
  for (int i = 0; i < n; i++) {
    dconn *c = &d->conn[i];
    c->fd = e2e_connect_unix(path, timeout);
    c->out = malloc(OUT_CAP);
    c->in = malloc(IN_CAP);
    if (c->fd < 0 || !c->out || !c->in || set_nonblock(c->fd) < 0) return -1;
    ev.events = EPOLLIN;
    ev.data.u32 = (uint32_t)i;
    if (epoll_ctl(d->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) return -1;
    d->n = i + 1;
  }
  return 0;
}

static void driver_close(driver *d) {
  for (int i = 0; i < d->n; i++) {
    close(d->conn[i].fd);
    free(d->conn[i].out);
    free(d->conn[i].in);
  }
  if (d->ep >= 0) close(d->ep);
  if (d->tfd >= 0) close(d->tfd);
  free(d->intended);
}

static void conn_want_out(driver *d, dconn *c, int want) {
  if (c->want_out == want) return;
  struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u),
                           .data.u32 = (uint32_t)(c - d->conn)};
  epoll_ctl(d->ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = want;
}

static void conn_flush(driver *d, dconn *c) {
  while (c->out_off < c->out_len) {
    ssize_t k = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        conn_want_out(d, c, 1);
        return;
      }
      c->dead = 1;
      d->failed = 1;
      fprintf(stderr, "e2e-client: write: %s\n", strerror(errno));
      return;
    }
    c->out_off += (size_t)k;
  }
  c->out_off = c->out_len = 0;
  conn_want_out(d, c, 0);
}

/* Queues one request on c, intended to be sent at `intended`. */
static int driver_send(driver *d, dconn *c, uint64_t intended) {
  if (c->out_off > 0 && c->out_off == c->out_len) c->out_off = c->out_len = 0;
  if (c->out_len > OUT_CAP / 2 && c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  uint64_t id = ++d->next_id;
  kind *k = d->kinds[d->nkinds > 1 ? id % (uint64_t)d->nkinds : 0];
  proto_buf b;
  proto_buf_init(&b, c->out + c->out_len, OUT_CAP - c->out_len);
  if (d->sent - d->recv >= (RING_MASK + 1) / 2 || kind_encode(k, &b, id) < 0) {
    d->next_id--;
    d->overflow++;
    return -1;
  }
  c->out_len += b.len;
  d->intended[id & RING_MASK] = intended;
  d->sent++;
  return 0;
}

static void driver_read(driver *d, dconn *c, uint64_t end) {
  for (;;) {
    ssize_t k = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      fprintf(stderr, "e2e-client: read: %s\n", strerror(errno));
      c->dead = d->failed = 1;
      return;
    }
    if (k == 0) {
      fprintf(stderr, "e2e-client: the daemon closed a connection\n");
      c->dead = d->failed = 1;
      return;
    }
    uint64_t now = e2e_now_ns();
    c->in_len += (size_t)k;
    size_t pos = 0;
    while (c->in_len - pos >= 4) {
      uint32_t len = e2e_get_be32(c->in + pos);
      if ((size_t)len + 4 > IN_CAP) {
        fprintf(stderr, "e2e-client: reply frame of %u bytes\n", len);
        c->dead = d->failed = 1;
        return;
      }
      if (c->in_len - pos < (size_t)len + 4) break;
      uint64_t id = 0;
      int ok = 0;
      if (e2e_reply_scan(c->in + pos + 4, len, &id, &ok) < 0 || id == 0 ||
          id > d->next_id || d->next_id - id > RING_MASK) {
        fprintf(stderr, "e2e-client: unexpected reply (id %llu)\n", (unsigned long long)id);
        c->dead = d->failed = 1;
        return;
      }
      pos += (size_t)len + 4;
      uint64_t lat = now - d->intended[id & RING_MASK];
      e2e_hist_add(d->hist, lat);
      if (d->interval) e2e_hist_add(d->interval, lat);
      d->recv++;
      if (!ok) d->not_ok++;
      if (now >= d->win_start && now < d->win_end) {
        d->recv_in_window++;
        kind *kd = d->kinds[d->nkinds > 1 ? id % (uint64_t)d->nkinds : 0];
        d->words_in_window += kd->op == PROTO_OP_WORDS ? kd->per_req : 1;
      }
      if (d->window > 0 && now < end) driver_send(d, c, now);
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
    if ((size_t)k < IN_CAP / 4) return;
  }
}

static void driver_arm(driver *d, uint64_t at) {
  if (d->armed == at) return;
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_sec = (time_t)(at / 1000000000u);
  its.it_value.tv_nsec = (long)(at % 1000000000u);
  timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL);
  d->armed = at;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double rng_uniform(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

/* Periodic callback of the long run. */
typedef void (*tick_fn)(driver *d, uint64_t now, void *arg);

/* Runs the driver for dur seconds: rate > 0 open loop (requests/s over all
 * connections), else window requests in flight per connection. The
 * throughput window skips the first skip seconds. Returns 0 or -1. */
static int driver_run(driver *d, double rate, int uniform, double dur, double skip,
                      tick_fn tick, void *tick_arg, double tick_every) {
  uint64_t t0 = e2e_now_ns() + 1000000;
  uint64_t end = t0 + (uint64_t)(dur * 1e9);
  uint64_t next = t0;
  uint64_t next_tick = tick ? t0 + (uint64_t)(tick_every * 1e9) : UINT64_MAX;
  uint64_t rr = 0;
  d->win_start = t0 + (uint64_t)(skip * 1e9);
  d->win_end = end;
  d->armed = 0;
  if (rate <= 0) {
    uint64_t now = e2e_now_ns();
    for (int i = 0; i < d->n; i++)
      for (int j = 0; j < d->window; j++) driver_send(d, &d->conn[i], now);
    for (int i = 0; i < d->n; i++) conn_flush(d, &d->conn[i]);
  }
  struct epoll_event evs[64];
  for (;;) {
    uint64_t now = e2e_now_ns();
    if (rate > 0) {
      while (next <= now && next < end) {
        dconn *c = &d->conn[rr++ % (uint64_t)d->n];
        driver_send(d, c, next);
        if (now - next > d->max_lag) d->max_lag = now - next;
        double gap = uniform ? 1.0 / rate : -log(1.0 - rng_uniform()) / rate;
        next += (uint64_t)(gap * 1e9) + 1;
      }
    }
    for (int i = 0; i < d->n; i++)
      if (d->conn[i].out_len > d->conn[i].out_off && !d->conn[i].want_out)
        conn_flush(d, &d->conn[i]);
    if (tick && now >= next_tick) {
      tick(d, now, tick_arg);
      next_tick += (uint64_t)(tick_every * 1e9);
    }
    if (d->failed) return -1;
    if (now >= end && d->recv == d->sent) break;
    if (now >= end + DRAIN_NS) break;
    int timeout = -1;
    uint64_t wake = now >= end ? end + DRAIN_NS : end;
    if (rate > 0 && next < end && next < wake) wake = next;
    if (next_tick < wake) wake = next_tick;
    driver_arm(d, wake);
    int n = epoll_wait(d->ep, evs, 64, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    now = e2e_now_ns();
    for (int i = 0; i < n; i++) {
      uint32_t u = evs[i].data.u32;
      if (u == UINT32_MAX) {
        uint64_t expirations;
        if (read(d->tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
          return -1;
        d->armed = 0;
        continue;
      }
      dconn *c = &d->conn[u];
      if (evs[i].events & EPOLLOUT) conn_flush(d, c);
      if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) driver_read(d, c, end);
    }
  }
  return 0;
}

/* Resets counters between runs (the connections stay). */
static void driver_reset(driver *d, e2e_hist *h, kind *k0, kind *k1, int window) {
  d->kinds[0] = k0;
  d->kinds[1] = k1;
  d->nkinds = k1 ? 2 : 1;
  d->sent = d->recv = d->not_ok = d->overflow = 0;
  d->recv_in_window = d->words_in_window = 0;
  d->max_lag = 0;
  d->hist = h;
  d->interval = NULL;
  d->window = window;
  e2e_hist_reset(h);
}

/* ---- phases ------------------------------------------------------------------- */

static e2e_hist hist_a, hist_b;

/* Pipelined peak throughput of kind k; returns requests/s (0 on failure). */
static double phase_peak_one(driver *d, kind *k, const options *o, long pid,
                             double *words_per_s) {
  driver_reset(d, &hist_a, k, NULL, o->window);
  double c0 = self_cpu_s(), p0 = proc_cpu_s(pid);
  double skip = o->peak_time > 1.0 ? 0.5 : o->peak_time / 4;
  if (driver_run(d, 0, 0, o->peak_time, skip, NULL, NULL, 0) < 0) return 0;
  double c1 = self_cpu_s(), p1 = proc_cpu_s(pid);
  double win = o->peak_time - skip;
  double rps = (double)d->recv_in_window / win;
  *words_per_s = (double)d->words_in_window / win;
  char key[128];
  snprintf(key, sizeof key, "peak.%s.req_per_s", k->name);
  put_num(key, rps);
  snprintf(key, sizeof key, "peak.%s.words_per_s", k->name);
  put_num(key, *words_per_s);
  snprintf(key, sizeof key, "peak.%s.not_ok", k->name);
  put_num(key, (double)d->not_ok);
  snprintf(key, sizeof key, "peak.%s.client_cpu", k->name);
  put_num(key, (c1 - c0) / o->peak_time);
  if (pid > 0) {
    snprintf(key, sizeof key, "peak.%s.daemon_cpu", k->name);
    put_num(key, (p1 - p0) / o->peak_time);
  }
  snprintf(key, sizeof key, "peak.%s", k->name);
  put_hist(key, &hist_a);
  fprintf(stderr, "e2e-client: peak %-6s %9.0f req/s %10.0f words/s\n", k->name, rps,
          *words_per_s);
  return rps;
}

/* One open-loop ladder for kind k. */
static int phase_open_one(driver *d, kind *k, double peak_rps, const options *o,
                          long pid) {
  double rates[64];
  int n = 0;
  if (o->n_rates > 0) {
    for (int i = 0; i < o->n_rates; i++) rates[n++] = o->rates[i];
  } else {
    for (int i = 0; i < o->n_fractions; i++) rates[n++] = o->fractions[i] * peak_rps;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/open-%s.dat", o->out, k->name);
  FILE *dat = fopen(path, "w");
  if (!dat) {
    fprintf(stderr, "e2e-client: %s: %s\n", path, strerror(errno));
    return -1;
  }
  fprintf(dat, "# offered_rps achieved_rps p50_us p99_us p999_us max_us lost\n");
  for (int s = 0; s < n; s++) {
    if (rates[s] < 1) continue;
    driver_reset(d, &hist_a, k, NULL, 0);
    double c0 = self_cpu_s(), p0 = proc_cpu_s(pid);
    int rc = driver_run(d, rates[s], o->uniform, o->step, 0, NULL, NULL, 0);
    double c1 = self_cpu_s(), p1 = proc_cpu_s(pid);
    uint64_t lost = d->sent - d->recv;
    /* requests never answered count at the drain deadline, so a saturated
     * step is not made to look good by dropping its slowest requests */
    for (uint64_t i = 0; i < lost; i++) e2e_hist_add(&hist_a, (uint64_t)(o->step * 1e9) + DRAIN_NS);
    double achieved = (double)d->recv_in_window / o->step;
    char key[128], prefix[96];
    snprintf(prefix, sizeof prefix, "open.%s.s%02d", k->name, s);
    snprintf(key, sizeof key, "%s.offered", prefix);
    put_num(key, rates[s]);
    snprintf(key, sizeof key, "%s.achieved", prefix);
    put_num(key, achieved);
    snprintf(key, sizeof key, "%s.lost", prefix);
    put_num(key, (double)(lost + d->overflow));
    snprintf(key, sizeof key, "%s.not_ok", prefix);
    put_num(key, (double)d->not_ok);
    snprintf(key, sizeof key, "%s.max_lag_us", prefix);
    put_num(key, (double)d->max_lag / 1000.0);
    snprintf(key, sizeof key, "%s.client_cpu", prefix);
    put_num(key, (c1 - c0) / o->step);
    if (pid > 0) {
      snprintf(key, sizeof key, "%s.daemon_cpu", prefix);
      put_num(key, (p1 - p0) / o->step);
    }
    put_hist(prefix, &hist_a);
    fprintf(dat, "%.0f %.0f %.2f %.2f %.2f %.2f %llu\n", rates[s], achieved,
            e2e_hist_quantile(&hist_a, 0.5) / 1000.0,
            e2e_hist_quantile(&hist_a, 0.99) / 1000.0,
            e2e_hist_quantile(&hist_a, 0.999) / 1000.0, hist_a.max / 1000.0,
            (unsigned long long)(lost + d->overflow));
    fflush(dat);
    fprintf(stderr, "e2e-client: open %-4s %8.0f req/s offered %8.0f achieved  p50 %8.1f us  p99 %9.1f us%s\n",
            k->name, rates[s], achieved, e2e_hist_quantile(&hist_a, 0.5) / 1000.0,
            e2e_hist_quantile(&hist_a, 0.99) / 1000.0, rc < 0 ? "  (failed)" : "");
    if (rc < 0) {
      fclose(dat);
      return -1;
    }
    /* far past saturation: stop climbing (the queue only grows) */
    if (lost + d->overflow > 0 || achieved < 0.5 * rates[s]) break;
  }
  fclose(dat);
  return 0;
}

typedef struct long_state {
  FILE *dat;
  long pid;
  uint64_t t0;
  uint64_t last_recv;
  uint64_t last_t;
  long rss_min, rss_max, rss_first, rss_last;
  int samples;
} long_state;

static void long_tick(driver *d, uint64_t now, void *arg) {
  long_state *ls = arg;
  long rss = proc_status_kb(ls->pid, "VmRSS");
  double t = (double)(now - ls->t0) / 1e9;
  double rate = (double)(d->recv - ls->last_recv) / ((double)(now - ls->last_t) / 1e9);
  fprintf(ls->dat, "%.1f %ld %.2f %.2f %.0f\n", t, rss,
          e2e_hist_quantile(d->interval, 0.5) / 1000.0,
          e2e_hist_quantile(d->interval, 0.99) / 1000.0, rate);
  fflush(ls->dat);
  if (ls->samples == 0) ls->rss_first = ls->rss_min = ls->rss_max = rss;
  if (rss < ls->rss_min) ls->rss_min = rss;
  if (rss > ls->rss_max) ls->rss_max = rss;
  ls->rss_last = rss;
  ls->samples++;
  ls->last_recv = d->recv;
  ls->last_t = now;
  e2e_hist_reset(d->interval);
}

static int phase_long(driver *d, kind *k0, kind *k1, const options *o) {
  char path[4096];
  snprintf(path, sizeof path, "%s/rss.dat", o->out);
  long_state ls;
  memset(&ls, 0, sizeof ls);
  ls.dat = fopen(path, "w");
  if (!ls.dat) {
    fprintf(stderr, "e2e-client: %s: %s\n", path, strerror(errno));
    return -1;
  }
  fprintf(ls.dat, "# t_s rss_kb p50_us p99_us achieved_rps\n");
  ls.pid = o->pid;
  ls.t0 = ls.last_t = e2e_now_ns();
  driver_reset(d, &hist_a, k0, k1, 0);
  e2e_hist_reset(&hist_b);
  d->interval = &hist_b;
  fprintf(stderr, "e2e-client: long run %.0f s at %.0f req/s (%s)\n", o->duration,
          o->long_rate, o->long_kind);
  int rc = driver_run(d, o->long_rate, o->uniform, o->duration, 0, long_tick, &ls,
                      o->rss_every);
  fclose(ls.dat);
  put_num("long.seconds", o->duration);
  put_num("long.rate", o->long_rate);
  put_num("long.achieved", (double)d->recv_in_window / o->duration);
  put_num("long.lost", (double)(d->sent - d->recv + d->overflow));
  put_num("long.not_ok", (double)d->not_ok);
  put_hist("long", &hist_a);
  if (ls.samples > 0) {
    put_num("long.samples", ls.samples);
    put_num("long.rss_first_kb", (double)ls.rss_first);
    put_num("long.rss_last_kb", (double)ls.rss_last);
    put_num("long.rss_min_kb", (double)ls.rss_min);
    put_num("long.rss_max_kb", (double)ls.rss_max);
    put_num("long.rss_spread_kb", (double)(ls.rss_max - ls.rss_min));
  }
  return rc;
}

/* ---- main ----------------------------------------------------------------- */

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->dict_word = "aardvark";
  o->net_word = "kubernetes";
  o->count = 20000;
  o->warmup = 2000;
  o->rounds = 10;
  o->conns = 8;
  o->peak_conns = 4;
  o->window = 16;
  o->batch = 32;
  o->peak_time = 3;
  o->step = 2;
  o->open_kinds = "dict,net";
  o->long_kind = "mix";
  o->rss_every = 5;
  o->out = ".";
  o->connect_timeout = 10;
  o->phase_closed = o->phase_peak = o->phase_open = 1;
  static const double ladder[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
                                  0.7,  0.8, 0.9, 1.0, 1.1, 1.25};
  o->n_fractions = (int)(sizeof ladder / sizeof ladder[0]);
  memcpy(o->fractions, ladder, sizeof ladder);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (strcmp(a, name) == 0 && v && (i++, 1))
    if (ARG("--socket")) o->socket = v;
    else if (ARG("--echo")) o->echo = v;
    else if (ARG("--echo-uv")) o->echo_uv = v;
    else if (ARG("--pid")) o->pid = strtol(v, NULL, 10);
    else if (ARG("--out")) o->out = v;
    else if (ARG("--dict-word")) o->dict_word = v;
    else if (ARG("--net-word")) o->net_word = v;
    else if (ARG("--count")) o->count = strtol(v, NULL, 10);
    else if (ARG("--warmup")) o->warmup = strtol(v, NULL, 10);
    else if (ARG("--rounds")) o->rounds = (int)strtol(v, NULL, 10);
    else if (ARG("--conns")) o->conns = (int)strtol(v, NULL, 10);
    else if (ARG("--peak-conns")) o->peak_conns = (int)strtol(v, NULL, 10);
    else if (ARG("--window")) o->window = (int)strtol(v, NULL, 10);
    else if (ARG("--batch")) o->batch = (int)strtol(v, NULL, 10);
    else if (ARG("--peak-time")) o->peak_time = strtod(v, NULL);
    else if (ARG("--step")) o->step = strtod(v, NULL);
    else if (ARG("--open-kinds")) o->open_kinds = v;
    else if (ARG("--duration")) o->duration = strtod(v, NULL);
    else if (ARG("--rate")) o->long_rate = strtod(v, NULL);
    else if (ARG("--long-kind")) o->long_kind = v;
    else if (ARG("--rss-every")) o->rss_every = strtod(v, NULL);
    else if (ARG("--connect-timeout")) o->connect_timeout = strtod(v, NULL);
    else if (ARG("--ladder")) {
      if ((o->n_fractions = parse_list(v, o->fractions, 64)) <= 0) return -1;
    } else if (ARG("--rates")) {
      if ((o->n_rates = parse_list(v, o->rates, 64)) <= 0) return -1;
    } else if (ARG("--phases")) {
      o->phase_closed = has_word(v, "closed");
      o->phase_peak = has_word(v, "peak");
      o->phase_open = has_word(v, "open");
    } else if (strcmp(a, "--model-only") == 0) o->net_model_only = 1;
    else if (strcmp(a, "--uniform") == 0) o->uniform = 1;
    else return -1;
#undef ARG
  }
  if (!o->socket || o->count < 1 || o->warmup < 0 || o->rounds < 1 || o->conns < 1 ||
      o->conns > MAX_CONNS || o->peak_conns < 1 || o->peak_conns > MAX_CONNS ||
      o->window < 1 || o->batch < 1 || o->batch > MAX_LIST || o->peak_time <= 0 ||
      o->step <= 0 || o->duration < 0 || o->rss_every <= 0 ||
      (o->duration > 0 && o->long_rate <= 0))
    return -1;
  if (strlen(o->dict_word) > PROTO_DEFAULT_MAX_WORD_BYTES ||
      strlen(o->net_word) > PROTO_DEFAULT_MAX_WORD_BYTES)
    return -1;
  return 0;
}

static int run(const options *o) {
  int rc = 0;
  int fd = e2e_connect_unix(o->socket, o->connect_timeout);
  if (fd < 0) {
    fprintf(stderr, "e2e-client: %s: %s\n", o->socket, strerror(errno));
    return 1;
  }
  if (o->pid > 0) {
    put_num("rss.before_kb", (double)proc_status_kb(o->pid, "VmRSS"));
    put_num("daemon.threads", (double)proc_status_kb(o->pid, "Threads"));
  }

  /* What are we talking to? */
  static kind k_info, k_dict, k_net, k_ping, k_dict1, k_dictb, k_net1, k_netb;
  proto_reply rep;
  kind_init(&k_info, "info", NULL, 0, 0, 0);
  k_info.op = PROTO_OP_INFO;
  if (roundtrip_decode(fd, &k_info, 1, &rep) < 0 || !rep.ok) {
    fprintf(stderr, "e2e-client: the info request failed\n");
    return 1;
  }
  printf("info.version %s\n", rep.info.version ? rep.info.version : "-");
  printf("info.model %s\n", rep.info.has_model && rep.info.model_name ? rep.info.model_name : "-");
  printf("info.arch %s\n", rep.info.has_model && rep.info.model_arch ? rep.info.model_arch : "-");
  printf("info.kernel %s\n", rep.info.has_model && rep.info.model_kernel ? rep.info.model_kernel : "-");
  put_num("info.lexicon_words", rep.info.lexicon_words);
  proto_reply_free(&rep);

  const char *dw[1] = {o->dict_word}, *nw[1] = {o->net_word};
  kind_init(&k_dict, "dict", dw, 1, 1, 0);
  kind_init(&k_net, "net", nw, 1, 1, o->net_model_only);
  kind_init(&k_ping, "ping", NULL, 0, 0, 0);
  k_ping.op = PROTO_OP_PING;
  kind_init(&k_dict1, "dict1", dict_list, N_DICT_LIST, 1, 0);
  kind_init(&k_net1, "net1", net_list, N_NET_LIST, 1, 0);
  static char bname_d[32], bname_n[32];
  snprintf(bname_d, sizeof bname_d, "dict%d", o->batch);
  snprintf(bname_n, sizeof bname_n, "net%d", o->batch);
  kind_init(&k_dictb, bname_d, dict_list, N_DICT_LIST, (uint32_t)o->batch, 0);
  kind_init(&k_netb, bname_n, net_list, N_NET_LIST, (uint32_t)o->batch, 0);

  /* Check the answers once. */
  if (check_kind(fd, &k_dict, PROTO_SOURCE_DICT, "check.dict_phones") != 1) {
    fprintf(stderr, "e2e-client: '%s' is not answered from the dictionary\n", o->dict_word);
    return 1;
  }
  int net_ok = check_kind(fd, &k_net, PROTO_SOURCE_MODEL, "check.net_phones");
  if (net_ok < 0) return 1;
  if (!net_ok)
    fprintf(stderr, "e2e-client: no network answer for '%s': network phases skipped\n",
            o->net_word);
  put_num("check.net_available", net_ok);
  if (check_kind(fd, &k_dict1, PROTO_SOURCE_DICT, "check.dict_list_first") < 0) return 1;
  if (net_ok && check_kind(fd, &k_net1, PROTO_SOURCE_MODEL, "check.net_list_first") < 0)
    return 1;

  if (o->phase_closed) {
    static target ts[5];
    int nt = 0;
    /* the dictionary reply's size sets the echo frame size */
    uint32_t rlen;
    proto_buf b;
    proto_buf_init(&b, sendmem, sizeof sendmem);
    if (kind_encode(&k_dict, &b, 1) < 0 || e2e_write_all(fd, b.data, b.len) < 0 ||
        e2e_read_frame(fd, iobuf, sizeof iobuf, &rlen) < 0)
      return 1;
    put_num("closed.dict.request_bytes", (double)b.len);
    put_num("closed.dict.reply_bytes", (double)rlen + 4);
    static char echo_frame[4096];
    size_t flen = (size_t)rlen + 4 > b.len ? (size_t)rlen + 4 : b.len;
    if (flen > sizeof echo_frame) flen = sizeof echo_frame;
    memset(echo_frame, 'e', flen);
    e2e_put_be32(echo_frame, (uint32_t)(flen - 4));
    put_num("closed.echo.frame_bytes", (double)flen);
    const char *epaths[2] = {o->echo, o->echo_uv};
    const char *enames[2] = {"echo", "echo_uv"};
    for (int i = 0; i < 2; i++) {
      if (!epaths[i]) continue;
      ts[nt].name = enames[i];
      ts[nt].fd = e2e_connect_unix(epaths[i], o->connect_timeout);
      if (ts[nt].fd < 0) {
        fprintf(stderr, "e2e-client: %s: %s\n", epaths[i], strerror(errno));
        return 1;
      }
      ts[nt].frame = echo_frame;
      ts[nt].frame_len = flen;
      nt++;
    }
    kind *dk[3] = {&k_ping, &k_dict, &k_net};
    for (int i = 0; i < 3; i++) {
      if (dk[i] == &k_net && !net_ok) continue;
      ts[nt].name = dk[i]->name;
      ts[nt].fd = fd;
      ts[nt].k = dk[i];
      ts[nt].next_id = 100;
      nt++;
    }
    fprintf(stderr, "e2e-client: closed loop, %ld requests per target\n", o->count);
    if (phase_closed(ts, nt, o) < 0) return 1;
    for (int i = 0; i < nt; i++)
      if (ts[i].fd != fd) close(ts[i].fd);
  }

  static driver d;
  double peak_dict = 0, peak_net = 0;
  if (o->phase_peak || o->phase_open || o->duration > 0) {
    int n = o->peak_conns > o->conns ? o->peak_conns : o->conns;
    if (driver_open(&d, o->socket, n, o->connect_timeout) < 0) {
      fprintf(stderr, "e2e-client: cannot open %d connections: %s\n", n, strerror(errno));
      return 1;
    }
  }
  if (o->phase_peak || (o->phase_open && o->n_rates == 0)) {
    int saved = d.n;
    d.n = o->peak_conns;
    put_num("peak.conns", o->peak_conns);
    put_num("peak.window", o->window);
    double w1, wb;
    peak_dict = phase_peak_one(&d, &k_dict1, o, o->pid, &w1);
    phase_peak_one(&d, &k_dictb, o, o->pid, &wb);
    if (w1 > 0) put_num("peak.dict.batch_gain", wb / w1);
    if (net_ok) {
      peak_net = phase_peak_one(&d, &k_net1, o, o->pid, &w1);
      phase_peak_one(&d, &k_netb, o, o->pid, &wb);
      if (w1 > 0) put_num("peak.net.batch_gain", wb / w1);
    }
    d.n = saved;
    if (d.failed) rc = 1;
  }
  if (o->phase_open && rc == 0) {
    d.n = o->conns;
    put_num("open.conns", o->conns);
    if (has_word(o->open_kinds, "dict") && phase_open_one(&d, &k_dict1, peak_dict, o, o->pid) < 0)
      rc = 1;
    if (rc == 0 && net_ok && has_word(o->open_kinds, "net") &&
        phase_open_one(&d, &k_net1, peak_net, o, o->pid) < 0)
      rc = 1;
  }
  if (o->pid > 0) {
    put_num("rss.after_kb", (double)proc_status_kb(o->pid, "VmRSS"));
    put_num("rss.hwm_kb", (double)proc_status_kb(o->pid, "VmHWM"));
  }
  if (o->duration > 0 && rc == 0) {
    d.n = o->conns;
    kind *k0 = &k_dict1, *k1 = NULL;
    if (strcmp(o->long_kind, "net") == 0 && net_ok) k0 = &k_net1;
    else if (strcmp(o->long_kind, "mix") == 0 && net_ok) k1 = &k_net1;
    if (phase_long(&d, k0, k1, o) < 0) rc = 1;
  }
  /* The daemon's own view (counters and its internal latency histograms),
   * to tell time spent inside the daemon from time spent on the socket. */
  static kind k_stats;
  kind_init(&k_stats, "stats", NULL, 0, 0, 0);
  k_stats.op = PROTO_OP_STATS;
  if (roundtrip_decode(fd, &k_stats, 2, &rep) >= 0) {
    for (size_t i = 0; rep.ok && i < rep.n_stats; i++)
      printf("daemon.%s %llu\n", rep.stat_names[i], (unsigned long long)rep.stat_values[i]);
    proto_reply_free(&rep);
  }
  if (d.intended) driver_close(&d);
  close(fd);
  return rc;
}

int main(int argc, char **argv) {
  options o;
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    usage(stdout);
    return 0;
  }
  if (parse_args(argc, argv, &o) < 0) {
    usage(stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  return run(&o);
}
