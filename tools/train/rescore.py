"""N-best rescoring by a right-to-left network: does it pay, and how much?

Why: the right answer is in the beam's top few for most words the greedy
decoder gets wrong, so the search finds it and the scores rank it wrong. A
network trained to read pronunciations last phoneme first (train.py
--reverse) errs differently; adding its log-probability of each candidate
to the left-to-right score re-ranks the list. This script measures greedy,
beam and rescored decoding side by side on the same words, in PyTorch
(fp32), so that the C engine is only taught to rescore if it pays.

The weight of the right-to-left score is chosen on the trainer's dev words
(held out of every run's training data, common.is_dev) and then applied,
unchanged, to the test words. Scores: stressed and stressless WER/PER
against every variant the project's CMUdict gives a word, and stressless
against the split's own prons.

  PYTHONPATH=tools python3 -m train.rescore --l2r L2R.pt --r2l R2L.pt \
      --split ../shared/data/cmudict-split/g014b2b.train \
      --test ../shared/data/cmudict-split/g014b2b.test --beam 8
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

from . import common as C
from . import distill as KD
from .train import build_from, encode_word, load_source

GIDX = {g: i for i, g in enumerate(C.GRAPHEMES)}
PIDX = {p: i for i, p in enumerate(C.PHONEMES)}


def _pad(words):
    return KD._pad_words(words, GIDX, encode_word)


@torch.no_grad()
def nbest(model, words, beam, max_len, batch=256):
    """word -> [(phoneme ids, log-probability incl. </s>)], best first: a
    beam of width `beam` keeping the `beam` best finished hypotheses (no
    length normalisation, like the C engine)."""
    out = {}
    order = sorted(words, key=len)
    for i in range(0, len(order), batch):
        ws = order[i:i + batch]
        n, B = len(ws), beam
        x, xlen = _pad(ws)
        enc, keys, mask, h0 = model.encode(x, xlen)
        rep = lambda t: t.repeat_interleave(B, dim=0)
        enc, keys, mask, h = rep(enc), rep(keys), rep(mask), rep(h0)[None]
        score = torch.full((n, B), -math.inf)
        score[:, 0] = 0.0
        prev = torch.full((n * B,), C.BOS, dtype=torch.long)
        seqs = torch.zeros((n, B, 0), dtype=torch.long)
        fin = [[] for _ in range(n)]
        for t in range(max_len):
            o, h = model.dec(model.dec_emb(prev)[:, None, :], h)
            lp = F.log_softmax(model.fc(model.attentional(o, enc, keys, mask))[:, 0, :], dim=-1)
            P = lp.size(-1)
            cand = score[:, :, None] + lp.view(n, B, P)
            eos = cand[:, :, C.EOS]
            for w in range(n):
                for b in range(B):
                    s = float(eos[w, b])
                    if s > -math.inf:
                        fin[w].append((seqs[w, b].tolist(), s))
            cand[:, :, C.EOS] = -math.inf
            cand[:, :, C.PAD] = -math.inf
            top, idx = cand.view(n, B * P).topk(B, dim=-1)
            src, tok = idx // P, idx % P
            # a word is done when its B best finished beat every live hypothesis
            done = True
            for w in range(n):
                fin[w].sort(key=lambda e: -e[1])
                del fin[w][B:]
                if len(fin[w]) < B or fin[w][-1][1] < float(top[w, 0]):
                    done = False
            if done:
                break
            score = top
            seqs = torch.cat([torch.gather(seqs, 1, src[:, :, None].expand(-1, -1, seqs.size(2))),
                              tok[:, :, None]], dim=2)
            flat = (src + torch.arange(n)[:, None] * B).view(-1)
            h = h[:, flat]
            prev = tok.view(-1)
        for w in range(n):
            out[ws[w]] = fin[w]
    return out


@torch.no_grad()
def forced_logprob(model, pairs, reverse, batch=1024):
    """[(word, phoneme ids)] -> list of log p(ids + </s> | word) under the
    model; with reverse, the model reads the ids last first."""
    res = [0.0] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]))
    for i in range(0, len(order), batch):
        idx = order[i:i + batch]
        x, xlen = _pad([pairs[j][0] for j in idx])
        ys = [list(pairs[j][1])[::-1] if reverse else list(pairs[j][1]) for j in idx]
        Ty = max(len(y) for y in ys) + 1
        yin = torch.zeros((len(idx), Ty), dtype=torch.long)
        yout = torch.zeros((len(idx), Ty), dtype=torch.long)
        for b, y in enumerate(ys):
            yin[b, :len(y) + 1] = torch.tensor([C.BOS] + y)
            yout[b, :len(y) + 1] = torch.tensor(y + [C.EOS])
        lp = F.log_softmax(model(x, xlen, yin), dim=-1)
        g = lp.gather(2, yout[:, :, None])[:, :, 0] * (yout != C.PAD)
        for b, j in enumerate(idx):
            res[j] = float(g[b].sum())
    return res


def to_str(ids):
    return ' '.join(C.PHONEMES[t] for t in ids)


def scores(preds, cmu_refs, split_refs):
    s = C.score(preds, cmu_refs, stressless=False)
    s0 = C.score(preds, cmu_refs, stressless=True)
    sp = C.score(preds, split_refs, stressless=True)
    return dict(cmu_stressed=round(s[0], 2), cmu_stressed_per=round(s[1], 2),
                cmu_stressless=round(s0[0], 2), cmu_stressless_per=round(s0[1], 2),
                split=round(sp[0], 2), split_per=round(sp[1], 2), n=s[2])


def pick(lists, extra, lam):
    """word -> best candidate under l2r + lam * extra."""
    out = {}
    for w, cands in lists.items():
        if not cands:
            out[w] = ''
            continue
        best = max(range(len(cands)), key=lambda k: (cands[k][1] + lam * extra[w][k], -k))
        out[w] = to_str(cands[best][0])
    return out


def main():
    ap = argparse.ArgumentParser(prog='rescore', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--l2r', required=True, help='left-to-right network (.pt, .npz, float32 .g2pm)')
    ap.add_argument('--r2l', required=True,
                    help='the rescoring network: right-to-left (train.py --reverse .pt), or any '
                         'left-to-right one for comparison')
    ap.add_argument('--split', required=True, help='g014b2b.train: its dev words tune the weight')
    ap.add_argument('--test', required=True, help='g014b2b.test')
    ap.add_argument('--beam', type=int, default=8)
    ap.add_argument('--weights', default='0,0.25,0.5,0.75,1,1.25,1.5,2')
    ap.add_argument('--limit', type=int, default=0, help='only the first N words of each set (a quick look)')
    args = ap.parse_args()
    torch.set_num_threads(1)
    l2r = build_from(load_source(args.l2r, '--l2r'))
    r2l_ck = load_source(args.r2l, '--r2l')
    reverse = bool(r2l_ck['args'].get('reverse'))
    if not reverse:
        print('note: --r2l %s reads left to right: rescoring by a second left-to-right network'
              % args.r2l)
    r2l = build_from(r2l_ck)
    cmu = C.load_cmudict()
    split = C.load_split(args.split)
    test = C.load_split(args.test)
    dev_words = sorted(w for w in split if C.is_dev(w) and w in cmu)
    test_words = sorted(w for w in test if w in cmu)
    if args.limit:
        dev_words, test_words = dev_words[:args.limit], test_words[:args.limit]
    lams = [float(v) for v in args.weights.split(',')]
    report = {}
    for name, words, srefs in (('dev', dev_words, split), ('test', test_words, test)):
        t0 = time.time()
        lists = nbest(l2r, words, args.beam, C.MAX_LEN)
        t_beam = time.time() - t0
        pairs = [(w, ids) for w in words for ids, _ in lists[w]]
        lp = forced_logprob(r2l, pairs, reverse=reverse)
        extra, k = {}, 0
        for w in words:
            extra[w] = lp[k:k + len(lists[w])]
            k += len(lists[w])
        cmu_refs = {w: cmu[w] for w in words}
        greedy = nbest(l2r, words, 1, C.MAX_LEN)
        row = dict(greedy=scores({w: to_str(greedy[w][0][0]) if greedy[w] else '' for w in words},
                                 cmu_refs, srefs))
        oracle = {}
        for w in words:
            ok = [to_str(ids) for ids, _ in lists[w] if to_str(ids) in cmu[w]]
            oracle[w] = ok[0] if ok else (to_str(lists[w][0][0]) if lists[w] else '')
        row['oracle'] = scores(oracle, cmu_refs, srefs)
        for lam in lams:
            row['lam=%g' % lam] = scores(pick(lists, extra, lam), cmu_refs, srefs)
        report[name] = row
        print('%s: %d words, beam %d n-best in %.0f s' % (name, len(words), args.beam, t_beam))
        for key, r in row.items():
            print('  %-9s CMUdict stressed %6.2f / %5.2f  stressless %6.2f / %5.2f  split %6.2f / %5.2f'
                  % (key, r['cmu_stressed'], r['cmu_stressed_per'], r['cmu_stressless'],
                     r['cmu_stressless_per'], r['split'], r['split_per']), flush=True)
    best = min(lams, key=lambda lam: (report['dev']['lam=%g' % lam]['cmu_stressed'], lam))
    print('chosen on dev: lam=%g; test %s' % (best, json.dumps(report['test']['lam=%g' % best])))


if __name__ == '__main__':
    main()
