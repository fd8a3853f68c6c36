/* model-predict -- a test helper: phonemes for words read from stdin.
 *
 *   model-predict MODEL [KERNEL [BEAM]] < words > word<TAB>phones
 *   model-predict MODEL KERNEL logits0 < words > word<TAB>first-step logits
 *
 * Used by tests/model-attn.sh to compare the C decoders with a numpy
 * reference. Exits 77 when the named kernel table cannot run here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_format.h"
#include "kernels/kernels.h"

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: model-predict MODEL [KERNEL [BEAM]] < words\n");
    return 2;
  }
  const char *kernel = argc > 2 ? argv[2] : NULL;
  if (kernel && !kern_cpu_supports(kernel)) {
    fprintf(stderr, "model-predict: this CPU cannot run %s\n", kernel);
    return 77;
  }
  int logits0 = argc > 3 && strcmp(argv[3], "logits0") == 0;
  int beam = argc > 3 && !logits0 ? atoi(argv[3]) : 1;
  g2p_model *m;
  char err[512];
  if (g2p_model_open_ex(&m, argv[1], kernel, err, sizeof err)) {
    fprintf(stderr, "model-predict: %s\n", err);
    return 1;
  }
  size_t sb = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
  if (!s)
    return 1;
  char line[1024], out[G2P_TEXT_MAX];
  int rc = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\t\n")] = '\0';
    if (logits0) {
      float l[G2PM_MAX_SYMBOLS];
      int rc1 = g2p_model_forced(m, s, line, strlen(line), NULL, 1, l, NULL);
      if (rc1) {
        rc = 1;
        continue;
      }
      printf("%s", line);
      for (int j = 0; j < g2p_model_num_phonemes(m); j++)
        printf("%c%.7g", j ? ' ' : '\t', (double)l[j]);
      printf("\n");
      continue;
    }
    int n = g2p_model_predict(m, s, line, strlen(line), beam, out, sizeof out);
    if (n < 0) {
      fprintf(stderr, "model-predict: '%s': %s\n", line, g2p_strerror(n));
      rc = 1;
      continue;
    }
    printf("%s\t%.*s\n", line, n, out);
  }
  free(s);
  g2p_model_close(m);
  return rc;
}
