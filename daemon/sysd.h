/* sysd.h -- the daemon's side of systemd: socket activation, readiness and
 * state notifications, watchdog.
 *
 * With libsystemd (HAVE_LIBSYSTEMD) these call sd_listen_fds() and
 * sd_notify(); without it, the activation protocol (LISTEN_PID/LISTEN_FDS)
 * and the notification datagram are spoken directly, so the daemon behaves
 * the same either way. Outside systemd every call is a harmless no-op. */
#ifndef RNNINFERD_DAEMON_SYSD_H
#define RNNINFERD_DAEMON_SYSD_H

#include <stddef.h>
#include <stdint.h>

/* 1 and *fd set when systemd passed us exactly one listening stream socket,
 * 0 when nothing was passed, -1 with a message in err otherwise. Clears the
 * LISTEN_* variables. */
int sysd_listen_fd(int *fd, char *err, size_t errlen);

/* 1 when systemd passed this process sockets (LISTEN_PID is ours and
 * LISTEN_FDS > 0), else 0. Changes nothing, so start-up can tell before
 * listening that no socket path of its own is needed. */
int sysd_socket_passed(void);

/* 1 when a service manager listens for notifications (NOTIFY_SOCKET set),
 * as under Type=notify. */
int sysd_notify_expected(void);

/* Sends a state string ("READY=1", "STOPPING=1", ...); no-op outside
 * systemd. */
void sysd_notify(const char *state);

/* The watchdog interval in microseconds, 0 when disabled. */
uint64_t sysd_watchdog_usec(void);

#endif
