"""Minimum-risk fine-tuning for the trainer (Shen et al. 2016, "Minimum
risk training for neural machine translation"; Edunov et al. 2018,
"Classical structured prediction losses for sequence to sequence
learning").

Why: cross-entropy trains each step on the right previous phonemes, but
the daemon reads a word greedily from its own previous answers and is
judged on the whole word. The beam's top 4 hold the right answer for most
words the greedy reading gets wrong: the scores rank it second. Here the
network reads each training word itself (its greedy answer plus samples),
and the loss is the expected cost of those readings under the network's
own distribution renormalised over them, so probability moves from the
wrong readings to the right ones it already considers.

The cost of a reading is its word error against the word's variants, with
stress counted half: 0 when it equals a variant, 0.5 when it differs from
the nearest only in stress, 1 otherwise; plus a quarter of its stressless
phoneme error rate against the nearest variant, so that among wrong
readings the nearer ones are preferred.

Arch 2 networks only (no input feeding). The candidates are drawn without
gradients; their log-probabilities are recomputed with gradients in one
teacher-forced pass over all of them.
"""
import torch
import torch.nn.functional as F

from . import common as C


def stressless_ids():
    """Phoneme id -> the id every stress variant of its base shares (the
    base's first id), so stressless comparison is a comparison of ints."""
    first = {}
    out = []
    for i, p in enumerate(C.PHONEMES):
        base = p.rstrip('012') if i >= len(C.SPECIALS_P) else p
        out.append(first.setdefault(base, i))
    return out


@torch.no_grad()
def draw(model, x, xlen, samples, max_len):
    """For each of the B words: its greedy reading and `samples` readings
    drawn from the network (ancestral sampling), as lists of phoneme ids
    without </s>; readings that do not end within max_len are dropped.
    Returns a list of B lists of distinct readings (tuples), and the
    greedy readings' log-probabilities (B,), -inf where unfinished."""
    if model.feed:
        raise SystemExit('--mrt: arch 2 networks only (no input feeding)')
    was_training = model.training
    model.eval()
    k = 1 + samples
    B = x.size(0)
    xr = x.repeat_interleave(k, dim=0)
    lr = xlen.repeat_interleave(k, dim=0)
    enc, keys, mask, h = model.encode(xr, lr)
    h = h[None]
    greedy_row = (torch.arange(B * k) % k) == 0
    prev = torch.full((B * k,), C.BOS, dtype=torch.long)
    out = torch.full((B * k, max_len), C.EOS, dtype=torch.long)
    done = torch.zeros(B * k, dtype=torch.bool)
    seq_lp = torch.zeros(B * k)
    for t in range(max_len):
        o, h = model.dec(model.dec_emb(prev)[:, None, :], h)
        logits = model.fc(model.attentional(o, enc, keys, mask))[:, 0, :]
        picked = torch.multinomial(F.softmax(logits, dim=-1), 1)[:, 0]
        prev = torch.where(greedy_row, logits.argmax(dim=-1), picked)
        prev = torch.where(done, torch.full_like(prev, C.EOS), prev)
        step_lp = F.log_softmax(logits, dim=-1).gather(1, prev[:, None])[:, 0]
        seq_lp += torch.where(done, torch.zeros_like(step_lp), step_lp)
        out[:, t] = prev
        done |= prev == C.EOS
        if bool(done.all()):
            break
    model.train(was_training)
    rows = out.tolist()
    fin = done.tolist()
    cands = []
    for b in range(B):
        seen = []
        for r in range(b * k, (b + 1) * k):
            if not fin[r]:
                continue
            seq = tuple(rows[r][:rows[r].index(C.EOS)])
            if seq and seq not in seen:
                seen.append(seq)
        cands.append(seen)
    greedy_lp = torch.where(done, seq_lp, torch.full_like(seq_lp, -float('inf')))[::k]
    return cands, greedy_lp


@torch.no_grad()
def unsure(model, examples, refs_of, threshold, collate, batch=512):
    """Indices of the examples whose word the network reads wrongly
    (greedy, stressed) or with a log-probability below threshold: the
    words where the risk has something to move. The rest are read right
    and surely, so their readings would all be one and carry no gradient."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    out = []
    for s in range(0, len(order), batch):
        idxs = order[s:s + batch]
        x, xlen, _, _ = collate(examples, idxs)
        cands, lp = draw(model, x, xlen, 0, C.MAX_LEN)
        for b, i in enumerate(idxs):
            right = bool(cands[b]) and cands[b][0] in refs_of[tuple(examples[i][0])]
            if not right or float(lp[b]) < threshold:
                out.append(i)
    return sorted(out)


def cost(cand, refs, plain):
    """Word error of one reading against a word's variants (stress counted
    half) plus a quarter of its stressless phoneme error rate; refs are
    tuples of phoneme ids, plain maps an id to its stressless id."""
    if cand in refs:
        return 0.0
    pc = [plain[i] for i in cand]
    best_per = None
    stress_only = False
    for r in refs:
        pr = [plain[i] for i in r]
        if pc == pr:
            stress_only = True
        per = C.edit_distance(pc, pr) / max(len(pr), 1)
        if best_per is None or per < best_per:
            best_per = per
    return (0.5 if stress_only else 1.0) + 0.25 * best_per


def risk(model, x, xlen, cands, refs, plain, sharpness=1.0):
    """Expected cost of each word's readings under the network's
    probabilities renormalised over them (scaled by sharpness), averaged
    over the words that have a reading. refs: per word, a list of tuples."""
    rows, seqs, costs = [], [], []
    for b, cs in enumerate(cands):
        for c in cs:
            rows.append(b)
            seqs.append(c)
            costs.append(cost(c, refs[b], plain))
    if not rows:
        return x.new_zeros((), dtype=torch.float32)
    idx = torch.tensor(rows)
    Ty = max(len(s) for s in seqs) + 1
    yin = torch.zeros((len(seqs), Ty), dtype=torch.long)
    yout = torch.zeros((len(seqs), Ty), dtype=torch.long)
    for i, s in enumerate(seqs):
        yin[i, :len(s) + 1] = torch.tensor((C.BOS,) + s)
        yout[i, :len(s) + 1] = torch.tensor(s + (C.EOS,))
    logits = model(x[idx], xlen[idx], yin)
    lp = F.log_softmax(logits, dim=-1).gather(2, yout[:, :, None])[:, :, 0]
    seq_lp = (lp * (yout != C.PAD).float()).sum(dim=1) * sharpness
    # softmax of seq_lp within each word's group
    B = len(cands)
    gmax = torch.full((B,), -float('inf')).scatter_reduce(0, idx, seq_lp.detach(), reduce='amax')
    e = torch.exp(seq_lp - gmax[idx])
    z = torch.zeros(B).index_add(0, idx, e)
    q = e / z[idx]
    per_word = torch.zeros(B).index_add(0, idx, q * torch.tensor(costs))
    have = torch.zeros(B, dtype=torch.bool)
    have[idx] = True
    return per_word[have].mean()
