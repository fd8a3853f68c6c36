/* sysd.c -- socket activation, sd_notify and watchdog (see sysd.h).
 *
 * libsystemd is optional at configure time; the fallbacks below implement
 * the two small documented protocols (sd_listen_fds(3), sd_notify(3)) so
 * that a build without it still runs under systemd. */
#include "config.h"

#include "daemon/sysd.h"
#include "daemon/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#define LISTEN_FDS_START 3

static int env_number(const char *name, unsigned long long *out) {
  const char *s = getenv(name);
  char *end;
  if (!s || !*s) return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

static int count_listen_fds(void) {
#ifdef HAVE_LIBSYSTEMD
  return sd_listen_fds(1);
#else
  unsigned long long pid, n;
  int r = 0;
  if (env_number("LISTEN_PID", &pid) == 0 && pid == (unsigned long long)getpid()
      && env_number("LISTEN_FDS", &n) == 0 && n <= 64) {
    r = (int)n;
    for (int i = 0; i < r; i++)
      fcntl(LISTEN_FDS_START + i, F_SETFD, FD_CLOEXEC);
  }
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  return r;
#endif
}

int sysd_socket_passed(void) {
  unsigned long long pid, n;
  return env_number("LISTEN_PID", &pid) == 0 &&
         pid == (unsigned long long)getpid() &&
         env_number("LISTEN_FDS", &n) == 0 && n > 0;
}

int sysd_notify_expected(void) {
  const char *s = getenv("NOTIFY_SOCKET");
  return s && *s;
}

int sysd_listen_fd(int *fd, char *err, size_t errlen) {
  int n = count_listen_fds();
  if (n < 0) {
    snprintf(err, errlen, "socket activation: %s", strerror(-n));
    return -1;
  }
  if (n == 0) {
    if (sysd_notify_expected())
      log_info("started by systemd, but no socket passed by systemd "
               "(NOTIFY_SOCKET is set, LISTEN_FDS is not): binding the "
               "socket path myself");
    return 0;
  }
  if (n > 1) {
    snprintf(err, errlen, "socket activation: expected one socket, got %d", n);
    return -1;
  }
  int s = LISTEN_FDS_START, type = 0, listening = 0;
  socklen_t len = sizeof type;
  struct sockaddr_un sa;
  socklen_t salen = sizeof sa;
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
      getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &listening,
                 &(socklen_t){ sizeof listening }) != 0 ||
      getsockname(s, (struct sockaddr *)&sa, &salen) != 0 ||
      sa.sun_family != AF_UNIX || type != SOCK_STREAM || !listening) {
    snprintf(err, errlen,
             "socket activation: fd %d is not a listening AF_UNIX stream socket",
             s);
    return -1;
  }
  *fd = s;
  return 1;
}

#ifndef HAVE_LIBSYSTEMD
static void notify_raw(const char *state) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path) return;
  size_t n = strlen(path);
  struct sockaddr_un sa;
  if (n >= sizeof sa.sun_path || (path[0] != '/' && path[0] != '@')) return;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, n);
  if (path[0] == '@') sa.sun_path[0] = '\0';
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
  ssize_t w = sendto(s, state, strlen(state), MSG_NOSIGNAL,
                     (struct sockaddr *)&sa, salen);
  (void)w;
  close(s);
}
#endif

void sysd_notify(const char *state) {
#ifdef HAVE_LIBSYSTEMD
  sd_notify(0, state);
#else
  notify_raw(state);
#endif
}

uint64_t sysd_watchdog_usec(void) {
#ifdef HAVE_LIBSYSTEMD
  uint64_t usec = 0;
  return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
#else
  unsigned long long usec, pid;
  if (env_number("WATCHDOG_USEC", &usec) != 0) return 0;
  if (env_number("WATCHDOG_PID", &pid) == 0 &&
      pid != (unsigned long long)getpid())
    return 0;
  return usec;
#endif
}
