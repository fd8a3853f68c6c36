/* it-text-workers.c -- the text op's network words on the kernel workers,
 * against the real daemon with a model converted from ../shared's g2p_en
 * weights.
 *
 * The text op answers the spoken words it can on the loop thread and sends
 * the network words to the workers (daemon/dispatch.c); the reply has to be
 * what the inline path gives, so:
 *  - parity: the reply frames to a set of texts (network words, dictionary,
 *    user lexicon, letters, numbers, homographs, model_only, a beam, texts
 *    repeated so that the result cache answers, texts with more network
 *    words than a connection's slots (the text pool), per-word errors) are byte for byte those of
 *    --workers 0, with one and two workers and with the workers sleeping;
 *  - counted: the network words of a text are run by the workers
 *    (workers.words grows by the model answers of the reply), and a repeat
 *    runs none (the cache);
 *  - vanish: clients that send long texts of unknown words and hang up at
 *    once cost nothing: the daemon keeps answering, gives the text pool
 *    back (a later long text's words run on the worker) and exits cleanly
 *    (under ASan, LeakSanitizer checks the exit);
 *  - ping: while one client's pipelined texts are with the workers another
 *    client's ping and stats are answered, and that stats reply shows the
 *    texts not all done yet (an order, not a time);
 *  - long texts at once: three clients send texts with more network words
 *    than a connection's slots; one at a time has the text pool, the
 *    others wait for it, all byte for byte alike;
 *  - waits its turn: a long text that finds the text pool lent waits for
 *    it (its words still go to the workers) ahead of later texts;
 *  - stalled: a client that stops reading holds no text pool while its
 *    replies wait for room, so another client's long text goes on.
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
static char user_lex[600];
static char tagger_m[600], hom_m[600];
static char tmpdir[300];

static int start(it_daemon *d, const char *nworkers, const char *const *more) {
  const char *base[] = { "--model", model_path, "--workers", nworkers,
                         "--user-lexicon", user_lex, "--tagger", tagger_m,
                         "--homographs", hom_m };
  return it_start_args(d, base, 10, more);
}

static void stop(it_daemon *d) { ck_assert_int_eq(it_stop_clean(d), 0); }


/* n made-up words from seed on, separated by spaces and now and then a
 * comma, into buf (NUL-terminated); returns its length. */
static size_t unknown_text(char *buf, size_t cap, unsigned seed, int n) {
  size_t o = 0;
  for (int i = 0; i < n; i++) {
    char w[16];
    it_made_up(w, seed + (unsigned)i);
    int m = snprintf(buf + o, cap - o, "%s%s%s", i ? " " : "", w, i % 9 == 8 ? "," : "");
    if (m <= 0 || (size_t)m >= cap - o) abort(); /* the buffers fit */
    o += (size_t)m;
  }
  return o;
}

#define N_TEXTS 16
static char texts[N_TEXTS][8192];
static int text_opts[N_TEXTS][2]; /* model_only, beam */

static void make_texts(void) {
  static const char *fixed[] = {
    "Dr. Smith paid $3.50 on Jan. 5, 2021; the FBI met Zorbleton Quaxfield.",
    "I read it yesterday. I'll read it; they live here. Kubernetes and "
    "Snarfwoggle live music! I object to an object, said Blorptastic.",
    "John\xe2\x80\x99s na\xc3\xafve caf\xc3\xa9 Frimbulated the glorbs: call 555-1234!",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
    "plorf \xe4\xb8\xad qwxzv, NASA and CFO.",
  };
  int t = 0;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    snprintf(texts[t++], sizeof texts[0], "%s", fixed[i]);
  unknown_text(texts[t++], sizeof texts[0], 100, 200);  /* async, all network */
  unknown_text(texts[t++], sizeof texts[0], 100, 200);  /* again: the cache */
  unknown_text(texts[t++], sizeof texts[0], 150, 120);  /* half cached */
  unknown_text(texts[t++], sizeof texts[0], 1000, 400); /* over the slots: inline */
  unknown_text(texts[t++], sizeof texts[0], 2000, 256); /* exactly the slots */
  unknown_text(texts[t++], sizeof texts[0], 3000, 257); /* one more */
  snprintf(texts[t], sizeof texts[0], "%s", fixed[1]);
  text_opts[t++][0] = 1;                                /* model_only */
  unknown_text(texts[t], sizeof texts[0], 4000, 40);
  text_opts[t++][1] = 4;                                /* a beam */
  snprintf(texts[t], sizeof texts[0], "%s", fixed[0]);
  text_opts[t++][1] = 3;
  snprintf(texts[t++], sizeof texts[0], "%s", "");      /* empty */
  snprintf(texts[t++], sizeof texts[0], "%s", "ok \xff,,,,"); /* bad UTF-8 */
  unknown_text(texts[t++], sizeof texts[0], 100, 200);  /* cached by now */
  if (t != N_TEXTS) abort();
}

static char reply_mem[N_TEXTS][1 << 18];
static long reply_len[N_TEXTS];

/* Sends every text pipelined (two passes: replies read after each) and
 * keeps the raw reply payloads in reply_mem/reply_len. */
static void ask_all(const char *sock) {
  static char mem[1 << 18];
  int fd = it_connect(sock);
  ck_assert_int_ge(fd, 0);
  for (int half = 0; half < 2; half++) {
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    int lo = half ? N_TEXTS / 2 : 0, hi = half ? N_TEXTS : N_TEXTS / 2;
    for (int t = lo; t < hi; t++)
      ck_assert_int_eq(proto_encode_text_request(&b, (uint64_t)t + 1, texts[t],
                                                 (uint32_t)strlen(texts[t]),
                                                 text_opts[t][0], text_opts[t][1]), 0);
    ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
    for (int t = lo; t < hi; t++) {
      reply_len[t] = it_recv_frame(fd, reply_mem[t], sizeof reply_mem[t]);
      ck_assert_int_gt(reply_len[t], 0);
    }
  }
  close(fd);
}

static char ref_mem[N_TEXTS][1 << 18];
static long ref_len[N_TEXTS];

START_TEST(parity_with_inline) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "0", NULL), 0);
  ask_all(d.sock);
  stop(&d);
  for (int t = 0; t < N_TEXTS; t++) {
    ref_len[t] = reply_len[t];
    memcpy(ref_mem[t], reply_mem[t], (size_t)reply_len[t]);
  }
  { /* the references hold what the comparison is about */
    proto_reply r;
    char err[160];
    int sources[6] = { 0 };
    for (int t = 0; t < N_TEXTS; t++) {
      ck_assert_int_eq(proto_reply_decode(ref_mem[t], (size_t)ref_len[t], &r, err,
                                          sizeof err), PROTO_OK);
      for (uint32_t i = 0; r.ok && i < r.n_tokens; i++)
        for (uint32_t k = 0; k < r.tokens[i].n_words; k++) {
          int s = (int)r.tokens[i].words[k].source;
          if (s >= 0 && s < 6) sources[s]++;
        }
      proto_reply_free(&r);
    }
    ck_assert_int_gt(sources[PROTO_SOURCE_MODEL], 1000);
    ck_assert_int_gt(sources[PROTO_SOURCE_DICT], 10);
    ck_assert_int_gt(sources[PROTO_SOURCE_USER], 0);
    ck_assert_int_gt(sources[PROTO_SOURCE_LETTERS], 0);
    ck_assert_int_gt(sources[PROTO_SOURCE_HOMOGRAPH], 0);
  }
  static const struct { const char *workers, *spin; } cfg[] = {
    { "1", NULL }, { "2", "0" }, { "1", "1" } };
  for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
    const char *spin[] = { "--spin-us", cfg[c].spin, NULL };
    ck_assert_int_eq(start(&d, cfg[c].workers, cfg[c].spin ? spin : NULL), 0);
    uint64_t w0 = 0, w1 = 0;
    ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w0), 0);
    ask_all(d.sock);
    ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w1), 0);
    for (int t = 0; t < N_TEXTS; t++)
      ck_assert_msg(reply_len[t] == ref_len[t] &&
                        memcmp(reply_mem[t], ref_mem[t], (size_t)ref_len[t]) == 0,
                    "--workers %s --spin-us %s: text %d differs from --workers 0",
                    cfg[c].workers, cfg[c].spin ? cfg[c].spin : "default", t);
    fprintf(stderr, "parity: --workers %s: %d text replies identical, %llu words "
                    "on the workers\n", cfg[c].workers, N_TEXTS,
            (unsigned long long)(w1 - w0));
    ck_assert_uint_gt(w1, w0 + 500);
    stop(&d);
  }
}
END_TEST

/* Model answers in a text reply payload. */
static int model_words(const char *p, long n) {
  proto_reply r;
  char err[160];
  ck_assert_int_eq(proto_reply_decode(p, (size_t)n, &r, err, sizeof err), PROTO_OK);
  ck_assert(r.ok);
  int m = 0;
  for (uint32_t i = 0; i < r.n_tokens; i++)
    for (uint32_t k = 0; k < r.tokens[i].n_words; k++)
      m += r.tokens[i].words[k].source == PROTO_SOURCE_MODEL;
  proto_reply_free(&r);
  return m;
}

static long ask_text(int fd, uint64_t id, const char *t, char *out, size_t cap) {
  static char mem[1 << 14];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_text_request(&b, id, t, (uint32_t)strlen(t), 0, 0), 0);
  ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
  long n = it_recv_frame(fd, out, cap);
  ck_assert_int_gt(n, 0);
  return n;
}

START_TEST(counted_by_workers) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  static char t[8192], a[1 << 17], b2[1 << 17];
  size_t tl = unknown_text(t, sizeof t, 5000, 150);
  snprintf(t + tl, sizeof t - tl, " The record, I read.");
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  uint64_t w0, w1, w2, tx;
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w0), 0);
  long na = ask_text(fd, 1, t, a, sizeof a);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w1), 0);
  long nb = ask_text(fd, 2, t, b2, sizeof b2);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w2), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "requests.text", &tx), 0);
  int m = model_words(a, na);
  fprintf(stderr, "counted: %d model words in the text, workers ran %llu, then "
                  "%llu for the repeat\n", m, (unsigned long long)(w1 - w0),
          (unsigned long long)(w2 - w1));
  ck_assert_int_gt(m, 100);
  ck_assert_uint_eq(w1 - w0, (uint64_t)m);  /* each network word on a worker */
  ck_assert_uint_eq(w2, w1);                /* the repeat: all from the cache */
  ck_assert_uint_eq(tx, 2);
  /* the same answer from the cache, apart from the id */
  ck_assert_int_eq(na, nb);
  close(fd);
  stop(&d);
}
END_TEST

START_TEST(vanishing_clients) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  static char mem[1 << 17], t[8192];
  for (int c = 0; c < 6; c++) {
    int fd = it_connect(d.sock);
    ck_assert_int_ge(fd, 0);
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    for (int q = 0; q < 4; q++) {
      /* 600 words (the text pool) and 250 (the connection's slots) in
       * turn, the first three clients starting with the long ones */
      unknown_text(t, sizeof t, 10000u + (unsigned)(c * 4 + q) * 700u,
                   (q + c / 3) % 2 ? 250 : 600);
      ck_assert_int_eq(proto_encode_text_request(&b, (uint64_t)q + 1, t,
                                                 (uint32_t)strlen(t), 0, 0), 0);
    }
    ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
    close(fd); /* gone before any reply */
  }
  /* the daemon still answers, texts included */
  ck_assert(it_aardvark_ok(d.sock));
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  static char a[1 << 17];
  long n = ask_text(fd, 9, "Quorbly read the record.", a, sizeof a);
  ck_assert_int_ge(model_words(a, n), 1);
  close(fd);
  uint64_t vanished = 0, cancelled = 0, ran = 0;
  /* until the workers have come back with (or skipped) every word sent */
  ck_assert_int_eq(it_workers_idle(d.sock, &ran), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.cancelled", &cancelled), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "connections.vanished", &vanished), 0);
  /* the text pool is back: a long text's network words go to the worker */
  fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  unknown_text(t, sizeof t, 90000u, 600);
  n = ask_text(fd, 10, t, a, sizeof a);
  close(fd);
  uint64_t ran2 = 0;
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &ran2), 0);
  ck_assert_int_gt(model_words(a, n), 450);
  ck_assert_uint_eq(ran2 - ran, (uint64_t)model_words(a, n));
  fprintf(stderr, "vanish: 6 clients gone with 4 texts of 600 or 250 unknown words each: "
                  "%llu seen vanished, %llu words cancelled, %llu run\n",
          (unsigned long long)vanished, (unsigned long long)cancelled,
          (unsigned long long)ran);
  stop(&d); /* exit 0: no slot left behind, nothing leaked (ASan) */
}
END_TEST

START_TEST(ping_during_text) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "1", NULL), 0);
  enum { N = 10 };
  static char mem[1 << 18], t[8192], a[1 << 17];
  int fa = it_connect(d.sock);
  ck_assert_int_ge(fa, 0);
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  for (int q = 0; q < N; q++) {
    /* half of them longer than a connection's slots: the text pool */
    unknown_text(t, sizeof t, 50000u + (unsigned)q * 700u, q % 2 ? 250 : 700);
    ck_assert_int_eq(proto_encode_text_request(&b, (uint64_t)q + 1, t,
                                               (uint32_t)strlen(t), 0, 0), 0);
  }
  ck_assert_int_eq(it_send_all(fa, b.data, b.len), 0);
  /* another client, while those texts are with the worker */
  int fb = it_connect(d.sock);
  ck_assert_int_ge(fb, 0);
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_request(&b, 100, PROTO_OP_PING, NULL, 0, 0, 0, 0);
  proto_encode_request(&b, 101, PROTO_OP_STATS, NULL, 0, 0, 0, 0);
  ck_assert_int_eq(it_send_all(fb, b.data, b.len), 0);
  proto_reply r;
  ck_assert_int_eq(it_recv_reply(fb, &r), 0);
  ck_assert(r.ok && r.id == 100);
  proto_reply_free(&r);
  ck_assert_int_eq(it_recv_reply(fb, &r), 0);
  ck_assert(r.ok && r.id == 101);
  uint64_t done = 0, words = 0;
  ck_assert(it_stat(&r, "requests.text", &done));
  ck_assert(it_stat(&r, "workers.words", &words));
  proto_reply_free(&r);
  close(fb);
  fprintf(stderr, "ping: answered with %llu of %d texts done, %llu words run\n",
          (unsigned long long)done, N, (unsigned long long)words);
  /* the loop answered the other client in the middle of the texts */
  ck_assert_uint_lt(done, N);
  for (int q = 0; q < N; q++) {
    long n = it_recv_frame(fa, a, sizeof a);
    ck_assert_int_gt(n, 0);
    ck_assert_int_ge(model_words(a, n), q % 2 ? 150 : 450);
  }
  close(fa);
  stop(&d);
}
END_TEST

/* ---- two long texts at once: one has the text pool, the other not ------ */

typedef struct longc {
  const char *sock;
  const char *ref;
  long ref_len;
  int same, n;
} longc;

static void *long_run(void *arg) {
  longc *c = arg;
  static __thread char mem[1 << 15], rep[1 << 18];
  int fd = it_connect(c->sock);
  if (fd < 0) return NULL;
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  for (int q = 0; q < 4; q++)
    proto_encode_text_request(&b, 8, texts[7], (uint32_t)strlen(texts[7]), 0, 0);
  if (it_send_all(fd, b.data, b.len) == 0)
    for (int q = 0; q < 4; q++) {
      long n = it_recv_frame(fd, rep, sizeof rep);
      if (n <= 0) break;
      c->n++;
      c->same += n == c->ref_len && memcmp(rep, c->ref, (size_t)n) == 0;
    }
  close(fd);
  return NULL;
}

START_TEST(long_texts_at_once) {
  it_daemon d;
  ck_assert_int_eq(start(&d, "0", NULL), 0);
  ask_all(d.sock); /* text 7 (400 network words) has id 8 */
  stop(&d);
  ck_assert_int_gt(model_words(reply_mem[7], reply_len[7]), 300);
  static char ref7[1 << 18];
  memcpy(ref7, reply_mem[7], (size_t)reply_len[7]);
  ck_assert_int_eq(start(&d, "2", NULL), 0);
  longc c[3];
  pthread_t th[3];
  for (int i = 0; i < 3; i++) {
    c[i] = (longc){ d.sock, ref7, reply_len[7], 0, 0 };
    ck_assert_int_eq(pthread_create(&th[i], NULL, long_run, &c[i]), 0);
  }
  for (int i = 0; i < 3; i++) {
    pthread_join(th[i], NULL);
    ck_assert_int_eq(c[i].n, 4);
    ck_assert_int_eq(c[i].same, 4);
  }
  stop(&d);
}
END_TEST

/* Long texts wait their turn for the text pool. A pipelines six long
 * texts of made-up words on one connection; B sends one after A's first
 * reply, while A's second holds the pool. B's text must neither run on the
 * loop (workers.words counts every network word of all seven) nor wait
 * behind all of A's: first come, first served puts it before A's third,
 * so when B's reply comes, requests.text shows A still has texts left
 * (an order, not a time). */
START_TEST(long_text_waits_its_turn) {
  enum { NA = 6, NW = 400 };
  static char tx[NA + 1][8192], ref[NA + 1][1 << 17], rep[1 << 17], mem[1 << 16];
  static long rlen[NA + 1];
  for (int i = 0; i <= NA; i++)
    unknown_text(tx[i], sizeof tx[i], 20000u + 1000u * (unsigned)i, NW);
  it_daemon d;
  ck_assert_int_eq(start(&d, "0", NULL), 0);
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  uint64_t net = 0;
  for (int i = 0; i <= NA; i++) {
    rlen[i] = ask_text(fd, (uint64_t)i + 1, tx[i], ref[i], sizeof ref[i]);
    int m = model_words(ref[i], rlen[i]);
    ck_assert_int_gt(m, 256); /* more than a connection's slots: the pool */
    net += (uint64_t)m;
  }
  close(fd);
  stop(&d);

  ck_assert_int_eq(start(&d, "1", NULL), 0);
  uint64_t w0, w1, waits, done;
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w0), 0);
  int a = it_connect(d.sock), b = it_connect(d.sock);
  ck_assert(a >= 0 && b >= 0);
  proto_buf pb;
  proto_buf_init(&pb, mem, sizeof mem);
  for (int i = 0; i < NA; i++)
    ck_assert_int_eq(proto_encode_text_request(&pb, (uint64_t)i + 1, tx[i],
                                               (uint32_t)strlen(tx[i]), 0, 0), 0);
  ck_assert_int_eq(it_send_all(a, pb.data, pb.len), 0);
  long n = it_recv_frame(a, rep, sizeof rep);
  ck_assert(n == rlen[0] && memcmp(rep, ref[0], (size_t)n) == 0);
  n = ask_text(b, NA + 1, tx[NA], rep, sizeof rep);
  ck_assert_int_eq(it_stat_of(d.sock, "requests.text", &done), 0);
  ck_assert_msg(n == rlen[NA] && memcmp(rep, ref[NA], (size_t)n) == 0, "B's reply");
  ck_assert_msg(done < NA + 1, "B was answered after all of A's texts (%llu done)",
                (unsigned long long)done);
  for (int i = 1; i < NA; i++) {
    n = it_recv_frame(a, rep, sizeof rep);
    ck_assert_msg(n == rlen[i] && memcmp(rep, ref[i], (size_t)n) == 0, "A's text %d", i);
  }
  close(a);
  close(b);
  ck_assert_int_eq(it_stat_of(d.sock, "workers.words", &w1), 0);
  ck_assert_int_eq(it_stat_of(d.sock, "text.pool_waits", &waits), 0);
  printf("turn: B answered with %llu of %d texts done; %llu network words, workers ran "
         "%llu; %llu pool waits\n", (unsigned long long)done, NA + 1,
         (unsigned long long)net, (unsigned long long)(w1 - w0), (unsigned long long)waits);
  ck_assert_uint_eq(w1 - w0, net);
  ck_assert_uint_ge(waits, 2); /* B, then A's third behind it */
  stop(&d);
}
END_TEST

/* A client pipelines long texts and never reads: its replies fill the
 * socket and both of the connection's buffers. It may not keep the text
 * pool while it waits for room, so another client's long text is answered
 * while it is still stalled. (When the pool went to a text whatever the
 * output held, the stalled client kept it from the moment its reply found
 * no room until --output-timeout, here 600 s: the other client's read
 * timed out.) */
START_TEST(stalled_reader) {
  enum { NA = 24, NW = 400 };
  static char tx[8192], rep[1 << 17];
  it_daemon d;
  const char *more[] = { "--output-timeout", "600", NULL };
  ck_assert_int_eq(start(&d, "1", more), 0);
  int a = it_connect(d.sock);
  ck_assert_int_ge(a, 0);
  static char mem[1 << 14];
  for (int i = 0; i < NA; i++) {
    unknown_text(tx, sizeof tx, 50000u + 1000u * (unsigned)i, NW);
    proto_buf pb;
    proto_buf_init(&pb, mem, sizeof mem);
    ck_assert_int_eq(proto_encode_text_request(&pb, (uint64_t)i + 1, tx,
                                               (uint32_t)strlen(tx), 0, 0), 0);
    ck_assert_int_eq(it_send_all(a, pb.data, pb.len), 0);
  }
  uint64_t ran = 0, answered = 0;
  ck_assert_int_eq(it_workers_idle(d.sock, &ran), 0); /* stalled for room */
  ck_assert_int_eq(it_stat_of(d.sock, "requests.text", &answered), 0);
  printf("stalled: %llu of %d long texts answered, %llu words run, before the "
         "other client asks\n", (unsigned long long)answered, NA, (unsigned long long)ran);
  ck_assert_uint_lt(answered, NA); /* the stall was reached */
  int b = it_connect(d.sock);
  ck_assert_int_ge(b, 0);
  unknown_text(tx, sizeof tx, 90000u, NW);
  long n = ask_text(b, 1, tx, rep, sizeof rep);
  ck_assert_int_gt(model_words(rep, n), 256); /* it needed the pool */
  close(b);
  for (int i = 0; i < NA; i++) { /* the stalled client is served once it reads */
    n = it_recv_frame(a, rep, sizeof rep);
    ck_assert_int_gt(n, 0);
    ck_assert_int_gt(model_words(rep, n), 256);
  }
  close(a);
  stop(&d);
}
END_TEST

int main(void) {
  const char *src = getenv("top_srcdir");
  int rc = it_g2p_en_model("it-text-workers", tmpdir, sizeof tmpdir, model_path,
                           sizeof model_path);
  if (rc != 0) return rc;
  snprintf(tagger_m, sizeof tagger_m, "%s/models/en-ewt-tagger.linm", src ? src : ".");
  snprintf(hom_m, sizeof hom_m, "%s/models/en-homographs.linm", src ? src : ".");
  snprintf(user_lex, sizeof user_lex, "%s/user.dict", tmpdir);
  FILE *uf = fopen(user_lex, "w");
  if (!uf || fputs("KUBERNETES  K UW2 B ER0 N EH1 T IY0 Z\n", uf) < 0 || fclose(uf))
    return 99;
  signal(SIGPIPE, SIG_IGN);
  make_texts();
  Suite *s = suite_create("it-text-workers");
  TCase *tc = tcase_create("text");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, parity_with_inline);
  tcase_add_test(tc, counted_by_workers);
  tcase_add_test(tc, vanishing_clients);
  tcase_add_test(tc, ping_during_text);
  tcase_add_test(tc, long_texts_at_once);
  tcase_add_test(tc, long_text_waits_its_turn);
  tcase_add_test(tc, stalled_reader);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  unlink(model_path);
  unlink(user_lex);
  rmdir(tmpdir);
  return failed ? 1 : 0;
}
