/* nbest-ping.c -- what big nbest requests cost the daemon's other clients:
 * one connection pings every 5 ms (closed loop, one in flight) while
 * others keep sending words requests of 256 made-up words with beam 16 and
 * nbest 16 (model_only, new words every time).
 *
 * nbest requests used to be answered on the event loop, so a ping waited
 * for a whole request (~330 ms with the h384 int8 model); with their
 * network words on the kernel workers it waits for the loop's share only.
 * Run it against two daemons side by side (bench/nbest-ping.sh) rather
 * than reading one figure alone. The heavy clients talk the wire protocol
 * through proto/ (the C client has no many-word nbest call); the pings go
 * through the C client (bench/ping-load.c).
 *
 * Usage: nbest-ping SOCKET [PINGS [HEAVY_CLIENTS]]
 * Output: "ping_us p50 N p99 N max N nbest_words_per_s N" on stdout (the
 * words answered while the pings ran). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench/ping-load.h"
#include "proto/proto.h"

static long words_done;

static int connect_to(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int io_all(int fd, void *p, size_t n, int out) {
  char *c = p;
  while (n > 0) {
    ssize_t k = out ? send(fd, c, n, MSG_NOSIGNAL) : recv(fd, c, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Sends a frame and reads the reply's payload (discarded). 0 or -1. */
static int round_trip(int fd, const proto_buf *b, char *rep, size_t cap) {
  unsigned char h[4];
  if (io_all(fd, b->data, b->len, 1) != 0 || io_all(fd, h, 4, 0) != 0) return -1;
  uint32_t len = proto_frame_length(h);
  if (len > cap) return -1;
  return io_all(fd, rep, len, 0);
}

static void *heavy(void *arg) {
  unsigned x = (unsigned)(uintptr_t)arg * 7919u + 1u;
  static __thread char w[256][12], mem[1 << 14], rep[1 << 19];
  int fd = connect_to(ping_load_socket());
  if (fd < 0) return NULL;
  uint64_t id = 1;
  while (!ping_load_stopping()) {
    proto_slice sl[256];
    for (int i = 0; i < 256; i++) {
      x = x * 1103515245u + 12345u;
      int len = 5 + (int)((x >> 16) % 4);
      for (int k = 0; k < len; k++) {
        x = x * 1103515245u + 12345u;
        w[i][k] = (char)('a' + (x >> 16) % 26);
      }
      sl[i].ptr = w[i];
      sl[i].len = (uint32_t)len;
    }
    proto_opts o = { 0, 1, 16, 0, 0, 16 };
    proto_buf b;
    proto_buf_init(&b, mem, sizeof mem);
    if (proto_encode_request_opts(&b, id++, PROTO_OP_WORDS, sl, 256, &o) != 0 ||
        round_trip(fd, &b, rep, sizeof rep) != 0)
      break;
    __atomic_add_fetch(&words_done, 256, __ATOMIC_RELAXED);
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  return ping_load_main(argc, argv, "nbest-ping", heavy, &words_done, "nbest_words");
}
