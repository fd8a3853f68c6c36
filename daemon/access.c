/* access.c -- peer-credential allow-list (see access.h).
 *
 * Names are resolved once, at start-up; the check itself compares numbers
 * and allocates nothing. */
#include "daemon/access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_number(const char *s, unsigned long *out) {
  char *end;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

static int parse_user(const char *name, uid_t *out) {
  unsigned long v;
  if (parse_number(name, &v) == 0) {
    if (v > (uid_t)-2) return -1;
    *out = (uid_t)v;
    return 0;
  }
  struct passwd *pw = getpwnam(name);
  if (!pw) return -1;
  *out = pw->pw_uid;
  return 0;
}

int access_parse_group(const char *name, gid_t *out) {
  unsigned long v;
  if (parse_number(name, &v) == 0) {
    if (v > (gid_t)-2) return -1;
    *out = (gid_t)v;
    return 0;
  }
  struct group *gr = getgrnam(name);
  if (!gr) return -1;
  *out = gr->gr_gid;
  return 0;
}

/* Parses the comma-separated items of list into the uid or gid list. */
static int for_each_item(daemon_config *cfg, const char *list, int groups,
                         char *err, size_t errlen) {
  char item[256];
  const char *p = list;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 0 || n >= sizeof item) {
      snprintf(err, errlen, "bad %s list \"%s\"", groups ? "group" : "user",
               list);
      return -1;
    }
    memcpy(item, p, n);
    item[n] = '\0';
    if (groups) {
      if (cfg->n_allow_gid >= DAEMON_ALLOW_MAX) {
        snprintf(err, errlen, "at most %d groups", DAEMON_ALLOW_MAX);
        return -1;
      }
      if (access_parse_group(item, &cfg->allow_gid[cfg->n_allow_gid]) != 0) {
        snprintf(err, errlen, "unknown group \"%s\"", item);
        return -1;
      }
      cfg->n_allow_gid++;
    } else {
      if (cfg->n_allow_uid >= DAEMON_ALLOW_MAX) {
        snprintf(err, errlen, "at most %d users", DAEMON_ALLOW_MAX);
        return -1;
      }
      if (parse_user(item, &cfg->allow_uid[cfg->n_allow_uid]) != 0) {
        snprintf(err, errlen, "unknown user \"%s\"", item);
        return -1;
      }
      cfg->n_allow_uid++;
    }
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

int access_add_uids(daemon_config *cfg, const char *list, char *err,
                    size_t errlen) {
  return for_each_item(cfg, list, 0, err, errlen);
}

int access_add_gids(daemon_config *cfg, const char *list, char *err,
                    size_t errlen) {
  return for_each_item(cfg, list, 1, err, errlen);
}

int access_allowed(const daemon_config *cfg, uid_t uid, gid_t gid) {
  if (cfg->n_allow_uid == 0 && cfg->n_allow_gid == 0) return 1;
  for (size_t i = 0; i < cfg->n_allow_uid; i++)
    if (cfg->allow_uid[i] == uid) return 1;
  for (size_t i = 0; i < cfg->n_allow_gid; i++)
    if (cfg->allow_gid[i] == gid) return 1;
  return 0;
}
