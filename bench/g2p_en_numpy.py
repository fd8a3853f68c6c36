#!/usr/bin/python3
"""g2p_en_numpy.py -- g2p_en 2.0's predict() in numpy, timed per word.

A faithful copy of g2p_en's G2p.predict / encode / gru / grucell / sigmoid
(github.com/Kyubyong/g2p, g2p_en/g2p.py at c6439c2) over checkpoint20.npz,
so bench/kernel.sh can time what g2p_en users run, on the same words and
the same pinned core as the C kernels, without installing g2p_en (and its
nltk data). Which BLAS numpy uses is whatever libblas.so.3 the dynamic
linker finds: bench/kernel.sh runs it with the reference BLAS and with
OpenBLAS via LD_LIBRARY_PATH; the row says which one was mapped.

  g2p_en_numpy.py --npz checkpoint20.npz --words golden_words.tsv
                  [--reps N] [--cpu N] [--label NAME] [--check]

--check compares every prediction with the tsv's second column (g2p_en's
own output) and exits 1 on any difference.
"""
import argparse
import os
import sys
import time

import numpy as np

from g2p_en_symbols import GRAPHEMES, PHONEMES  # beside this script


class G2p:
    def __init__(self, npz):
        self.graphemes = GRAPHEMES
        self.phonemes = PHONEMES
        self.g2idx = {g: idx for idx, g in enumerate(self.graphemes)}
        self.idx2g = {idx: g for idx, g in enumerate(self.graphemes)}
        self.p2idx = {p: idx for idx, p in enumerate(self.phonemes)}
        self.idx2p = {idx: p for idx, p in enumerate(self.phonemes)}
        variables = np.load(npz)
        self.enc_emb = variables["enc_emb"]
        self.enc_w_ih = variables["enc_w_ih"]
        self.enc_w_hh = variables["enc_w_hh"]
        self.enc_b_ih = variables["enc_b_ih"]
        self.enc_b_hh = variables["enc_b_hh"]
        self.dec_emb = variables["dec_emb"]
        self.dec_w_ih = variables["dec_w_ih"]
        self.dec_w_hh = variables["dec_w_hh"]
        self.dec_b_ih = variables["dec_b_ih"]
        self.dec_b_hh = variables["dec_b_hh"]
        self.fc_w = variables["fc_w"]
        self.fc_b = variables["fc_b"]

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def grucell(self, x, h, w_ih, w_hh, b_ih, b_hh):
        rzn_ih = np.matmul(x, w_ih.T) + b_ih
        rzn_hh = np.matmul(h, w_hh.T) + b_hh
        rz_ih, n_ih = rzn_ih[:, :rzn_ih.shape[-1] * 2 // 3], rzn_ih[:, rzn_ih.shape[-1] * 2 // 3:]
        rz_hh, n_hh = rzn_hh[:, :rzn_hh.shape[-1] * 2 // 3], rzn_hh[:, rzn_hh.shape[-1] * 2 // 3:]
        rz = self.sigmoid(rz_ih + rz_hh)
        r, z = np.split(rz, 2, -1)
        n = np.tanh(n_ih + r * n_hh)
        h = (1 - z) * n + z * h
        return h

    def gru(self, x, steps, w_ih, w_hh, b_ih, b_hh, h0=None):
        if h0 is None:
            h0 = np.zeros((x.shape[0], w_hh.shape[1]), np.float32)
        h = h0  # initial hidden state
        outputs = np.zeros((x.shape[0], steps, w_hh.shape[1]), np.float32)
        for t in range(steps):
            h = self.grucell(x[:, t, :], h, w_ih, w_hh, b_ih, b_hh)  # (b, h)
            outputs[:, t, ::] = h
        return outputs

    def encode(self, word):
        chars = list(word) + ["</s>"]
        x = [self.g2idx.get(char, self.g2idx["<unk>"]) for char in chars]
        x = np.take(self.enc_emb, np.expand_dims(x, 0), axis=0)
        return x

    def predict(self, word):
        # encoder
        enc = self.encode(word)
        enc = self.gru(enc, len(word) + 1, self.enc_w_ih, self.enc_w_hh,
                       self.enc_b_ih, self.enc_b_hh,
                       h0=np.zeros((1, self.enc_w_hh.shape[-1]), np.float32))
        last_hidden = enc[:, -1, :]

        # decoder
        dec = np.take(self.dec_emb, [2], axis=0)  # 2: <s>
        h = last_hidden

        preds = []
        for i in range(20):
            h = self.grucell(dec, h, self.dec_w_ih, self.dec_w_hh,
                             self.dec_b_ih, self.dec_b_hh)  # (b, h)
            logits = np.matmul(h, self.fc_w.T) + self.fc_b
            pred = logits.argmax()
            if pred == 3:
                break  # 3: </s>
            preds.append(pred)
            dec = np.take(self.dec_emb, [pred], axis=0)

        preds = [self.idx2p.get(idx, "<unk>") for idx in preds]
        return preds


def blas_in_use():
    """The BLAS shared object this process mapped (for the row's label)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line}
        return ",".join(sorted(libs)) or "none"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", required=True)
    ap.add_argument("--words", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=-1)
    ap.add_argument("--label", default="numpy")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.cpu >= 0:
        os.sched_setaffinity(0, {a.cpu})
    words, gold = [], []
    with open(a.words, encoding="utf-8") as f:
        for line in f:
            w, _, p = line.rstrip("\n").partition("\t")
            if w:
                words.append(w)
                gold.append(p)
    g2p = G2p(a.npz)
    bad = 0
    for w, p in zip(words, gold):  # warm-up, and the parity check
        got = " ".join(g2p.predict(w))
        if got != p:
            bad += 1
            if a.check:
                print(f"# mismatch {w!r}: {got!r} vs golden {p!r}")
    if a.check:
        print(f"# {len(words) - bad}/{len(words)} words equal golden_words.tsv")
        return 1 if bad else 0
    times = [[0.0] * a.reps for _ in words]
    for r in range(a.reps):
        for i, w in enumerate(words):
            t0 = time.perf_counter_ns()
            g2p.predict(w)
            times[i][r] = time.perf_counter_ns() - t0
    allt = sorted(t for row in times for t in row)
    per = [sorted(row)[len(row) // 2] for row in times]
    n = len(allt)
    print(f"row kernel={a.label} median_us={allt[n // 2] / 1e3:.2f} "
          f"p99_us={allt[min(n - 1, int(0.99 * (n - 1) + 0.5))] / 1e3:.2f} "
          f"mean_us={sum(per) / len(per) / 1e3:.2f} "
          f"exact={len(words) - bad}/{len(words)} words={len(words)} "
          f"reps={a.reps} blas={blas_in_use()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
