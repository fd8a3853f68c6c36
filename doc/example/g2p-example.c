/* g2p-example.c -- the smallest program that uses libg2pclient.
 *
 * It connects to rnninferd, asks for the pronunciation of one word and
 * prints it. It is built by tests/install-test.sh against an installed copy
 * of the library with nothing but pkg-config's flags:
 *
 *   cc -o g2p-example g2p-example.c $(pkg-config --cflags --libs g2pclient)
 *   ./g2p-example                      # default socket, "aardvark"
 *   ./g2p-example /tmp/rnninferd.sock phoneme
 *   ./g2p-example /tmp/rnninferd.sock phoneme 'Dr. Smith paid $3.50.'
 *
 * With a third argument it also reads that running text (the text op) into
 * a buffer of its own and prints each token and its words' phonemes.
 *
 * The socket argument may be omitted or empty: the library then uses
 * $G2PC_SOCKET or its default path. */
#include <stdio.h>
#include <string.h>

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
  if (rc == 0 && argc > 3) {
    static char buf[1 << 16]; /* the result lives here: nothing to free */
    g2pc_text_result t;
    size_t need;
    rc = g2pc_text(c, argv[3], strlen(argv[3]), 0, &t, buf, sizeof buf, &need);
    for (size_t i = 0; rc == 0 && i < t.n_tokens; i++) {
      printf("%s\t%s", t.tokens[i].kind, t.tokens[i].text);
      for (size_t k = 0; k < t.tokens[i].n_words; k++)
        printf("%s%s", k ? " | " : "\t",
               t.tokens[i].words[k].phones ? t.tokens[i].words[k].phones : "?");
      printf("\n");
    }
    if (rc != 0)
      fprintf(stderr, "g2p-example: text: %s (%s)\n", g2pc_strerror(rc),
              g2pc_client_last_error(c));
  }
  g2pc_client_close(c);
  return rc == 0 ? 0 : 1;
}
