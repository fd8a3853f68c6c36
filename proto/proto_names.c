/* proto_names.c -- the names on the wire for error codes, ops and sources.
 *
 * Error codes are stable numbers; their names and messages travel with them
 * in every error map so that a client needs no table to report them. */
#include "proto/proto.h"

static const struct {
  const char *name;
  const char *message;
} errors[PROTO_E_MAX + 1] = {
  [PROTO_OK] = {"ok", "success"},
  [PROTO_E_FRAME_TOO_LARGE] = {"frame_too_large", "frame length over the server's max_frame"},
  [PROTO_E_BAD_FRAME] = {"bad_frame", "malformed frame (zero length)"},
  [PROTO_E_BAD_MSGPACK] = {"bad_msgpack", "payload is not exactly one well-formed msgpack object"},
  [PROTO_E_BAD_REQUEST] = {"bad_request", "request is not a map or has a missing or mistyped field"},
  [PROTO_E_UNKNOWN_OP] = {"unknown_op", "unknown op"},
  [PROTO_E_TOO_MANY_WORDS] = {"too_many_words", "more words than the server's max_words"},
  [PROTO_E_WORD_TOO_LONG] = {"word_too_long", "word longer than the server's max_word_bytes"},
  [PROTO_E_BAD_UTF8] = {"bad_utf8", "word is not valid UTF-8"},
  [PROTO_E_EMPTY_WORD] = {"empty_word", "empty word"},
  [PROTO_E_NOT_FOUND] = {"not_found", "not in the dictionary and no model loaded, or nothing in the word to say"},
  [PROTO_E_BUSY] = {"busy", "server busy, retry later"},
  [PROTO_E_SHUTTING_DOWN] = {"shutting_down", "server is shutting down"},
  [PROTO_E_INTERNAL] = {"internal", "internal server error"},
  [PROTO_E_NO_PRONUNCIATION] = {"no_pronunciation", "not in the dictionary, and the network gave no pronunciation"},
  [PROTO_E_TEXT_TOO_LONG] = {"text_too_long", "text longer than the server's max_text_bytes"},
  [PROTO_E_TOO_MANY_TOKENS] = {"too_many_tokens", "text makes more tokens than the server's max_tokens"},
  [PROTO_E_UNREADABLE] = {"unreadable", "the text front end cannot read this token"},
};

const char *proto_error_name(int code) {
  if (code < 0 || code > PROTO_E_MAX) return "unknown";
  return errors[code].name;
}

const char *proto_error_message(int code) {
  if (code < 0 || code > PROTO_E_MAX) return "unknown error";
  return errors[code].message;
}

const char *proto_op_name(enum proto_op op) {
  switch (op) {
  case PROTO_OP_WORDS: return "words";
  case PROTO_OP_PING: return "ping";
  case PROTO_OP_STATS: return "stats";
  case PROTO_OP_INFO: return "info";
  case PROTO_OP_TEXT: return "text";
  case PROTO_OP_NONE: break;
  }
  return "none";
}

const char *proto_source_name(enum proto_source s) {
  switch (s) {
  case PROTO_SOURCE_DICT: return "dict";
  case PROTO_SOURCE_MODEL: return "model";
  case PROTO_SOURCE_LETTERS: return "letters";
  case PROTO_SOURCE_USER: return "user";
  case PROTO_SOURCE_HOMOGRAPH: return "homograph";
  case PROTO_SOURCE_NONE: break;
  }
  return "none";
}
