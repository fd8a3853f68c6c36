"""Pure-numpy reference of rnninferd's "bigru-attn" inference (arch 2) and
of "bigru-attn-if" (arch 3: arch 2 with input feeding).

Why: the C model (g2p/model*.c) must compute exactly what the trainer
trained. This file is the executable form of the spec in
doc/model-format.md, written without PyTorch: float32,
one word at a time, encoder input = code points + </s>, backward GRU
starting at </s>, decoder from <s>, greedy argmax (first max on ties),
stop at </s> or max_len (read from the file). It produces the reference
files the C implementation is checked against and the python side of the
WER/PER cross-check on g014b2b.test.

Usage:
  (with tools/ on the module path: PYTHONPATH=tools python3 -m train.predict_np)
  predict_np MODEL.npz --words FILE [--out TSV]            word<TAB>phones
  predict_np MODEL.npz --dev-ref N --split SPLIT.train --out TSV --logits TSV
             [--check-torch CKPT]
  predict_np MODEL.npz --eval SPLIT.test [--out TSV]       WER/PER report
"""
import argparse
import os
import sys

import numpy as np

from . import common as C


def sigmoid(x):
    return (np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)


class Model:
    def __init__(self, path):
        z = np.load(path)
        arch = bytes(z['arch']).decode() if 'arch' in z.files else ''
        if arch not in ('bigru-attn', 'bigru-attn-if'):
            raise ValueError('%s: arch %r, expected bigru-attn or bigru-attn-if' % (path, arch))
        self.feed = arch == 'bigru-attn-if'
        self.w = {k: z[k].astype(np.float32) for k in z.files
                  if k not in ('graphemes', 'phonemes', 'max_len', 'arch')}
        self.graphemes = bytes(z['graphemes']).decode('utf-8').split('\n')
        self.phonemes = bytes(z['phonemes']).decode('utf-8').split('\n')
        self.gidx = {g: i for i, g in enumerate(self.graphemes)}
        self.max_len = int(z['max_len'][0])
        self.unk = self.gidx['<unk>']
        self.eos_g = self.gidx['</s>']
        self.bos = self.phonemes.index('<s>')
        self.eos = self.phonemes.index('</s>')

    @staticmethod
    def gru(x, h, w_ih, w_hh, b_ih, b_hh):
        gi = w_ih @ x + b_ih
        gh = w_hh @ h + b_hh
        n3 = h.shape[0]
        r = sigmoid(gi[:n3] + gh[:n3])
        zz = sigmoid(gi[n3:2 * n3] + gh[n3:2 * n3])
        n = np.tanh(gi[2 * n3:] + r * gh[2 * n3:])
        return ((np.float32(1) - zz) * n + zz * h).astype(np.float32)

    def ids(self, word):
        return [self.gidx.get(ch, self.unk) for ch in word] + [self.eos_g]

    def predict(self, word):
        """Returns (list of phoneme symbols, first decoder step's logits)."""
        w = self.w
        x = [w['enc_emb'][i] for i in self.ids(word)]
        T = len(x)
        H = w['encf_w_hh'].shape[1]
        f = np.zeros((T, H), np.float32)
        b = np.zeros((T, H), np.float32)
        h = np.zeros(H, np.float32)
        for t in range(T):
            h = self.gru(x[t], h, w['encf_w_ih'], w['encf_w_hh'], w['encf_b_ih'], w['encf_b_hh'])
            f[t] = h
        h = np.zeros(H, np.float32)
        for t in range(T - 1, -1, -1):
            h = self.gru(x[t], h, w['encb_w_ih'], w['encb_w_hh'], w['encb_b_ih'], w['encb_b_hh'])
            b[t] = h
        enc = np.concatenate([f, b], axis=1)
        h = np.tanh(w['init_w'] @ np.concatenate([f[T - 1], b[0]]) + w['init_b']).astype(np.float32)
        keys = enc @ w['att_w'].T
        prev = self.bos
        out = []
        logits0 = None
        a = np.zeros(h.shape[0], np.float32)  # arch 3: previous attentional vector
        for _ in range(self.max_len):
            b_ih = w['dec_b_ih'] + w['dec_w_if'] @ a if self.feed else w['dec_b_ih']
            h = self.gru(w['dec_emb'][prev], h, w['dec_w_ih'], w['dec_w_hh'], b_ih, w['dec_b_hh'])
            sc = keys @ h
            sc = sc - sc.max()
            e = np.exp(sc)
            alpha = (e / e.sum()).astype(np.float32)
            ctx = alpha @ enc
            a = np.tanh(w['comb_w'] @ np.concatenate([h, ctx]) + w['comb_b']).astype(np.float32)
            logits = w['fc_w'] @ a + w['fc_b']
            if logits0 is None:
                logits0 = logits
            prev = int(np.argmax(logits))
            if prev == self.eos:
                break
            out.append(self.phonemes[prev])
        return out, logits0


def dev_words(split_path, n):
    split = C.load_split(split_path)
    return [w for w in sorted(split) if C.is_dev(w)][:n]


def torch_greedy(ckpt, words):
    import torch
    from . import train as T
    ck = torch.load(ckpt)
    a = ck['args']
    m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), a['emb'], a['hidden'], a['dec'], a['emb'], a['dropout'],
                    feed=a.get('input_feed', False))
    m.load_state_dict(ck['model'])
    gidx = {g: i for i, g in enumerate(C.GRAPHEMES)}
    return T.decode_words(m, words, gidx, C.MAX_LEN)


def main():
    ap = argparse.ArgumentParser(prog='predict_np', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model')
    ap.add_argument('--words', help='file: one word per line (text after a TAB ignored)')
    ap.add_argument('--dev-ref', type=int, default=0, help='predict the first N dev words (sorted)')
    ap.add_argument('--split', help='with --dev-ref: the training split the dev words come from')
    ap.add_argument('--eval', help='word<TAB>pron file (g014b2b.test): print WER/PER')
    ap.add_argument('--out', help='write word<TAB>phones here')
    ap.add_argument('--logits', help='write word<TAB>first-step logits here')
    ap.add_argument('--check-torch', help='torch checkpoint: compare its greedy decode and logits')
    args = ap.parse_args()
    m = Model(args.model)

    refs = None
    if args.words:
        with open(args.words, encoding='utf-8') as f:
            words = [ln.rstrip('\n').split('\t')[0] for ln in f if ln.strip()]
    elif args.dev_ref:
        if not args.split:
            ap.error('--dev-ref needs --split (the training split, g014b2b.train)')
        words = dev_words(args.split, args.dev_ref)
    elif args.eval:
        refs = C.load_split(args.eval)
        words = list(refs)
    else:
        ap.error('one of --words, --dev-ref, --eval')

    preds, l0 = {}, {}
    for w in words:
        p, lg = m.predict(w)
        preds[w] = ' '.join(p)
        l0[w] = lg
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            for w in words:
                f.write('%s\t%s\n' % (w, preds[w]))
    if args.logits:
        with open(args.logits, 'w', encoding='utf-8') as f:
            for w in words:
                f.write('%s\t%s\n' % (w, ' '.join('%.7g' % v for v in l0[w])))
    if args.check_torch:
        tp, tl = torch_greedy(args.check_torch, words)
        same = sum(tp[w] == preds[w] for w in words)
        maxdiff = max(float(np.max(np.abs(tl[w] - l0[w]))) for w in words)
        print('torch agreement: %d/%d words identical, max |logits0 diff| %.3g' % (same, len(words), maxdiff))
        if same != len(words):
            for w in words:
                if tp[w] != preds[w]:
                    print('  differs: %s numpy=%s torch=%s' % (w, preds[w], tp[w]))
            return 1
    if refs is not None:
        wer, per, n = C.score(preds, refs, stressless=True)
        print('stressless: WER %.2f%% PER %.2f%% (%d words)' % (wer, per, n))
        cmu = C.load_cmudict()
        srefs = {w: cmu[w] for w in refs if w in cmu}
        wer, per, n = C.score(preds, srefs, stressless=False)
        print('stressed (refs: our CMUdict variants): WER %.2f%% PER %.2f%% (%d of %d words covered)' % (
            wer, per, n, len(refs)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
