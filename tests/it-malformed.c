/* it-malformed.c -- the real daemon against every kind of bad input.
 *
 * One rnninferd (dictionary only) is started on a temporary socket. Each
 * malformed-input test connects a bystander first, sends the bad input on a
 * second connection, checks the reply code (and the id echo) or the close
 * that doc/protocol.md prescribes, and then checks that the bystander and a
 * brand-new client still get "aardvark" right. Further tests cover
 * pipelining, the connection limit, the allow-list, the socket-path rules
 * (stale socket replaced, live daemon and non-sockets refused) and SIGTERM. */
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
#include <sys/un.h>
#include <unistd.h>

#include "tests/it-util.h"

static it_daemon D;

static void daemon_up(void) {
  if (it_prepare(&D) != 0 || it_start(&D, NULL) != 0) {
    it_dump_log(&D);
    fprintf(stderr, "it-malformed: cannot start the daemon\n");
    abort();
  }
}

static void daemon_down(void) {
  int st = it_stop(&D);
  if (st != 0) {
    it_dump_log(&D);
    fprintf(stderr, "it-malformed: daemon exit status %d\n", st);
  }
  it_cleanup(&D);
}

/* ---- the pattern every malformed case follows ------------------------- */

typedef struct outcome {
  int code;        /* expected error code of the reply; 0 = no reply */
  uint64_t id;     /* expected echoed id */
  int closes;      /* the daemon closes the connection afterwards */
} outcome;

static void frame_of(it_bytes *out, const it_bytes *payload) {
  size_t n = payload->n;
  out->n = 0;
  mp_byte(out, (unsigned)(n >> 24) & 0xff);
  mp_byte(out, (unsigned)(n >> 16) & 0xff);
  mp_byte(out, (unsigned)(n >> 8) & 0xff);
  mp_byte(out, (unsigned)n & 0xff);
  mp_raw(out, payload->d, payload->n);
}

static void check_case(const void *bytes, size_t n, int shut_wr, outcome want) {
  int by = it_connect(D.sock);
  ck_assert_int_ge(by, 0);
  ck_assert_msg(it_aardvark_ok_fd(by, 1), "bystander before");
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(it_send_all(fd, bytes, n), 0);
  if (shut_wr) shutdown(fd, SHUT_WR);
  if (want.code) {
    proto_reply rep;
    ck_assert_int_eq(it_recv_reply(fd, &rep), 0);
    ck_assert(!rep.ok);
    ck_assert_int_eq(rep.error_code, want.code);
    ck_assert(rep.id == want.id);
    ck_assert_ptr_nonnull(rep.error_name);
    ck_assert_str_eq(rep.error_name, proto_error_name(want.code));
    proto_reply_free(&rep);
  }
  if (want.closes) {
    ck_assert_int_eq(it_wait_eof(fd, 5000), 1);
  } else {
    ck_assert_msg(it_aardvark_ok_fd(fd, 99), "same connection after the error");
  }
  close(fd);
  ck_assert_msg(it_aardvark_ok_fd(by, 2), "bystander after");
  close(by);
  ck_assert_msg(it_aardvark_ok(D.sock), "new client after");
}

static void check_payload(const it_bytes *payload, outcome want) {
  static it_bytes fr;
  frame_of(&fr, payload);
  check_case(fr.d, fr.n, 0, want);
}

/* ---- framing --------------------------------------------------------------- */

START_TEST(truncated_frame) {
  static const unsigned char b[] = { 0, 0, 0, 100, 0x83, 0xa2, 'i', 'd', 1 };
  check_case(b, sizeof b, 1, (outcome){ 0, 0, 1 });
}
END_TEST

START_TEST(truncated_header) {
  static const unsigned char b[] = { 0, 0 };
  check_case(b, sizeof b, 1, (outcome){ 0, 0, 1 });
}
END_TEST

START_TEST(peer_vanishes_mid_frame) {
  /* the peer closes completely (not just its write side) mid-frame */
  int by = it_connect(D.sock);
  ck_assert_int_ge(by, 0);
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  static const unsigned char b[] = { 0, 0, 1, 0, 0x83 };
  ck_assert_int_eq(it_send_all(fd, b, sizeof b), 0);
  close(fd);
  ck_assert(it_aardvark_ok_fd(by, 3));
  close(by);
  ck_assert(it_aardvark_ok(D.sock));
}
END_TEST

START_TEST(frame_too_large) {
  static const unsigned char b[] = { 0, 1, 0, 1, 0x80 }; /* 65537 > 65536 */
  check_case(b, sizeof b, 0, (outcome){ PROTO_E_FRAME_TOO_LARGE, 0, 1 });
}
END_TEST

START_TEST(frame_huge_length) {
  static const unsigned char b[] = { 0xff, 0xff, 0xff, 0xff };
  check_case(b, sizeof b, 0, (outcome){ PROTO_E_FRAME_TOO_LARGE, 0, 1 });
}
END_TEST

START_TEST(frame_zero_length) {
  static const unsigned char b[] = { 0, 0, 0, 0 };
  check_case(b, sizeof b, 0, (outcome){ PROTO_E_BAD_FRAME, 0, 1 });
}
END_TEST

START_TEST(frame_at_limit_is_fine) {
  /* a payload of exactly max_frame bytes is accepted (padding in an
   * ignored key) */
  static it_bytes p;
  static char pad[65536];
  p.n = 0;
  mp_map(&p, 4);
  mp_str(&p, "id"); mp_uint(&p, 31);
  mp_str(&p, "op"); mp_str(&p, "words");
  mp_str(&p, "words"); mp_array(&p, 1); mp_str(&p, "aardvark");
  mp_str(&p, "pad");
  size_t fixed = p.n + 3; /* str16 header */
  size_t padn = 65536 - fixed;
  memset(pad, 'x', padn);
  mp_strn(&p, pad, padn);
  ck_assert_uint_eq(p.n, 65536);
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(it_send_frame(fd, p.d, p.n), 0);
  proto_reply rep;
  ck_assert_int_eq(it_recv_reply(fd, &rep), 0);
  ck_assert(rep.ok);
  ck_assert(rep.id == 31);
  ck_assert_str_eq(rep.words[0].phones, "AA1 R D V AA2 R K");
  proto_reply_free(&rep);
  close(fd);
}
END_TEST

/* ---- payloads --------------------------------------------------------------- */

START_TEST(not_msgpack_reserved_byte) {
  static it_bytes p;
  p.n = 0;
  mp_byte(&p, 0xc1); /* never used in msgpack */
  check_payload(&p, (outcome){ PROTO_E_BAD_MSGPACK, 0, 0 });
}
END_TEST

START_TEST(not_msgpack_text) {
  static it_bytes p;
  p.n = 0;
  mp_raw(&p, "GET / HTTP/1.0\r\n", 16);
  check_payload(&p, (outcome){ PROTO_E_BAD_MSGPACK, 0, 0 });
}
END_TEST

START_TEST(not_msgpack_cut_map) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 3);
  mp_str(&p, "id");
  check_payload(&p, (outcome){ PROTO_E_BAD_MSGPACK, 0, 0 });
}
END_TEST

START_TEST(not_a_map) {
  static it_bytes p;
  p.n = 0;
  mp_array(&p, 2);
  mp_uint(&p, 1);
  mp_str(&p, "words");
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 0, 0 });
}
END_TEST

START_TEST(id_wrong_type) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 2);
  mp_str(&p, "id"); mp_str(&p, "seven");
  mp_str(&p, "op"); mp_str(&p, "ping");
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 0, 0 });
}
END_TEST

START_TEST(id_missing) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 1);
  mp_str(&p, "op"); mp_str(&p, "ping");
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 0, 0 });
}
END_TEST

START_TEST(op_missing) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 1);
  mp_str(&p, "id"); mp_uint(&p, 12);
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 12, 0 });
}
END_TEST

START_TEST(op_wrong_type) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 2);
  mp_str(&p, "id"); mp_uint(&p, 13);
  mp_str(&p, "op"); mp_uint(&p, 1);
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 13, 0 });
}
END_TEST

START_TEST(words_missing) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 2);
  mp_str(&p, "id"); mp_uint(&p, 14);
  mp_str(&p, "op"); mp_str(&p, "words");
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 14, 0 });
}
END_TEST

START_TEST(words_not_array) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 3);
  mp_str(&p, "id"); mp_uint(&p, 15);
  mp_str(&p, "op"); mp_str(&p, "words");
  mp_str(&p, "words"); mp_str(&p, "aardvark");
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 15, 0 });
}
END_TEST

START_TEST(word_not_string) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 3);
  mp_str(&p, "id"); mp_uint(&p, 16);
  mp_str(&p, "op"); mp_str(&p, "words");
  mp_str(&p, "words"); mp_array(&p, 2); mp_str(&p, "aardvark"); mp_uint(&p, 5);
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 16, 0 });
}
END_TEST

START_TEST(opts_wrong_type) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 4);
  mp_str(&p, "id"); mp_uint(&p, 17);
  mp_str(&p, "op"); mp_str(&p, "words");
  mp_str(&p, "words"); mp_array(&p, 1); mp_str(&p, "aardvark");
  mp_str(&p, "opts"); mp_map(&p, 1); mp_str(&p, "beam"); mp_uint(&p, 99);
  check_payload(&p, (outcome){ PROTO_E_BAD_REQUEST, 17, 0 });
}
END_TEST

START_TEST(unknown_op) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 2);
  mp_str(&p, "id"); mp_uint(&p, 18);
  mp_str(&p, "op"); mp_str(&p, "sing");
  check_payload(&p, (outcome){ PROTO_E_UNKNOWN_OP, 18, 0 });
}
END_TEST

START_TEST(too_many_words) {
  static it_bytes p;
  p.n = 0;
  mp_map(&p, 3);
  mp_str(&p, "id"); mp_uint(&p, 19);
  mp_str(&p, "op"); mp_str(&p, "words");
  mp_str(&p, "words"); mp_array(&p, 257);
  for (int i = 0; i < 257; i++) mp_str(&p, "aardvark");
  check_payload(&p, (outcome){ PROTO_E_TOO_MANY_WORDS, 19, 0 });
}
END_TEST

START_TEST(max_words_is_fine) {
  const char *w[256];
  for (int i = 0; i < 256; i++) w[i] = (i % 2) ? "aardvark" : "zebra";
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  proto_reply rep;
  ck_assert_int_eq(it_words(fd, 20, w, 256, &rep), 0);
  ck_assert(rep.ok);
  ck_assert_uint_eq(rep.n_words, 256);
  for (int i = 1; i < 256; i += 2)
    ck_assert_str_eq(rep.words[i].phones, "AA1 R D V AA2 R K");
  ck_assert_ptr_nonnull(rep.words[0].phones);
  ck_assert_str_eq(rep.words[0].phones, rep.words[2].phones);
  proto_reply_free(&rep);
  close(fd);
}
END_TEST

/* ---- per-word errors: the reply is ok, the word carries the error ------- */

static void check_words(const char *const *w, const int *codes, uint32_t n) {
  int by = it_connect(D.sock);
  ck_assert_int_ge(by, 0);
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  proto_reply rep;
  ck_assert_int_eq(it_words(fd, 21, w, n, &rep), 0);
  ck_assert(rep.ok);
  ck_assert(rep.id == 21);
  ck_assert_uint_eq(rep.n_words, n);
  for (uint32_t i = 0; i < n; i++) {
    ck_assert_int_eq(rep.words[i].error, codes[i]);
    if (codes[i]) {
      ck_assert_ptr_null(rep.words[i].phones);
      ck_assert_int_eq(rep.words[i].source, PROTO_SOURCE_NONE);
    } else {
      ck_assert_ptr_nonnull(rep.words[i].phones);
      ck_assert_int_eq(rep.words[i].source, PROTO_SOURCE_DICT);
    }
  }
  proto_reply_free(&rep);
  ck_assert(it_aardvark_ok_fd(fd, 22));
  ck_assert(it_aardvark_ok_fd(by, 23));
  close(fd);
  close(by);
}

START_TEST(word_too_long) {
  char longw[66];
  memset(longw, 'a', 65);
  longw[65] = '\0';
  char limitw[65];
  memset(limitw, 'b', 64);
  limitw[64] = '\0';
  const char *w[3] = { longw, "aardvark", limitw };
  /* 64 bytes is within the limit: it is looked up (and not found) */
  const int codes[3] = { PROTO_E_WORD_TOO_LONG, 0, PROTO_E_NOT_FOUND };
  check_words(w, codes, 3);
}
END_TEST

START_TEST(bad_utf8) {
  const char *w[5] = { "\xff", "aardvark", "a\xc0\x80" "b", "\xed\xa0\x80",
                       "caf\xc3" };
  const int codes[5] = { PROTO_E_BAD_UTF8, 0, PROTO_E_BAD_UTF8, PROTO_E_BAD_UTF8,
                         PROTO_E_BAD_UTF8 };
  check_words(w, codes, 5);
}
END_TEST

START_TEST(empty_word) {
  const char *w[3] = { "", "aardvark", "" };
  const int codes[3] = { PROTO_E_EMPTY_WORD, 0, PROTO_E_EMPTY_WORD };
  check_words(w, codes, 3);
}
END_TEST

START_TEST(not_found) {
  const char *w[3] = { "zzxqvkj", "AARDVARK", "qqqqqq" };
  const int codes[3] = { PROTO_E_NOT_FOUND, 0, PROTO_E_NOT_FOUND };
  check_words(w, codes, 3);
}
END_TEST

/* ---- pipelining, ops, stats --------------------------------------------- */

START_TEST(pipelining_100) {
  static char mem[1 << 16];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_slice a = { "aardvark", 8 }, z = { "zebra", 5 };
  for (uint64_t id = 1000; id < 1100; id++) {
    int rc;
    if (id % 10 == 3)
      rc = proto_encode_request(&b, id, PROTO_OP_PING, NULL, 0, 0, 0, 0);
    else
      rc = proto_encode_request(&b, id, PROTO_OP_WORDS, id % 2 ? &a : &z, 1, 0,
                                0, 0);
    ck_assert_int_eq(rc, 0);
  }
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0); /* all at once */
  for (uint64_t id = 1000; id < 1100; id++) {
    proto_reply rep;
    ck_assert_int_eq(it_recv_reply(fd, &rep), 0);
    ck_assert(rep.ok);
    ck_assert_msg(rep.id == id, "reply %llu out of order (want %llu)",
                  (unsigned long long)rep.id, (unsigned long long)id);
    if (id % 10 == 3) {
      ck_assert_int_eq(rep.op, PROTO_OP_PING);
    } else {
      ck_assert_uint_eq(rep.n_words, 1);
      ck_assert_str_eq(rep.words[0].phones,
                       id % 2 ? "AA1 R D V AA2 R K" : "Z IY1 B R AH0");
    }
    proto_reply_free(&rep);
  }
  close(fd);
}
END_TEST

typedef struct sender_job {
  int fd;
  const char *p;
  size_t n;
  int rc;
} sender_job;

static void *sender(void *arg) {
  sender_job *j = arg;
  j->rc = it_send_all(j->fd, j->p, j->n);
  return NULL;
}

START_TEST(pipelining_many_large) {
  /* more reply bytes than one output buffer holds while the client is not
   * reading yet: backpressure, then everything arrives in order */
  static char mem[1 << 20];
  const char *w[256];
  proto_slice sl[256];
  for (int i = 0; i < 256; i++) {
    w[i] = "aardvark";
    sl[i].ptr = w[i];
    sl[i].len = 8;
  }
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  for (uint64_t id = 1; id <= 200; id++)
    ck_assert_int_eq(proto_encode_request(&b, id, PROTO_OP_WORDS, sl, 256, 1, 0,
                                          0), 0);
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  /* write from a thread: the daemon stops reading while we are not reading
   * its replies, so one thread doing both in turn would deadlock */
  sender_job job = { fd, b.data, b.len, -1 };
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, sender, &job), 0);
  for (uint64_t id = 1; id <= 200; id++) {
    proto_reply rep;
    ck_assert_int_eq(it_recv_reply(fd, &rep), 0);
    ck_assert(rep.ok);
    ck_assert(rep.id == id);
    ck_assert_uint_eq(rep.n_words, 256);
    ck_assert_str_eq(rep.words[255].phones, "AA1 R D V AA2 R K");
    proto_reply_free(&rep);
  }
  pthread_join(th, NULL);
  ck_assert_int_eq(job.rc, 0);
  close(fd);
}
END_TEST

static int get_stats(int fd, uint64_t id, proto_reply *rep) {
  static char mem[256];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  if (proto_encode_request(&b, id, PROTO_OP_STATS, NULL, 0, 0, 0, 0) != 0)
    return -1;
  if (it_send_all(fd, b.data, b.len) != 0) return -1;
  return it_recv_reply(fd, rep);
}

START_TEST(stats_count_errors) {
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  proto_reply s0, s1;
  ck_assert_int_eq(get_stats(fd, 1, &s0), 0);
  ck_assert(s0.ok);
  static const unsigned char junk[] = { 0, 0, 0, 1, 0xc1 };
  ck_assert_int_eq(it_send_all(fd, junk, sizeof junk), 0);
  proto_reply e;
  ck_assert_int_eq(it_recv_reply(fd, &e), 0);
  ck_assert_int_eq(e.error_code, PROTO_E_BAD_MSGPACK);
  proto_reply_free(&e);
  ck_assert(it_aardvark_ok_fd(fd, 2));
  ck_assert_int_eq(get_stats(fd, 3, &s1), 0);
  uint64_t a, b2;
  ck_assert(it_stat(&s0, "errors.bad_msgpack", &a));
  ck_assert(it_stat(&s1, "errors.bad_msgpack", &b2));
  ck_assert(b2 >= a + 1);
  ck_assert(it_stat(&s0, "words.dict", &a));
  ck_assert(it_stat(&s1, "words.dict", &b2));
  ck_assert(b2 >= a + 1);
  ck_assert(it_stat(&s1, "connections.current", &a));
  ck_assert(a >= 1);
  ck_assert(it_stat(&s1, "latency_ns.words.count", &a));
  ck_assert(a >= 1);
  ck_assert(it_stat(&s1, "latency_ns.words.p50", &a));
  ck_assert(it_stat(&s1, "latency_ns.words.p99", &b2));
  ck_assert(a > 0 && a <= b2);
  ck_assert(it_stat(&s1, "memory.rss_bytes", &a));
  ck_assert(a > 0);
  proto_reply_free(&s0);
  proto_reply_free(&s1);
  close(fd);
}
END_TEST

START_TEST(info_op) {
  static char mem[256];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  ck_assert_int_eq(proto_encode_request(&b, 9, PROTO_OP_INFO, NULL, 0, 0, 0, 0), 0);
  int fd = it_connect(D.sock);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
  proto_reply rep;
  ck_assert_int_eq(it_recv_reply(fd, &rep), 0);
  ck_assert(rep.ok);
  ck_assert(rep.id == 9);
  ck_assert_int_eq(rep.op, PROTO_OP_INFO);
  ck_assert_uint_gt(rep.info.lexicon_words, 100000);
  ck_assert_uint_ge(rep.info.lexicon_prons, rep.info.lexicon_words);
  ck_assert_int_eq(rep.info.has_model, 0);
  ck_assert_uint_eq(rep.info.limits.max_frame, 65536);
  ck_assert_uint_eq(rep.info.limits.max_words, 256);
  ck_assert_uint_eq(rep.info.limits.max_word_bytes, 64);
  proto_reply_free(&rep);
  close(fd);
}
END_TEST

/* ---- tests with their own daemon ---------------------------------------- */

START_TEST(connection_limit) {
  it_daemon d;
  const char *extra[] = { "--max-connections", "2", NULL };
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, extra), 0);
  /* the start-up probe's slot is freed asynchronously: retry until two
   * connections are being served */
  int c1 = -1, c2 = -1;
  for (int i = 0; i < 100 && c2 < 0; i++) {
    int fd = it_connect(d.sock);
    if (fd >= 0 && it_aardvark_ok_fd(fd, 1)) {
      if (c1 < 0) c1 = fd; else c2 = fd;
      continue;
    }
    if (fd >= 0) close(fd);
    usleep(20000);
  }
  ck_assert(c1 >= 0 && c2 >= 0);
  int c3 = it_connect(d.sock);
  ck_assert_int_ge(c3, 0);
  proto_reply rep;
  ck_assert_int_eq(it_recv_reply(c3, &rep), 0);
  ck_assert(!rep.ok);
  ck_assert_int_eq(rep.error_code, PROTO_E_BUSY);
  proto_reply_free(&rep);
  ck_assert_int_eq(it_wait_eof(c3, 5000), 1);
  close(c3);
  ck_assert(it_aardvark_ok_fd(c2, 2));
  close(c1);
  /* the slot comes back */
  int ok = 0;
  for (int i = 0; i < 100 && !ok; i++) {
    ok = it_aardvark_ok(d.sock);
    if (!ok) usleep(20000);
  }
  ck_assert(ok);
  close(c2);
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(allow_list) {
  it_daemon d;
  char me[32], other[32];
  snprintf(me, sizeof me, "%u", (unsigned)getuid());
  snprintf(other, sizeof other, "%u", (unsigned)getuid() + 12345u);
  const char *deny[] = { "--allow-uid", other, NULL };
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, deny), 0);
  int fd = it_connect(d.sock);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(it_wait_eof(fd, 5000), 1); /* closed without a word */
  close(fd);
  ck_assert(!it_aardvark_ok(d.sock));
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);

  const char *allow[] = { "--allow-uid", other, "--allow-uid", me, NULL };
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, allow), 0);
  ck_assert(it_aardvark_ok(d.sock));
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(socket_mode_and_group) {
  it_daemon d;
  char gid[32];
  gid_t groups[64];
  int ng = getgroups(64, groups);
  gid_t g = ng > 0 ? groups[ng - 1] : getgid();
  snprintf(gid, sizeof gid, "%u", (unsigned)g);
  const char *extra[] = { "--socket-mode", "0620", "--socket-group", gid, NULL };
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, extra), 0);
  struct stat st;
  ck_assert_int_eq(lstat(d.sock, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));
  ck_assert_uint_eq(st.st_mode & 07777, 0620);
  ck_assert_uint_eq(st.st_gid, g);
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
  /* the default is 0666 */
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, NULL), 0);
  ck_assert_int_eq(lstat(d.sock, &st), 0);
  ck_assert_uint_eq(st.st_mode & 07777, 0666);
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(stale_socket_replaced) {
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  /* a socket file nobody listens on, as a crashed daemon leaves it */
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  strcpy(sa.sun_path, d.sock);
  ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
  close(s);
  struct stat st;
  ck_assert_int_eq(lstat(d.sock, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));
  ck_assert_int_eq(it_start(&d, NULL), 0);
  ck_assert(it_aardvark_ok(d.sock));
  ck_assert_int_eq(it_stop(&d), 0);
  it_cleanup(&d);
}
END_TEST

START_TEST(live_socket_refused) {
  it_daemon d = D; /* same socket path as the running daemon */
  snprintf(d.log, sizeof d.log, "%s/second.log", D.dir);
  pid_t pid = it_spawn(&d, NULL);
  ck_assert_int_gt(pid, 0);
  ck_assert_int_eq(it_wait(pid, 20000), 1);
  ck_assert(it_aardvark_ok(D.sock)); /* the first one is untouched */
  unlink(d.log);
}
END_TEST

START_TEST(non_socket_refused) {
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  int fd = open(d.sock, O_WRONLY | O_CREAT | O_EXCL, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "precious\n", 9), 9);
  close(fd);
  pid_t pid = it_spawn(&d, NULL);
  ck_assert_int_gt(pid, 0);
  ck_assert_int_eq(it_wait(pid, 20000), 1);
  d.pid = 0;
  char buf[32] = { 0 };
  fd = open(d.sock, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(read(fd, buf, sizeof buf - 1), 9);
  close(fd);
  ck_assert_str_eq(buf, "precious\n");
  it_cleanup(&d);
}
END_TEST

static void stop_signal(int sig) {
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  ck_assert_int_eq(it_start(&d, NULL), 0);
  int idle = it_connect(d.sock); /* an idle client must not hold up the exit */
  ck_assert_int_ge(idle, 0);
  ck_assert(it_aardvark_ok_fd(idle, 1));
  ck_assert_int_eq(kill(d.pid, sig), 0);
  ck_assert_int_eq(it_wait(d.pid, 10000), 0);
  d.pid = 0;
  ck_assert_int_eq(it_wait_eof(idle, 1000), 1);
  close(idle);
  struct stat st;
  ck_assert_int_ne(lstat(d.sock, &st), 0);
  ck_assert_int_eq(errno, ENOENT);
  it_cleanup(&d);
}

START_TEST(sigterm_exits_0) { stop_signal(SIGTERM); }
END_TEST

START_TEST(sigint_exits_0) { stop_signal(SIGINT); }
END_TEST

START_TEST(usage_errors) {
  it_daemon d;
  ck_assert_int_eq(it_prepare(&d), 0);
  const char *bad[][3] = { { "--beam", "0", NULL }, { "--max-frame", "x", NULL },
                           { "--bogus", NULL, NULL } };
  for (int i = 0; i < 3; i++) {
    pid_t pid = it_spawn(&d, bad[i]);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(it_wait(pid, 10000), 2);
  }
  d.pid = 0;
  it_cleanup(&d);
}
END_TEST

int main(void) {
  char lex[512];
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", it_builddir());
  if (access(lex, R_OK) != 0) {
    printf("it-malformed: %s missing; skipped\n", lex);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("it-malformed");
  TCase *tc = tcase_create("shared-daemon");
  tcase_add_unchecked_fixture(tc, daemon_up, daemon_down);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, truncated_frame);
  tcase_add_test(tc, truncated_header);
  tcase_add_test(tc, peer_vanishes_mid_frame);
  tcase_add_test(tc, frame_too_large);
  tcase_add_test(tc, frame_huge_length);
  tcase_add_test(tc, frame_zero_length);
  tcase_add_test(tc, frame_at_limit_is_fine);
  tcase_add_test(tc, not_msgpack_reserved_byte);
  tcase_add_test(tc, not_msgpack_text);
  tcase_add_test(tc, not_msgpack_cut_map);
  tcase_add_test(tc, not_a_map);
  tcase_add_test(tc, id_wrong_type);
  tcase_add_test(tc, id_missing);
  tcase_add_test(tc, op_missing);
  tcase_add_test(tc, op_wrong_type);
  tcase_add_test(tc, words_missing);
  tcase_add_test(tc, words_not_array);
  tcase_add_test(tc, word_not_string);
  tcase_add_test(tc, opts_wrong_type);
  tcase_add_test(tc, unknown_op);
  tcase_add_test(tc, too_many_words);
  tcase_add_test(tc, max_words_is_fine);
  tcase_add_test(tc, word_too_long);
  tcase_add_test(tc, bad_utf8);
  tcase_add_test(tc, empty_word);
  tcase_add_test(tc, not_found);
  tcase_add_test(tc, pipelining_100);
  tcase_add_test(tc, pipelining_many_large);
  tcase_add_test(tc, stats_count_errors);
  tcase_add_test(tc, info_op);
  tcase_add_test(tc, live_socket_refused);
  suite_add_tcase(s, tc);

  TCase *own = tcase_create("own-daemon");
  tcase_set_timeout(own, 90);
  tcase_add_test(own, connection_limit);
  tcase_add_test(own, allow_list);
  tcase_add_test(own, socket_mode_and_group);
  tcase_add_test(own, stale_socket_replaced);
  tcase_add_test(own, non_socket_refused);
  tcase_add_test(own, sigterm_exits_0);
  tcase_add_test(own, sigint_exits_0);
  tcase_add_test(own, usage_errors);
  suite_add_tcase(s, own);

  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
