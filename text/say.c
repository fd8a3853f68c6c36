/* say.c -- appends spoken words to the current token: lookup keys (checked
 * to be a-z and apostrophes: the network is never fed anything else) and
 * letter names. A full buffer sets ctx->overflow instead of writing. */
#include <string.h>

#include "text/text_impl.h"

static void add_word(text_ctx *ctx, const char *w, size_t n, int say,
                     const char *phones) {
  if (ctx->overflow || n == 0) return;
  if (n > TEXT_KEY_MAX) n = TEXT_KEY_MAX;
  if (ctx->n_words >= ctx->lim.max_words) {
    ctx->overflow = TEXT_EWORDS;
    return;
  }
  if (ctx->wbuf_len + n + 1 > ctx->wbuf_cap) {
    ctx->overflow = TEXT_EWORDS;
    return;
  }
  char *dst = ctx->wbuf + ctx->wbuf_len;
  for (size_t i = 0; i < n; i++) {
    char c = w[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 'a' - 'A');
    dst[i] = c;
  }
  dst[n] = '\0';
  text_word *tw = &ctx->words[ctx->n_words++];
  tw->text = dst;
  tw->len = (uint16_t)n;
  tw->say = (uint8_t)say;
  tw->phones = phones;
  ctx->wbuf_len += (uint32_t)n + 1;
  if (ctx->n_tokens > 0) ctx->tokens[ctx->n_tokens - 1].n_words++;
}

void text_say_n(text_ctx *ctx, const char *w, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && w[i] == ' ') i++;
    size_t j = i;
    while (j < n && w[j] != ' ') j++;
    if (j > i) {
      int ok = 1;
      for (size_t k = i; k < j; k++) {
        char c = (char)(w[k] | 0x20);
        ok &= (c >= 'a' && c <= 'z') || w[k] == '\'' ||
              (w[k] == '-' && k > i && k + 1 < j); /* dictionary headwords only */
      }
      if (ok) add_word(ctx, w + i, j - i, TEXT_SAY_LOOKUP, NULL);
      else if (ctx->n_tokens > 0) ctx->tokens[ctx->n_tokens - 1].error = TEXT_TOKEN_UNREADABLE;
    }
    i = j;
  }
}

void text_say(text_ctx *ctx, const char *words) {
  text_say_n(ctx, words, strlen(words));
}

void text_say_letter(text_ctx *ctx, int c) {
  const char *ph = text_letter_phones(c);
  if (!ph) return;
  char w = (char)c;
  add_word(ctx, &w, 1, TEXT_SAY_LETTER, ph);
}

void text_say_letters(text_ctx *ctx, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (text_letter_phones((unsigned char)s[i])) text_say_letter(ctx, (unsigned char)s[i]);
}
