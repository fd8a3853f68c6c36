/* text.c -- libg2pclient's side of the text op: one text into the caller's
 * storage (g2pc_text), or many texts pipelined with a callback per result
 * (g2pc_text_many, what g2pc --text uses). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client/client_impl.h"

/* the wire's sources are the library's, number for number */
_Static_assert(G2PC_SOURCE_LETTERS == (int)PROTO_SOURCE_LETTERS &&
                   G2PC_SOURCE_USER == (int)PROTO_SOURCE_USER &&
                   G2PC_SOURCE_HOMOGRAPH == (int)PROTO_SOURCE_HOMOGRAPH,
               "client and wire source numbers agree");

static int text_server_code(int code) {
  return code >= 1 && code <= PROTO_E_MAX ? G2PC_ESERVER_CODE(code) : G2PC_ESERVER;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static size_t slen(const char *s) { return s ? strlen(s) + 1 : 0; }

/* Bytes the result of rep takes in caller storage. */
static size_t layout_size(const proto_reply *rep) {
  size_t words = 0, strings = 0;
  for (uint32_t t = 0; t < rep->n_tokens; t++) {
    const proto_reply_token *tk = &rep->tokens[t];
    words += tk->n_words;
    strings += slen(tk->text) + slen(tk->kind);
    for (uint32_t k = 0; k < tk->n_words; k++)
      strings += slen(tk->words[k].word) + slen(tk->words[k].phones);
  }
  return align8(rep->n_tokens * sizeof(g2pc_token)) +
         align8(words * sizeof(g2pc_text_word)) + strings;
}

static const char *put_str(char **p, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  memcpy(*p, s, n);
  const char *r = *p;
  *p += n;
  return r;
}

/* Lays rep out in buf (which holds layout_size(rep) bytes). */
static void layout(const proto_reply *rep, void *buf, g2pc_text_result *out) {
  size_t words = 0;
  for (uint32_t t = 0; t < rep->n_tokens; t++) words += rep->tokens[t].n_words;
  g2pc_token *tok = buf;
  g2pc_text_word *tw = (g2pc_text_word *)((char *)buf + align8(rep->n_tokens * sizeof *tok));
  char *str = (char *)tw + align8(words * sizeof *tw);
  size_t w = 0;
  for (uint32_t t = 0; t < rep->n_tokens; t++) {
    const proto_reply_token *tk = &rep->tokens[t];
    tok[t].text = put_str(&str, tk->text);
    tok[t].kind = put_str(&str, tk->kind);
    tok[t].start = tk->start;
    tok[t].end = tk->end;
    tok[t].error = tk->error ? text_server_code(tk->error) : 0;
    tok[t].n_words = tk->n_words;
    tok[t].words = tw + w;
    for (uint32_t k = 0; k < tk->n_words; k++, w++) {
      tw[w].word = put_str(&str, tk->words[k].word);
      tw[w].phones = put_str(&str, tk->words[k].phones);
      tw[w].source = (int)tk->words[k].source;
      tw[w].error = tk->words[k].error ? text_server_code(tk->words[k].error) : 0;
    }
  }
  out->tokens = rep->n_tokens ? tok : NULL;
  out->n_tokens = rep->n_tokens;
}

static int encode_text(g2pc_client *c, uint64_t id, const char *text, size_t len,
                       int flags, size_t *wlen) {
  proto_buf b;
  proto_buf_init(&b, c->wbuf, c->wcap);
  if (len > UINT32_MAX ||
      proto_encode_text_request(&b, id, text, (uint32_t)len,
                                !!(flags & G2PC_MODEL_ONLY), (flags >> 8) & 0xff))
    return client_fail(c, G2PC_ETEXTTOOLONG, "text of %zu bytes does not fit a request", len);
  *wlen = b.len;
  return 0;
}

/* Checks a decoded reply against its request; 0, or a request error. */
static int check_reply(g2pc_client *c, const proto_reply *rep, uint64_t id) {
  if (!rep->ok && (rep->id == id || rep->id == 0)) {
    int code = text_server_code(rep->error_code);
    client_fail(c, code, "%s", rep->error_message);
    if (rep->id == 0) c->broken = 1;
    return code;
  }
  if (rep->id != id || rep->op != PROTO_OP_TEXT)
    return client_fatal(c, G2PC_EPROTO, "reply %llu does not match text request %llu",
                        (unsigned long long)rep->id, (unsigned long long)id);
  return 0;
}

G2PC_API int g2pc_text(g2pc_client *c, const char *text, size_t len, int flags,
                       g2pc_text_result *out, void *buf, size_t cap,
                       size_t *needed) {
  if (!c || !out || (!text && len)) return G2PC_EINVAL;
  memset(out, 0, sizeof *out);
  if (needed) *needed = 0;
  if (c->broken) return G2PC_EBROKEN;
  uint64_t id = c->next_id++;
  size_t wlen;
  int rc = encode_text(c, id, text ? text : "", len, flags, &wlen);
  if (rc) return rc;
  if ((rc = conn_send_all(c, c->wbuf, wlen))) return rc;
  const char *p;
  size_t n;
  if ((rc = conn_read_frame(c, &p, &n))) return rc;
  proto_reply rep;
  char err[160];
  if ((rc = proto_reply_decode(p, n, &rep, err, sizeof err)))
    return client_fatal(c, rc == PROTO_E_INTERNAL ? G2PC_ENOMEM : G2PC_EPROTO,
                        "bad reply: %s", err);
  rc = check_reply(c, &rep, id);
  if (rc == 0) {
    size_t need = layout_size(&rep);
    if (needed) *needed = need;
    if (need > cap || (need && !buf)) rc = client_fail(c, G2PC_ENOSPACE,
                                                       "the result needs %zu bytes", need);
    else layout(&rep, buf, out);
  }
  proto_reply_free(&rep);
  return rc;
}

typedef struct text_batch {
  g2pc_client *c;
  const char *const *texts;
  size_t n, next, done;
  int flags;
  uint64_t *ids;        /* ring of ids in flight */
  unsigned head, len, cap;
  size_t wlen, wdone;
  char *lbuf;           /* layout buffer for the callback, grown as needed */
  size_t lcap;
  g2pc_text_fn fn;
  void *opaque;
} text_batch;

static int deliver(text_batch *tb, const char *p, size_t n) {
  g2pc_client *c = tb->c;
  proto_reply rep;
  char err[160];
  int rc;
  if (tb->len == 0) return client_fatal(c, G2PC_EPROTO, "reply without a request");
  uint64_t id = tb->ids[tb->head];
  if ((rc = proto_reply_decode(p, n, &rep, err, sizeof err)))
    return client_fatal(c, rc == PROTO_E_INTERNAL ? G2PC_ENOMEM : G2PC_EPROTO,
                        "bad reply: %s", err);
  rc = check_reply(c, &rep, id);
  if (rc == G2PC_EPROTO && c->broken) {
    proto_reply_free(&rep);
    return rc;
  }
  g2pc_text_result res = {NULL, 0};
  if (rc == 0) {
    size_t need = layout_size(&rep);
    if (need > tb->lcap) {
      char *nb = realloc(tb->lbuf, need);
      if (!nb) {
        proto_reply_free(&rep);
        return client_fail(c, G2PC_ENOMEM, "out of memory");
      }
      tb->lbuf = nb;
      tb->lcap = need;
    }
    layout(&rep, tb->lbuf, &res);
  }
  proto_reply_free(&rep);
  tb->head = (tb->head + 1) % tb->cap;
  tb->len--;
  int urc = tb->fn(tb->opaque, tb->done++, rc, rc == 0 ? &res : NULL);
  if (urc) return urc;
  if (c->broken) return G2PC_ECLOSED;
  return 0;
}

static int run_texts(text_batch *tb) {
  g2pc_client *c = tb->c;
  int rc;
  for (;;) {
    while (tb->wlen == 0 && tb->next < tb->n && tb->len < tb->cap) {
      uint64_t id = c->next_id++;
      const char *t = tb->texts[tb->next];
      size_t wlen;
      if ((rc = encode_text(c, id, t, strlen(t), tb->flags, &wlen))) {
        /* a text no request can hold: answered here, in its turn */
        if (tb->len == 0) {
          tb->next++;
          int urc = tb->fn(tb->opaque, tb->done++, rc, NULL);
          if (urc) return urc;
          continue;
        }
        break; /* wait until the replies before it are delivered */
      }
      tb->ids[(tb->head + tb->len) % tb->cap] = id;
      tb->len++;
      tb->next++;
      tb->wlen = wlen;
      tb->wdone = 0;
    }
    if (tb->wlen > 0) {
      if ((rc = conn_send_some(c, c->wbuf + tb->wdone, tb->wlen - tb->wdone, &tb->wdone)))
        return rc;
      if (tb->wdone == tb->wlen) {
        tb->wlen = 0;
        continue;
      }
    }
    if (tb->next >= tb->n && tb->wlen == 0 && tb->len == 0) return 0;
    if (tb->len == 0 && tb->wlen == 0) continue;
    int r, w;
    if ((rc = conn_wait(c, tb->wlen > 0, &r, &w))) return rc;
    if (r) {
      int rrc = conn_recv_some(c);
      const char *p;
      size_t n;
      while ((rc = conn_next_frame(c, &p, &n)) == 1)
        if ((rc = deliver(tb, p, n))) return rc;
      if (rc < 0) return rc;
      if (rrc) return rrc;
    }
  }
}

G2PC_API int g2pc_text_many(g2pc_client *c, const char *const *texts,
                            size_t n, int flags, g2pc_text_fn fn, void *opaque) {
  if (!c || !fn || (n && !texts)) return G2PC_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!texts[i]) return G2PC_EINVAL;
  if (c->broken) return G2PC_EBROKEN;
  if (n == 0) return 0;
  text_batch tb;
  memset(&tb, 0, sizeof tb);
  tb.c = c;
  tb.texts = texts;
  tb.n = n;
  tb.flags = flags;
  tb.fn = fn;
  tb.opaque = opaque;
  tb.cap = c->window ? c->window : 1;
  tb.ids = malloc(tb.cap * sizeof *tb.ids);
  if (!tb.ids) return client_fail(c, G2PC_ENOMEM, "out of memory");
  int rc = run_texts(&tb);
  free(tb.ids);
  free(tb.lbuf);
  return rc;
}
