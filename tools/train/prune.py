"""Narrows a trained network to fewer units (structured pruning), so that a
student can start from the teacher's own function rather than from a smaller
network trained apart.

Why: a narrower network is faster in the kernels (the int8 mat-vecs read
H^2 and D^2 bytes per step), and distilling into one grown from an H=256 run
stayed about a point behind the H=384 teacher. Starting from the teacher's
most useful units keeps much of its function; distillation (--init-from the
output, --teacher the source) then recovers the rest.

Which units: each unit's importance is the mean square of what it sends on,
measured over a sample of training words read teacher-forced: for an encoder
unit, its output times its columns in the recurrence, the initial state, the
attention keys and the combination layer; for a decoder unit, its state times
its recurrence and combination columns, plus its share of the attention
scores; for a unit of the attentional vector, its value times its column of
the output layer. The highest-scoring H (per direction), D and D units are
kept, in their original order.

usage: PYTHONPATH=tools python3 -m train.prune --from models/en-us-h384.g2pm
         --hidden 288 --dec 288 --split g014b2b.train --out pruned.pt
"""
import argparse
import random

import numpy as np
import torch

from . import common as C
from .train import build_from, collate, encode_word, load_source


def gru_rows(keep, n):
    """Row indices of a GRU's r|z|n stack for the kept units."""
    keep = torch.as_tensor(keep)
    return torch.cat([keep + g * n for g in range(3)])


@torch.no_grad()
def importance(model, examples, batch=256):
    """-> (enc_f, enc_b, dec, att) importance vectors (H, H, D, D)."""
    m = model
    H, D = m.H, m.D
    s_ef = torch.zeros(H)
    s_eb = torch.zeros(H)
    s_h = torch.zeros(D)
    s_a = torch.zeros(D)
    s_sc = torch.zeros(D)
    n_enc = n_dec = 0
    for i in range(0, len(examples), batch):
        x, xlen, yin, yout = collate(examples, list(range(i, min(i + batch, len(examples)))))
        enc, keys, mask, h0 = m.encode(x, xlen)
        h, _ = m.dec(m.dec_emb(yin), h0[None])
        a = m.attentional(h, enc, keys, mask)  # eval mode: no dropout
        ymask = (yout != C.PAD)
        em = mask[:, :, None].float()
        e2 = (enc ** 2 * em).sum(dim=(0, 1))
        s_ef += e2[:H]
        s_eb += e2[H:]
        n_enc += int(mask.sum())
        hm = ymask[:, :, None].float()
        s_h += (h ** 2 * hm).sum(dim=(0, 1))
        s_a += (a ** 2 * hm).sum(dim=(0, 1))
        # each decoder unit's share of the scores: h_j * key_j, at each position
        part = h[:, :, None, :] * keys[:, None, :, :]          # B, Td, Te, D
        pm = (hm[:, :, :, None] * em[:, None, :, :])
        s_sc += (part ** 2 * pm).sum(dim=(0, 1, 2)) / max(1, x.size(1))
        n_dec += int(ymask.sum())
    s_ef /= n_enc
    s_eb /= n_enc
    s_h /= n_dec
    s_a /= n_dec
    s_sc /= n_dec

    def colsq(w):
        return (w ** 2).sum(dim=0)

    sd = m.state_dict()
    out_f = (colsq(sd['enc.weight_hh_l0']) + colsq(sd['init.weight'][:, :H]) +
             colsq(sd['att.weight'][:, :H]) + colsq(sd['comb.weight'][:, D:D + H]))
    out_b = (colsq(sd['enc.weight_hh_l0_reverse']) + colsq(sd['init.weight'][:, H:]) +
             colsq(sd['att.weight'][:, H:]) + colsq(sd['comb.weight'][:, D + H:]))
    out_h = colsq(sd['dec.weight_hh_l0']) + colsq(sd['comb.weight'][:, :D])
    return s_ef * out_f, s_eb * out_b, s_h * out_h + s_sc, s_a * colsq(sd['fc.weight'])


def narrow(sd, kf, kb, kh, ka, H, D):
    """State dict of the full network -> that of the kept units."""
    kf, kb, kh, ka = (torch.as_tensor(sorted(k)) for k in (kf, kb, kh, ka))
    enc_cols = torch.cat([kf, kb + H])
    out = {}
    for k, v in sd.items():
        if k.startswith('enc.'):
            keep = kb if k.endswith('_reverse') else kf
            w = v[gru_rows(keep, H)]
            if 'weight_hh' in k:
                w = w[:, keep]
        elif k.startswith('dec.'):
            w = v[gru_rows(kh, D)]
            if 'weight_hh' in k:
                w = w[:, kh]
        elif k == 'init.weight':
            w = v[kh][:, enc_cols]
        elif k == 'init.bias':
            w = v[kh]
        elif k == 'att.weight':
            w = v[kh][:, enc_cols]
        elif k == 'comb.weight':
            w = v[ka][:, torch.cat([kh, D + enc_cols])]
        elif k == 'comb.bias':
            w = v[ka]
        elif k == 'fc.weight':
            w = v[:, ka]
        else:
            w = v
        out[k] = w.clone().contiguous()
    return out


def own_readings(model, words, gidx):
    """(encoded word, the network's greedy reading, cut at its end symbol or
    at the length limit) for each word: the units that matter are those its
    own answers use."""
    examples = []
    for i in range(0, len(words), 256):
        part = words[i:i + 256]
        xs = [encode_word(w, gidx) for w in part]
        x = torch.zeros((len(xs), max(map(len, xs))), dtype=torch.long)
        for b, s in enumerate(xs):
            x[b, :len(s)] = torch.tensor(s)
        out, _ = model.greedy(x, torch.tensor([len(s) for s in xs]), C.MAX_LEN)
        for b, s in enumerate(xs):
            ids = out[b].tolist()
            examples.append((s, ids[:ids.index(C.EOS)] if C.EOS in ids else ids))
    examples.sort(key=lambda e: (len(e[0]), len(e[1])))
    return examples


def prune(model, words, hidden, dec):
    """The network narrowed to hidden encoder units per direction and dec
    decoder (and attentional) units, chosen on words -> (state dict, lines
    saying how much of each layer's importance was kept)."""
    H, D = model.H, model.D
    if model.feed:
        raise ValueError('input-feeding networks (arch 3) are not supported')
    if not (0 < hidden <= H and 0 < dec <= D):
        raise ValueError('keep 1..%d encoder and 1..%d decoder units' % (H, D))
    if not words:
        raise ValueError('no words to measure the units on')
    gidx = {g: i for i, g in enumerate(C.GRAPHEMES)}
    i_f, i_b, i_h, i_a = importance(model, own_readings(model, words, gidx))

    def top(s, n):
        return np.argsort(-s.numpy(), kind="stable")[:n]
    kf, kb = top(i_f, hidden), top(i_b, hidden)
    kh, ka = top(i_h, dec), top(i_a, dec)
    report = []
    for name, s, k in (('encoder fwd', i_f, kf), ('encoder bwd', i_b, kb),
                       ('decoder', i_h, kh), ('attentional', i_a, ka)):
        report.append('%s: kept %d of %d units, %.1f%% of the importance' % (
            name, len(k), len(s), 100.0 * float(s[torch.as_tensor(k)].sum() / s.sum())))
    return narrow(model.state_dict(), kf, kb, kh, ka, H, D), report


def main():
    ap = argparse.ArgumentParser(prog='prune', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--from', dest='src', required=True, help='.pt, .npz or float32 .g2pm')
    ap.add_argument('--hidden', type=int, required=True, help='H per encoder direction to keep')
    ap.add_argument('--dec', type=int, required=True, help='D to keep')
    ap.add_argument('--split', required=True, help='training words for the importance sample')
    ap.add_argument('--sample', type=int, default=4000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', required=True, help='checkpoint for train --init-from')
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    ck = load_source(args.src, '--from')
    model = build_from(ck)
    split = C.load_split(args.split)
    words = sorted(w for w in split if not C.is_dev(w))
    random.Random(args.seed).shuffle(words)
    try:
        sd, report = prune(model, words[:args.sample], args.hidden, args.dec)
    except ValueError as e:
        raise SystemExit('prune: %s' % e)
    for line in report:
        print(line)
    args_out = dict(ck['args'])
    args_out.update(hidden=args.hidden, dec=args.dec)
    torch.save(dict(model=sd, args=args_out), args.out)
    print('wrote %s (H=%d, D=%d)' % (args.out, args.hidden, args.dec))


if __name__ == '__main__':
    main()
