"""g2pclient against a real rnninferd (see conftest.py)."""

import math
import os
import signal

import pytest

import g2pclient
from g2pclient import errors


def test_words_dict_and_case(client):
    r = client.words(["aardvark", "AARDVARK", "tomato"])
    assert [x.phones for x in r] == ["AA1 R D V AA2 R K", "AA1 R D V AA2 R K",
                                     "T AH0 M EY1 T OW2"]
    assert all(x.source == "dict" and x.ok and x.error is None for x in r)
    assert r[1].word == "AARDVARK"
    assert r[0].variants is None


def test_variants(client):
    r = client.words(["tomato", "aardvark"], variants=True)
    assert r[0].variants == ["T AH0 M EY1 T OW2", "T AH0 M AA1 T OW2"]
    assert r[1].variants == ["AA1 R D V AA2 R K"]


def test_per_word_errors_keep_the_others(client):
    long_word = "x" * 65
    huge_word = "y" * 70000  # longer than any request frame: answered locally
    r = client.words(["kubernetes", "", long_word, "caf\udcff", "a\x00b", huge_word, "zebra"])
    names = [x.error.name if x.error else None for x in r]
    assert names == ["not_found", "empty_word", "word_too_long", "bad_utf8", "bad_utf8",
                     "word_too_long", None]
    assert [x.error.code for x in r[:6]] == [errors.NOT_FOUND, errors.EMPTY_WORD,
                                             errors.WORD_TOO_LONG, errors.BAD_UTF8,
                                             errors.BAD_UTF8, errors.WORD_TOO_LONG]
    assert all(x.phones is None and x.source == "none" for x in r[:6])
    assert r[6].phones == "Z IY1 B R AH0"
    assert r[0].error.message  # the daemon's text


def test_utf8_word(client):
    r = client.words(["café"])
    assert r[0].word == "café" and r[0].source in ("dict", "none")


def test_100000_words_pipelined_in_order(client):
    base = ["aardvark", "tomato", "zebra", "qzxjwv"]
    want = ["AA1 R D V AA2 R K", "T AH0 M EY1 T OW2", "Z IY1 B R AH0", None]
    before = client.stats()["requests.words"]
    r = client.words([base[i % 4] for i in range(100000)])
    assert len(r) == 100000
    assert all(x.phones == want[i % 4] for i, x in enumerate(r))
    assert all(x.word == base[i % 4] for i, x in enumerate(r))
    after = client.stats()["requests.words"]
    # split by the daemon's max_words (256): 391 requests
    assert after - before == (100000 + 255) // 256


def test_small_window_same_answers(daemon):
    words = ["aardvark", "zebra", "qzxjwv"] * 1000
    with g2pclient.Client(daemon.sock, window=1) as a, g2pclient.Client(daemon.sock, window=64) as b:
        assert [x.phones for x in a.words(words)] == [x.phones for x in b.words(words)]


def test_empty_list(client):
    assert client.words([]) == []


def test_ping_info_stats(client):
    assert client.ping() is True
    info = client.info()
    assert info["protocol"] == 1
    assert info["protocol_minor"] >= 2
    assert info["lexicon_words"] > 100000
    assert info["model"] is None
    assert info["rescorer"] is None
    assert info["limits"]["max_words"] == 256
    st = client.stats()
    assert st["requests.ping"] >= 1
    assert all(isinstance(k, str) and isinstance(v, int) for k, v in st.items())


@pytest.mark.parametrize("beam", [0, 17, -1, "4", 2.5])
def test_bad_beam_is_bad_request_and_connection_survives(client, beam):
    with pytest.raises(g2pclient.ServerError) as ei:
        client.words(["aardvark", "zebra"] * 300, beam=beam)
    assert ei.value.code == errors.BAD_REQUEST and ei.value.name == "bad_request"
    # every request in flight was drained: the connection is in step
    assert client.words(["zebra"])[0].phones == "Z IY1 B R AH0"
    assert client.ping()


def test_text_op(client):
    # Against a daemon without the text op, the server's unknown_op comes
    # through as a ServerError with the protocol's code.
    try:
        tokens = client.text("Hello world")
    except g2pclient.ServerError as e:
        assert e.code == errors.UNKNOWN_OP and e.name == "unknown_op"
        assert client.ping()
    else:
        assert isinstance(tokens, list) and tokens


def test_bad_arguments(client):
    with pytest.raises(TypeError):
        client.words("aardvark")
    with pytest.raises(TypeError):
        client.words([b"aardvark"])
    with pytest.raises(TypeError):
        client.words(["ok", 3])
    with pytest.raises(TypeError):
        client.text(b"bytes")
    with pytest.raises(ValueError):
        g2pclient.Client("/nonexistent", timeout=0)
    with pytest.raises(ValueError):
        g2pclient.Client("/nonexistent", window=0)
    assert client.ping()


def test_connect_error(tmp_path):
    with pytest.raises(g2pclient.ConnectError) as ei:
        g2pclient.Client(str(tmp_path / "nobody.sock"))
    assert ei.value.code is None and ei.value.name == "connect"


def test_stopped_daemon_times_out_then_refuses(daemon):
    c = g2pclient.Client(daemon.sock, timeout=0.3)
    os.kill(daemon.proc.pid, signal.SIGSTOP)
    try:
        with pytest.raises(g2pclient.Timeout):
            c.words(["aardvark"])
    finally:
        os.kill(daemon.proc.pid, signal.SIGCONT)
    with pytest.raises(g2pclient.ConnectionClosed) as ei:
        c.ping()
    assert ei.value.name == "broken"
    c.close()
    with g2pclient.Client(daemon.sock) as c2:
        assert c2.ping()


def test_closed_client_refuses(daemon):
    c = g2pclient.Client(daemon.sock)
    c.close()
    with pytest.raises(g2pclient.ConnectionClosed):
        c.words(["aardvark"])


def test_socket_discovery(daemon, monkeypatch, tmp_path):
    monkeypatch.setenv("G2PC_SOCKET", daemon.sock)
    assert g2pclient.default_socket_path() == daemon.sock
    with g2pclient.Client() as c:
        assert c.path == daemon.sock
        assert c.words(["aardvark"])[0].phones == "AA1 R D V AA2 R K"
    monkeypatch.delenv("G2PC_SOCKET")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    want = "/run/rnninferd/rnninferd.sock"
    assert g2pclient.default_socket_path() == want  # no socket there
    if os.geteuid() != 0:
        os.symlink(daemon.sock, str(tmp_path / "rnninferd.sock"))
        assert g2pclient.default_socket_path() == str(tmp_path / "rnninferd.sock")


def test_model_answers_unknown_word(model_daemon):
    with g2pclient.Client(model_daemon.sock, timeout=30) as c:
        r = c.words(["kubernetes", "aardvark"])
        assert r[0].source == "model" and r[0].phones
        assert r[1].source == "dict"
        r = c.words(["aardvark"], model_only=True, beam=4)
        assert r[0].source == "model" and r[0].phones
        assert c.info()["model"]["arch"] in ("g2p_en-gru", "bigru-attn", "bigru-attn-if")


def test_model_confidence(model_daemon):
    with g2pclient.Client(model_daemon.sock, timeout=30) as c:
        made_up = ["zorquablix", "kubernetes", "phonemizer", "tensorflow"] + \
                  ["blix%dvor" % i for i in range(12)]
        alone = [c.words([w])[0].confidence for w in made_up]
        together = [x.confidence for x in c.words(made_up)]
        assert all(isinstance(p, float) and 0.0 < p <= 1.0 for p in alone)
        # a word batched with 15 others scores as it does alone
        assert together == alone
        r = c.words(["aardvark", "zorquablix"], beam=4)
        assert r[0].source == "dict" and r[0].confidence is None
        assert r[1].source == "model" and 0.0 < r[1].confidence <= 1.0
        assert 0.0 < c.words(["aardvark"], model_only=True)[0].confidence <= 1.0


def test_user_lexicon_source(tmp_path):
    from conftest import start_daemon, stop_daemon
    user = tmp_path / "user.dict"
    user.write_text("TOMATO  T AH0 M AA1 T OW0\nKUBERNETES  K UW2 B ER0 N EH1 T IY0 Z\n")
    d = start_daemon(tmp_path, "user", "--no-model", "--user-lexicon", str(user))
    try:
        with g2pclient.Client(d.sock) as c:
            r = c.words(["tomato", "kubernetes", "aardvark"], variants=True)
            assert [(x.phones, x.source) for x in r] == [
                ("T AH0 M AA1 T OW0", "user"), ("K UW2 B ER0 N EH1 T IY0 Z", "user"),
                ("AA1 R D V AA2 R K", "dict")]
            assert r[0].variants == ["T AH0 M AA1 T OW0"]
            info = c.info()
            assert info["user_lexicon_words"] == 2 and info["user_lexicon_prons"] == 2
    finally:
        stop_daemon(d)


def test_output_forms(client):
    w = ["aardvark", "tomato"]
    assert [x.phones for x in client.words(w, stress=False)] == ["AA R D V AA R K", "T AH M EY T OW"]
    r = client.words(w, alphabet="ipa", variants=True)
    assert [x.phones for x in r] == ["ˈɑɹdˌvɑɹk", "təˈmeɪˌtoʊ"]
    assert r[1].variants == ["təˈmeɪˌtoʊ", "təˈmɑˌtoʊ"]
    assert client.words(w, alphabet="ipa", stress=False)[0].phones == "ɑɹdvɑɹk"
    assert client.words(w, alphabet="arpabet")[0].phones == "AA1 R D V AA2 R K"


@pytest.mark.parametrize("opts", [{"alphabet": "xsampa"}, {"alphabet": 1},
                                  {"alphabet": "IPA"}, {"stress": "no"}, {"stress": 0}])
def test_bad_output_form_options(client, opts):
    with pytest.raises(g2pclient.ServerError) as ei:
        client.words(["aardvark"], **opts)
    assert ei.value.code == errors.BAD_REQUEST
    assert ("alphabet" in ei.value.message) or ("stress" in ei.value.message)
    assert client.words(["aardvark"])[0].phones == "AA1 R D V AA2 R K"


def test_model_nbest(model_daemon):
    with g2pclient.Client(model_daemon.sock, timeout=30) as c:
        for w in ["zorquablix", "kubernetes", "phonemizer", "blixvorept"]:
            plain = c.words([w], beam=4)[0]
            r = c.words([w], beam=4, nbest=4)[0]
            assert r.source == "model" and r.phones == plain.phones
            assert r.confidence == pytest.approx(plain.confidence, rel=1e-12)
            alts = r.alternatives
            assert len(alts) == 4
            assert len(set(p for p, _ in alts)) == 4  # distinct hypotheses
            lps = [lp for _, lp in alts]
            assert all(isinstance(lp, float) and lp < 0.0 for lp in lps)
            assert lps == sorted(lps, reverse=True)
            assert alts[0][0] == r.phones
            assert math.exp(lps[0]) == pytest.approx(r.confidence, rel=1e-12)
        # without nbest there is no key; nbest 1 at beam 1 is the greedy answer
        assert c.words(["zorquablix"], beam=4)[0].alternatives is None
        g = c.words(["zorquablix"])[0]
        assert c.words(["zorquablix"], nbest=1)[0].alternatives == \
            [(g.phones, pytest.approx(math.log(g.confidence), rel=1e-12))]
        # a dictionary word lists its variants, with no log-probability
        r = c.words(["read", "aardvark"], beam=4, nbest=4)
        assert r[0].source == "dict"
        assert [p for p, _ in r[0].alternatives] == c.words(["read"], variants=True)[0].variants
        assert all(lp is None for _, lp in r[0].alternatives)
        assert r[1].alternatives == [("AA1 R D V AA2 R K", None)]
        # output forms apply to the alternatives too
        r = c.words(["zorquablix"], beam=4, nbest=2, stress=False)[0]
        assert all(not any(ch.isdigit() for ch in p) for p, _ in r.alternatives)


def test_nbest_bad_values(model_daemon):
    with g2pclient.Client(model_daemon.sock, timeout=30) as c:
        with pytest.raises(g2pclient.ServerError) as e:
            c.words(["zorquablix"], beam=4, nbest=5)
        assert e.value.name == "bad_request"
        assert "opts.nbest 5 exceeds the beam width 4" in e.value.message
        with pytest.raises(g2pclient.ServerError) as e:
            c.words(["zorquablix"], nbest=2)  # the daemon's default beam is 1
        assert "exceeds the beam width 1" in e.value.message
        for bad in (0, 17, -1, "4", 2.5):
            with pytest.raises(g2pclient.ServerError) as e:
                c.words(["zorquablix"], beam=16, nbest=bad)
            assert e.value.name == "bad_request" and "opts.nbest must be" in e.value.message
        # the connection still answers
        assert c.words(["aardvark"])[0].phones == "AA1 R D V AA2 R K"
