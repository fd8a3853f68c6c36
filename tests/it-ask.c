/* it-ask.c -- a minimal client and sd_notify listener for the shell
 * integration tests.
 *
 *   it-ask SOCKET WORD...        prints "WORD<TAB>PHONES" (or
 *                                "WORD<TAB>error:NAME") per word; exit 0
 *                                when every word was answered, 1 otherwise
 *   it-ask --notify PATH SECONDS binds a datagram socket at PATH and prints
 *                                every notification received, one per line
 *                                (newlines inside become spaces), until
 *                                STOPPING=1 arrives or SECONDS pass
 *
 * Deliberately independent of libg2pclient: it speaks the protocol with
 * proto/ directly, so the daemon's tests do not depend on the client's. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tests/it-util.h"

static int notify_listen(const char *path, int seconds) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) return 2;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  unlink(path);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    perror("it-ask: notify socket");
    return 2;
  }
  printf("LISTENING\n");
  fflush(stdout);
  time_t end = time(NULL) + seconds;
  while (time(NULL) < end) {
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) continue;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\n') buf[i] = ' ';
    printf("%s\n", buf);
    fflush(stdout);
    if (strstr(buf, "STOPPING=1")) break;
  }
  close(fd);
  unlink(path);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--notify") == 0)
    return notify_listen(argv[2], atoi(argv[3]));
  if (argc < 3) {
    fprintf(stderr, "usage: it-ask SOCKET WORD... | it-ask --notify PATH SECONDS\n");
    return 2;
  }
  int fd = it_connect(argv[1]);
  if (fd < 0) {
    perror("it-ask: connect");
    return 1;
  }
  proto_reply rep;
  uint32_t n = (uint32_t)(argc - 2);
  if (it_words(fd, 1, (const char *const *)argv + 2, n, &rep) != 0) {
    fprintf(stderr, "it-ask: no reply\n");
    return 1;
  }
  int status = 0;
  if (!rep.ok) {
    fprintf(stderr, "it-ask: error %d %s\n", rep.error_code,
            rep.error_name ? rep.error_name : "");
    status = 1;
  }
  for (uint32_t i = 0; i < rep.n_words && i < n; i++) {
    if (rep.words[i].phones) {
      printf("%s\t%s\n", argv[2 + i], rep.words[i].phones);
    } else {
      printf("%s\terror:%s\n", argv[2 + i], proto_error_name(rep.words[i].error));
      status = 1;
    }
  }
  proto_reply_free(&rep);
  close(fd);
  return status;
}
