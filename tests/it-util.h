/* it-util.h -- plumbing for the integration tests that run the real daemon.
 *
 * Starts daemon/rnninferd from the build tree on a socket in a fresh
 * temporary directory, talks to it over raw Unix sockets with the proto/
 * codec, and stops it. Shared by tests/it-*.c. */
#ifndef RNNINFERD_TESTS_IT_UTIL_H
#define RNNINFERD_TESTS_IT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/proto.h"

typedef struct it_daemon {
  pid_t pid;
  char dir[256];      /* temporary directory (socket, log) */
  char sock[300];     /* socket path */
  char log[300];      /* daemon's stderr */
} it_daemon;

/* Paths from the test environment; NULL when the build tree lacks them. */
const char *it_builddir(void);
/* A mkdtemp template in $TMPDIR (or /tmp) starting with prefix. */
void it_tempdir_template(char *buf, size_t cap, const char *prefix);
/* Fills d->dir/sock/log (mkdtemp) without starting anything. */
int it_prepare(it_daemon *d);
/* Starts the daemon on d->sock with the standard arguments (lexicon from
 * the build tree, --no-model unless extra has --model) plus extra
 * (NULL-terminated, may be NULL).
 * Waits until the socket answers. 0 or -1. */
int it_start(it_daemon *d, const char *const *extra);
/* Starts without waiting; returns the pid. */
pid_t it_spawn(it_daemon *d, const char *const *extra);
/* Waits up to ms for pid to exit; returns its exit status, 128+signal, or
 * -1 on timeout. */
int it_wait(pid_t pid, int ms);
/* SIGTERM and wait; returns the exit status (see it_wait). */
int it_stop(it_daemon *d);
/* Removes the temporary directory (best effort). */
void it_cleanup(it_daemon *d);
/* Prints the daemon's log to stderr (for failed tests). */
void it_dump_log(const it_daemon *d);
/* it_prepare then it_start with the arguments of base (nbase of them)
 * followed by more (NULL-terminated, may be NULL; at most 31 in all); the
 * log is printed when it does not start. 0 or -1. */
int it_start_args(it_daemon *d, const char *const *base, int nbase,
                  const char *const *more);
/* g2p_en's network converted into a fresh temporary directory: fills dir
 * (a mkdtemp of prefix) and model (dir/g2p_en.g2pm). Returns 0, 77 (with a
 * message naming what is missing: the build's lexicon and g2p-convert, or
 * ../shared's weights) or 99 (it could not be made). */
int it_g2p_en_model(const char *prefix, char *dir, size_t dcap, char *model,
                    size_t mcap);
/* it_stop, the log printed unless it exited 0, then it_cleanup; returns
 * the exit status. */
int it_stop_clean(it_daemon *d);

/* Connects (blocking, 10 s send/receive timeouts). fd or -1. */
int it_connect(const char *path);
int it_send_all(int fd, const void *p, size_t n);
/* Reads one frame payload into buf (cap bytes). Returns its length, -1 on
 * EOF before any byte, -2 on error or truncation, -3 if too large. */
long it_recv_frame(int fd, void *buf, size_t cap);
/* 1 when the peer has closed (EOF) within ms, 0 if not, -1 on error other
 * than a reset (a reset also counts as closed). */
int it_wait_eof(int fd, int ms);

/* Sends a words request for n words and decodes the reply into rep. 0 or -1. */
int it_words(int fd, uint64_t id, const char *const *words, uint32_t n,
             proto_reply *rep);
/* Sends a raw payload as one frame. */
int it_send_frame(int fd, const void *payload, size_t n);
/* Reads and decodes one reply. 0 or -1. */
int it_recv_reply(int fd, proto_reply *rep);
/* Opens a fresh connection, asks for "aardvark", checks the answer is
 * "AA1 R D V AA2 R K" from the dictionary. 1 when right, 0 otherwise. */
int it_aardvark_ok(const char *sock);
/* The same on an existing connection. */
int it_aardvark_ok_fd(int fd, uint64_t id);

/* A made-up word of 5-9 letters (rarely in CMUdict) for seed, into w
 * (10 bytes or more). */
void it_made_up(char *w, unsigned seed);

/* Looks up a counter in a stats reply; returns 1 and *v when present. */
int it_stat(const proto_reply *rep, const char *name, uint64_t *v);
/* Asks the daemon at sock for its stats on a fresh connection; 0 and *v
 * when the counter is there, -1 otherwise. */
int it_stat_of(const char *sock, const char *name, uint64_t *v);
/* Polls workers.words + workers.cancelled every 300 ms until it stops
 * moving (the workers are idle); 0 with *ran = workers.words, -1 when the
 * stats cannot be read. */
int it_workers_idle(const char *sock, uint64_t *ran);
/* On a fresh connection, a ping and then a stats request in one write:
 * 0 with counter name of the stats reply in *v once both are answered,
 * -1 otherwise. The reply order shows the loop answered in between. */
int it_ping_then_stat(const char *sock, const char *name, uint64_t *v);

/* Defined in a ThreadSanitizer build: tests skip what is only slow there. */
#if defined(__SANITIZE_THREAD__)
#define IT_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IT_UNDER_TSAN 1
#endif
#endif

/* A tiny msgpack writer for hand-made (and malformed) payloads. */
typedef struct it_bytes {
  unsigned char d[1 << 17];
  size_t n;
} it_bytes;
void mp_raw(it_bytes *b, const void *p, size_t n);
void mp_byte(it_bytes *b, unsigned v);
void mp_map(it_bytes *b, unsigned n);
void mp_array(it_bytes *b, unsigned n);
void mp_str(it_bytes *b, const char *s);
void mp_strn(it_bytes *b, const char *s, size_t n);
void mp_uint(it_bytes *b, uint64_t v);

#endif
