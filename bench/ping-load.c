/* ping-load.c -- the ping side of bench/text-ping and bench/nbest-ping
 * (see ping-load.h). Pings go through the C client, so both benches time
 * the same round trip. */
#include "bench/ping-load.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "client/g2pclient.h"

static const char *sock;
static int stop;

int ping_load_stopping(void) { return __atomic_load_n(&stop, __ATOMIC_ACQUIRE); }

const char *ping_load_socket(void) { return sock; }

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int ping_load_main(int argc, char **argv, const char *name, void *(*heavy)(void *),
                   long *done, const char *unit) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SOCKET [PINGS [HEAVY_CLIENTS]]\n", name);
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
  if (!lat) return 1;
  long done0 = __atomic_load_n(done, __ATOMIC_RELAXED);
  uint64_t start = now_ns();
  for (int i = 0; i < n; i++) {
    uint64_t t0 = now_ns();
    if (g2pc_ping(c) != 0) return 1;
    lat[i] = now_ns() - t0;
    usleep(5000);
  }
  double secs = (double)(now_ns() - start) / 1e9;
  long got = __atomic_load_n(done, __ATOMIC_RELAXED) - done0;
  __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < nh; i++) pthread_join(th[i], NULL);
  g2pc_client_close(c);
  qsort(lat, (size_t)n, sizeof *lat, cmp_u64);
  printf("ping_us p50 %llu p99 %llu max %llu %s_per_s %.1f\n",
         (unsigned long long)(lat[n / 2] / 1000),
         (unsigned long long)(lat[(size_t)n * 99 / 100] / 1000),
         (unsigned long long)(lat[n - 1] / 1000), unit, got / secs);
  free(lat);
  return 0;
}
