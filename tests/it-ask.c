/* it-ask.c -- a minimal client and sd_notify listener for the shell
 * integration tests.
 *
 *   it-ask SOCKET WORD...        prints "WORD<TAB>PHONES" (or
 *                                "WORD<TAB>error:NAME") per word; exit 0
 *                                when every word was answered, 1 otherwise
 *   it-ask --notify PATH SECONDS binds a datagram socket at PATH and prints
 *                                every notification received, one per line
 *                                (newlines inside become spaces), until
 *                                STOPPING=1 arrives or SECONDS pass
 *   it-ask --hold SOCKET N SECONDS opens N connections at once, pings on
 *                                each, and prints "answered A busy B
 *                                silent S": replies (pong / busy) within
 *                                SECONDS, and connections that got none
 *   it-ask --half SOCKET WORD...  as the first form, with the model only,
 *                                and shuts down its sending side before
 *                                reading (a half-close still gets replies)
 *   it-ask --idle SOCKET MS       three clients for 3*MS and more: one sends half a
 *                                frame, one nothing, one a ping every MS/8;
 *                                prints "partial closed|open idle
 *                                closed|open active A/N" (pings answered)
 *   it-ask --vanish SOCKET N WORDS  N clients in turn each send one request
 *                                of WORDS made-up words (no dictionary has
 *                                them) and close without reading
 *   it-ask --info SOCKET         prints the info reply's protocol minor,
 *                                model and rescorer, one "key value" line
 *                                each ("rescorer none" without one)
 *
 * Deliberately independent of libg2pclient: it speaks the protocol with
 * proto/ directly, so the daemon's tests do not depend on the client's. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tests/it-util.h"

static int notify_listen(const char *path, int seconds) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) return 2;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  unlink(path);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    perror("it-ask: notify socket");
    return 2;
  }
  printf("LISTENING\n");
  fflush(stdout);
  time_t end = time(NULL) + seconds;
  while (time(NULL) < end) {
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) continue;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\n') buf[i] = ' ';
    printf("%s\n", buf);
    fflush(stdout);
    if (strstr(buf, "STOPPING=1")) break;
  }
  close(fd);
  unlink(path);
  return 0;
}

#define HOLD_MAX 1000

static int hold(const char *path, int n, int seconds) {
  static int fds[HOLD_MAX];
  static struct pollfd pf[HOLD_MAX];
  char mem[64];
  proto_buf b;
  int answered = 0, busy = 0, silent = 0, other = 0;
  if (n < 1 || n > HOLD_MAX) return 2;
  proto_buf_init(&b, mem, sizeof mem);
  if (proto_encode_request(&b, 7, PROTO_OP_PING, NULL, 0, 0, 0, 0) != 0) return 2;
  for (int i = 0; i < n; i++) {
    fds[i] = it_connect(path);
    if (fds[i] < 0) {
      fprintf(stderr, "it-ask: connect %d: %s\n", i, strerror(errno));
      return 2;
    }
  }
  for (int i = 0; i < n; i++) {
    ssize_t w = send(fds[i], b.data, b.len, MSG_NOSIGNAL);
    (void)w; /* a refused connection may be closed already: read anyway */
    pf[i].fd = fds[i];
    pf[i].events = POLLIN;
  }
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int left = n;
  while (left > 0) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long ms = seconds * 1000L - ((t.tv_sec - t0.tv_sec) * 1000L +
                                 (t.tv_nsec - t0.tv_nsec) / 1000000L);
    if (ms <= 0 || poll(pf, (nfds_t)n, (int)ms) <= 0) break;
    for (int i = 0; i < n; i++) {
      if (pf[i].fd < 0 || !pf[i].revents) continue;
      proto_reply rep;
      if (it_recv_reply(fds[i], &rep) == 0) {
        if (rep.ok) answered++;
        else if (rep.error_code == PROTO_E_BUSY) busy++;
        else other++;
        proto_reply_free(&rep);
      } else {
        other++;
      }
      pf[i].fd = -1;
      left--;
    }
  }
  silent = left;
  printf("answered %d busy %d silent %d other %d\n", answered, busy, silent, other);
  for (int i = 0; i < n; i++) close(fds[i]);
  return silent || other ? 1 : 0;
}

static int vanish(const char *path, int n, int n_words) {
  static char text[PROTO_DEFAULT_MAX_WORDS][16];
  static proto_slice w[PROTO_DEFAULT_MAX_WORDS];
  static char mem[PROTO_DEFAULT_MAX_FRAME];
  if (n < 1 || n_words < 1 || n_words > (int)PROTO_DEFAULT_MAX_WORDS) return 2;
  for (int c = 0; c < n; c++) {
    for (int i = 0; i < n_words; i++) {
      unsigned v = (unsigned)(c * n_words + i);
      snprintf(text[i], sizeof text[i], "qzx%c%c%c%cvek", 'a' + v % 26,
               'a' + v / 26 % 26, 'a' + v / 676 % 26, 'a' + v / 17576 % 26);
      w[i].ptr = text[i];
      w[i].len = (uint32_t)strlen(text[i]);
    }
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    if (proto_encode_request(&b, 1, PROTO_OP_WORDS, w, (uint32_t)n_words, 0,
                             1, 0) != 0)
      return 2;
    int fd = it_connect(path);
    if (fd < 0 || it_send_all(fd, b.data, b.len) != 0) {
      fprintf(stderr, "it-ask: client %d: %s\n", c, strerror(errno));
      return 1;
    }
    close(fd);
  }
  return 0;
}

static int idle(const char *path, int ms) {
  int part = it_connect(path), quiet = it_connect(path), busy = it_connect(path);
  if (part < 0 || quiet < 0 || busy < 0) return 2;
  /* a frame announcing 100 bytes, of which 10 come */
  static const char half[14] = { 0, 0, 0, 100, (char)0x82, (char)0xa2, 'i', 'd' };
  if (it_send_all(part, half, sizeof half) != 0) return 2;
  char mem[64];
  proto_buf b;
  int asked = 0, answered = 0;
  for (int t = 0; t < 24; t++) {
    proto_buf_init(&b, mem, sizeof mem);
    if (proto_encode_request(&b, (uint64_t)t, PROTO_OP_PING, NULL, 0, 0, 0, 0) != 0)
      return 2;
    asked++;
    proto_reply rep;
    if (it_send_all(busy, b.data, b.len) == 0 && it_recv_reply(busy, &rep) == 0) {
      answered += rep.ok;
      proto_reply_free(&rep);
    }
    usleep((useconds_t)ms * 125u);
  }
  printf("partial %s idle %s active %d/%d\n",
         it_wait_eof(part, 0) == 1 ? "closed" : "open",
         it_wait_eof(quiet, 0) == 1 ? "closed" : "open", answered, asked);
  close(part);
  close(quiet);
  close(busy);
  return 0;
}

static int info(const char *sock) {
  char mem[64];
  proto_buf b;
  proto_buf_init(&b, mem, sizeof mem);
  proto_encode_request(&b, 5, PROTO_OP_INFO, NULL, 0, 0, 0, 0);
  int fd = it_connect(sock);
  if (fd < 0) {
    perror("it-ask: connect");
    return 1;
  }
  proto_reply r;
  int got = it_send_all(fd, b.data, b.len) == 0 && it_recv_reply(fd, &r) == 0;
  if (!got || !r.ok) {
    fprintf(stderr, "it-ask: no info reply\n");
    if (got) proto_reply_free(&r);
    close(fd);
    return 1;
  }
  const proto_info *in = &r.info;
  printf("protocol_minor %u\n", r.protocol_minor);
  printf("model %s\n", in->has_model ? in->model_name : "none");
  if (in->has_rescorer)
    printf("rescorer %s %08x weight %g hypotheses %u gate %g\n", in->rescorer_name,
           in->rescorer_checksum, in->rescorer_weight, in->rescorer_hypotheses,
           in->rescorer_gate);
  else
    printf("rescorer none\n");
  proto_reply_free(&r);
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--info") == 0)
    return info(argv[2]);
  if (argc == 4 && strcmp(argv[1], "--notify") == 0)
    return notify_listen(argv[2], atoi(argv[3]));
  if (argc == 4 && strcmp(argv[1], "--idle") == 0)
    return idle(argv[2], atoi(argv[3]));
  if (argc == 5 && strcmp(argv[1], "--vanish") == 0)
    return vanish(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc == 5 && strcmp(argv[1], "--hold") == 0)
    return hold(argv[2], atoi(argv[3]), atoi(argv[4]));
  int half = argc >= 3 && strcmp(argv[1], "--half") == 0;
  if (half) {
    argv++;
    argc--;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: it-ask SOCKET WORD... | it-ask --notify PATH SECONDS\n");
    return 2;
  }
  int fd = it_connect(argv[1]);
  if (fd < 0) {
    perror("it-ask: connect");
    return 1;
  }
  proto_reply rep;
  uint32_t n = (uint32_t)(argc - 2);
  int sent = 0;
  if (half) {
    static char mem[PROTO_DEFAULT_MAX_FRAME];
    static proto_slice w[PROTO_DEFAULT_MAX_WORDS];
    proto_buf b;
    if (n > PROTO_DEFAULT_MAX_WORDS) return 2;
    for (uint32_t i = 0; i < n; i++) {
      w[i].ptr = argv[2 + i];
      w[i].len = (uint32_t)strlen(argv[2 + i]);
    }
    proto_buf_init(&b, mem, sizeof mem);
    sent = proto_encode_request(&b, 1, PROTO_OP_WORDS, w, n, 0, 1, 0) == 0 &&
           it_send_all(fd, b.data, b.len) == 0 && shutdown(fd, SHUT_WR) == 0 &&
           it_recv_reply(fd, &rep) == 0;
  }
  if (half ? !sent : it_words(fd, 1, (const char *const *)argv + 2, n, &rep) != 0) {
    fprintf(stderr, "it-ask: no reply\n");
    return 1;
  }
  int status = 0;
  if (!rep.ok) {
    fprintf(stderr, "it-ask: error %d %s\n", rep.error_code,
            rep.error_name ? rep.error_name : "");
    status = 1;
  }
  for (uint32_t i = 0; i < rep.n_words && i < n; i++) {
    if (rep.words[i].phones) {
      printf("%s\t%s\n", argv[2 + i], rep.words[i].phones);
    } else {
      printf("%s\terror:%s\n", argv[2 + i], proto_error_name(rep.words[i].error));
      status = 1;
    }
  }
  proto_reply_free(&rep);
  close(fd);
  return status;
}
