/* ping-load.h -- a ping's round trip while other clients load the daemon:
 * the part bench/text-ping and bench/nbest-ping share.
 *
 * ping_load_main() starts the heavy clients (threads running heavy(i),
 * i = 1..), gives them 300 ms, then pings every 5 ms on its own connection
 * (closed loop, one in flight) and prints "ping_us p50 N p99 N max N
 * UNIT_per_s N", where the rate is what the heavy clients added to
 * *done while the pings ran. A heavy client loops until
 * ping_load_stopping(). */
#ifndef RNNINFERD_BENCH_PING_LOAD_H
#define RNNINFERD_BENCH_PING_LOAD_H

int ping_load_main(int argc, char **argv, const char *name, void *(*heavy)(void *),
                   long *done, const char *unit);
int ping_load_stopping(void);
/* The daemon's socket (argv[1]), for the heavy clients. */
const char *ping_load_socket(void);

#endif
