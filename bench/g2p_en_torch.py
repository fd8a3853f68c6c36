#!/usr/bin/python3
"""g2p_en_torch.py -- g2p_en 2.0's network as a TorchScript module, timed per word.

The same network and greedy decode as g2p_en's numpy predict()
(bench/g2p_en_numpy.py), written with torch.nn.GRU / GRUCell / Linear over
checkpoint20.npz's weights and compiled with torch.jit.script -- what a
PyTorch user would deploy. One intra-op thread, pinned to the given core,
no autograd. Prints one machine-readable row for bench/kernel.sh; exits 77
when torch is not installed.

  g2p_en_torch.py --npz checkpoint20.npz --words golden_words.tsv
                  [--reps N] [--cpu N] [--label NAME]
"""
import argparse
import os
import sys
import time
from typing import List

import numpy as np

try:
    import torch
except ImportError:
    print("# torch not installed: TorchScript row skipped")
    sys.exit(77)

from g2p_en_symbols import GRAPHEMES, PHONEMES  # beside this script


class G2pNet(torch.nn.Module):
    def __init__(self, v):
        super().__init__()
        t = lambda k: torch.from_numpy(np.ascontiguousarray(v[k]))
        E, H = v["enc_emb"].shape[1], v["enc_w_hh"].shape[1]
        P = v["fc_w"].shape[0]
        self.enc_emb = torch.nn.Parameter(t("enc_emb"), requires_grad=False)
        self.dec_emb = torch.nn.Parameter(t("dec_emb"), requires_grad=False)
        self.enc = torch.nn.GRU(E, H, batch_first=True)
        self.dec = torch.nn.GRUCell(E, H)
        self.fc = torch.nn.Linear(H, P)
        with torch.no_grad():
            for mod, pre in ((self.enc, "enc"), (self.dec, "dec")):
                sfx = "_l0" if mod is self.enc else ""
                getattr(mod, "weight_ih" + sfx).copy_(t(pre + "_w_ih"))
                getattr(mod, "weight_hh" + sfx).copy_(t(pre + "_w_hh"))
                getattr(mod, "bias_ih" + sfx).copy_(t(pre + "_b_ih"))
                getattr(mod, "bias_hh" + sfx).copy_(t(pre + "_b_hh"))
            self.fc.weight.copy_(t("fc_w"))
            self.fc.bias.copy_(t("fc_b"))

    def forward(self, ids: List[int]) -> List[int]:
        x = self.enc_emb[torch.tensor(ids)].unsqueeze(0)
        out, h = self.enc(x)
        h = h[0]
        dec = self.dec_emb[2].unsqueeze(0)
        preds: List[int] = []
        for step in range(20):
            h = self.dec(dec, h)
            pred = int(self.fc(h).argmax())
            if pred == 3:
                break
            preds.append(pred)
            dec = self.dec_emb[pred].unsqueeze(0)
        return preds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", required=True)
    ap.add_argument("--words", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=-1)
    ap.add_argument("--label", default="torchscript")
    a = ap.parse_args()
    if a.cpu >= 0:
        os.sched_setaffinity(0, {a.cpu})
    torch.set_num_threads(1)
    words, gold = [], []
    with open(a.words, encoding="utf-8") as f:
        for line in f:
            w, _, p = line.rstrip("\n").partition("\t")
            if w:
                words.append(w)
                gold.append(p)
    g2idx = {g: i for i, g in enumerate(GRAPHEMES)}
    net = torch.jit.script(G2pNet(np.load(a.npz)).eval())

    def predict(word):
        ids = [g2idx.get(c, 1) for c in word] + [2]
        return [PHONEMES[i] for i in net(ids)]

    with torch.inference_mode():
        bad = sum(" ".join(predict(w)) != p for w, p in zip(words, gold))
        times = [[0.0] * a.reps for _ in words]
        for r in range(a.reps):
            for i, w in enumerate(words):
                t0 = time.perf_counter_ns()
                predict(w)
                times[i][r] = time.perf_counter_ns() - t0
    allt = sorted(t for row in times for t in row)
    per = [sorted(row)[len(row) // 2] for row in times]
    n = len(allt)
    print(f"row kernel={a.label} median_us={allt[n // 2] / 1e3:.2f} "
          f"p99_us={allt[min(n - 1, int(0.99 * (n - 1) + 0.5))] / 1e3:.2f} "
          f"mean_us={sum(per) / len(per) / 1e3:.2f} "
          f"exact={len(words) - bad}/{len(words)} words={len(words)} "
          f"reps={a.reps} torch={torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
