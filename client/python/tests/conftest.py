"""Fixtures for g2pclient's tests: a real rnninferd on a temporary socket.

tests/python-client.sh (run by make check) sets RNNINFERD (the built
daemon), G2P_LEXICON (the built dictionary) and, when one is available,
G2P_MODEL; without RNNINFERD the daemon tests are skipped."""

import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import g2pclient  # noqa: E402


class Daemon:
    def __init__(self, sock, proc, log):
        self.sock, self.proc, self.log = sock, proc, log

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def start_daemon(tmp_path, name, *args):
    exe = os.environ.get("RNNINFERD")
    lex = os.environ.get("G2P_LEXICON")
    if not exe or not lex:
        pytest.skip("RNNINFERD / G2P_LEXICON not set (run through tests/python-client.sh)")
    sock = str(tmp_path / (name + ".sock"))
    log = str(tmp_path / (name + ".log"))
    with open(log, "w") as lf:
        proc = subprocess.Popen([exe, "--socket", sock, "--lexicon", lex] + list(args),
                                stdout=lf, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with g2pclient.Client(sock, timeout=1) as c:
                c.ping()
            return Daemon(sock, proc, log)
        except g2pclient.G2PError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                with open(log) as f:
                    pytest.fail("rnninferd did not come up: " + f.read())
            time.sleep(0.05)


def stop_daemon(d):
    if d.proc.poll() is None:
        d.proc.terminate()
        try:
            d.proc.wait(10)
        except subprocess.TimeoutExpired:
            d.proc.kill()
            d.proc.wait()


@pytest.fixture(scope="session")
def daemon(tmp_path_factory):
    """rnninferd with the dictionary and no model."""
    d = start_daemon(tmp_path_factory.mktemp("d"), "nomodel", "--no-model")
    yield d
    stop_daemon(d)


@pytest.fixture(scope="session")
def model_daemon(tmp_path_factory):
    """rnninferd with the dictionary and the network (skipped without one)."""
    model = os.environ.get("G2P_MODEL")
    if not model or not os.path.exists(model):
        pytest.skip("no model file (G2P_MODEL)")
    d = start_daemon(tmp_path_factory.mktemp("m"), "model", "--model", model)
    yield d
    stop_daemon(d)


@pytest.fixture
def client(daemon):
    with g2pclient.Client(daemon.sock) as c:
        yield c
