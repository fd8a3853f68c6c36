/* g2p-example.c -- the smallest program that uses libg2pclient.
 *
 * It connects to rnninferd, asks for the pronunciation of one word and
 * prints it. It is built by tests/install-test.sh against an installed copy
 * of the library with nothing but pkg-config's flags:
 *
 *   cc -o g2p-example g2p-example.c $(pkg-config --cflags --libs g2pclient)
 *   ./g2p-example                      # default socket, "aardvark"
 *   ./g2p-example /tmp/rnninferd.sock phoneme
 *
 * The socket argument may be omitted or empty: the library then uses
 * $G2PC_SOCKET or its default path. */
#include <stdio.h>

#include <g2pclient.h>

int main(int argc, char **argv) {
  const char *socket_path = argc > 1 && argv[1][0] ? argv[1] : NULL;
  const char *word = argc > 2 ? argv[2] : "aardvark";
  g2pc_client *c;
  g2pc_result r;
  int rc;

  rc = g2pc_client_open(&c, socket_path, 0);
  if (rc != 0) {
    fprintf(stderr, "g2p-example: cannot connect: %s\n", g2pc_strerror(rc));
    return 1;
  }
  rc = g2pc_lookup(c, word, 0, &r);
  if (rc == 0)
    printf("%s\n", r.phones);
  else
    fprintf(stderr, "g2p-example: %s: %s (%s)\n", word, g2pc_strerror(rc),
            g2pc_client_last_error(c));
  g2pc_result_free(&r);
  g2pc_client_close(c);
  return rc == 0 ? 0 : 1;
}
