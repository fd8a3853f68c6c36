/* control.h -- the daemon's lifecycle on top of the server: signals,
 * graceful drain, hot reload, systemd readiness and watchdog.
 *
 * Control sits above the server and its connections: it calls into them,
 * and they tell it only through the server's on_drained callback, which
 * control_start() installs. */
#ifndef RNNINFERD_DAEMON_CONTROL_H
#define RNNINFERD_DAEMON_CONTROL_H

#include "daemon/server.h"

/* Installs the signal handlers and the watchdog, tells systemd we are
 * ready. 0 or -1 (logged). */
int control_start(server *s);
/* Stops accepting, answers what clients already sent, then ends the loop
 * (a second call closes every connection at once). */
void control_drain(server *s);
/* Opens a fresh engine off the loop thread and swaps it in. */
void control_reload(server *s);

#endif
