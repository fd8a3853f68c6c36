/* filebuf.c -- see filebuf.h. One place that turns a path into bytes we
 * own, so the lexicon, the model and the tagger files refuse directories,
 * FIFOs, unreadable and changing files the same way and with the same
 * words. */
#include "common/filebuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *why, size_t whylen, const char *path, const char *what,
                int e) {
  if (why && whylen)
    snprintf(why, whylen, "%s: %s%s%s", path, what ? what : "",
             what && e ? ": " : "", e ? strerror(e) : "");
  return FILEBUF_EIO;
}

int filebuf_read(filebuf *fb, const char *path, uint64_t min_size,
                 uint64_t max_size, char *why, size_t whylen) {
  fb->base = NULL;
  fb->size = 0;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then
   * refuses it. It changes nothing for a regular file. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return fail(why, whylen, path, NULL, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return fail(why, whylen, path, NULL, e);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return fail(why, whylen, path, "not a regular file", 0);
  }
  fb->size = (uint64_t)st.st_size;
  if (min_size < 1) min_size = 1;
  /* the rounding below must not wrap */
  if (max_size > SIZE_MAX - 64) max_size = SIZE_MAX - 64;
  if (st.st_size < 0 || fb->size < min_size || fb->size > max_size) {
    close(fd);
    return FILEBUF_ESIZE;
  }
  size_t n = (size_t)fb->size;
  unsigned char *buf = aligned_alloc(64, (n + 63) & ~(size_t)63);
  if (!buf) {
    close(fd);
    return fail(why, whylen, path, "out of memory", ENOMEM);
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      close(fd);
      return fail(why, whylen, path, "read", e);
    }
    if (r == 0) {
      free(buf);
      close(fd);
      return fail(why, whylen, path,
                  "file shrank while being read (rewritten in place?)", 0);
    }
    got += (size_t)r;
  }
  /* one byte more than fstat said means a writer is appending */
  unsigned char extra;
  ssize_t r;
  do r = read(fd, &extra, 1);
  while (r < 0 && (errno == EINTR || errno == EAGAIN));
  close(fd);
  if (r != 0) {
    free(buf);
    return r > 0 ? fail(why, whylen, path,
                        "file grew while being read (rewritten in place?)", 0)
                 : fail(why, whylen, path, "read", errno);
  }
  fb->base = buf;
  return FILEBUF_OK;
}

void filebuf_free(filebuf *fb) {
  if (fb) {
    free(fb->base);
    fb->base = NULL;
  }
}
