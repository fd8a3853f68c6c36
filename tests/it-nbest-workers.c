/* it-nbest-workers.c -- words requests with opts.nbest on the kernel
 * workers, against the real daemon with a model converted from ../shared's
 * g2p_en weights.
 *
 * An nbest request's network words go to the workers, their alternatives
 * to one of the dispatcher's two nbest pools (daemon/dispatch.c); a request
 * that finds both lent waits for one. So:
 *  - parity: the reply frames to nbest requests mixing network words,
 *    dictionary words with variants, written forms, folded words and
 *    per-word errors, with every output form (no_stress, IPA), beams and
 *    nbest from 1 to 16, are byte for byte those of --workers 0, with one
 *    and two workers and with the workers sleeping; so are those of four
 *    clients at once sending the same big request (two of them wait for a
 *    pool), and the network words ran on the workers (workers.words);
 *  - ping: while one client's big nbest requests are with the workers,
 *    another client's ping and stats are answered, and that stats reply
 *    shows those requests not done yet (an order, not a time; inline on
 *    the loop, as before, the first client's own pong comes only after
 *    its nbest requests, and the stats would show them done);
 *  - reload: a SIGHUP while nbest words are out and a request waits for a
 *    pool: each is answered as the same request is after the reload;
 *  - stalled: clients that stop reading hold no pool while their replies
 *    wait for room, so other clients' nbest requests go on;
 *  - vanish: clients that send big nbest requests and hang up at once cost
 *    nothing: their words are cancelled, the pools come back (a later
 *    request's words run on the worker) and the daemon exits cleanly
 *    (under ASan, LeakSanitizer checks the exit).
 * Skips (77) without the shared weights or the converter. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/it-util.h"

static char model_path[600];
static char tmpdir[300];

static int start(it_daemon *d, const char *nworkers, const char *const *more) {
  const char *base[] = { "--model", model_path, "--workers", nworkers };
  return it_start_args(d, base, 4, more);
}

static void stop(it_daemon *d) { ck_assert_int_eq(it_stop_clean(d), 0); }


/* The mixed words: network words among dictionary words (some with
 * variants), written forms, folded words and per-word errors. */
#define N_MIXED 60
static char mixed[N_MIXED][80];

static void make_mixed(void) {
  static const char *fixed[] = {
    "read", "live", "either", "tomato", "aardvark", "the", "", "\xff\xfe",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "42", "Dr.", "na\xc3\xafve", "John\xe2\x80\x99s", "FBI", "x-ray", "Record" };
  size_t nf = sizeof fixed / sizeof fixed[0];
  for (int i = 0; i < N_MIXED; i++) {
    if (i % 4 == 1 && (size_t)(i / 4) < nf)
      snprintf(mixed[i], sizeof mixed[i], "%s", fixed[i / 4]);
    else
      it_made_up(mixed[i], 700u + (unsigned)i);
  }
}

/* {variants, model_only, beam, no_stress, ipa, nbest} */
#define N_OPTS 6
static const proto_opts opts[N_OPTS] = {
  { 1, 0, 4, 0, 0, 4 }, { 0, 1, 16, 0, 0, 16 }, { 0, 0, 1, 0, 0, 1 },
  { 0, 0, 5, 1, 0, 3 }, { 1, 0, 2, 0, 1, 2 },   { 1, 0, 8, 1, 1, 8 } };

#define N_BIG 256
static char bigw[N_BIG][16];

/* A big request: N_BIG made-up words from seed on, beam 16 and nbest 16. */
static size_t encode_big(char *mem, size_t cap, uint64_t id, unsigned seed) {
  proto_slice sl[N_BIG];
  for (int k = 0; k < N_BIG; k++) {
    it_made_up(bigw[k], seed + (unsigned)k);
    sl[k].ptr = bigw[k];
    sl[k].len = (uint32_t)strlen(bigw[k]);
  }
  proto_opts o = { 0, 1, 16, 0, 0, 16 };
  proto_buf b;
  proto_buf_init(&b, mem, cap);
  ck_assert_int_eq(proto_encode_request_opts(&b, id, PROTO_OP_WORDS, sl, N_BIG, &o), 0);
  return b.len;
}

/* The mixed words with every option set, a plain words request and a ping
 * between them, pipelined; the raw reply payloads in rep/rep_len. */
#define N_ASK (N_OPTS + 2)
static char rep[N_ASK][1 << 18];
static long rep_len[N_ASK];

static void ask_mixed(const char *sock) {
  static char mem[1 << 16];
  proto_slice sl[N_MIXED];
  for (int i = 0; i < N_MIXED; i++) {
    sl[i].ptr = mixed[i];
    sl[i].len = (uint32_t)strlen(mixed[i]);
  }
  int fd = it_connect(sock);
  ck_assert_int_ge(fd, 0);
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  for (int o = 0; o < N_OPTS; o++) {
    ck_assert_int_eq(proto_encode_request_opts(&b, (uint64_t)o + 1, PROTO_OP_WORDS, sl,
                                               N_MIXED, &opts[o]), 0);
    if (o == 2) /* a plain words request and a ping in between */
      ck_assert_int_eq(proto_encode_request(&b, 50, PROTO_OP_WORDS, sl, N_MIXED, 1, 0, 0),
                       0);
    if (o == 3) proto_encode_request(&b, 51, PROTO_OP_PING, NULL, 0, 0, 0, 0);
  }
  ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
  for (int i = 0; i < N_ASK; i++) {
    rep_len[i] = it_recv_frame(fd, rep[i], sizeof rep[i]);
    ck_assert_int_gt(rep_len[i], 0);
  }
  close(fd);
}

/* Model answers (and all alternatives) in a words reply payload. */
static int model_words(const char *p, long n, int *alts) {
  proto_reply r;
  char err[160];
  ck_assert_int_eq(proto_reply_decode(p, (size_t)n, &r, err, sizeof err), PROTO_OK);
  ck_assert(r.ok);
  int m = 0;
  for (uint32_t i = 0; i < r.n_words; i++) {
    m += r.words[i].source == PROTO_SOURCE_MODEL;
    if (alts) *alts += (int)r.words[i].n_alternatives;
  }
  proto_reply_free(&r);
  return m;
}

/* ---- four clients at once with the same big request -------------------- */

typedef struct bigc {
  const char *sock;
  const char *ref;
  long ref_len;
  int same;
  long got_len; /* < 0: it_recv_frame's error (-2: timed out) */
} bigc;

static void *big_run(void *arg) {
  bigc *c = arg;
  static __thread char mem[1 << 14], got[1 << 19];
  int fd = it_connect(c->sock);
  if (fd < 0) return NULL;
  size_t n = encode_big(mem, sizeof mem, 9, 5000);
  if (it_send_all(fd, mem, n) == 0) {
    long k = it_recv_frame(fd, got, sizeof got);
    c->got_len = k;
    c->same = k == c->ref_len && memcmp(got, c->ref, (size_t)k) == 0;
  }
  close(fd);
  return NULL;
}

static char ref[N_ASK][1 << 18];
static long ref_len[N_ASK];
static char big_ref[1 << 19];
static long big_ref_len;

/* Parity is skipped under ThreadSanitizer, as in it-workers: it runs the
 * network over thousands of words at beam 16 (minutes there) and has no
 * threads of its own to check; the other cases keep the workers busy. */

START_TEST(parity_with_inline) {
#ifdef IT_UNDER_TSAN
  fprintf(stderr, "parity: skipped under ThreadSanitizer (slow, no race of its own)\n");
  return;
#endif
  it_daemon d;
  ck_assert_int_eq(start(&d, "0", NULL), 0);
  ask_mixed(d.sock);
  for (int i = 0; i < N_ASK; i++) {
    ref_len[i] = rep_len[i];
    memcpy(ref[i], rep[i], (size_t)rep_len[i]);
  }
  {
    static char mem[1 << 14];
    int fd = it_connect(d.sock);
    ck_assert_int_ge(fd, 0);
    size_t n = encode_big(mem, sizeof mem, 9, 5000);
    ck_assert_int_eq(it_send_all(fd, mem, n), 0);
    big_ref_len = it_recv_frame(fd, big_ref, sizeof big_ref);
    ck_assert_int_gt(big_ref_len, 0);
    close(fd);
  }
  stop(&d);
  int alts = 0, net = 0;
  for (int i = 0; i < N_ASK; i++)
    if (i != 5) net += model_words(ref[i], ref_len[i], &alts); /* 5: the ping */
  ck_assert_int_gt(net, 100);
  ck_assert_int_gt(alts, 2 * net); /* more than one alternative a word */
  static const struct { const char *workers, *spin; } cfg[] = {
    { "1", NULL }, { "2", "0" }, { "1", "1" } };
  for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
    const char *spin[] = { "--spin-us", cfg[c].spin, NULL };
    ck_assert_int_eq(start(&d, cfg[c].workers, cfg[c].spin ? spin : NULL), 0);
    uint64_t w0 = 0, w1 = 0;
    ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w0), 0);
    ask_mixed(d.sock);
    ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w1), 0);
    for (int i = 0; i < N_ASK; i++)
      ck_assert_msg(rep_len[i] == ref_len[i] &&
                        memcmp(rep[i], ref[i], (size_t)ref_len[i]) == 0,
                    "--workers %s --spin-us %s: reply %d differs from --workers 0",
                    cfg[c].workers, cfg[c].spin ? cfg[c].spin : "default", i);
    /* the model answers came from a worker (none from the result cache:
     * nbest never asks it, and the plain request's are new words too),
     * but for the written forms (42, Dr., x-ray) of the model_only
     * request: the text front end reads them on the loop thread */
    ck_assert_uint_le(w1 - w0, (uint64_t)net);
    ck_assert_uint_ge(w1 - w0 + 3, (uint64_t)net);
    bigc bc[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
      bc[i] = (bigc){ d.sock, big_ref, big_ref_len, 0, 0 };
      ck_assert_int_eq(pthread_create(&th[i], NULL, big_run, &bc[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
      pthread_join(th[i], NULL);
      ck_assert_msg(bc[i].same, "--workers %s: big request %d at once: %s (%ld bytes)",
                    cfg[c].workers, i,
                    bc[i].got_len < 0 ? "no reply (a timeout or a close)" : "the reply differs",
                    bc[i].got_len);
    }
    uint64_t waits = 0;
    ck_assert_int_eq(it_stat_of(d.sock, "nbest.pool_waits", &waits), 0);
    fprintf(stderr, "parity: --workers %s: %d replies and 4 big ones at once "
                    "identical (%llu waits for a pool), %llu words on the workers\n",
            cfg[c].workers, N_ASK, (unsigned long long)waits,
            (unsigned long long)(w1 - w0));
    stop(&d);
  }
}
END_TEST

START_TEST(ping_during_nbest) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  static char mem[1 << 15], a[1 << 19];
  int fa = it_connect(d.sock);
  ck_assert_int_ge(fa, 0);
  /* a ping, then two big nbest requests, in one write */
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_request(&b, 1, PROTO_OP_PING, NULL, 0, 0, 0, 0);
  b.len += encode_big(mem + b.len, sizeof mem - b.len, 2, 20000);
  b.len += encode_big(mem + b.len, sizeof mem - b.len, 3, 30000);
  ck_assert_int_eq(it_send_all(fa, b.data, b.len), 0);
  /* its pong: the daemon has read the big requests */
  proto_reply r;
  ck_assert_int_eq(it_recv_reply(fa, &r), 0);
  ck_assert(r.ok && r.id == 1);
  proto_reply_free(&r);
  /* another client, while they are with the worker */
  uint64_t done = 0, words = 0;
  ck_assert_int_eq(it_ping_then_stat(d.sock, "requests.words", &done), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &words), 0);
  fprintf(stderr, "ping: answered with %llu of 2 nbest requests done, %llu words run\n",
          (unsigned long long)done, (unsigned long long)words);
  /* the loop answered both clients in the middle of the nbest requests */
  ck_assert_uint_lt(done, 2);
  for (uint64_t q = 2; q <= 3; q++) {
    long n = it_recv_frame(fa, a, sizeof a);
    ck_assert_int_gt(n, 0);
    int alts = 0;
    ck_assert_int_ge(model_words(a, n, &alts), 200);
    ck_assert_int_gt(alts, 256 * 4);
  }
  close(fa);
  stop(&d);
}
END_TEST

START_TEST(vanishing_clients) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  static char mem[1 << 15], a[1 << 19];
  /* four clients: two have the pools, two wait for one; all gone at once */
  for (int c = 0; c < 4; c++) {
    int fd = it_connect(d.sock);
    ck_assert_int_ge(fd, 0);
    size_t n = encode_big(mem, sizeof mem, 1, 40000u + (unsigned)c * 300u);
    ck_assert_int_eq(it_send_all(fd, mem, n), 0);
    close(fd);
  }
  ck_assert(it_aardvark_ok(d.sock)); /* the daemon still answers */
  uint64_t vanished = 0, cancelled = 0, ran = 0;
  /* until the worker has come back with (or skipped) every word sent */
  ck_assert_int_eq(it_workers_idle(d.sock, &ran), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.cancelled", &cancelled), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "connections.vanished", &vanished), 0);
  fprintf(stderr, "vanish: 4 clients gone with a big nbest request each: %llu seen "
                  "vanished, %llu words cancelled, %llu run\n",
          (unsigned long long)vanished, (unsigned long long)cancelled,
          (unsigned long long)ran);
  ck_assert_uint_ge(vanished, 1);
  ck_assert_uint_gt(cancelled, 0);
  ck_assert_uint_lt(ran, 4 * N_BIG); /* not everything computed for nobody */
  /* the pools are back: three requests in turn, their words on the worker */
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  for (int q = 0; q < 3; q++) {
    size_t n = encode_big(mem, sizeof mem, 10, 90000u + (unsigned)q * 300u);
    ck_assert_int_eq(it_send_all(fd, mem, n), 0);
    long k = it_recv_frame(fd, a, sizeof a);
    ck_assert_int_gt(k, 0);
    uint64_t ran2 = 0;
    ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &ran2), 0);
    int m = model_words(a, k, NULL);
    ck_assert_int_gt(m, 200);
    ck_assert_uint_ge(ran2 - ran, (uint64_t)m);
    ck_assert_uint_le(ran2 - ran, N_BIG);
    ran = ran2;
  }
  close(fd);
  stop(&d); /* exit 0: no slot or pool left behind, nothing leaked (ASan) */
}
END_TEST

/* Two clients pipeline big nbest requests and never read: their replies
 * fill the socket and both of the connection's buffers. Neither may keep
 * a pool while it waits for room, so a third client's big nbest request is
 * answered while they are still stalled. (When a pool went to a request
 * whatever the output held, each stalled client kept one from the moment
 * its reply found no room until --output-timeout, here 600 s: the third
 * client's read timed out.) */
START_TEST(stalled_readers) {
  it_daemon d;
  const char *more[] = { "--output-timeout", "600", NULL };
  ck_assert_int_eq(start(&d, "1", more), 0);
  static char mem[1 << 15], a[1 << 19];
  enum { N_PIPE = 10 };
  int fs[2];
  for (int c = 0; c < 2; c++) {
    fs[c] = it_connect(d.sock);
    ck_assert_int_ge(fs[c], 0);
    for (int q = 0; q < N_PIPE; q++) {
      size_t n = encode_big(mem, sizeof mem, (uint64_t)q + 1,
                            70000u + (unsigned)(c * N_PIPE + q) * 300u);
      ck_assert_int_eq(it_send_all(fs[c], mem, n), 0);
    }
  }
  uint64_t ran = 0, answered = 0;
  ck_assert_int_eq(it_workers_idle(d.sock, &ran), 0); /* both stalled for room */
  ck_assert_int_eq(it_stat_of(d.sock, "requests.words", &answered), 0);
  fprintf(stderr, "stalled: %llu of %d nbest requests answered, %llu words run, "
                  "before the third client asks\n",
          (unsigned long long)answered, 2 * N_PIPE, (unsigned long long)ran);
  ck_assert_uint_lt(answered, 2 * N_PIPE); /* the stall was reached */
  int fb = it_connect(d.sock);
  ck_assert_int_ge(fb, 0);
  size_t n = encode_big(mem, sizeof mem, 99, 95000u);
  ck_assert_int_eq(it_send_all(fb, mem, n), 0);
  long k = it_recv_frame(fb, a, sizeof a);
  ck_assert_msg(k > 0, "the third client got no reply: a stalled client holds a pool");
  ck_assert_int_gt(model_words(a, k, NULL), 200);
  close(fb);
  /* the stalled clients are still served once they read */
  for (int c = 0; c < 2; c++) {
    for (int q = 0; q < N_PIPE; q++) {
      long m = it_recv_frame(fs[c], a, sizeof a);
      ck_assert_int_gt(m, 0);
      ck_assert_int_gt(model_words(a, m, NULL), 200);
    }
    close(fs[c]);
  }
  stop(&d);
}
END_TEST

/* SIGHUP while a big nbest request's words are out, and while another
 * client's waits for a pool: both are answered from the engine they began
 * on (the same files: the same reply as once the new engine serves). */
START_TEST(reload_in_flight) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  static char mem[1 << 15], a[3][1 << 19];
  long n[3];
  int fd[3];
  for (int c = 0; c < 3; c++) { /* the third waits for a pool */
    fd[c] = it_connect(d.sock);
    ck_assert_int_ge(fd[c], 0);
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    proto_encode_request(&b, 1, PROTO_OP_PING, NULL, 0, 0, 0, 0);
    b.len += encode_big(mem + b.len, sizeof mem - b.len, 2, 60000u + (unsigned)c * 300u);
    ck_assert_int_eq(it_send_all(fd[c], b.data, b.len), 0);
    proto_reply r;
    ck_assert_int_eq(it_recv_reply(fd[c], &r), 0); /* its request is read */
    ck_assert(r.ok && r.id == 1);
    proto_reply_free(&r);
  }
  ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
  for (int c = 0; c < 3; c++) {
    n[c] = it_recv_frame(fd[c], a[c], sizeof a[c]);
    ck_assert_int_gt(n[c], 0);
  }
  uint64_t ok = 0;
  for (int i = 0; i < 100 && ok == 0; i++) {
    ck_assert_int_eq(it_stat_of(d.sock, "reloads.ok", &ok), 0);
    if (!ok) usleep(100000);
  }
  ck_assert_uint_eq(ok, 1);
  uint64_t waits = 0;
  ck_assert_int_eq(it_stat_of(d.sock, "nbest.pool_waits", &waits), 0);
  ck_assert_uint_ge(waits, 1); /* the third client did wait */
  static char again[1 << 19];
  for (int c = 0; c < 3; c++) { /* the same request on the new engine */
    size_t k = encode_big(mem, sizeof mem, 2, 60000u + (unsigned)c * 300u);
    ck_assert_int_eq(it_send_all(fd[c], mem, k), 0);
    long m = it_recv_frame(fd[c], again, sizeof again);
    ck_assert_msg(m == n[c] && memcmp(again, a[c], (size_t)m) == 0,
                  "client %d: the reply across the reload differs", c);
    ck_assert_int_gt(model_words(again, m, NULL), 200);
    close(fd[c]);
  }
  stop(&d); /* exit 0: the old engine closed once its last request was done */
}
END_TEST

int main(void) {
  int rc = it_g2p_en_model("it-nbest-workers", tmpdir, sizeof tmpdir, model_path,
                           sizeof model_path);
  if (rc != 0) return rc;
  signal(SIGPIPE, SIG_IGN);
  make_mixed();
  Suite *s = suite_create("it-nbest-workers");
  TCase *tc = tcase_create("nbest");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, parity_with_inline);
  tcase_add_test(tc, ping_during_nbest);
  tcase_add_test(tc, vanishing_clients);
  tcase_add_test(tc, reload_in_flight);
  tcase_add_test(tc, stalled_readers);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  unlink(model_path);
  rmdir(tmpdir);
  return failed ? 1 : 0;
}
