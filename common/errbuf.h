/* errbuf.h -- errors are values: a function returns an int code and, where
 * a human needs the detail, writes a message into a caller's buffer. This
 * is the one way the tree fills such a buffer. */
#ifndef RNNINFERD_COMMON_ERRBUF_H
#define RNNINFERD_COMMON_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Formats the message into err (errlen bytes, truncated, always
 * NUL-terminated; nothing when err is NULL or errlen 0) and returns code,
 * so a failure path reads `return err_set(err, errlen, CODE, "...", ...)`. */
int err_set(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same with a va_list. */
int err_vset(char *err, size_t errlen, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
