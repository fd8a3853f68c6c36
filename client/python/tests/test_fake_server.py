"""g2pclient against a scripted server: pipelining and hostile replies.

A real daemon cannot show that the client sends before it reads, nor how
it takes malformed replies; a small server in a thread can."""

import os
import socket
import threading

import msgpack
import pytest

import g2pclient


def read_frame(conn):
    head = b""
    while len(head) < 4:
        d = conn.recv(4 - len(head))
        if not d:
            return None
        head += d
    n = int.from_bytes(head, "big")
    body = b""
    while len(body) < n:
        d = conn.recv(n - len(body))
        if not d:
            return None
        body += d
    return msgpack.unpackb(body, raw=False)


def frame(obj):
    p = msgpack.packb(obj, use_bin_type=True)
    return len(p).to_bytes(4, "big") + p


def info_reply(rid, max_words=256):
    return {"id": rid, "ok": True, "info": {
        "version": "fake", "protocol": 1, "lexicon_words": 0, "lexicon_prons": 0,
        "model": None, "limits": {"max_frame": 65536, "max_words": max_words,
                                  "max_word_bytes": 64}}}


def words_reply(req, **extra):
    res = []
    for w in req["words"]:
        m = {"phones": w.upper(), "source": "dict"}
        m.update(extra)
        res.append(m)
    return {"id": req["id"], "ok": True, "results": res}


class FakeServer:
    def __init__(self, tmp_path, script):
        self.path = str(tmp_path / "fake.sock")
        self.ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ls.bind(self.path)
        self.ls.listen(4)
        self.error = None
        self.seen = []
        self.t = threading.Thread(target=self._run, args=(script,), daemon=True)
        self.t.start()

    def _run(self, script):
        try:
            conn, _ = self.ls.accept()
            with conn:
                script(self, conn)
        except Exception as e:  # reported by the test
            self.error = e

    def close(self):
        self.t.join(10)
        self.ls.close()
        if self.error:
            raise self.error


def test_client_sends_a_window_before_reading(tmp_path):
    # The server answers nothing until it holds 8 words requests: a client
    # that waited for each reply would time out.
    def script(srv, conn):
        req = read_frame(conn)
        assert req["op"] == "info"
        conn.sendall(frame(info_reply(req["id"], max_words=3)))
        while True:
            batch = []
            while len(batch) < 8:
                req = read_frame(conn)
                if req is None:
                    break
                assert req["op"] == "words" and 1 <= len(req["words"]) <= 3
                assert set(req) == {"id", "op", "words"}  # no opts when none asked
                batch.append(req)
            srv.seen.append(len(batch))
            for req in batch:
                conn.sendall(frame(words_reply(req)))
            if len(batch) < 8:
                return

    srv = FakeServer(tmp_path, script)
    words = ["w%d" % i for i in range(48)]  # 16 requests of 3 words
    with g2pclient.Client(srv.path, timeout=5, window=8) as c:
        r = c.words(words)
    srv.close()
    assert [x.phones for x in r] == [w.upper() for w in words]
    assert srv.seen[:2] == [8, 8]


def test_unknown_reply_keys_kept_in_extra(tmp_path):
    def script(srv, conn):
        req = read_frame(conn)
        conn.sendall(frame(words_reply(req, confidence=0.5, future={"x": 1})))
        read_frame(conn)

    srv = FakeServer(tmp_path, script)
    with g2pclient.Client(srv.path, timeout=5) as c:
        r = c.words(["one"])
    srv.close()
    assert r[0].phones == "ONE"
    assert r[0].confidence == 0.5
    assert r[0].extra == {"future": {"x": 1}}


@pytest.mark.parametrize("reply, exc", [
    (b"\x00\x00\x00\x00", g2pclient.ProtocolError),                  # zero-length frame
    (b"\x00\x00\x00\x02\x91\x01", g2pclient.ProtocolError),          # not a map
    (b"\x00\x00\x00\x01\xc1", g2pclient.ProtocolError),              # invalid msgpack
    (frame({"id": 99, "ok": True, "pong": True}), g2pclient.ProtocolError),  # wrong id
    (frame({"id": 1, "ok": True}), g2pclient.ProtocolError),         # lacks its key
    (b"\x00\x00\x00\x10\x81", g2pclient.ConnectionClosed),           # ends mid-frame
])
def test_hostile_replies_break_the_connection(tmp_path, reply, exc):
    def script(srv, conn):
        read_frame(conn)
        conn.sendall(reply)

    srv = FakeServer(tmp_path, script)
    c = g2pclient.Client(srv.path, timeout=5)
    with pytest.raises(exc):
        c.ping()
    srv.close()
    with pytest.raises(g2pclient.ConnectionClosed):
        c.ping()
    c.close()


def test_id0_error_is_raised_and_closes(tmp_path):
    def script(srv, conn):
        read_frame(conn)
        conn.sendall(frame({"id": 0, "ok": False, "error": {
            "code": 11, "name": "busy", "message": "too many connections"}}))

    srv = FakeServer(tmp_path, script)
    c = g2pclient.Client(srv.path, timeout=5)
    with pytest.raises(g2pclient.ServerError) as ei:
        c.words(["a"])
    srv.close()
    assert ei.value.code == g2pclient.errors.BUSY and ei.value.name == "busy"
    with pytest.raises(g2pclient.ConnectionClosed):
        c.ping()


def test_server_that_never_answers_times_out(tmp_path):
    path = str(tmp_path / "silent.sock")
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(4)  # the kernel accepts; nobody reads
    try:
        c = g2pclient.Client(path, timeout=0.2)
        with pytest.raises(g2pclient.Timeout) as ei:
            c.info()
        assert ei.value.name == "timeout"
        c.close()
    finally:
        ls.close()
        os.unlink(path)
