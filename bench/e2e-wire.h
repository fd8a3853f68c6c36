/* e2e-wire.h -- socket and frame helpers shared by the end-to-end bench tools.
 *
 * The bench must not let its own bookkeeping show up in what it measures, so
 * everything here works in caller-provided buffers: no allocation, no stdio.
 * e2e_reply_scan() pulls the id and the ok flag out of a reply payload with a
 * bounds-checked msgpack walker instead of the allocating full decoder, which
 * the bench uses only outside its measuring loops (to check answers). */
#ifndef RNNINFERD_BENCH_E2E_WIRE_H
#define RNNINFERD_BENCH_E2E_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t e2e_now_ns(void);

/* Connects to a Unix stream socket, retrying refused/absent sockets for up
 * to timeout_s (so a server that is still starting is waited for). Returns
 * the fd or -1 with errno set. */
int e2e_connect_unix(const char *path, double timeout_s);

/* Blocking I/O on a blocking fd; retried on EINTR and short transfers.
 * Return 0, or -1 (errno set; errno 0 means the peer closed). */
int e2e_write_all(int fd, const void *p, size_t n);
int e2e_read_all(int fd, void *p, size_t n);

/* Reads one frame (header + payload) into buf; *payload_len receives L.
 * Returns 0, or -1 on I/O error, EOF, or when the frame exceeds cap
 * (errno EMSGSIZE). */
int e2e_read_frame(int fd, char *buf, size_t cap, uint32_t *payload_len);

/* Writes the 4-byte big-endian length header. */
void e2e_put_be32(void *p, uint32_t v);
uint32_t e2e_get_be32(const void *p);

/* Scans a reply payload (one msgpack map) for "id" (unsigned int) and "ok"
 * (bool); other values are skipped. Returns 0 when the payload is a
 * well-formed map holding both, -1 otherwise. */
int e2e_reply_scan(const void *payload, size_t len, uint64_t *id, int *ok);

#endif
