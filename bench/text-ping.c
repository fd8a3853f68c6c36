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
#include <stdint.h>
#include <stddef.h>

#include "bench/ping-load.h"
#include "client/g2pclient.h"

static long texts;

static void *heavy(void *arg) {
  unsigned x = (unsigned)(uintptr_t)arg * 7919u + 1u;
  static __thread char text[8192];
  static __thread char buf[1 << 20];
  g2pc_client *c;
  if (g2pc_client_open(&c, ping_load_socket(), 60000) != 0) return NULL;
  while (!ping_load_stopping()) {
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

int main(int argc, char **argv) {
  return ping_load_main(argc, argv, "text-ping", heavy, &texts, "texts");
}
