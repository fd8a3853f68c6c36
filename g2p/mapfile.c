/* mapfile.c -- see mapfile.h. One place that turns a path into a mapping, so
 * the lexicon and the model refuse directories, FIFOs and unmappable files
 * the same way and with the same words. */
#include "g2p/mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int eio(char *why, size_t whylen, const char *path, const char *what,
               int e) {
  if (why && whylen)
    snprintf(why, whylen, "%s: %s%s%s", path, what ? what : "",
             what ? ": " : "", strerror(e));
  return MAPFILE_EIO;
}

int mapfile_open(mapfile *mf, const char *path, uint64_t min_size,
                 uint64_t max_size, char *why, size_t whylen) {
  mf->base = NULL;
  mf->size = 0;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then
   * refuses it. It changes nothing for the regular file mapped below. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return eio(why, whylen, path, NULL, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return eio(why, whylen, path, NULL, e);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    if (why && whylen) snprintf(why, whylen, "%s: not a regular file", path);
    return MAPFILE_EIO;
  }
  mf->size = (uint64_t)st.st_size;
  if (min_size < 1) min_size = 1;
  if (max_size > SIZE_MAX) max_size = SIZE_MAX;
  if (st.st_size < 0 || mf->size < min_size || mf->size > max_size) {
    close(fd);
    return MAPFILE_ESIZE;
  }
  void *map = mmap(NULL, (size_t)mf->size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);
  if (map == MAP_FAILED) return eio(why, whylen, path, "mmap", e);
  mf->base = map;
  return MAPFILE_OK;
}

void mapfile_close(mapfile *mf) {
  if (mf && mf->base) munmap((void *)mf->base, (size_t)mf->size);
  if (mf) mf->base = NULL;
}
