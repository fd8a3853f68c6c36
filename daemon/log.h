/* log.h -- one-line log records on stderr.
 *
 * Every record carries a timestamp and a level. Under journald (the
 * JOURNAL_STREAM variable is set) the timestamp is left to the journal and
 * the level is also given as a "<N>" syslog prefix so that `journalctl -p`
 * works. A record is written with one write(2), so lines never interleave. */
#ifndef RNNINFERD_DAEMON_LOG_H
#define RNNINFERD_DAEMON_LOG_H

enum dlog_level {
  DLOG_ERROR = 0,
  DLOG_WARN = 1,
  DLOG_INFO = 2,
  DLOG_DEBUG = 3
};

void dlog_init(const char *progname, enum dlog_level level);
void dlog_set_level(enum dlog_level level);
int dlog_enabled(enum dlog_level level);
/* Parses "error", "warn", "info", "debug"; -1 when unknown. */
int dlog_level_parse(const char *name);

void dlog(enum dlog_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) dlog(DLOG_ERROR, __VA_ARGS__)
#define log_warn(...) dlog(DLOG_WARN, __VA_ARGS__)
#define log_info(...) dlog(DLOG_INFO, __VA_ARGS__)
#define log_debug(...) \
  do { if (dlog_enabled(DLOG_DEBUG)) dlog(DLOG_DEBUG, __VA_ARGS__); } while (0)

#endif
