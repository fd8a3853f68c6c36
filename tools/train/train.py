"""Trainer for rnninferd's default G2P network: arch 2 "bigru-attn" and, with
--input-feed, arch 3 "bigru-attn-if".

Why: rnninferd ships its own network, trained reproducibly on the standard
CMUdict split (g014b2b) on a 2-core CPU. The architecture is exactly the
one the C model runs (doc/model-format.md): a bidirectional GRU encoder, a
GRU decoder initialised from both encoder ends, Luong "general" attention,
a tanh combination layer and a softmax output. Without input feeding
(arch 2) the teacher-forced decoder runs as one nn.GRU call over all
steps, which keeps a CPU epoch short; with it (arch 3) the decoder must
run step by step (~1.5x the time per batch), but its state knows where it
attended last. --init-from starts arch 3 from a trained arch-2 checkpoint
with zero feed weights, i.e. from the same function. Packed sequences
keep padding out of encoder states, so the states match the C engine,
which encodes each word alone.

Data: words of g014b2b.train (lower-cased) with stressed prons derived
from the project's CMUdict (see common.stressed_targets). ~3% of the
training words (md5 hash) form the dev set used for every tuning choice
(lr decay, early stopping, best checkpoint). g014b2b.test is never read,
except for its words with --exclude: kept out of the unlabeled words that
distillation (--teacher, --unlabeled) adds. --mrt-weight adds a
minimum-risk term over the network's own readings (mrt.py).

Run from the tree with tools/ on the module path (tools/train/run.sh does
this and picks OpenBLAS):  PYTHONPATH=tools python3 -m train.train --split
../shared/data/cmudict-split/g014b2b.train --out /tmp/train
"""
import argparse
import contextlib
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import common as C
from . import distill as KD
from . import g2pm
from . import mrt as MRT
from . import qat
from . import spelled as SP


class BiGruAttn(nn.Module):
    def __init__(self, G, P, E, H, D, Ed, dropout, feed=False):
        super().__init__()
        self.enc_emb = nn.Embedding(G, E, padding_idx=C.PAD)
        self.enc = nn.GRU(E, H, batch_first=True, bidirectional=True)
        self.init = nn.Linear(2 * H, D)
        self.dec_emb = nn.Embedding(P, Ed, padding_idx=C.PAD)
        # feed (arch 3, "bigru-attn-if"): the decoder GRU's input is
        # [emb(y_{t-1}); a_{t-1}], a = the previous step's attentional vector
        # tanh(comb[h; ctx]) (Luong input feeding), a_0 = 0; dec.weight_ih's
        # last D columns are the feed weights (exported as dec_w_if).
        self.feed = feed
        self.dec = nn.GRU(Ed + (D if feed else 0), D, batch_first=True)
        self.att = nn.Linear(2 * H, D, bias=False)
        self.comb = nn.Linear(D + 2 * H, D)
        self.fc = nn.Linear(D, P)
        self.drop = nn.Dropout(dropout)
        self.H, self.D = H, D

    def encode(self, x, xlen):
        e = self.drop(self.enc_emb(x))
        if bool((xlen == x.size(1)).all()):
            # equal-length batch (training buckets): no padding, fused path
            enc, hn = self.enc(e)
        else:
            packed = pack_padded_sequence(e, xlen.cpu(), batch_first=True, enforce_sorted=False)
            out, hn = self.enc(packed)
            enc, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        # hn[0]: forward state after the last real token (f_{T-1}); hn[1]: backward after token 0 (b_0)
        h0 = torch.tanh(self.init(torch.cat([hn[0], hn[1]], dim=1)))
        keys = self.att(enc)
        mask = torch.arange(x.size(1), device=x.device)[None, :] < xlen[:, None]
        return enc, keys, mask, h0

    def attentional(self, h, enc, keys, mask):
        # h: (B, T_dec, D) -> dropped attentional vectors a (B, T_dec, D)
        sc = torch.bmm(h, keys.transpose(1, 2))
        sc = sc.masked_fill(~mask[:, None, :], float('-inf'))
        alpha = torch.softmax(sc, dim=-1)
        ctx = torch.bmm(alpha, enc)
        return self.drop(torch.tanh(self.comb(torch.cat([h, ctx], dim=-1))))

    def attend(self, h, enc, keys, mask):
        return self.fc(self.attentional(h, enc, keys, mask))

    def forward(self, x, xlen, yin):
        enc, keys, mask, h0 = self.encode(x, xlen)
        d = self.drop(self.dec_emb(yin))
        enc_d = self.drop(enc)
        if not self.feed:
            h, _ = self.dec(d, h0[None])
            return self.attend(h, enc_d, keys, mask)
        # input feeding makes the decoder sequential: one GRU step at a time
        h = h0[None]
        a = d.new_zeros(d.size(0), 1, self.D)
        outs = []
        for t in range(d.size(1)):
            o, h = self.dec(torch.cat([d[:, t:t + 1], a], dim=-1), h)
            a = self.attentional(o, enc_d, keys, mask)
            outs.append(a)
        return self.fc(torch.cat(outs, dim=1))

    @torch.no_grad()
    def greedy(self, x, xlen, max_len):
        enc, keys, mask, h = self.encode(x, xlen)
        B = x.size(0)
        prev = torch.full((B,), C.BOS, dtype=torch.long)
        out = torch.zeros((B, max_len), dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        h = h[None]
        a = torch.zeros((B, 1, self.D))
        first_logits = None
        for t in range(max_len):
            inp = self.dec_emb(prev)[:, None, :]
            if self.feed:
                inp = torch.cat([inp, a], dim=-1)
            o, h = self.dec(inp, h)
            a = self.attentional(o, enc, keys, mask)
            logits = self.fc(a)[:, 0, :]
            if first_logits is None:
                first_logits = logits.clone()
            prev = logits.argmax(dim=-1)
            out[:, t] = torch.where(done, torch.full_like(prev, C.EOS), prev)
            done |= prev == C.EOS
            if bool(done.all()):
                break
        return out, first_logits


def encode_word(word, gidx):
    return [gidx.get(ch, C.UNK) for ch in word] + [C.EOS_G]


def make_batches(examples, batch_size, rng):
    """Equal-input-length buckets (no encoder padding at all), shuffled within a bucket,
    cut into batches of at most batch_size; batch order shuffled."""
    buckets = {}
    for i, (x, _) in enumerate(examples):
        buckets.setdefault(len(x), []).append(i)
    batches = []
    for n in sorted(buckets):
        idx = buckets[n]
        rng.shuffle(idx)
        k = max(1, round(len(idx) / batch_size))
        step = math.ceil(len(idx) / k)
        batches += [idx[i:i + step] for i in range(0, len(idx), step)]
    rng.shuffle(batches)
    return batches


def collate(examples, idxs):
    xs = [examples[i][0] for i in idxs]
    ys = [examples[i][1] for i in idxs]
    B = len(idxs)
    Tx = max(len(s) for s in xs)
    Ty = max(len(s) for s in ys) + 1
    x = torch.zeros((B, Tx), dtype=torch.long)
    yin = torch.zeros((B, Ty), dtype=torch.long)
    yout = torch.zeros((B, Ty), dtype=torch.long)
    for b, (s, y) in enumerate(zip(xs, ys)):
        x[b, :len(s)] = torch.tensor(s)
        yin[b, :len(y) + 1] = torch.tensor([C.BOS] + y)
        yout[b, :len(y) + 1] = torch.tensor(y + [C.EOS])
    xlen = torch.tensor([len(s) for s in xs])
    return x, xlen, yin, yout


def decode_words(model, words, gidx, max_len, batch=512):
    model.eval()
    preds = {}
    logits0 = {}
    order = sorted(words, key=len)
    for i in range(0, len(order), batch):
        ws = order[i:i + batch]
        xs = [encode_word(w, gidx) for w in ws]
        Tx = max(len(s) for s in xs)
        x = torch.zeros((len(ws), Tx), dtype=torch.long)
        for b, s in enumerate(xs):
            x[b, :len(s)] = torch.tensor(s)
        xlen = torch.tensor([len(s) for s in xs])
        out, l0 = model.greedy(x, xlen, max_len)
        for b, w in enumerate(ws):
            ph = []
            for t in out[b].tolist():
                if t == C.EOS:
                    break
                ph.append(C.PHONEMES[t])
            preds[w] = ' '.join(ph)
            logits0[w] = l0[b].numpy()
    return preds, logits0


def export_npz(model, path, max_len, reverse=False):
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    arrays = {
        'enc_emb': sd['enc_emb.weight'],
        'encf_w_ih': sd['enc.weight_ih_l0'], 'encf_w_hh': sd['enc.weight_hh_l0'],
        'encf_b_ih': sd['enc.bias_ih_l0'], 'encf_b_hh': sd['enc.bias_hh_l0'],
        'encb_w_ih': sd['enc.weight_ih_l0_reverse'], 'encb_w_hh': sd['enc.weight_hh_l0_reverse'],
        'encb_b_ih': sd['enc.bias_ih_l0_reverse'], 'encb_b_hh': sd['enc.bias_hh_l0_reverse'],
        'init_w': sd['init.weight'], 'init_b': sd['init.bias'],
        'dec_emb': sd['dec_emb.weight'],
        'dec_w_ih': sd['dec.weight_ih_l0'][:, :model.dec_emb.embedding_dim],
        'dec_w_hh': sd['dec.weight_hh_l0'],
        'dec_b_ih': sd['dec.bias_ih_l0'], 'dec_b_hh': sd['dec.bias_hh_l0'],
        'att_w': sd['att.weight'],
        'comb_w': sd['comb.weight'], 'comb_b': sd['comb.bias'],
        'fc_w': sd['fc.weight'], 'fc_b': sd['fc.bias'],
        'graphemes': np.frombuffer('\n'.join(C.GRAPHEMES).encode('utf-8'), dtype=np.uint8),
        'phonemes': np.frombuffer('\n'.join(C.PHONEMES).encode('utf-8'), dtype=np.uint8),
        'max_len': np.array([max_len], dtype=np.int32),
        'arch': np.frombuffer(b'bigru-attn-if' if model.feed else b'bigru-attn', dtype=np.uint8),
    }
    if reverse:  # right to left: the .g2pm gets G2PM_FLAG_REVERSED
        arrays['reversed'] = np.array([1], dtype=np.int32)
    if model.feed:
        arrays['dec_w_if'] = sd['dec.weight_ih_l0'][:, model.dec_emb.embedding_dim:]
    arrays = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
    tmp = path + '.tmp.npz'
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def widen_state(src, own, Ed):
    """Copy a trained state dict (src) into a model that may be wider (own: its
    freshly initialised state) and may add input feeding, so that the new model
    computes the same function: a new unit keeps its random incoming weights but
    every weight out of it starts at zero (new decoder units also get zero
    attention rows, which would otherwise change the scores). Training then
    grows the new units from where the old network was (Net2Net-style)."""
    H0, H = src['enc.weight_hh_l0'].size(1), own['enc.weight_hh_l0'].size(1)
    D0, D = src['dec.weight_hh_l0'].size(1), own['dec.weight_hh_l0'].size(1)
    if H0 > H or D0 > D:
        raise SystemExit('--init-from: the checkpoint (H=%d, D=%d) is wider than this model '
                         '(H=%d, D=%d)' % (H0, D0, H, D))
    for k in ('enc_emb.weight', 'dec_emb.weight', 'fc.bias'):
        if src[k].shape != own[k].shape:
            raise SystemExit('--init-from: %s is %s in the checkpoint, %s here (--emb and the '
                             'symbol sets must match)' % (k, tuple(src[k].shape), tuple(own[k].shape)))
    if src['dec.weight_ih_l0'].size(1) > Ed and own['dec.weight_ih_l0'].size(1) == Ed:
        raise SystemExit('--init-from: the checkpoint feeds the attentional vector back '
                         '(arch 3); add --input-feed')

    def gate_rows(n0, n):  # (new, old) row slices of a GRU's r|z|n stack
        return [(slice(g * n, g * n + n0), slice(g * n0, (g + 1) * n0)) for g in range(3)]

    def enc_cols(off, off0):  # (new, old) column slices of a [fwd; bwd] encoder input
        return [(slice(off, off + H0), slice(off0, off0 + H0)),
                (slice(off + H, off + H + H0), slice(off0 + H0, off0 + 2 * H0))]

    out = dict(own)
    for k, v in src.items():
        w = own[k].clone()
        if k.startswith('enc.') or k.startswith('dec.'):
            n0, n = (H0, H) if k.startswith('enc.') else (D0, D)
            for new_r, old_r in gate_rows(n0, n):
                if v.dim() == 1:
                    w[new_r] = v[old_r]
                elif 'weight_hh' in k:
                    w[new_r] = 0
                    w[new_r, :n0] = v[old_r]
                elif k == 'dec.weight_ih_l0':
                    # [emb | feed]: an arch-2 source has no feed columns
                    w[new_r] = 0
                    w[new_r, :Ed] = v[old_r, :Ed]
                    if v.size(1) > Ed:
                        w[new_r, Ed:Ed + D0] = v[old_r, Ed:]
                else:
                    w[new_r] = v[old_r]
        elif k in ('init.weight', 'att.weight'):
            if k == 'att.weight':
                w[D0:] = 0
            w[:D0] = 0
            for new_c, old_c in enc_cols(0, 0):
                w[:D0, new_c] = v[:, old_c]
        elif k == 'comb.weight':
            w[:D0] = 0
            w[:D0, :D0] = v[:, :D0]
            for new_c, old_c in enc_cols(D, D0):
                w[:D0, new_c] = v[:, old_c]
        elif k == 'fc.weight':
            w.zero_()
            w[:, :D0] = v
        elif k in ('init.bias', 'comb.bias'):
            w[:D0] = v
        else:
            w = v  # embeddings and fc.bias: widths unchanged
        out[k] = w
    return out


def load_source(path, what):
    """A trainer checkpoint (.pt), an exported .npz or a float32 .g2pm ->
    {'model': state dict, 'args': {'emb', 'hidden', 'dec', 'input_feed'}}."""
    if path.endswith(('.g2pm', '.npz')):
        try:
            return g2pm.checkpoint_from_model_file(path)
        except (ValueError, KeyError) as e:
            raise SystemExit('%s: %s' % (what, e))
    return torch.load(path)


def build_from(ck):
    sa = ck['args']
    m = BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), sa['emb'], sa['hidden'], sa['dec'], sa['emb'], 0.0,
                  feed=sa.get('input_feed', False))
    m.load_state_dict(ck['model'])
    m.eval()
    return m


def read_unlabeled(paths, count, seed, exclude, log_to):
    """Words of word lists (one per line; lower-cased; letters with inner
    apostrophes only, 2..20 of them; possessives ('s) dropped), minus every
    word in exclude (the dictionary and the split: no dictionary word is
    ever seen unlabelled); count > 0 keeps a seeded random sample of that
    many of the union."""
    letters = set(C.GRAPHEMES[4:])
    words, lines = set(), 0
    for path in paths:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                lines += 1
                w = line.strip().lower()
                if len(w) < 2 or len(w) > 20 or w.endswith("'s"):
                    continue
                if w[0] not in letters or w[-1] not in letters:
                    continue
                if not all(ch in letters or ch == "'" for ch in w) or w in exclude:
                    continue
                words.add(w)
    words = sorted(words)
    total = len(words)
    if count and count < len(words):
        words = sorted(random.Random(seed).sample(words, count))
    log('unlabeled: %d of %d usable words from %d lines of %s' % (
        len(words), total, lines, ', '.join(paths)), log_to)
    return words


def unlabeled_words(args, cmu, split, log_to):
    """The unlabeled words of --unlabeled minus the dictionary, the split
    and --exclude's words, sampled by --unlabeled-count and --seed."""
    return read_unlabeled(args.unlabeled, args.unlabeled_count, args.seed,
                          excluded_words(args, cmu, split), log_to)


def excluded_words(args, cmu, split):
    """Words no unlabeled or synthetic example may be: the dictionary's, the
    split's and --exclude's."""
    exclude = set(cmu) | set(split)
    for path in args.exclude:
        exclude |= set(C.load_split(path))
    return exclude


def spelled_examples(args, cmu, split, gidx, pidx):
    """--spelled's synthetic vowelless words (tools/train/spelled.py) as
    examples, read letter by letter (turned around for --reverse)."""
    out = []
    for w in SP.spelled_words(args.spelled, args.seed, excluded_words(args, cmu, split)):
        y = [pidx[p] for p in SP.spell(w).split()]
        out.append((encode_word(w, gidx), y[::-1] if args.reverse else y))
    return out


def one_hot_targets(examples, P):
    """Soft targets that are the examples' own labels (then </s>), as
    soft_targets lays them out: distillation then leaves them hard."""
    out = []
    for _, y in examples:
        t = torch.zeros((len(y) + 1, P), dtype=torch.float16)
        t[torch.arange(len(y) + 1), torch.tensor(y + [C.EOS])] = 1.0
        out.append(t)
    return out


def read_labels(path, wanted, pidx, log_to):
    """word -> phoneme ids from a word<TAB>pron file, for the words in wanted
    only (a label file never brings in a word of its own). Lines with an
    empty pron, an unknown phoneme or a pron too long to finish within
    MAX_LEN are not used (those words fall back to the teachers)."""
    out, bad = {}, 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            w, _, p = line.rstrip('\n').partition('\t')
            if w not in wanted or w in out:
                continue
            syms = p.split()
            if not syms or len(syms) >= C.MAX_LEN or any(s not in pidx for s in syms):
                bad += 1
                continue
            out[w] = [pidx[s] for s in syms]
    log('unlabeled labels: %d of %d words from %s (%d unusable lines)' % (
        len(out), len(wanted), path, bad), log_to)
    return out


def log(msg, f):
    line = time.strftime('%H:%M:%S ') + msg
    print(line, flush=True)
    f.write(line + '\n')
    f.flush()


def main():
    ap = argparse.ArgumentParser(prog='train', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--split', required=True,
                    help='the training split: word<TAB>pron lines (g014b2b.train)')
    ap.add_argument('--out', default='/tmp/train')
    ap.add_argument('--emb', type=int, default=128, help='grapheme and phoneme embedding width')
    ap.add_argument('--hidden', type=int, default=256, help='H per encoder direction')
    ap.add_argument('--dec', type=int, default=256, help='decoder width D')
    ap.add_argument('--dropout', type=float, default=0.25)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--decay-start', type=int, default=0,
                    help='after this epoch, multiply the lr by --decay-factor every epoch (0: plateau decay only)')
    ap.add_argument('--decay-factor', type=float, default=0.5)
    ap.add_argument('--plateau-patience', type=int, default=1,
                    help='halve the lr after this many evals without dev gain')
    ap.add_argument('--min-lr', type=float, default=6e-5)
    ap.add_argument('--label-smoothing', type=float, default=0.1)
    ap.add_argument('--clip', type=float, default=5.0)
    ap.add_argument('--epochs', type=int, default=40)
    ap.add_argument('--patience', type=int, default=5, help='early stop after this many evals without dev gain')
    ap.add_argument('--deadline', default='', help='HH:MM UTC; stop starting epochs that would end after it')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--max-steps', type=int, default=0, help='stop after N steps (timing check)')
    ap.add_argument('--smoke', type=int, default=0, help='use only N training examples and N dev words (smoke test)')
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--input-feed', action='store_true',
                    help='arch 3 (bigru-attn-if): feed the attentional vector back into the decoder')
    ap.add_argument('--targets', choices=('split', 'cmudict'), default='split',
                    help='split: the split\'s prons, stressed from CMUdict (the benchmark '
                         'convention); cmudict: every variant the project\'s CMUdict gives each '
                         'split word (the shipped dictionary\'s convention; dev metric: stressed '
                         'WER against those variants)')
    ap.add_argument('--teacher', action='append', default=[],
                    help='distil from this model (.pt, .npz or float32 .g2pm; repeat for an '
                         'ensemble: the mean of the members\' probabilities)')
    ap.add_argument('--kd-weight', type=float, default=0.5,
                    help='weight of the teachers\' distributions in the loss (the rest: '
                         'cross-entropy with the targets)')
    ap.add_argument('--unlabeled', action='append', default=[],
                    help='word list read by the teachers and added to the training words '
                         '(dictionary and split words are removed first); repeatable')
    ap.add_argument('--exclude', action='append', default=[],
                    help='word<TAB>pron file (e.g. g014b2b.test) whose words are kept out of the '
                         'unlabeled set; its prons are never read; repeatable')
    ap.add_argument('--spelled', type=int, default=0,
                    help='add this many synthetic words without vowel letters (none a dictionary, '
                         'split or --exclude word), read letter by letter (tools/train/spelled.py)')
    ap.add_argument('--unlabeled-count', type=int, default=0,
                    help='use a seeded sample of this many unlabeled words (0: all)')
    ap.add_argument('--unlabeled-labels', default='',
                    help='word<TAB>pron file (stressed ARPAbet, e.g. `g2p-eval --predictions` of a '
                         'rescored network over --list-unlabeled\'s words): the targets of the '
                         'unlabeled words it has, instead of the teachers\' greedy reading; the '
                         'teachers\' distributions are then taken along those targets')
    ap.add_argument('--list-unlabeled', default='',
                    help='write the unlabeled words (after exclusion and sampling, one per line) '
                         'to this file and stop')
    ap.add_argument('--init-from', default='',
                    help='start from this checkpoint\'s weights (arch 2 or 3; an arch-2 decoder '
                         'gets zero feed weights, so training starts from the same function)')
    ap.add_argument('--qat-int4', action='store_true',
                    help='fine-tune with the recurrent matrices rounded to 4 bits in every forward '
                         'pass and dev decode (tools/train/qat.py; for g2p-convert --quantize int4)')
    ap.add_argument('--reverse', action='store_true',
                    help='right-to-left: the decoder reads each pronunciation last phoneme first '
                         '(a rescorer for n-best lists, rnninferd --rescore-model; dev answers are '
                         'turned back before scoring; exports carry reversed=1)')
    ap.add_argument('--mrt-weight', type=float, default=0.0,
                    help='minimum-risk fine-tuning (tools/train/mrt.py): the loss adds W x the '
                         'expected cost of the network\'s own readings of the batch\'s unsure words, '
                         'as a share of the batch (0: off)')
    ap.add_argument('--mrt-samples', type=int, default=5,
                    help='readings drawn per word besides the greedy one (--mrt-weight)')
    ap.add_argument('--mrt-sharpness', type=float, default=1.0,
                    help='scale of the readings\' log-probabilities before they are renormalised')
    ap.add_argument('--mrt-unsure', type=float, default=-1.0,
                    help='the risk is taken only over words the starting network reads wrongly or '
                         'with a log-probability below this (0: every word)')
    args = ap.parse_args()
    if args.mrt_weight and args.reverse:
        ap.error('--mrt-weight: left-to-right networks only')

    torch.set_num_threads(int(os.environ.get("G2P_TORCH_THREADS", "1")))
    # Denormal floats (early in training, from near-zero attention weights and
    # gradients) made steps 2.5-3x slower here (761 vs 301 ms); flush them.
    torch.set_flush_denormal(True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    logf = open(os.path.join(args.out, 'train.log'), 'a')
    log('args ' + json.dumps(vars(args)), logf)

    cmu = C.load_cmudict()
    split = C.load_split(args.split)
    if args.targets == 'cmudict':
        targets = {w: cmu[w] for w in split if w in cmu}
        counts = dict(words=len(split), absent=len(split) - len(targets),
                      prons=sum(len(v) for v in targets.values()))
    else:
        targets, counts = C.stressed_targets(split, cmu)
    log('data (%s targets) %s' % (args.targets, json.dumps(counts)), logf)
    stressed_dev = args.targets == 'cmudict'
    gidx = {g: i for i, g in enumerate(C.GRAPHEMES)}
    pidx = {p: i for i, p in enumerate(C.PHONEMES)}
    train, dev_refs = [], {}
    for w in sorted(targets):
        if C.is_dev(w):
            dev_refs[w] = targets[w] if stressed_dev else split[w]
            continue
        for p in targets[w]:
            train.append((encode_word(w, gidx), [pidx[s] for s in p.split()]))
    if args.reverse:
        if args.teacher:
            raise SystemExit('--reverse: no --teacher (teachers read left to right)')
        train = [(x, y[::-1]) for x, y in train]
    if args.smoke:
        train = train[::max(1, len(train) // args.smoke)][:args.smoke]
        dev_refs = dict(list(dev_refs.items())[:args.smoke])
    log('train examples %d, dev words %d' % (len(train), len(dev_refs)), logf)

    model = BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), args.emb, args.hidden, args.dec, args.emb, args.dropout,
                      feed=args.input_feed)
    if args.init_from and not (args.resume and os.path.exists(os.path.join(args.out, 'ckpt_last.pt'))):
        src_ck = load_source(args.init_from, '--init-from')
        model.load_state_dict(widen_state(src_ck['model'], model.state_dict(), args.emb))
        # the start must be the same function as the source: check it on dev words
        sa = src_ck['args']
        if bool(sa.get('reverse', False)) != args.reverse:
            raise SystemExit('--init-from: the source reads in the other direction')
        src = BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), sa['emb'], sa['hidden'], sa['dec'], sa['emb'], 0.0,
                        feed=sa.get('input_feed', False))
        src.load_state_dict(src_ck['model'])
        probe = sorted(dev_refs)[:200]
        p_src, l_src = decode_words(src, probe, gidx, C.MAX_LEN)
        p_own, l_own = decode_words(model, probe, gidx, C.MAX_LEN)
        diff = max(float(np.abs(l_src[w] - l_own[w]).max()) for w in probe)
        same = sum(p_src[w] == p_own[w] for w in probe)
        log('initialised from %s: %d of %d dev answers unchanged, first-step logits within %.1e' % (
            args.init_from, same, len(probe), diff), logf)
        if diff > 1e-3:
            raise SystemExit('--init-from: the widened start is not the source network')
    if args.list_unlabeled:
        if not args.unlabeled:
            raise SystemExit('--list-unlabeled needs --unlabeled')
        words = unlabeled_words(args, cmu, split, logf)
        with open(args.list_unlabeled, 'w') as f:
            f.writelines(w + '\n' for w in words)
        log('wrote %d unlabeled words to %s' % (len(words), args.list_unlabeled), logf)
        return
    teachers = [build_from(load_source(t, '--teacher')) for t in args.teacher]
    if args.unlabeled and not teachers:
        raise SystemExit('--unlabeled needs at least one --teacher to read the words')
    if args.unlabeled_labels and not args.unlabeled:
        raise SystemExit('--unlabeled-labels needs --unlabeled')
    if teachers:
        t0 = time.time()
        if args.unlabeled:
            words = unlabeled_words(args, cmu, split, logf)
            given = {}
            if args.unlabeled_labels:
                given = read_labels(args.unlabeled_labels, set(words), pidx, logf)
            rest = [w for w in words if w not in given]
            labels = KD.ensemble_greedy(teachers, rest, gidx, encode_word, C.MAX_LEN)
            labels.update(given)
            for w in sorted(labels):
                train.append((encode_word(w, gidx), labels[w]))
            log('unlabeled: %d read by the teachers (%d unfinished, dropped)' % (
                len(labels), len(words) - len(labels)), logf)
        soft = KD.soft_targets(teachers, train, collate)
        log('distillation: %d teacher(s), soft targets for %d examples in %.0fs, kd weight %.2f' % (
            len(teachers), len(train), time.time() - t0, args.kd_weight), logf)
        del teachers
    else:
        soft = None
    if args.spelled:
        extra = spelled_examples(args, cmu, split, gidx, pidx)
        train.extend(extra)
        if soft is not None:  # the teachers cannot spell: these stay hard
            soft.extend(one_hot_targets(extra, len(C.PHONEMES)))
        log('spelled: %d synthetic vowelless words read letter by letter' % len(extra), logf)
    refs_of = {}
    if args.mrt_weight:
        # every variant of a word (and an unlabeled word's one label) is a right reading
        for xw, y in train:
            refs_of.setdefault(tuple(xw), []).append(tuple(y))
        plain = MRT.stressless_ids()
        t0 = time.time()
        # chosen once, by the starting network, and kept for --resume
        risky_path = os.path.join(args.out, 'mrt_unsure.json')
        if os.path.exists(risky_path):
            with open(risky_path) as f:
                risky = set(json.load(f))
        else:
            with (qat.rounded(model) if args.qat_int4 else contextlib.nullcontext()):
                risky = set(MRT.unsure(model, train, refs_of, args.mrt_unsure, collate)) \
                    if args.mrt_unsure < 0 else set(range(len(train)))
            with open(risky_path + '.tmp', 'w') as f:
                json.dump(sorted(risky), f)
            os.replace(risky_path + '.tmp', risky_path)
        log('minimum risk: weight %.2f, %d samples per word, sharpness %.2f, over %d of %d examples '
            '(wrong or below %.2f; %.0fs)' % (args.mrt_weight, args.mrt_samples, args.mrt_sharpness,
                                              len(risky), len(train), args.mrt_unsure, time.time() - t0), logf)
    nparams = sum(p.numel() for p in model.parameters())
    log('params %d' % nparams, logf)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=args.plateau_patience, min_lr=args.min_lr)
    state = dict(epoch=0, best_wer=1e9, best_epoch=0, bad=0, step=0, wall=0.0)
    ck_last = os.path.join(args.out, 'ckpt_last.pt')
    ck_best = os.path.join(args.out, 'ckpt_best.pt')
    if args.resume and os.path.exists(ck_last):
        ck = torch.load(ck_last)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        sched.load_state_dict(ck['sched'])
        state = ck['state']
        torch.set_rng_state(ck['torch_rng'])
        log('resumed at epoch %d' % state['epoch'], logf)

    deadline = None
    if args.deadline:
        hh, mm = map(int, args.deadline.split(':'))
        now = time.gmtime()
        deadline = time.time() + ((hh * 60 + mm) - (now.tm_hour * 60 + now.tm_min)) * 60 - now.tm_sec
    def rounding():
        return qat.rounded(model) if args.qat_int4 else contextlib.nullcontext()

    lossf = nn.CrossEntropyLoss(ignore_index=C.PAD, label_smoothing=args.label_smoothing)
    while state['epoch'] < args.epochs:
        ep = state['epoch'] + 1
        if args.decay_start and ep > args.decay_start:
            # fixed schedule (a function of the epoch, so --resume may change it):
            # lr <= lr0 * factor^(ep - decay_start); plateau decay may lower it further
            cap = max(args.min_lr, args.lr * args.decay_factor ** (ep - args.decay_start))
            for g in opt.param_groups:
                g['lr'] = min(g['lr'], cap)
        t0 = time.time()
        rng = random.Random(args.seed * 1000 + ep)
        torch.manual_seed(args.seed * 1000 + ep)
        model.train()
        tot, nb = 0.0, 0
        for bi, idxs in enumerate(make_batches(train, args.batch, rng)):
            x, xlen, yin, yout = collate(train, idxs)
            opt.zero_grad()
            with rounding():
                logits = model(x, xlen, yin)
                loss = lossf(logits.reshape(-1, logits.size(-1)), yout.reshape(-1))
                if soft is not None:
                    tp = KD.pad_soft(soft, idxs, yout.size(1), logits.size(-1))
                    loss = (1 - args.kd_weight) * loss + args.kd_weight * KD.soft_loss(logits, tp, yout)
                rows = [b for b, i in enumerate(idxs) if i in risky] if args.mrt_weight else []
                if rows:
                    sel = torch.tensor(rows)
                    cands, _ = MRT.draw(model, x[sel], xlen[sel], args.mrt_samples, C.MAX_LEN)
                    refs = [refs_of[tuple(train[idxs[b]][0])] for b in rows]
                    r = MRT.risk(model, x[sel], xlen[sel], cands, refs, plain, args.mrt_sharpness)
                    # the risk's share of the batch is its share of the words
                    loss = loss + args.mrt_weight * r * len(rows) / len(idxs)
                loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            tot += loss.item()
            nb += 1
            state['step'] += 1
            if bi % 100 == 0:
                log('ep %d batch %d loss %.4f (%.1f ms/step)' % (ep, bi, loss.item(), 1000 * (time.time() - t0) / (bi + 1)), logf)
            if args.max_steps and state['step'] >= args.max_steps:
                log('max steps reached: %.1f ms/step' % (1000 * (time.time() - t0) / nb), logf)
                return
        t_train = time.time() - t0
        with rounding():
            preds, _ = decode_words(model, list(dev_refs), gidx, C.MAX_LEN)
        if args.reverse:
            preds = {w: ' '.join(p.split()[::-1]) for w, p in preds.items()}
        wer, per, n = C.score(preds, dev_refs, stressless=not stressed_dev)
        extra = ''
        if stressed_dev:
            wer0, per0, _ = C.score(preds, dev_refs, stressless=True)
            extra = ' (stressed; stressless %.2f / %.2f)' % (wer0, per0)
        sched.step(wer)
        dt = time.time() - t0
        state['wall'] += dt
        state['epoch'] = ep
        improved = wer < state['best_wer']
        if improved:
            state['best_wer'], state['best_epoch'], state['bad'] = wer, ep, 0
        else:
            state['bad'] += 1
        log('epoch %d loss %.4f dev WER %.2f PER %.2f%s (n=%d) lr %.2e train %.0fs total %.0fs%s' % (
            ep, tot / nb, wer, per, extra, n, opt.param_groups[0]['lr'], t_train, dt,
            ' *best*' if improved else ''), logf)
        ck = dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), state=state,
                  torch_rng=torch.get_rng_state(), args=vars(args))
        torch.save(ck, ck_last + '.tmp')
        os.replace(ck_last + '.tmp', ck_last)
        if improved:
            torch.save(ck, ck_best + '.tmp')
            os.replace(ck_best + '.tmp', ck_best)
            export_npz(model, os.path.join(args.out, 'best.npz'), C.MAX_LEN, args.reverse)
        if ep == 1:
            export_npz(model, os.path.join(args.out, 'early.npz'), C.MAX_LEN, args.reverse)
        if state['bad'] >= args.patience:
            log('early stop: no dev gain for %d epochs' % state['bad'], logf)
            break
        if deadline is not None and time.time() + dt > deadline:
            log('deadline: next epoch would end after %s UTC' % args.deadline, logf)
            break
    log('done: best dev WER %.2f at epoch %d, wall %.0fs' % (state['best_wer'], state['best_epoch'], state['wall']), logf)
    ck = torch.load(ck_best)
    model.load_state_dict(ck['model'])
    export_npz(model, os.path.join(args.out, 'final.npz'), C.MAX_LEN, args.reverse)
    log('exported %s' % os.path.join(args.out, 'final.npz'), logf)


if __name__ == '__main__':
    main()
