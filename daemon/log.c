/* log.c -- stderr logging with level and timestamp (see log.h).
 *
 * Formatting happens in a stack buffer and the record leaves in a single
 * write(2): no allocation, no stdio locking, safe from any thread. */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "rnninferd";
static enum dlog_level log_level = DLOG_INFO;
static int log_journal;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
/* syslog priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */
static const int level_prio[] = { 3, 4, 6, 7 };

void dlog_init(const char *progname, enum dlog_level level) {
  if (progname) {
    const char *slash = strrchr(progname, '/');
    log_prog = slash ? slash + 1 : progname;
  }
  log_level = level;
  log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void dlog_set_level(enum dlog_level level) { log_level = level; }

int dlog_enabled(enum dlog_level level) { return level <= log_level; }

int dlog_level_parse(const char *name) {
  for (int i = 0; i < 4; i++)
    if (strcmp(name, level_names[i]) == 0) return i;
  if (strcmp(name, "warning") == 0) return DLOG_WARN;
  return -1;
}

void dlog(enum dlog_level level, const char *fmt, ...) {
  if (level > log_level) return;
  char line[1024];
  size_t n = 0;
  int k;
  if (log_journal) {
    k = snprintf(line, sizeof line, "<%d>%s: ", level_prio[level],
                 level_names[level]);
  } else {
    struct timespec ts;
    struct tm tm;
    char when[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    k = snprintf(line, sizeof line, "%s.%03ldZ %s[%ld] %s: ", when,
                 ts.tv_nsec / 1000000L, log_prog, (long)getpid(),
                 level_names[level]);
  }
  if (k > 0) n = (size_t)k < sizeof line ? (size_t)k : sizeof line - 1;
  va_list ap;
  va_start(ap, fmt);
  k = vsnprintf(line + n, sizeof line - n, fmt, ap);
  va_end(ap);
  if (k > 0) n += (size_t)k < sizeof line - n ? (size_t)k : sizeof line - n - 1;
  line[n++] = '\n'; /* n <= sizeof line - 1 here */
  ssize_t w = write(STDERR_FILENO, line, n);
  (void)w;
}
