/* it-drain-reload.c -- SIGHUP reload and SIGTERM drain with clients busy.
 *
 * Client threads keep pipelined batches of requests going (three words
 * each: a dictionary word, another one, and a word the dictionary lacks)
 * and check every reply: id in order, every word's answer exactly right.
 *  - reload: the lexicon is reloaded several times, once from a damaged file
 *    (which must be refused while the old lexicon keeps serving), and in a
 *    burst of signals; no client may see an error, a wrong answer or a
 *    closed connection.
 *  - drain: SIGTERM while the clients are busy; every request a client had
 *    finished sending before the signal must be answered correctly, the
 *    daemon must exit 0 and remove its socket. Requests sent after the
 *    signal may find the connection closed (that is what a drain means). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tests/it-util.h"

#define N_CLIENTS 4
#define BATCH 8

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef struct client {
  const char *sock;
  int stop;              /* set by the main thread (atomic) */
  uint64_t *kill_ns;     /* when SIGTERM was sent, 0 = not yet (atomic) */
  long batches, answered, wrong, lost, after_stop;
  int closed;            /* the connection ended */
  char why[256];
} client;

static const char *const W[3] = { "aardvark", "zebra", "qxzvvk" };

static int reply_right(const proto_reply *r, uint64_t id) {
  return r->ok && r->id == id && r->n_words == 3 && r->words[0].phones &&
         strcmp(r->words[0].phones, "AA1 R D V AA2 R K") == 0 &&
         r->words[1].phones && strcmp(r->words[1].phones, "Z IY1 B R AH0") == 0 &&
         r->words[2].phones == NULL && r->words[2].error == PROTO_E_NOT_FOUND;
}

static void *client_run(void *arg) {
  client *c = arg;
  static __thread char mem[BATCH * 128];
  proto_slice sl[3];
  for (int i = 0; i < 3; i++) {
    sl[i].ptr = W[i];
    sl[i].len = (uint32_t)strlen(W[i]);
  }
  int fd = it_connect(c->sock);
  if (fd < 0) {
    snprintf(c->why, sizeof c->why, "connect failed");
    c->closed = 1;
    return NULL;
  }
  uint64_t id = 1;
  while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    for (int k = 0; k < BATCH; k++)
      proto_encode_request(&b, id + (uint64_t)k, PROTO_OP_WORDS, sl, 3, 0, 0, 0);
    if (it_send_all(fd, b.data, b.len) != 0) {
      c->closed = 1; /* the daemon closed first: nothing of this batch was sent */
      break;
    }
    uint64_t sent_at = now_ns();
    int got = 0;
    for (; got < BATCH; got++) {
      proto_reply r;
      if (it_recv_reply(fd, &r) != 0) break;
      if (!reply_right(&r, id + (uint64_t)got)) {
        c->wrong++;
        snprintf(c->why, sizeof c->why, "wrong reply for id %llu (ok=%d id=%llu)",
                 (unsigned long long)(id + (uint64_t)got), r.ok,
                 (unsigned long long)r.id);
      }
      proto_reply_free(&r);
      c->answered++;
    }
    c->batches++;
    if (got < BATCH) {
      c->closed = 1;
      uint64_t k = __atomic_load_n(c->kill_ns, __ATOMIC_ACQUIRE);
      if (k == 0 || sent_at < k) {
        c->lost += BATCH - got;
        snprintf(c->why, sizeof c->why,
                 "%d of %d requests sent %s the stop signal got no reply",
                 BATCH - got, BATCH, k ? "before" : "without");
      } else {
        c->after_stop += BATCH - got;
      }
      break;
    }
    id += BATCH;
  }
  close(fd);
  return NULL;
}

static int copy_file(const char *from, const char *to) {
  char buf[65536];
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = in >= 0 && out >= 0 ? 0 : -1;
  ssize_t n;
  while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) rc = -1;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  return rc;
}

/* Waits until the counter reaches want (20 s). */
static int wait_stat(const char *sock, const char *name, uint64_t want) {
  uint64_t v = 0;
  for (int i = 0; i < 2000; i++) {
    if (it_stat_of(sock, name, &v) == 0 && v >= want) return 0;
    usleep(10000);
  }
  fprintf(stderr, "%s stayed at %llu (want %llu)\n", name, (unsigned long long)v,
          (unsigned long long)want);
  return -1;
}

static void start_clients(client *cl, pthread_t *th, const char *sock,
                          uint64_t *kill_ns) {
  for (int i = 0; i < N_CLIENTS; i++) {
    memset(&cl[i], 0, sizeof cl[i]);
    cl[i].sock = sock;
    cl[i].kill_ns = kill_ns;
    ck_assert_int_eq(pthread_create(&th[i], NULL, client_run, &cl[i]), 0);
  }
}

/* The result cache: a network word asked twice is a hit (answered on the
 * loop thread, the same answer); a reload empties it; --cache-size 0 has
 * none. */
static void ask_net(const char *sock, const char *word, char *out, size_t cap) {
  int fd = it_connect(sock);
  ck_assert_int_ge(fd, 0);
  proto_reply r;
  const char *w[1] = { word };
  ck_assert_int_eq(it_words(fd, 7, w, 1, &r), 0);
  ck_assert(r.ok && r.n_words == 1 && r.words[0].phones);
  ck_assert_int_eq(r.words[0].source, PROTO_SOURCE_MODEL);
  snprintf(out, cap, "%s", r.words[0].phones);
  proto_reply_free(&r);
  close(fd);
}

START_TEST(cache_hits_and_reload_empties) {
  const char *top = getenv("top_srcdir");
  char model[600];
  snprintf(model, sizeof model, "%s/models/cmudict-bigru-h256-int8.g2pm",
           top ? top : ".");
  if (access(model, R_OK) != 0) {
    printf("skip: %s absent\n", model);
    return;
  }
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  const char *extra[] = { "--model", model, "--workers", "1", "--cache-size",
                          "16", NULL };
  ck_assert_int_eq(it_start(&d, extra), 0);
  char a[256], b[256];
  uint64_t v;
  ck_assert_int_eq(it_stat_of(d.sock, "cache.entries", &v), 0);
  ck_assert_uint_eq(v, 16);
  ask_net(d.sock, "qxzvvk", a, sizeof a);
  ck_assert_int_eq(wait_stat(d.sock, "cache.inserts", 1), 0);
  ask_net(d.sock, "QXZVVK", b, sizeof b);
  ck_assert_str_eq(a, b);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.hits", &v), 0);
  ck_assert_uint_eq(v, 1);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.misses", &v), 0);
  ck_assert_uint_eq(v, 1);
  ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
  ck_assert_int_eq(wait_stat(d.sock, "reloads.ok", 1), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.inserts", &v), 0);
  ck_assert_uint_eq(v, 0);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.hits", &v), 0);
  ck_assert_uint_eq(v, 0);
  ask_net(d.sock, "qxzvvk", b, sizeof b);
  ck_assert_str_eq(a, b);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.misses", &v), 0);
  ck_assert_uint_eq(v, 1);
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);

  const char *off[] = { "--model", model, "--cache-size", "0", NULL };
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, off), 0);
  ask_net(d.sock, "qxzvvk", a, sizeof a);
  ask_net(d.sock, "qxzvvk", a, sizeof a);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.entries", &v), 0);
  ck_assert_uint_eq(v, 0);
  ck_assert_int_eq(it_stat_of(d.sock, "cache.hits", &v), 0);
  ck_assert_uint_eq(v, 0);
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(reload_under_load) {
  it_daemon d;
  char lex[512], good[600], tmp[600];
  ck_assert_int_eq(it_prepare(&d), 0);
  snprintf(good, sizeof good, "%s/data/cmudict.lex", it_builddir());
  snprintf(lex, sizeof lex, "%s/lexicon.lex", d.dir);
  snprintf(tmp, sizeof tmp, "%s/lexicon.tmp", d.dir);
  ck_assert_int_eq(copy_file(good, lex), 0);
  const char *extra[] = { "--lexicon", lex, NULL };
  ck_assert_int_eq(it_start(&d, extra), 0);

  uint64_t kill_ns = 0;
  client cl[N_CLIENTS];
  pthread_t th[N_CLIENTS];
  start_clients(cl, th, d.sock, &kill_ns);
  usleep(100000);

  for (uint64_t round = 1; round <= 3; round++) {
    ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
    ck_assert_int_eq(wait_stat(d.sock, "reloads.ok", round), 0);
    usleep(50000);
  }
  /* a damaged lexicon (replaced atomically, as packages do): refused */
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "not a lexicon at all\n", 21), 21);
  close(fd);
  ck_assert_int_eq(rename(tmp, lex), 0);
  ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
  ck_assert_int_eq(wait_stat(d.sock, "reloads.failed", 1), 0);
  ck_assert(it_aardvark_ok(d.sock)); /* the old lexicon still answers */
  /* the good one back, then a burst of signals */
  ck_assert_int_eq(copy_file(good, tmp), 0);
  ck_assert_int_eq(rename(tmp, lex), 0);
  ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
  ck_assert_int_eq(wait_stat(d.sock, "reloads.ok", 4), 0);
  for (int i = 0; i < 5; i++) {
    ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
    usleep(2000);
  }
  ck_assert_int_eq(wait_stat(d.sock, "reloads.ok", 5), 0);
  usleep(200000);

  long answered = 0;
  for (int i = 0; i < N_CLIENTS; i++) {
    __atomic_store_n(&cl[i].stop, 1, __ATOMIC_RELEASE);
    pthread_join(th[i], NULL);
  }
  for (int i = 0; i < N_CLIENTS; i++) {
    ck_assert_msg(cl[i].wrong == 0 && cl[i].lost == 0 && !cl[i].closed,
                  "client %d: %s (wrong %ld, lost %ld, closed %d)", i, cl[i].why,
                  cl[i].wrong, cl[i].lost, cl[i].closed);
    answered += cl[i].answered;
  }
  uint64_t failed = 0;
  ck_assert_int_eq(it_stat_of(d.sock, "reloads.failed", &failed), 0);
  ck_assert(failed == 1);
  fprintf(stderr, "reload: %ld replies checked during reloads\n", answered);
  ck_assert_int_gt(answered, 0);
  int st = it_stop(&d);
  if (st != 0) it_dump_log(&d);
  ck_assert_int_eq(st, 0);
  unlink(lex);
  it_cleanup(&d);
}
END_TEST

START_TEST(drain_under_load) {
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  const char *extra[] = { "--drain-timeout", "10", NULL };
  ck_assert_int_eq(it_start(&d, extra), 0);
  int idle = it_connect(d.sock);
  ck_assert_int_ge(idle, 0);

  uint64_t kill_ns = 0;
  client cl[N_CLIENTS];
  pthread_t th[N_CLIENTS];
  start_clients(cl, th, d.sock, &kill_ns);
  usleep(300000);
  __atomic_store_n(&kill_ns, now_ns(), __ATOMIC_RELEASE);
  ck_assert_int_eq(kill(d.pid, SIGTERM), 0);
  int st = it_wait(d.pid, 15000);
  if (st != 0) it_dump_log(&d);
  ck_assert_int_eq(st, 0);
  d.pid = 0;

  long answered = 0, after = 0;
  for (int i = 0; i < N_CLIENTS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < N_CLIENTS; i++) {
    ck_assert_msg(cl[i].wrong == 0 && cl[i].lost == 0,
                  "client %d: %s (wrong %ld, lost %ld)", i, cl[i].why,
                  cl[i].wrong, cl[i].lost);
    ck_assert(cl[i].closed);
    answered += cl[i].answered;
    after += cl[i].after_stop;
  }
  fprintf(stderr, "drain: %ld replies checked, %ld requests sent after SIGTERM "
                  "found the connection closing\n", answered, after);
  ck_assert_int_gt(answered, 0);
  ck_assert_int_eq(it_wait_eof(idle, 1000), 1);
  close(idle);
  struct stat sb;
  ck_assert_int_ne(lstat(d.sock, &sb), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(drain_deadline) {
  /* a client that never reads its replies cannot hold the exit past
   * --drain-timeout */
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  const char *extra[] = { "--drain-timeout", "0.5", NULL };
  ck_assert_int_eq(it_start(&d, extra), 0);
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  static char mem[1 << 20];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_slice a[256];
  for (int i = 0; i < 256; i++) {
    a[i].ptr = "aardvark";
    a[i].len = 8;
  }
  /* ~15 kB of reply per request: far more than the socket buffers hold */
  for (uint64_t id = 1; id <= 300; id++)
    proto_encode_request(&b, id, PROTO_OP_WORDS, a, 256, 1, 0, 0);
  /* send what the socket takes without blocking forever */
  struct timeval tv = { 0, 300000 };
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  it_send_all(fd, b.data, b.len);
  usleep(100000);
  uint64_t t0 = now_ns();
  ck_assert_int_eq(kill(d.pid, SIGTERM), 0);
  int st = it_wait(d.pid, 10000);
  d.pid = 0;
  ck_assert_int_eq(st, 0);
  uint64_t ms = (now_ns() - t0) / 1000000u;
  ck_assert_msg(ms >= 400 && ms < 5000, "exit after %llu ms", (unsigned long long)ms);
  close(fd);
  it_cleanup(&d);
}
END_TEST

int main(void) {
  char lex[512];
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", it_builddir());
  if (access(lex, R_OK) != 0) {
    printf("it-drain-reload: %s missing; skipped\n", lex);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("it-drain-reload");
  TCase *tc = tcase_create("signals");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, cache_hits_and_reload_empties);
  tcase_add_test(tc, reload_under_load);
  tcase_add_test(tc, drain_under_load);
  tcase_add_test(tc, drain_deadline);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
