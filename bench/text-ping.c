/* text-ping.c -- what a long text of unknown words costs the daemon's other
 * clients: one connection pings every 5 ms (closed loop, one in flight)
 * while others keep sending texts of about 900 made-up words each, new
 * ones every time so that the result cache does not answer them.
 *
 * The text op used to run a text's network words on the event loop, so a
 * ping waited for the whole text; with the network words on the kernel
 * workers it waits for the loop's share only. Run it against two daemons
 * side by side (bench/text-ping.sh) rather than reading one figure alone.
 *
 * Usage: text-ping SOCKET [PINGS [HEAVY_CLIENTS]]
 * Output: "ping_us p50 N p99 N max N texts_per_s N" on stdout (the texts
 * answered while the pings ran). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/g2pclient.h"

static const char *sock;
static int stop;
static long texts;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *heavy(void *arg) {
  unsigned x = (unsigned)(uintptr_t)arg * 7919u + 1u;
  static __thread char text[8192];
  static __thread char buf[1 << 20];
  g2pc_client *c;
  if (g2pc_client_open(&c, sock, 60000) != 0) return NULL;
  while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
    size_t n = 0;
    for (int w = 0; w < 900 && n + 12 < sizeof text; w++) {
      x = x * 1103515245u + 12345u;
      int len = 5 + (int)((x >> 16) % 4);
      if (n) text[n++] = ' ';
      for (int k = 0; k < len; k++) {
        x = x * 1103515245u + 12345u;
        text[n++] = (char)('a' + (x >> 16) % 26);
      }
    }
    g2pc_text_result r;
    if (g2pc_text(c, text, n, 0, &r, buf, sizeof buf, NULL) != 0) break;
    __atomic_add_fetch(&texts, 1, __ATOMIC_RELAXED);
  }
  g2pc_client_close(c);
  return NULL;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: text-ping SOCKET [PINGS [HEAVY_CLIENTS]]\n");
    return 2;
  }
  sock = argv[1];
  int n = argc > 2 ? atoi(argv[2]) : 400;
  int nh = argc > 3 ? atoi(argv[3]) : 1;
  if (n < 1 || nh < 0 || nh > 16) return 2;
  pthread_t th[16];
  for (int i = 0; i < nh; i++) pthread_create(&th[i], NULL, heavy, (void *)(uintptr_t)(i + 1));
  usleep(300000);
  g2pc_client *c;
  if (g2pc_client_open(&c, sock, 60000) != 0) return 1;
  uint64_t *lat = calloc((size_t)n, sizeof *lat);
  long texts0 = __atomic_load_n(&texts, __ATOMIC_RELAXED);
  uint64_t start = now_ns();
  for (int i = 0; i < n; i++) {
    uint64_t t0 = now_ns();
    if (g2pc_ping(c) != 0) return 1;
    lat[i] = now_ns() - t0;
    usleep(5000);
  }
  double secs = (double)(now_ns() - start) / 1e9;
  long done = __atomic_load_n(&texts, __ATOMIC_RELAXED) - texts0;
  __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < nh; i++) pthread_join(th[i], NULL);
  g2pc_client_close(c);
  qsort(lat, (size_t)n, sizeof *lat, cmp_u64);
  printf("ping_us p50 %llu p99 %llu max %llu texts_per_s %.1f\n",
         (unsigned long long)(lat[n / 2] / 1000),
         (unsigned long long)(lat[(size_t)n * 99 / 100] / 1000),
         (unsigned long long)(lat[n - 1] / 1000), done / secs);
  free(lat);
  return 0;
}
