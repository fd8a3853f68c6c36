"""One connection to rnninferd: framing, pipelined word lookups, ping/info/stats.

Written from doc/protocol.md. A request is a msgpack map in a frame whose
4-byte big-endian length counts the payload; replies come back in request
order on a connection, so the oldest request in flight is always the one
the next reply answers. words() keeps a bounded window of requests in
flight and reads replies while it writes, which is what the protocol asks
of a pipelining client (section 4, back-pressure).
"""

import os
import select
import socket as _socket
import stat
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import msgpack

from . import errors
from .errors import (ConnectError, ConnectionClosed, G2PError, ProtocolError,
                     ServerError, Timeout)

SYSTEM_SOCKET = "/run/rnninferd/rnninferd.sock"
DEFAULT_TIMEOUT = 5.0
DEFAULT_WINDOW = 8
# Replies larger than this are treated as a protocol error (the spec asks
# clients to accept at least 16 MiB).
MAX_REPLY = 16 << 20
# The protocol's defaults, used until the daemon's info says otherwise.
DEFAULT_LIMITS = {"max_frame": 65536, "max_words": 256, "max_word_bytes": 64}
# Upper bound of a words request's bytes besides its words; each word adds
# at most its encoded length + 5 (str header).
REQUEST_OVERHEAD = 128


def default_socket_path():
    """The socket g2pc would use: $G2PC_SOCKET; else, for a user other than
    root, $XDG_RUNTIME_DIR/rnninferd.sock when that socket exists; else
    /run/rnninferd/rnninferd.sock."""
    env = os.environ.get("G2PC_SOCKET")
    if env:
        return env
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if os.geteuid() != 0 and xdg:
        path = os.path.join(xdg, "rnninferd.sock")
        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return path
        except OSError:
            pass
    return SYSTEM_SOCKET


@dataclass(frozen=True)
class WordError:
    """A per-word failure, as the result map's `error` carries it."""

    code: int
    name: str
    message: str


@dataclass
class Result:
    """The answer for one word: the result map of doc/protocol.md 3.1.

    phones is None exactly when error is set; source is "dict", "model"
    or "none"; variants is set with variants=True on a dictionary answer;
    confidence (0..1, the network's probability of its answer) is set on
    network answers; alternatives (nbest=N) is a list of (phones, logprob)
    pairs, best first: the network's N best hypotheses with their
    log-probabilities, or a dictionary answer's variants with logprob None.
    extra holds reply keys this version of the client does not know."""

    word: str
    phones: Optional[str]
    source: str
    error: Optional[WordError] = None
    variants: Optional[List[str]] = None
    confidence: Optional[float] = None
    alternatives: Optional[List[Tuple[str, Optional[float]]]] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self):
        return self.error is None


_RESULT_KEYS = frozenset(("phones", "source", "error", "variants", "confidence",
                          "alternatives"))


def _alternatives(a):
    if a is None:
        return None
    if not isinstance(a, list) or not all(isinstance(x, dict) for x in a):
        raise ProtocolError("result.alternatives is not an array of maps")
    return [(x.get("phones"), x.get("logprob")) for x in a]


def _word_error(m):
    if not isinstance(m, dict):
        raise ProtocolError("per-word error is not a map")
    code = m.get("code")
    if not isinstance(code, int):
        raise ProtocolError("per-word error without an integer code")
    name = m.get("name")
    if not isinstance(name, str):
        name = errors.ERROR_NAMES.get(code, "unknown")
    msg = m.get("message")
    return WordError(code, name, msg if isinstance(msg, str) else "")


def _result(word, m):
    if not isinstance(m, dict):
        raise ProtocolError("result is not a map")
    err = m.get("error")
    extra = {k: v for k, v in m.items() if k not in _RESULT_KEYS} if len(m) > 2 else {}
    return Result(word=word, phones=m.get("phones"), source=m.get("source", "none"),
                  error=_word_error(err) if err is not None else None,
                  variants=m.get("variants"), confidence=m.get("confidence"),
                  alternatives=_alternatives(m.get("alternatives")), extra=extra)


def _server_error(rep):
    e = rep.get("error")
    if not isinstance(e, dict) or not isinstance(e.get("code"), int):
        return ProtocolError("error reply without an error map")
    code = e["code"]
    name = e.get("name") if isinstance(e.get("name"), str) else errors.ERROR_NAMES.get(code, "unknown")
    msg = e.get("message") if isinstance(e.get("message"), str) else ""
    return ServerError(msg, code=code, name=name)


class Client:
    """A connection to rnninferd. Not thread-safe: use one per thread.

    socket: the daemon's socket path (None: default_socket_path()).
    timeout: seconds without progress before Timeout is raised (connect,
    each write, each read); None waits forever. After a Timeout,
    ConnectionClosed or ProtocolError the connection is closed and the
    client refuses further calls: make a new one.

        with Client() as c:
            print(c.words(["aardvark"])[0].phones)   # AA1 R D V AA2 R K
    """

    def __init__(self, socket=None, timeout=DEFAULT_TIMEOUT, window=DEFAULT_WINDOW):
        if timeout is not None and not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds or None")
        if not isinstance(window, int) or not 1 <= window <= 1024:
            raise ValueError("window must be an integer 1..1024")
        self.path = socket if socket else default_socket_path()
        self.timeout = timeout
        self.window = window
        self._next_id = 1
        self._limits = None
        self._rbuf = bytearray()
        self._broken = None
        self._packer = msgpack.Packer(use_bin_type=True, unicode_errors="surrogateescape")
        self._sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            self._connect()
        except BaseException:
            self._sock.close()
            raise
        self._sock.setblocking(False)
        self._poll = select.poll()

    # --- connection -----------------------------------------------------

    def _connect(self):
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        self._sock.settimeout(self.timeout)
        while True:
            try:
                self._sock.connect(self.path)
                return
            except BlockingIOError:
                # A full accept backlog: retry until the deadline.
                if deadline is not None and time.monotonic() >= deadline:
                    raise Timeout("%s: connect timed out (backlog full)" % self.path) from None
                time.sleep(0.002)
            except _socket.timeout:
                raise Timeout("%s: connect timed out" % self.path) from None
            except OSError as e:
                raise ConnectError("%s: %s" % (self.path, e.strerror or e)) from None

    def close(self):
        """Closes the connection; further calls raise ConnectionClosed."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._broken is None:
            self._broken = ConnectionClosed("client closed")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        s = getattr(self, "_sock", None)
        if s is not None:
            s.close()

    def _fatal(self, exc):
        """Drops the connection after an error that desynchronises it."""
        self._broken = exc
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        return exc

    def _check_usable(self):
        if self._broken is not None:
            raise ConnectionClosed("connection unusable after an earlier error (%s)"
                                   % self._broken, name="broken")

    def _wait(self, want_write):
        """Blocks until the socket is readable (or writable when asked)."""
        fd = self._sock.fileno()
        ev = select.POLLIN | (select.POLLOUT if want_write else 0)
        self._poll.register(fd, ev)
        try:
            ms = None if self.timeout is None else int(self.timeout * 1000)
            while True:
                try:
                    got = self._poll.poll(ms)
                    break
                except InterruptedError:
                    continue
        finally:
            self._poll.unregister(fd)
        if not got:
            raise self._fatal(Timeout("no answer within %g s" % self.timeout))
        rev = got[0][1]
        return (bool(rev & (select.POLLIN | select.POLLHUP | select.POLLERR)),
                bool(rev & (select.POLLOUT | select.POLLERR)))

    def _send_some(self, buf):
        """Sends what the socket takes now; returns the bytes sent."""
        try:
            return self._sock.send(buf)
        except (BlockingIOError, InterruptedError):
            return 0
        except (BrokenPipeError, ConnectionResetError):
            raise self._fatal(ConnectionClosed("daemon closed the connection")) from None
        except OSError as e:
            raise self._fatal(ConnectionClosed("send: %s" % e, name="io")) from None

    def _recv_some(self):
        try:
            data = self._sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionResetError:
            raise self._fatal(ConnectionClosed("connection reset by the daemon")) from None
        except OSError as e:
            raise self._fatal(ConnectionClosed("recv: %s" % e, name="io")) from None
        if not data:
            what = "mid-frame" if self._rbuf else ""
            raise self._fatal(ConnectionClosed(("daemon closed the connection " + what).strip()))
        self._rbuf += data

    def _frames(self):
        """Decodes every complete reply frame in the receive buffer."""
        buf = self._rbuf
        pos, n, out = 0, len(buf), []
        while n - pos >= 4:
            length = int.from_bytes(buf[pos:pos + 4], "big")
            if length == 0 or length > MAX_REPLY:
                raise self._fatal(ProtocolError("reply frame length %d is invalid" % length))
            if n - pos - 4 < length:
                break
            try:
                rep = msgpack.unpackb(bytes(buf[pos + 4:pos + 4 + length]), raw=False,
                                      unicode_errors="surrogateescape", strict_map_key=False)
            except Exception as e:
                raise self._fatal(ProtocolError("bad reply: %s" % e)) from None
            if not isinstance(rep, dict):
                raise self._fatal(ProtocolError("reply is not a map"))
            out.append(rep)
            pos += 4 + length
        if pos:
            del buf[:pos]
        return out

    def _frame(self, payload):
        return len(payload).to_bytes(4, "big") + payload

    # --- one request, one reply ------------------------------------------

    def _call(self, op, key, **fields):
        self._check_usable()
        rid = self._next_id
        self._next_id += 1
        req = {"id": rid, "op": op}
        req.update(fields)
        out = memoryview(self._frame(self._packer.pack(req)))
        reps = []
        while True:
            if out:
                out = out[self._send_some(out):]
            if reps:
                break
            r, _ = self._wait(bool(out))
            if r:
                self._recv_some()
                reps = self._frames()
        if len(reps) > 1 or out:
            raise self._fatal(ProtocolError("unexpected reply before the request was sent"))
        rep = reps[0]
        self._check_id(rep, rid)
        if rep.get("ok") is not True:
            exc = _server_error(rep)
            if rep.get("id") == 0:
                self._fatal(exc)  # the daemon closes after an id-0 error
            raise exc
        if key not in rep:
            raise self._fatal(ProtocolError("reply to %s lacks %r" % (op, key)))
        return rep[key]

    def _check_id(self, rep, rid):
        got = rep.get("id")
        if got != rid and not (got == 0 and rep.get("ok") is False):
            raise self._fatal(ProtocolError("reply id %r, expected %d" % (got, rid)))

    def ping(self):
        """Round trip with the daemon; returns True."""
        return self._call("ping", "pong") is True

    def info(self):
        """The daemon's info map (doc/protocol.md 3.2): version, protocol,
        lexicon_words, lexicon_prons, model (None or a map), limits."""
        info = self._call("info", "info")
        if not isinstance(info, dict):
            raise self._fatal(ProtocolError("info is not a map"))
        lim = info.get("limits")
        if isinstance(lim, dict):
            self._learn_limits(lim)
        return info

    def stats(self):
        """The daemon's counters: a dict of dotted name -> int."""
        st = self._call("stats", "stats")
        if not isinstance(st, dict):
            raise self._fatal(ProtocolError("stats is not a map"))
        return st

    def text(self, text):
        """Tokens of a running text, answered by the daemon's text op.

        A daemon without that op raises ServerError with code
        errors.UNKNOWN_OP."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        return self._call("text", "tokens", text=text)

    # --- words, pipelined -------------------------------------------------

    def _learn_limits(self, lim):
        cur = dict(DEFAULT_LIMITS)
        for k in cur:
            v = lim.get(k)
            if isinstance(v, int) and v > 0:
                cur[k] = v
        if cur["max_frame"] > REQUEST_OVERHEAD + 16:
            self._limits = cur

    def limits(self):
        """The daemon's limits, read once per connection (protocol defaults
        when the daemon cannot say)."""
        if self._limits is None:
            try:
                self.info()
            except ServerError:
                pass
            if self._limits is None:
                self._limits = dict(DEFAULT_LIMITS)
        return self._limits

    def words(self, words, variants=False, model_only=False, beam=None, stress=True,
              alphabet="arpabet", nbest=None):
        """Pronunciations of words (a list of str), one Result per word, in
        order. A word's own failure (not_found, bad_utf8, ...) is in its
        Result.error; a request the daemon refuses as a whole (e.g. a bad
        option value) raises ServerError once every request already in
        flight has been answered, so the connection stays usable.

        variants: every dictionary pronunciation in Result.variants.
        model_only: skip the dictionary and ask the network.
        beam: the network's beam width (the daemon checks its range).
        stress: False drops stress digits (ARPAbet) or marks (IPA).
        alphabet: "arpabet" (default) or "ipa" (General American, stress
        marks at syllable starts; doc/ipa.md).
        nbest: N (1..the beam width) fills Result.alternatives."""
        self._check_usable()
        if isinstance(words, (str, bytes)):
            raise TypeError("words must be a list of str, not a single string")
        words = list(words)
        for w in words:
            if not isinstance(w, str):
                raise TypeError("every word must be a str, got %s" % type(w).__name__)
        if not words:
            return []
        opts = {}
        if variants:
            opts["variants"] = True
        if model_only:
            opts["model_only"] = True
        if beam is not None:
            opts["beam"] = beam
        if stress is not True:
            opts["stress"] = stress
        if nbest is not None:
            opts["nbest"] = nbest
        if alphabet != "arpabet":
            opts["alphabet"] = alphabet
        lim = self.limits() if len(words) > 1 else DEFAULT_LIMITS
        return self._run_words(words, opts, lim)

    def _run_words(self, words, opts, lim):
        max_words = lim["max_words"]
        budget = lim["max_frame"] - REQUEST_OVERHEAD - len(self._packer.pack(opts))
        results = [None] * len(words)
        n = len(words)
        nxt = 0
        inflight = deque()  # (id, first, count)
        out = bytearray()
        refused = None  # the first request-level error: stop sending, drain
        while True:
            while refused is None and nxt < n and len(inflight) < self.window:
                first = nxt
                batch, used = [], 0
                while nxt < n and len(batch) < max_words:
                    w = words[nxt]
                    size = len(w.encode("utf-8", "surrogateescape")) + 5
                    if size > budget:
                        if batch:
                            break
                        # Longer than any request can carry: answered here
                        # with the code the daemon would give it.
                        results[nxt] = Result(w, None, "none", WordError(
                            errors.WORD_TOO_LONG, "word_too_long",
                            "word does not fit in a request frame"))
                        nxt += 1
                        first = nxt
                        continue
                    if used + size > budget:
                        break
                    batch.append(w)
                    used += size
                    nxt += 1
                if not batch:
                    continue
                rid = self._next_id
                self._next_id += 1
                req = {"id": rid, "op": "words", "words": batch}
                if opts:
                    req["opts"] = opts
                out += self._frame(self._packer.pack(req))
                inflight.append((rid, first, len(batch)))
            if out:
                sent = self._send_some(out)
                if sent:
                    del out[:sent]
            if not inflight and not out:
                break
            r, _ = self._wait(bool(out))
            if not r:
                continue
            self._recv_some()
            for rep in self._frames():
                if not inflight:
                    raise self._fatal(ProtocolError("reply without a request"))
                rid, first, count = inflight.popleft()
                self._check_id(rep, rid)
                if rep.get("ok") is not True:
                    exc = _server_error(rep)
                    if rep.get("id") == 0:
                        raise self._fatal(exc)
                    if refused is None:
                        refused = exc
                    continue
                res = rep.get("results")
                if not isinstance(res, list) or len(res) != count:
                    raise self._fatal(ProtocolError(
                        "reply %d holds %s results for %d words"
                        % (rid, len(res) if isinstance(res, list) else "no", count)))
                for i, m in enumerate(res):
                    results[first + i] = _result(words[first + i], m)
        if refused is not None:
            raise refused
        return results
