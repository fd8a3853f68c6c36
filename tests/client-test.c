/* client-test.c -- libg2pclient against a small fake daemon in a thread.
 *
 * The fake speaks the real wire format (it uses proto/'s decoder and reply
 * encoder) and can misbehave on purpose: never answer, hang up in the middle
 * of a frame, answer with the wrong id or with garbage, or refuse work as
 * busy. It also records how many requests it had read before it wrote its
 * first reply, which is how the tests see that lookups are pipelined. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/g2pclient.h"
#include "proto/proto.h"

enum fake_mode {
  FAKE_OK,            /* answers correctly */
  FAKE_RESCORER,      /* answers correctly; info names a rescorer */
  FAKE_SILENT,        /* reads requests, never answers */
  FAKE_CLOSE_MID,     /* sends half a frame, then closes */
  FAKE_WRONG_ID,      /* answers with id + 1000 */
  FAKE_GARBAGE,       /* answers with a frame that is not msgpack */
  FAKE_BUSY,          /* words requests get a request-level busy error */
  FAKE_BATCHING,      /* reads until 4 requests are queued (or 300 ms), then answers */
  FAKE_FRAME_ERROR    /* answers frame_too_large with id 0, then closes */
};

typedef struct fake {
  enum fake_mode mode;
  uint32_t max_words;     /* advertised by info */
  char dir[40], path[64];
  int lfd;
  pthread_t th;
  /* observations */
  int words_requests, info_requests, max_queued;
  uint64_t last_id;
} fake;

static int read_exact(int fd, void *p, size_t n) {
  char *b = p;
  while (n > 0) {
    ssize_t r = read(fd, b, n);
    if (r <= 0) return -1;
    b += r;
    n -= (size_t)r;
  }
  return 0;
}

static void write_all(int fd, const void *p, size_t n) {
  const char *b = p;
  while (n > 0) {
    ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    b += w;
    n -= (size_t)w;
  }
}

static char *read_frame(int fd, uint32_t *len) {
  unsigned char h[4];
  if (read_exact(fd, h, 4)) return NULL;
  *len = proto_frame_length(h);
  char *p = malloc(*len ? *len : 1);
  if (read_exact(fd, p, *len)) {
    free(p);
    return NULL;
  }
  return p;
}

/* Upper-cases the word into phones; "missing" is not found; a word starting
 * with "multi" has two variants. */
static void answer(fake *f, int fd, const char *payload, uint32_t len) {
  static char out[1 << 20];
  proto_buf b;
  proto_limits lim;
  proto_slice words[PROTO_DEFAULT_MAX_WORDS];
  proto_request req = {.words = words, .words_cap = PROTO_DEFAULT_MAX_WORDS};
  char err[128], up[PROTO_DEFAULT_MAX_WORDS][80];
  proto_limits_default(&lim);
  lim.max_words = f->max_words;
  proto_buf_init(&b, out, sizeof out);
  int rc = proto_request_decode(payload, len, &lim, &req, err, sizeof err);
  f->last_id = req.id;
  if (rc) {
    proto_encode_error(&b, req.id, rc, err);
  } else if (req.op == PROTO_OP_PING) {
    proto_encode_pong(&b, req.id);
  } else if (req.op == PROTO_OP_INFO) {
    proto_info in = {.version = "9.9.9", .lexicon_words = 3, .lexicon_prons = 4};
    proto_limits_default(&in.limits);
    in.limits.max_words = f->max_words;
    if (f->mode == FAKE_RESCORER) {
      in.has_rescorer = 1;
      in.rescorer_name = "r2l-test";
      in.rescorer_checksum = 0xdeadbeef;
      in.rescorer_weight = 0.75;
      in.rescorer_hypotheses = 6;
      in.rescorer_gate = -2.25;
    }
    f->info_requests++;
    proto_encode_info(&b, req.id, &in);
  } else if (req.op == PROTO_OP_STATS) {
    proto_stat st[2] = {{"requests.words", (uint64_t)f->words_requests}, {"uptime_s", 7}};
    proto_encode_stats(&b, req.id, st, 2);
  } else if (f->mode == FAKE_BUSY) {
    proto_encode_error(&b, req.id, PROTO_E_BUSY, "too much in flight");
  } else {
    proto_words_writer w;
    f->words_requests++;
    proto_encode_words_begin(&w, &b, req.id, req.n_words);
    for (uint32_t i = 0; i < req.n_words; i++) {
      proto_word_result r = {0};
      uint32_t n = req.words[i].len < 79 ? req.words[i].len : 79;
      for (uint32_t k = 0; k < n; k++) {
        char ch = req.words[i].ptr[k];
        up[i][k] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
      }
      if (n == 7 && memcmp(req.words[i].ptr, "missing", 7) == 0) {
        r.error = PROTO_E_NOT_FOUND;
      } else if ((r.error = proto_word_check(req.words[i].ptr, req.words[i].len, &lim))) {
        /* per-word error */
      } else {
        r.source = req.opt_model_only ? PROTO_SOURCE_MODEL : PROTO_SOURCE_DICT;
        r.phones = up[i];
        r.phones_len = n;
        if (req.opt_variants) {
          r.n_variants = n >= 5 && memcmp(req.words[i].ptr, "multi", 5) == 0 ? 2 : 1;
          r.variant[0] = up[i];
          r.variant_len[0] = n;
          r.variant[1] = "ALT";
          r.variant_len[1] = 3;
        }
      }
      proto_encode_word(&w, &r);
    }
    proto_encode_words_end(&w);
  }
  if (f->mode == FAKE_WRONG_ID && req.op == PROTO_OP_WORDS) {
    proto_buf_reset(&b);
    proto_encode_pong(&b, req.id + 1000);
  }
  write_all(fd, b.data, b.len);
}

static void *fake_main(void *arg) {
  fake *f = arg;
  int fd = accept(f->lfd, NULL, NULL);
  if (fd < 0) return NULL;
  for (;;) {
    uint32_t len;
    char *p = read_frame(fd, &len);
    if (!p) break;
    if (f->mode == FAKE_SILENT) {
      free(p);
      continue;
    }
    if (f->mode == FAKE_CLOSE_MID) {
      write_all(fd, "\x00\x00\x00\x40\x83\xa2id", 8);
      free(p);
      break;
    }
    if (f->mode == FAKE_GARBAGE) {
      write_all(fd, "\x00\x00\x00\x03\xc1\xc1\xc1", 7);
      free(p);
      continue;
    }
    if (f->mode == FAKE_FRAME_ERROR) {
      char out[256];
      proto_buf b;
      proto_buf_init(&b, out, sizeof out);
      proto_encode_error(&b, 0, PROTO_E_FRAME_TOO_LARGE, NULL);
      write_all(fd, b.data, b.len);
      free(p);
      break;
    }
    if (f->mode == FAKE_BATCHING) {
      /* Collect requests until 4 are queued or the client pauses. */
      char *q[64];
      uint32_t ql[64];
      int n = 0;
      q[n] = p;
      ql[n++] = len;
      struct timeval tv = {0, 300 * 1000};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      while (n < 4 && (q[n] = read_frame(fd, &ql[n])) != NULL) n++;
      tv.tv_usec = 0;
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      if (n > f->max_queued) f->max_queued = n;
      for (int i = 0; i < n; i++) {
        answer(f, fd, q[i], ql[i]);
        free(q[i]);
      }
      continue;
    }
    answer(f, fd, p, len);
    free(p);
  }
  close(fd);
  return NULL;
}

static void fake_start(fake *f, enum fake_mode mode, uint32_t max_words) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memset(f, 0, sizeof *f);
  f->mode = mode;
  f->max_words = max_words;
  snprintf(f->dir, sizeof f->dir, "/tmp/g2pc-test.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(f->dir));
  snprintf(f->path, sizeof f->path, "%s/s", f->dir);
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
  f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  ck_assert_int_ge(f->lfd, 0);
  ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(f->lfd, 4), 0);
  ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void fake_stop(fake *f) {
  shutdown(f->lfd, SHUT_RDWR);
  pthread_join(f->th, NULL);
  close(f->lfd);
  unlink(f->path);
  rmdir(f->dir);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(lookup_one_word) {
  fake f;
  g2pc_client *c;
  g2pc_result r;
  fake_start(&f, FAKE_OK, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  ck_assert_str_eq(g2pc_client_socket_path(c), f.path);
  ck_assert_int_eq(g2pc_lookup(c, "aardvark", 0, &r), 0);
  ck_assert_str_eq(r.phones, "AARDVARK");
  ck_assert_int_eq(r.source, G2PC_SOURCE_DICT);
  ck_assert_uint_eq(r.n_variants, 0);
  g2pc_result_free(&r);
  ck_assert_ptr_null(r.phones);
  ck_assert_int_eq(g2pc_lookup(c, "missing", 0, &r), G2PC_ENOTFOUND);
  ck_assert_int_eq(r.error, G2PC_ENOTFOUND);
  ck_assert_ptr_null(r.phones);
  g2pc_result_free(&r);
  ck_assert_int_eq(g2pc_lookup(c, "", 0, &r), G2PC_EEMPTYWORD);
  g2pc_result_free(&r);
  ck_assert_int_eq(g2pc_lookup(c, "multiple", G2PC_VARIANTS | G2PC_MODEL_ONLY, &r), 0);
  ck_assert_int_eq(r.source, G2PC_SOURCE_MODEL);
  ck_assert_uint_eq(r.n_variants, 2);
  ck_assert_str_eq(r.variants[0], "MULTIPLE");
  ck_assert_str_eq(r.variants[1], "ALT");
  g2pc_result_free(&r);
  /* the connection survives per-word errors */
  ck_assert_int_eq(g2pc_ping(c), 0);
  ck_assert_int_eq(g2pc_lookup(c, NULL, 0, &r), G2PC_EINVAL);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(info_stats_ping) {
  fake f;
  g2pc_client *c;
  g2pc_server_info in;
  g2pc_stat *st;
  size_t n;
  fake_start(&f, FAKE_OK, 100);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  ck_assert_int_eq(g2pc_ping(c), 0);
  ck_assert_int_eq(g2pc_info(c, &in), 0);
  ck_assert_str_eq(in.version, "9.9.9");
  ck_assert_uint_eq(in.protocol, 1);
  ck_assert_uint_eq(in.lexicon_prons, 4);
  ck_assert_int_eq(in.has_model, 0);
  ck_assert_ptr_null(in.model_name);
  ck_assert_uint_eq(in.max_words, 100);
  g2pc_info_free(&in);
  g2pc_rescorer_info rs;
  ck_assert_int_eq(g2pc_info_rescorer(c, &rs), 0);
  ck_assert_ptr_null(rs.name); /* none */
  g2pc_rescorer_info_free(&rs);
  double gate = 1.0;
  ck_assert_int_eq(g2pc_info_rescore_gate(c, &gate), 0);
  ck_assert(gate == 0.0);
  ck_assert_int_eq(g2pc_info_rescorer(c, NULL), G2PC_EINVAL);
  ck_assert_int_eq(g2pc_stats(c, &st, &n), 0);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(st[1].name, "uptime_s");
  ck_assert(st[1].value == 7);
  g2pc_stats_free(st, n);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

/* A daemon with --rescore-model says so, and g2pc_info still answers as
 * before beside it. */
START_TEST(info_names_the_rescorer) {
  fake f;
  g2pc_client *c;
  fake_start(&f, FAKE_RESCORER, 100);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  g2pc_rescorer_info rs;
  ck_assert_int_eq(g2pc_info_rescorer(c, &rs), 0);
  ck_assert_str_eq(rs.name, "r2l-test");
  ck_assert_uint_eq(rs.checksum, 0xdeadbeef);
  ck_assert(rs.weight == 0.75);
  ck_assert_uint_eq(rs.hypotheses, 6);
  g2pc_rescorer_info_free(&rs);
  ck_assert_ptr_null(rs.name);
  g2pc_rescorer_info_free(&rs); /* twice is harmless */
  double gate = 1.0;
  ck_assert_int_eq(g2pc_info_rescore_gate(c, &gate), 0);
  ck_assert(gate == -2.25);
  ck_assert_int_eq(g2pc_info_rescore_gate(c, NULL), G2PC_EINVAL);
  g2pc_server_info in;
  ck_assert_int_eq(g2pc_info(c, &in), 0);
  ck_assert_str_eq(in.version, "9.9.9");
  ck_assert_uint_eq(in.max_words, 100);
  g2pc_info_free(&in);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

/* 1000 words with a daemon limit of 7 per request: split, pipelined (the
 * fake sees several requests before answering any), answered in order. */
START_TEST(lookup_many_splits_and_pipelines) {
  enum { N = 1000 };
  fake f;
  g2pc_client *c;
  static char buf[N][16];
  const char *w[N];
  static g2pc_result r[N];
  fake_start(&f, FAKE_BATCHING, 7);
  for (int i = 0; i < N; i++) {
    snprintf(buf[i], sizeof buf[i], i % 97 == 5 ? "missing" : "w%d", i);
    w[i] = buf[i];
  }
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 5000), 0);
  ck_assert_int_eq(g2pc_lookup_many(c, w, N, 0, r), 0);
  for (int i = 0; i < N; i++) {
    if (i % 97 == 5) {
      ck_assert_int_eq(r[i].error, G2PC_ENOTFOUND);
      continue;
    }
    char want[16];
    snprintf(want, sizeof want, "W%d", i);
    ck_assert_int_eq(r[i].error, 0);
    ck_assert_str_eq(r[i].phones, want);
  }
  g2pc_results_free(r, N);
  ck_assert_int_eq(f.info_requests, 1);
  ck_assert_int_eq(f.words_requests, (N + 6) / 7);
  ck_assert_int_ge(f.max_queued, 4);
  /* window 1: strictly one request at a time */
  f.max_queued = 0;
  ck_assert_int_eq(g2pc_client_set_window(c, 1), 0);
  ck_assert_int_eq(g2pc_lookup_many(c, w, 30, 0, r), 0);
  ck_assert_int_eq(f.max_queued, 1);
  ck_assert_str_eq(r[29].phones, "W29");
  g2pc_results_free(r, 30);
  ck_assert_int_eq(f.info_requests, 1); /* limits learned once */
  ck_assert_int_eq(g2pc_client_set_window(c, 0), G2PC_EINVAL);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(lookup_many_word_too_long_for_a_frame) {
  fake f;
  g2pc_client *c;
  g2pc_result r[3];
  char *huge = malloc(70000);
  memset(huge, 'a', 69999);
  huge[69999] = '\0';
  const char *w[3] = {"one", huge, "three"};
  fake_start(&f, FAKE_OK, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  ck_assert_int_eq(g2pc_lookup_many(c, w, 3, 0, r), 0);
  ck_assert_str_eq(r[0].phones, "ONE");
  ck_assert_int_eq(r[1].error, G2PC_EWORDTOOLONG);
  ck_assert_str_eq(r[2].phones, "THREE");
  g2pc_results_free(r, 3);
  free(huge);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(timeout_when_server_never_answers) {
  fake f;
  g2pc_client *c;
  g2pc_result r;
  fake_start(&f, FAKE_SILENT, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 200), 0);
  ck_assert_int_eq(g2pc_lookup(c, "aardvark", 0, &r), G2PC_ETIMEDOUT);
  ck_assert_int_eq(r.error, G2PC_ETIMEDOUT);
  ck_assert_ptr_null(r.phones);
  g2pc_result_free(&r);
  ck_assert_str_ne(g2pc_client_last_error(c), "");
  /* the handle is unusable afterwards: the reply may still arrive */
  ck_assert_int_eq(g2pc_ping(c), G2PC_EBROKEN);
  ck_assert_int_eq(g2pc_lookup(c, "x", 0, &r), G2PC_EBROKEN);
  g2pc_result_free(&r);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(closed_mid_frame) {
  fake f;
  g2pc_client *c;
  const char *w[2] = {"a", "b"};
  g2pc_result r[2];
  fake_start(&f, FAKE_CLOSE_MID, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  ck_assert_int_eq(g2pc_lookup(c, "aardvark", 0, r), G2PC_ECLOSED);
  g2pc_result_free(r);
  ck_assert_int_eq(g2pc_lookup_many(c, w, 2, 0, r), G2PC_EBROKEN);
  ck_assert_int_eq(r[1].error, G2PC_EBROKEN);
  g2pc_results_free(r, 2);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(protocol_errors) {
  static const enum fake_mode modes[] = {FAKE_WRONG_ID, FAKE_GARBAGE};
  for (int m = 0; m < 2; m++) {
    fake f;
    g2pc_client *c;
    g2pc_result r;
    fake_start(&f, modes[m], 256);
    ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
    ck_assert_int_eq(g2pc_lookup(c, "aardvark", 0, &r), G2PC_EPROTO);
    g2pc_result_free(&r);
    ck_assert_int_eq(g2pc_ping(c), G2PC_EBROKEN);
    g2pc_client_close(c);
    fake_stop(&f);
  }
}
END_TEST

START_TEST(server_error_mapping) {
  fake f;
  g2pc_client *c;
  g2pc_result r[3];
  const char *w[3] = {"a", "b", "c"};
  fake_start(&f, FAKE_BUSY, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  /* a request-level error lands on each of its words; the call succeeds */
  ck_assert_int_eq(g2pc_lookup_many(c, w, 3, 0, r), 0);
  for (int i = 0; i < 3; i++) ck_assert_int_eq(r[i].error, G2PC_EBUSY);
  ck_assert_str_eq(g2pc_client_last_error(c), "too much in flight");
  g2pc_results_free(r, 3);
  ck_assert_int_eq(g2pc_ping(c), 0);
  g2pc_client_close(c);
  fake_stop(&f);

  fake_start(&f, FAKE_OK, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  /* beam 17 is refused by the daemon's decoder: bad_request on each word */
  ck_assert_int_eq(g2pc_lookup(c, "x", G2PC_BEAM(17), r), G2PC_EBADREQUEST);
  g2pc_result_free(r);
  ck_assert_int_eq(g2pc_lookup(c, "x", G2PC_BEAM(16), r), 0);
  g2pc_result_free(r);
  ck_assert_int_eq(g2pc_lookup(c, "\xed\xa0\x80", 0, r), G2PC_EBADUTF8);
  g2pc_result_free(r);
  g2pc_client_close(c);
  fake_stop(&f);

  /* id 0 frame errors: the daemon closes after them */
  fake_start(&f, FAKE_FRAME_ERROR, 256);
  ck_assert_int_eq(g2pc_client_open(&c, f.path, 2000), 0);
  ck_assert_int_eq(g2pc_ping(c), G2PC_EFRAMETOOLARGE);
  ck_assert_int_eq(g2pc_ping(c), G2PC_EBROKEN);
  g2pc_client_close(c);
  fake_stop(&f);
}
END_TEST

START_TEST(connect_errors_and_env) {
  g2pc_client *c = (g2pc_client *)1;
  ck_assert_int_eq(g2pc_client_open(&c, "/nonexistent/dir/sock", 500), G2PC_ECONNECT);
  ck_assert_ptr_null(c);
  char longpath[300];
  memset(longpath, 'x', sizeof longpath - 1);
  longpath[sizeof longpath - 1] = '\0';
  ck_assert_int_eq(g2pc_client_open(&c, longpath, 500), G2PC_ECONNECT);
  ck_assert_int_eq(g2pc_client_open(NULL, "/x", 500), G2PC_EINVAL);
  /* NULL path: $G2PC_SOCKET is used */
  fake f;
  fake_start(&f, FAKE_OK, 256);
  setenv("G2PC_SOCKET", f.path, 1);
  ck_assert_int_eq(g2pc_client_open(&c, NULL, 0), 0);
  ck_assert_str_eq(g2pc_client_socket_path(c), f.path);
  ck_assert_int_eq(g2pc_ping(c), 0);
  g2pc_client_close(c);
  unsetenv("G2PC_SOCKET");
  fake_stop(&f);
  /* default path without a per-user socket */
  char p[256];
  setenv("XDG_RUNTIME_DIR", "/nonexistent-xdg", 1);
  ck_assert_int_eq(g2pc_default_socket_path(p, sizeof p), 0);
  ck_assert_str_eq(p, "/run/rnninferd/rnninferd.sock");
  ck_assert_int_eq(g2pc_default_socket_path(p, 5), G2PC_EINVAL);
}
END_TEST

START_TEST(error_strings) {
  static const int codes[] = {G2PC_EINVAL, G2PC_ENOMEM, G2PC_ECONNECT, G2PC_ETIMEDOUT,
                              G2PC_ECLOSED, G2PC_EIO, G2PC_EPROTO, G2PC_EBROKEN, G2PC_ESERVER};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    ck_assert_str_ne(g2pc_strerror(codes[i]), "unknown error");
    ck_assert_str_ne(g2pc_error_name(codes[i]), "unknown");
  }
  for (int code = 1; code <= 13; code++) {
    ck_assert_str_ne(g2pc_strerror(G2PC_ESERVER_CODE(code)), "unknown error");
    ck_assert_str_eq(g2pc_error_name(G2PC_ESERVER_CODE(code)), proto_error_name(code));
  }
  ck_assert_str_eq(g2pc_error_name(G2PC_ENOTFOUND), "not_found");
  ck_assert_str_eq(g2pc_error_name(G2PC_ETIMEDOUT), "timeout");
  ck_assert_str_eq(g2pc_strerror(-9999), "unknown error");
  ck_assert_str_eq(g2pc_strerror(0), "success");
  ck_assert_str_ne(g2pc_version(), "");
}
END_TEST

static Suite *client_suite(void) {
  Suite *s = suite_create("client");
  TCase *t = tcase_create("fake-daemon");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, lookup_one_word);
  tcase_add_test(t, info_stats_ping);
  tcase_add_test(t, info_names_the_rescorer);
  tcase_add_test(t, lookup_many_splits_and_pipelines);
  tcase_add_test(t, lookup_many_word_too_long_for_a_frame);
  tcase_add_test(t, timeout_when_server_never_answers);
  tcase_add_test(t, closed_mid_frame);
  tcase_add_test(t, protocol_errors);
  tcase_add_test(t, server_error_mapping);
  tcase_add_test(t, connect_errors_and_env);
  tcase_add_test(t, error_strings);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(client_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
