/* text.c -- the front end's entry points: the context (every buffer the
 * analysis can need, sized once from the limits) and text_analyze(), which
 * runs fold -> tokenize -> classify over one text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_impl.h"

void text_limits_default(text_limits *lim) {
  lim->max_bytes = TEXT_DEFAULT_MAX_BYTES;
  lim->max_tokens = TEXT_DEFAULT_MAX_TOKENS;
  lim->max_words = TEXT_DEFAULT_MAX_WORDS;
}

int text_ctx_create(text_ctx **out, const text_limits *lim) {
  if (!out) return TEXT_EINVAL;
  *out = NULL;
  text_limits d;
  if (!lim) {
    text_limits_default(&d);
    lim = &d;
  }
  if (lim->max_bytes == 0 || lim->max_tokens == 0 || lim->max_words == 0 ||
      lim->max_bytes > (1u << 26) || lim->max_tokens > (1u << 24) ||
      lim->max_words > (1u << 24))
    return TEXT_EINVAL;
  text_ctx *c = calloc(1, sizeof *c);
  if (!c) return TEXT_ENOMEM;
  c->lim = *lim;
  /* a code point folds to at most a few; 4x and a margin, checked anyway */
  c->f_cap = lim->max_bytes * 4 + 64;
  c->raw_cap = lim->max_tokens;
  c->rbuf_cap = c->f_cap * 4 + lim->max_tokens + 64;
  c->wbuf_cap = lim->max_words * 16 + 64;
  c->obyte = malloc(sizeof *c->obyte * ((size_t)lim->max_bytes + 1));
  c->fc = malloc(sizeof *c->fc * c->f_cap);
  c->fs = malloc(sizeof *c->fs * c->f_cap);
  c->fe = malloc(sizeof *c->fe * c->f_cap);
  c->raw = malloc(sizeof *c->raw * c->raw_cap);
  c->rbuf = malloc(c->rbuf_cap);
  c->tokens = malloc(sizeof *c->tokens * lim->max_tokens);
  c->words = malloc(sizeof *c->words * lim->max_words);
  c->wbuf = malloc(c->wbuf_cap);
  if (!c->obyte || !c->fc || !c->fs || !c->fe || !c->raw || !c->rbuf ||
      !c->tokens || !c->words || !c->wbuf) {
    text_ctx_destroy(c);
    return TEXT_ENOMEM;
  }
  *out = c;
  return TEXT_OK;
}

void text_ctx_destroy(text_ctx *c) {
  if (!c) return;
  free(c->obyte);
  free(c->fc);
  free(c->fs);
  free(c->fe);
  free(c->raw);
  free(c->rbuf);
  free(c->tokens);
  free(c->words);
  free(c->wbuf);
  free(c);
}

int text_analyze(text_ctx *ctx, const char *s, size_t n,
                 text_lexicon_has_fn has, void *opaque, text_result *out,
                 char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (!ctx || !out || (!s && n)) return TEXT_EINVAL;
  memset(out, 0, sizeof *out);
  if (n > ctx->lim.max_bytes) {
    if (err) snprintf(err, errlen, "text is %zu bytes, the limit is %u", n,
                      ctx->lim.max_bytes);
    return TEXT_ETOOLONG;
  }
  ctx->has = has;
  ctx->opaque = opaque;
  ctx->n_tokens = 0;
  ctx->n_words = 0;
  ctx->wbuf_len = 0;
  ctx->overflow = 0;
  int rc = text_fold_input(ctx, (const unsigned char *)(s ? s : ""), n, err, errlen);
  if (rc) return rc;
  rc = text_tokenize(ctx);
  if (rc == TEXT_ETOKENS) {
    ctx->n_raw = 0;
    if (err) snprintf(err, errlen, "text has more than %u tokens", ctx->lim.max_tokens);
    return rc;
  }
  if (rc) {
    if (err) snprintf(err, errlen, "%s", text_strerror(rc));
    return rc;
  }
  text_classify(ctx);
  if (ctx->overflow) {
    ctx->n_tokens = 0;
    ctx->n_words = 0;
    if (err) snprintf(err, errlen, "text needs more than %u spoken words",
                      ctx->lim.max_words);
    return ctx->overflow;
  }
  out->tokens = ctx->tokens;
  out->n_tokens = ctx->n_tokens;
  out->words = ctx->words;
  out->n_words = ctx->n_words;
  return TEXT_OK;
}

void text_last_result(const text_ctx *ctx, text_result *out) {
  out->tokens = ctx->tokens;
  out->n_tokens = ctx->n_tokens;
  out->words = ctx->words;
  out->n_words = ctx->n_words;
}
