"""Token-level knowledge distillation for the trainer (Sun et al. 2019,
"Token-level ensemble distillation for grapheme-to-phoneme conversion").

Why: a small network run by the daemon cannot be as accurate as a wide
one or an ensemble trained the same way, but it gets most of the way when
it learns the teachers' whole output distributions instead of one-hot
targets, and when it also sees words nobody labelled, read by the
teachers. This file holds the three pieces: the teachers' joint greedy
reading of unlabelled words, the teachers' per-step distributions along a
target sequence (computed once, before training: the teachers run in eval
mode, so the targets are fixed), and the loss that mixes them with the
usual cross-entropy.

Teachers are BiGruAttn models (built by the caller), arch 2 (no input
feeding). An ensemble's distribution is the mean of its members'
probabilities.
"""
import math

import torch
import torch.nn.functional as F

from . import common as C


@torch.no_grad()
def _step_logprobs(teachers, states, prev):
    """One decoder step of every teacher: states[i] = (enc, keys, mask, h);
    returns the ensemble's log-probabilities (B, P) and updates h in place."""
    lps = []
    for i, m in enumerate(teachers):
        enc, keys, mask, h = states[i]
        o, h = m.dec(m.dec_emb(prev)[:, None, :], h)
        states[i] = (enc, keys, mask, h)
        lps.append(F.log_softmax(m.fc(m.attentional(o, enc, keys, mask))[:, 0, :], dim=-1))
    if len(lps) == 1:
        return lps[0]
    return torch.logsumexp(torch.stack(lps), dim=0) - math.log(len(lps))


def _pad_words(words, gidx, encode_word):
    xs = [encode_word(w, gidx) for w in words]
    x = torch.zeros((len(xs), max(len(s) for s in xs)), dtype=torch.long)
    for b, s in enumerate(xs):
        x[b, :len(s)] = torch.tensor(s)
    return x, torch.tensor([len(s) for s in xs])


@torch.no_grad()
def ensemble_greedy(teachers, words, gidx, encode_word, max_len, batch=512):
    """word -> list of phoneme ids: the ensemble's greedy reading (argmax of
    the mean probabilities at each step). Words whose reading does not end
    within max_len are dropped (an unfinished answer is not a target)."""
    for m in teachers:
        m.eval()
    out = {}
    order = sorted(words, key=len)
    for i in range(0, len(order), batch):
        ws = order[i:i + batch]
        x, xlen = _pad_words(ws, gidx, encode_word)
        states = []
        for m in teachers:
            enc, keys, mask, h0 = m.encode(x, xlen)
            states.append((enc, keys, mask, h0[None]))
        prev = torch.full((len(ws),), C.BOS, dtype=torch.long)
        seqs = [[] for _ in ws]
        done = [False] * len(ws)
        for _ in range(max_len):
            prev = _step_logprobs(teachers, states, prev).argmax(dim=-1)
            for b, t in enumerate(prev.tolist()):
                if done[b]:
                    continue
                if t == C.EOS:
                    done[b] = True
                else:
                    seqs[b].append(t)
            if all(done):
                break
        for b, w in enumerate(ws):
            if done[b] and seqs[b]:
                out[w] = seqs[b]
    return out


@torch.no_grad()
def soft_targets(teachers, examples, collate, batch=512):
    """For each (x, y) example, the ensemble's probabilities at each of the
    len(y) + 1 decoder steps (teacher forcing on y, then </s>), as a float16
    tensor (len(y) + 1, P). Same order as examples."""
    for m in teachers:
        m.eval()
    out = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    for s in range(0, len(order), batch):
        idxs = order[s:s + batch]
        x, xlen, yin, _ = collate(examples, idxs)
        ps = []
        for m in teachers:
            ps.append(torch.softmax(m(x, xlen, yin), dim=-1))
        p = ps[0] if len(ps) == 1 else torch.stack(ps).mean(dim=0)
        for b, i in enumerate(idxs):
            out[i] = p[b, :len(examples[i][1]) + 1].to(torch.float16)
    return out


def pad_soft(soft, idxs, Ty, P):
    """Batch of precomputed targets -> (B, Ty, P) float32, zero past each end."""
    t = torch.zeros((len(idxs), Ty, P))
    for b, i in enumerate(idxs):
        s = soft[i]
        t[b, :s.size(0)] = s.float()
    return t


def soft_loss(logits, target_p, yout):
    """Cross-entropy of the student's logits against the teachers'
    probabilities, averaged over the real (non-pad) steps."""
    lp = F.log_softmax(logits, dim=-1)
    per_step = -(target_p * lp).sum(dim=-1)
    mask = (yout != C.PAD).float()
    return (per_step * mask).sum() / mask.sum().clamp(min=1.0)
