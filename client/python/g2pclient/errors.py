"""Exceptions of the rnninferd client and the protocol's error codes.

The daemon's codes are those of doc/protocol.md section 5; a request-level
failure raises ServerError carrying code, name and message as the daemon
sent them. Failures on this side of the socket (cannot connect, timeout,
connection closed, malformed reply) have their own classes and code None.
"""

FRAME_TOO_LARGE = 1
BAD_FRAME = 2
BAD_MSGPACK = 3
BAD_REQUEST = 4
UNKNOWN_OP = 5
TOO_MANY_WORDS = 6
WORD_TOO_LONG = 7
BAD_UTF8 = 8
EMPTY_WORD = 9
NOT_FOUND = 10
BUSY = 11
SHUTTING_DOWN = 12
INTERNAL = 13

ERROR_NAMES = {
    FRAME_TOO_LARGE: "frame_too_large",
    BAD_FRAME: "bad_frame",
    BAD_MSGPACK: "bad_msgpack",
    BAD_REQUEST: "bad_request",
    UNKNOWN_OP: "unknown_op",
    TOO_MANY_WORDS: "too_many_words",
    WORD_TOO_LONG: "word_too_long",
    BAD_UTF8: "bad_utf8",
    EMPTY_WORD: "empty_word",
    NOT_FOUND: "not_found",
    BUSY: "busy",
    SHUTTING_DOWN: "shutting_down",
    INTERNAL: "internal",
}


class G2PError(Exception):
    """Base of every error this package raises.

    code: the protocol's error code (int) for errors the daemon reported,
    None for local ones; name: a short stable name ("unknown_op",
    "timeout", ...); message: human-readable detail."""

    name = "error"

    def __init__(self, message, code=None, name=None):
        super().__init__(message)
        self.message = message
        self.code = code
        if name is not None:
            self.name = name

    def __str__(self):
        if self.code is not None:
            return "%s (%d): %s" % (self.name, self.code, self.message)
        return "%s: %s" % (self.name, self.message)


class ServerError(G2PError):
    """The daemon refused a whole request (reply with ok false)."""

    name = "server"


class ConnectError(G2PError):
    """Cannot connect to the daemon's socket."""

    name = "connect"


class Timeout(G2PError):
    """No progress within the client's timeout; the connection is dropped."""

    name = "timeout"


class ConnectionClosed(G2PError):
    """The daemon closed the connection (or it was closed after an error)."""

    name = "closed"


class ProtocolError(G2PError):
    """A reply that does not follow doc/protocol.md."""

    name = "protocol"
