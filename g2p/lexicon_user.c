/* lexicon_user.c -- reads CMUdict text files into a lexicon image (see
 * lexicon_user.h). Runs at start-up and on reload, never per request: it may
 * allocate; the lexicon it returns is looked up like the compiled one. */
#include "g2p/lexicon_user.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/lexicon_build.h"

struct diag_ctx {
  lexicon_diag_fn diag;
  void *ctx;
  const char *path;
  unsigned long bad;
  unsigned long first_line;
  char first[160];
};

static void tell(struct diag_ctx *d, unsigned long line, const char *why,
                 const char *what, size_t len) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s:%lu: %s: %.*s", d->path, line, why,
           (int)(len > 80 ? 80 : len), what);
  if (d->bad++ == 0) {
    d->first_line = line;
    snprintf(d->first, sizeof d->first, "%s", why);
  }
  if (d->diag) d->diag(d->ctx, msg);
}

static void tell_drop(void *ctx, uint32_t line, const char *why, const char *what,
                      size_t len) {
  tell(ctx, line, why, what, len);
}

static int read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "user lexicon %s: %s", path, strerror(errno));
    return LEX_EIO;
  }
  size_t cap = 65536, n = 0;
  char *b = malloc(cap);
  while (b) {
    n += fread(b + n, 1, cap - n, f);
    if (n < cap || ferror(f)) break;
    if (cap >= LEXICON_USER_MAX_BYTES) {
      fclose(f);
      free(b);
      snprintf(err, errlen, "user lexicon %s: larger than %u MiB", path,
               LEXICON_USER_MAX_BYTES >> 20);
      return LEX_EIO;
    }
    char *nb = realloc(b, cap * 2);
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return LEX_ENOMEM;
  }
  if (bad) {
    free(b);
    snprintf(err, errlen, "user lexicon %s: read error", path);
    return LEX_EIO;
  }
  *buf = b;
  *len = n;
  return LEX_OK;
}

static int blank(char c) { return c == ' ' || c == '\t'; }

/* Adds every entry line of one file; bad lines are told and counted. */
static int parse(lexicon_builder *lb, const char *buf, size_t len, uint32_t prio,
                 struct diag_ctx *d) {
  const char *p = buf, *end = buf + len;
  unsigned long line = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    const char *le = eol;
    if (le > p && le[-1] == '\r') le--;
    line++;
    const char *q = p;
    p = eol + 1;
    while (q < le && blank(*q)) q++;
    if (q == le || *q == '#' || (le - q >= 3 && !memcmp(q, ";;;", 3))) continue;
    const char *k = q;
    while (q < le && !blank(*q)) q++;
    size_t kn = (size_t)(q - k);
    while (q < le && blank(*q)) q++;
    if (q == le || *q == '#') {
      tell(d, line, "no pronunciation after the word", k, (size_t)(le - k));
      continue;
    }
    const char *why = lexicon_builder_add(lb, k, kn, q, (size_t)(le - q),
                                          (uint32_t)line, prio);
    if (why) {
      if (!strcmp(why, "out of memory")) return LEX_ENOMEM;
      tell(d, line, why, k, (size_t)(le - k));
    }
  }
  return LEX_OK;
}

int lexicon_open_user(lexicon **out, const char *const *paths, size_t n,
                      lexicon_diag_fn diag, void *ctx, char *err, size_t errlen) {
  char tmp[8];
  if (!err || !errlen) {
    err = tmp;
    errlen = sizeof tmp;
  }
  err[0] = '\0';
  *out = NULL;
  if (n == 0) return LEX_OK;
  lexicon_builder *lb = lexicon_builder_create();
  if (!lb) {
    snprintf(err, errlen, "out of memory");
    return LEX_ENOMEM;
  }
  struct diag_ctx d = {diag, ctx, NULL, 0, 0, {0}};
  unsigned long bad_total = 0;
  const char *bad_file = NULL;
  unsigned long bad_line = 0;
  char bad_why[160] = "";
  int rc = LEX_OK;
  /* Lines are numbered per file; repeats are checked per file (a word
   * in two files is an override, not a repeat), so each file is built
   * alone once to find its own repeats, then all together. */
  for (size_t i = 0; i < n && rc == LEX_OK; i++) {
    char *buf = NULL;
    size_t len = 0;
    if ((rc = read_all(paths[i], &buf, &len, err, errlen)) != LEX_OK) break;
    lexicon_builder *one = lexicon_builder_create();
    d.path = paths[i];
    d.bad = 0;
    if (!one) {
      rc = LEX_ENOMEM;
    } else if ((rc = parse(one, buf, len, 0, &d)) == LEX_OK) {
      unsigned char *img = NULL;
      size_t il = 0;
      /* repeats within the file; the image itself is not needed */
      if (lexicon_builder_size(one) > 0 &&
          lexicon_builder_finish(one, &img, &il, tell_drop, &d) != 0)
        rc = LEX_ENOMEM;
      free(img);
      if (rc == LEX_OK && d.bad == 0) {
        struct diag_ctx quiet = {NULL, NULL, paths[i], 0, 0, {0}};
        rc = parse(lb, buf, len, (uint32_t)i, &quiet);
      }
    }
    lexicon_builder_destroy(one);
    free(buf);
    if (d.bad) {
      if (!bad_file) {
        bad_file = paths[i];
        bad_line = d.first_line;
        snprintf(bad_why, sizeof bad_why, "%s", d.first);
      }
      bad_total += d.bad;
    }
  }
  if (rc == LEX_ENOMEM) snprintf(err, errlen, "out of memory");
  if (rc == LEX_OK && bad_total) {
    snprintf(err, errlen, "user lexicon: %lu bad line%s (first: %s:%lu: %s)", bad_total,
             bad_total == 1 ? "" : "s", bad_file, bad_line, bad_why);
    rc = LEX_EENTRY;
  }
  if (rc == LEX_OK && lexicon_builder_size(lb) > 0) {
    unsigned char *img = NULL;
    size_t il = 0;
    if (lexicon_builder_finish(lb, &img, &il, NULL, NULL) != 0) {
      snprintf(err, errlen, "out of memory");
      rc = LEX_ENOMEM;
    } else {
      rc = lexicon_open_image(out, img, il, "user lexicon", err, errlen);
    }
  }
  lexicon_builder_destroy(lb);
  return rc;
}
