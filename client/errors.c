/* errors.c -- names and descriptions of libg2pclient's error codes.
 *
 * The daemon's codes (doc/protocol.md) appear as -(100 + code) so that one
 * int carries both kinds of failure; their names are the wire names. */
#include "config.h"

#include "client/client_impl.h"

static const struct {
  int code;
  const char *name;
  const char *message;
} local[] = {
  {G2PC_OK, "ok", "success"},
  {G2PC_EINVAL, "invalid", "invalid argument"},
  {G2PC_ENOMEM, "no_memory", "out of memory"},
  {G2PC_ECONNECT, "connect", "cannot connect to the rnninferd socket"},
  {G2PC_ETIMEDOUT, "timeout", "timed out waiting for rnninferd"},
  {G2PC_ECLOSED, "closed", "rnninferd closed the connection"},
  {G2PC_EIO, "io", "socket read or write error"},
  {G2PC_EPROTO, "protocol", "malformed or unexpected reply from rnninferd"},
  {G2PC_EBROKEN, "broken", "connection unusable after an earlier error"},
  {G2PC_ENOSPACE, "no_space", "the result does not fit the caller's buffer"},
  {G2PC_ESERVER, "server", "rnninferd reported an unknown error"},
};

G2PC_API const char *g2pc_strerror(int err) {
  for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
    if (local[i].code == err) return local[i].message;
  if (err <= -101 && err >= -(100 + PROTO_E_MAX)) return proto_error_message(-err - 100);
  return "unknown error";
}

G2PC_API const char *g2pc_error_name(int err) {
  for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
    if (local[i].code == err) return local[i].name;
  if (err <= -101 && err >= -(100 + PROTO_E_MAX)) return proto_error_name(-err - 100);
  return "unknown";
}

G2PC_API const char *g2pc_version(void) { return PACKAGE_VERSION; }
