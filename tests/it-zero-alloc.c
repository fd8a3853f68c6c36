/* it-zero-alloc.c -- after warm-up, answering requests allocates nothing.
 *
 * Starts rnninferd (with a network model when one can be made from
 * ../shared's g2p_en weights, so the kernel workers are exercised too),
 * runs a warm-up round of every kind of traffic, reads the jemalloc
 * per-thread allocation counters of the loop thread and of the workers
 * through the stats op, runs 10,000 mixed requests (dictionary words,
 * network words, running text through the text op (some of it made-up
 * words, whose network words go to the workers), written forms through
 * the words op (one of them read on a worker), per-word and request-level
 * errors, framing errors that close connections, new connections,
 * pipelined bursts and lone requests,
 * nbest requests on three connections at once, one waiting for a pool),
 * and checks that neither counter moved. A user lexicon is loaded and its
 * words (an override and a new word with variants) are in the traffic, so
 * lookups in it are covered too, and so are the stressless and IPA output
 * forms. The part-of-speech tagger and the homograph chooser are loaded
 * and the texts hold homographs, so tagging and choosing are covered.
 * Skips (77) when jemalloc is not
 * the daemon's allocator (sanitizer builds). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/it-util.h"

static it_daemon D;
static int with_model;
static char model_path[600];

/* Deterministic made-up words the dictionary lacks. */
static void made_up(char *w, unsigned k) {
  static const char *syl[] = { "zor", "qua", "blix", "tem", "vor", "shn",
                               "ept", "ra", "lun", "dax" };
  w[0] = '\0';
  for (int i = 0; i < 3; i++) strcat(w, syl[(k / (i ? 10 * i : 1)) % 10]);
}

static char big[1 << 20];

/* One request of kind k (0..9) on fd; reads and checks its reply. Returns
 * 1 when the connection was closed by the daemon (framing error). */
static int one_request(int fd, unsigned k, uint64_t id) {
  proto_buf b;
  proto_buf_init(&b, big, sizeof big);
  proto_slice sl[300];
  char w[4][32];
  proto_reply r;
  switch (k % 12) {
  case 0: case 1: { /* dictionary words */
    static const char *dw[] = { "aardvark", "zebra", "Read", "the", "quick",
                                "Kubernetes", "tomato" }; /* the last two: user */
    for (int i = 0; i < 7; i++) { sl[i].ptr = dw[i]; sl[i].len = (uint32_t)strlen(dw[i]); }
    /* every output form: ARPAbet, stressless, IPA with and without marks */
    /* and sometimes n-best (the variants as alternatives) */
    proto_opts o = {(int)(k % 2), 0, 0, id % 5 == 0, id % 3 == 0, id % 7 == 0};
    proto_encode_request_opts(&b, id, PROTO_OP_WORDS, sl, 7, &o);
    break;
  }
  case 2: case 3: { /* network words (not_found without a model) */
    for (int i = 0; i < 4; i++) {
      made_up(w[i], (unsigned)(id * 4 + (uint64_t)i));
      sl[i].ptr = w[i];
      sl[i].len = (uint32_t)strlen(w[i]);
    }
    /* a third of them n-best: the 4 best of a beam of 4 */
    proto_opts o = {0, 0, id % 3 == 0 ? 4 : 0, 0, 0, id % 3 == 0 ? 4 : 0};
    proto_encode_request_opts(&b, id, PROTO_OP_WORDS, sl, 4, &o);
    break;
  }
  case 4: { /* per-word errors mixed with good words */
    static const char *ew[] = { "", "\xff\xfe", "aardvark",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    for (int i = 0; i < 4; i++) { sl[i].ptr = ew[i]; sl[i].len = (uint32_t)strlen(ew[i]); }
    proto_encode_request(&b, id, PROTO_OP_WORDS, sl, 4, 0, 0, 0);
    break;
  }
  case 5: { /* too many words */
    for (int i = 0; i < 257; i++) { sl[i].ptr = "the"; sl[i].len = 3; }
    proto_encode_request(&b, id, PROTO_OP_WORDS, sl, 257, 0, 0, 0);
    break;
  }
  case 6: { /* not msgpack */
    static const unsigned char junk[] = { 0, 0, 0, 3, 0xc1, 0xc1, 0xc1 };
    memcpy(big, junk, sizeof junk);
    b.len = sizeof junk;
    break;
  }
  case 7: { /* unknown op, wrong types */
    it_bytes *p = malloc(sizeof *p);
    p->n = 0;
    mp_map(p, 2);
    mp_str(p, "id"); mp_uint(p, id);
    mp_str(p, id % 2 ? "op" : "words"); mp_str(p, "dance");
    unsigned n = (unsigned)p->n;
    unsigned char h[4] = { 0, 0, (unsigned char)(n >> 8), (unsigned char)n };
    memcpy(big, h, 4);
    memcpy(big + 4, p->d, n);
    b.len = 4 + n;
    free(p);
    break;
  }
  case 8:
    proto_encode_request(&b, id, id % 2 ? PROTO_OP_PING : PROTO_OP_INFO, NULL, 0,
                         0, 0, 0);
    break;
  case 10: { /* running text: every class of the front end */
    static const char *tx[] = {
        "Dr. Smith paid $3.50 on Jan. 5, 2021 at 3:30 pm; the FBI and NASA met.",
        "In 1984, 2008 and the '90s, 5% of 1,234 people ran 5 km (72\xc2\xb0" "F).",
        "John\xe2\x80\x99s na\xc3\xafve caf\xc3\xa9: call 555-1234, e-mail user@example.org!",
        "World War II, Henry VIII, Chapter IV, 1/2, 21st, COVID-19, A380 \xe4\xb8\xad.",
        "I read it yesterday. I'll read it; they live here. The lead singer's live "
        "music! I object to an object. Don't record the record, it's a permit."};
    const char *t = tx[(id / 12) % 5];
    char un[400];
    if ((id / 12) % 3 == 2) { /* unknown words: the network, on a worker */
      strcpy(un, "I read the record of");
      for (int i = 0; i < 12; i++) {
        char m[32];
        made_up(m, (unsigned)(id * 12 + (uint64_t)i));
        strcat(un, i % 4 == 3 ? ", " : " ");
        strcat(un, m);
      }
      strcat(un, ".");
      t = un;
    }
    proto_encode_text_request(&b, id, t, (uint32_t)strlen(t), id % 7 == 0, 0);
    break;
  }
  case 11: { /* written forms through the words op, or a malformed text */
    if ((id / 12) % 2) {
      /* the last: a made-up compound, which a worker reads */
      static char made[40];
      char a[16];
      it_made_up(a, (unsigned)id);
      snprintf(made, sizeof made, "%s-%u", a, (unsigned)(id % 97));
      const char *fw[] = { "42", "Dr.", "na\xc3\xafve", "$3.50", "FBI", made };
      for (int i = 0; i < 6; i++) { sl[i].ptr = fw[i]; sl[i].len = (uint32_t)strlen(fw[i]); }
      proto_encode_request(&b, id, PROTO_OP_WORDS, sl, 6, 0, 0, 0);
    } else {
      static const char bad[] = "ok \xff,,,,";
      proto_encode_text_request(&b, id, bad, (uint32_t)strlen(bad), 0, 0);
    }
    break;
  }
  default: { /* a frame over the limit: error reply, then closed */
    static const unsigned char huge[] = { 0, 2, 0, 0 };
    memcpy(big, huge, 4);
    b.len = 4;
    break;
  }
  }
  ck_assert_int_eq(it_send_all(fd, b.data, b.len), 0);
  ck_assert_int_eq(it_recv_reply(fd, &r), 0);
  int closes = k % 12 == 9;
  if (k % 12 <= 1 || k % 12 == 4 || k % 12 == 8 || k % 12 == 10 ||
      (k % 12 == 11 && (id / 12) % 2))
    ck_assert(r.ok);
  if (k % 12 == 10) ck_assert_uint_ge(r.n_tokens, 10);
  if (k % 12 <= 1) {
    ck_assert_uint_eq(r.n_words, 7);
    ck_assert_int_eq(r.words[5].source, PROTO_SOURCE_USER);
    ck_assert_int_eq(r.words[6].source, PROTO_SOURCE_USER);
    ck_assert_int_eq(r.words[0].source, PROTO_SOURCE_DICT);
  }
  if (k % 12 <= 3 && with_model) {
    for (uint32_t i = 0; i < r.n_words; i++) ck_assert_ptr_nonnull(r.words[i].phones);
    if (k % 12 >= 2 && id % 3 == 0)
      for (uint32_t i = 0; i < r.n_words; i++) ck_assert_uint_ge(r.words[i].n_alternatives, 1);
  }
  proto_reply_free(&r);
  return closes;
}

/* n requests over a few connections, some pipelined. */
static void traffic(unsigned n, uint64_t seed) {
  int fds[4];
  for (int i = 0; i < 4; i++) {
    fds[i] = it_connect(D.sock);
    ck_assert_int_ge(fds[i], 0);
  }
  unsigned done = 0;
  uint64_t id = seed;
  while (done < n) {
    int c = (int)(id % 4);
    unsigned k = (unsigned)(id * 7919u % 12u);
    if (id % 97 == 0) { /* a burst of 50 pipelined dictionary/network requests */
      proto_buf b;
      static char mem[1 << 16];
      proto_buf_init(&b, mem, sizeof mem);
      char w[50][32];
      for (int i = 0; i < 50; i++) {
        proto_slice s;
        if (i % 2) { s.ptr = "aardvark"; s.len = 8; }
        else { made_up(w[i], (unsigned)(id + (uint64_t)i)); s.ptr = w[i]; s.len = (uint32_t)strlen(w[i]); }
        proto_encode_request(&b, id + (uint64_t)i, PROTO_OP_WORDS, &s, 1, 0, 0, 0);
      }
      ck_assert_int_eq(it_send_all(fds[c], b.data, b.len), 0);
      for (int i = 0; i < 50; i++) {
        proto_reply r;
        ck_assert_int_eq(it_recv_reply(fds[c], &r), 0);
        ck_assert(r.id == id + (uint64_t)i);
        proto_reply_free(&r);
      }
      done += 50;
      id += 50;
      continue;
    }
    if (id % 89 == 0) { /* nbest network words on three connections at
                         * once: two nbest pools, so one of them waits */
      static char mem[3][4096];
      char w[3][8][32];
      for (int q = 0; q < 3; q++) {
        proto_slice sl[8];
        for (int i = 0; i < 8; i++) {
          made_up(w[q][i], (unsigned)(id * 24 + (uint64_t)q * 8 + (uint64_t)i));
          sl[i].ptr = w[q][i];
          sl[i].len = (uint32_t)strlen(w[q][i]);
        }
        proto_opts o = { 0, 0, 4, 0, 0, 4 };
        proto_buf b;
        proto_buf_init(&b, mem[q], sizeof mem[q]);
        ck_assert_int_eq(proto_encode_request_opts(&b, id + (uint64_t)q, PROTO_OP_WORDS,
                                                   sl, 8, &o), 0);
        ck_assert_int_eq(it_send_all(fds[(c + q) % 4], b.data, b.len), 0);
      }
      for (int q = 0; q < 3; q++) {
        proto_reply r;
        ck_assert_int_eq(it_recv_reply(fds[(c + q) % 4], &r), 0);
        ck_assert(r.ok && r.id == id + (uint64_t)q && r.n_words == 8);
        proto_reply_free(&r);
      }
      done += 3;
      id += 3;
      continue;
    }
    if (one_request(fds[c], k, id)) {
      close(fds[c]);
      fds[c] = it_connect(D.sock);
      ck_assert_int_ge(fds[c], 0);
    }
    done++;
    id++;
  }
  for (int i = 0; i < 4; i++) close(fds[i]);
}

START_TEST(no_allocation_after_warmup) {
  traffic(600, 1); /* warm-up: every path at least once */
  usleep(100000);
  uint64_t nw = 0, counters = 0;
  ck_assert_int_eq(it_stat_of(D.sock, "workers.count", &nw), 0);
  ck_assert_int_eq(it_stat_of(D.sock, "workers.alloc_counters", &counters), 0);
  ck_assert_msg(nw == counters, "%llu workers but %llu allocation counters",
                (unsigned long long)nw, (unsigned long long)counters);
  if (with_model) ck_assert(nw >= 1);
  uint64_t loop0, work0, loop1, work1, words0, words1;
  ck_assert_int_eq(it_stat_of(D.sock, "memory.loop_allocated_bytes", &loop0), 0);
  ck_assert_int_eq(it_stat_of(D.sock, "memory.workers_allocated_bytes", &work0), 0);
  ck_assert_int_eq(it_stat_of(D.sock, "words.total", &words0), 0);
  traffic(10000, 100000);
  usleep(100000);
  ck_assert_int_eq(it_stat_of(D.sock, "memory.loop_allocated_bytes", &loop1), 0);
  ck_assert_int_eq(it_stat_of(D.sock, "memory.workers_allocated_bytes", &work1), 0);
  ck_assert_int_eq(it_stat_of(D.sock, "words.total", &words1), 0);
  uint64_t waits = 0;
  ck_assert_int_eq(it_stat_of(D.sock, "nbest.pool_waits", &waits), 0);
  fprintf(stderr, "zero-alloc: %llu words answered (%s, %llu nbest waits for a "
                  "pool); loop thread allocated %llu -> %llu bytes, workers %llu -> %llu\n",
          (unsigned long long)(words1 - words0),
          with_model ? "with the network on a worker" : "dictionary only",
          (unsigned long long)waits,
          (unsigned long long)loop0, (unsigned long long)loop1,
          (unsigned long long)work0, (unsigned long long)work1);
  ck_assert(words1 - words0 > 10000);
  ck_assert(loop0 > 0); /* the counter works: start-up allocated */
  ck_assert_msg(loop1 == loop0, "the loop thread allocated %llu bytes",
                (unsigned long long)(loop1 - loop0));
  ck_assert_msg(work1 == work0, "the workers allocated %llu bytes",
                (unsigned long long)(work1 - work0));
}
END_TEST

int main(void) {
  char lex[512], npz[600], conv[600], cmd[2048];
  const char *src = getenv("top_srcdir");
  snprintf(lex, sizeof lex, "%s/data/cmudict.lex", it_builddir());
  if (access(lex, R_OK) != 0) {
    printf("it-zero-alloc: %s missing; skipped\n", lex);
    return 77;
  }
  if (it_prepare(&D) != 0) return 99;
  snprintf(npz, sizeof npz, "%s/../shared/data/g2p_en/checkpoint20.npz",
           src ? src : ".");
  snprintf(conv, sizeof conv, "%s/tools/g2p-convert", it_builddir());
  snprintf(model_path, sizeof model_path, "%s/g2p_en.g2pm", D.dir);
  if (access(npz, R_OK) == 0 && access(conv, X_OK) == 0) {
    snprintf(cmd, sizeof cmd, "'%s' -o '%s' '%s' >/dev/null", conv, model_path, npz);
    with_model = system(cmd) == 0;
  }
  char tagger_m[600], hom_m[600];
  snprintf(tagger_m, sizeof tagger_m, "%s/models/en-ewt-tagger.linm", src ? src : ".");
  snprintf(hom_m, sizeof hom_m, "%s/models/en-homographs.linm", src ? src : ".");
  char user_lex[600];
  snprintf(user_lex, sizeof user_lex, "%s/user.dict", D.dir);
  FILE *uf = fopen(user_lex, "w");
  if (!uf || fputs("# overrides and additions\nTOMATO  T AH0 M AA1 T OW0\n"
                   "KUBERNETES  K UW2 B ER0 N EH1 T IY0 Z\n"
                   "KUBERNETES(2)  K UW2 B ER0 N EH1 T EH0 S\n", uf) < 0 || fclose(uf)) {
    printf("it-zero-alloc: cannot write %s\n", user_lex);
    return 99;
  }
  const char *extra_model[] = { "--user-lexicon", user_lex, "--model", model_path,
                                "--workers", "1", "--tagger", tagger_m,
                                "--homographs", hom_m, NULL };
  const char *extra_dict[] = { "--user-lexicon", user_lex, "--tagger", tagger_m,
                               "--homographs", hom_m, NULL };
  int rc = it_start(&D, with_model ? extra_model : extra_dict);
  if (rc != 0) {
    it_dump_log(&D);
    return 99;
  }
  uint64_t je = 0;
  if (it_stat_of(D.sock, "memory.jemalloc", &je) != 0 || je != 1) {
    printf("it-zero-alloc: jemalloc is not the daemon's allocator (sanitizer "
           "build?); skipped\n");
    unlink(model_path);
    unlink(user_lex);
    it_cleanup(&D);
    return 77;
  }
  Suite *s = suite_create("it-zero-alloc");
  TCase *tc = tcase_create("zero-alloc");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, no_allocation_after_warmup);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  int st = it_stop(&D);
  if (failed || st != 0) it_dump_log(&D);
  unlink(model_path);
  unlink(user_lex);
  it_cleanup(&D);
  return failed || st != 0 ? 1 : 0;
}
