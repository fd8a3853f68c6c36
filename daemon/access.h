/* access.h -- who may connect: the optional SO_PEERCRED allow-list.
 *
 * With no --allow-uid and no --allow-gid everybody who can open the socket
 * file may talk to the daemon (the file's mode and group are the first
 * gate). With either list given, a peer is admitted when its uid is in the
 * uid list or its primary gid is in the gid list. */
#ifndef RNNINFERD_DAEMON_ACCESS_H
#define RNNINFERD_DAEMON_ACCESS_H

#include <stddef.h>
#include <sys/types.h>

#include "daemon/settings.h"

/* Appends the comma-separated users (names or numbers) in list to cfg's
 * uid allow-list. 0, or -1 with a message in err. */
int access_add_uids(daemon_config *cfg, const char *list, char *err,
                    size_t errlen);
/* Same for groups. */
int access_add_gids(daemon_config *cfg, const char *list, char *err,
                    size_t errlen);
/* Resolves one group name or number. 0 or -1. */
int access_parse_group(const char *name, gid_t *out);

int access_allowed(const daemon_config *cfg, uid_t uid, gid_t gid);

#endif
