#!/usr/bin/env python3
"""Trains the part-of-speech tagger (averaged perceptron, greedy left to
right) on UD English EWT and writes a linear-model file for text/tagger.c.

  tools/train-tagger/train_tagger.py --data ../shared/data/ud-english-ewt \
      --iters 8 --out models/en-ewt-tagger.linm

Words seen at least 20 times in train with one tag at least 97% of the time
go to a tag dictionary (feature ("td", word) with that tag alone) and are
tagged without scoring, in training as at tagging time.

Labels: "UPOS|XPOS" pairs (one model predicting both), or UPOS or XPOS
alone (--labels upos|xpos, for comparison). Tokens are the treebank's
syntactic words (multiword-token lines such as "don't" = do + n't are
skipped; their parts are tagged). Prints UPOS and XPOS accuracy on dev and
test. Python 3 standard library only; a few minutes on one core.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linmodel  # noqa: E402
import tagfeat  # noqa: E402


def read_conllu(path):
    sents = []
    cur = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 10 or not cols[0].isdigit():
                continue  # multiword token range or empty node
            cur.append((cols[1].encode('utf-8'), cols[3], cols[4]))
    if cur:
        sents.append(cur)
    return sents


def label_of(tok, mode):
    if mode == 'upos':
        return tok[1]
    if mode == 'xpos':
        return tok[2]
    return tok[1] + '|' + tok[2]


def make_tagdict(sents, mode, cid, min_count, min_share):
    """Words (exact bytes) frequent and unambiguous enough in train to be
    tagged without scoring (Honnibal's tag dictionary)."""
    counts = {}
    for s in sents:
        for t in s:
            d = counts.setdefault(t[0], {})
            lab = label_of(t, mode)
            d[lab] = d.get(lab, 0) + 1
    out = {}
    for w, d in counts.items():
        lab, k = max(d.items(), key=lambda kv: (kv[1], kv[0]))
        n = sum(d.values())
        if n >= min_count and k >= min_share * n:
            out[w] = cid[lab]
    return out


def tag_sentence(model, names, words, tagdict):
    parts = tagfeat.sentence_parts(words)
    p1, p2 = tagfeat.START
    out = []
    for i in range(len(words)):
        c = tagdict.get(words[i])
        if c is None:
            c = model.predict(tagfeat.features(parts, i, p1, p2))
        out.append(c)
        p2, p1 = p1, names[c]
    return out


def evaluate(model, names, classes, sents, mode, tagdict):
    n = up = xp = 0
    for s in sents:
        words = [t[0] for t in s]
        pred = tag_sentence(model, names, words, tagdict)
        for t, c in zip(s, pred):
            lab = classes[c]
            n += 1
            if mode == 'both':
                u, x = lab.split('|')
                up += u == t[1]
                xp += x == t[2]
            elif mode == 'upos':
                up += lab == t[1]
            else:
                xp += lab == t[2]
    return n, 100.0 * up / n, 100.0 * xp / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default='../shared/data/ud-english-ewt')
    ap.add_argument('--iters', type=int, default=8)
    ap.add_argument('--labels', choices=('both', 'upos', 'xpos'), default='both')
    ap.add_argument('--prune', type=float, default=0.05,
                    help='drop averaged weights smaller than this in magnitude')
    ap.add_argument('--seed', type=int, default=15)
    ap.add_argument('--tagdict-count', type=int, default=20,
                    help='tag dictionary: words seen at least this often (0: none)')
    ap.add_argument('--tagdict-share', type=float, default=0.97,
                    help='... with one tag at least this share of the time')
    ap.add_argument('--out', help='model file to write')
    ap.add_argument('--no-test', action='store_true', help='score dev only')
    a = ap.parse_args()

    train = read_conllu(os.path.join(a.data, 'en_ewt-ud-train.conllu'))
    dev = read_conllu(os.path.join(a.data, 'en_ewt-ud-dev.conllu'))
    test = read_conllu(os.path.join(a.data, 'en_ewt-ud-test.conllu'))
    counts = {}
    for s in train:
        for t in s:
            lab = label_of(t, a.labels)
            counts[lab] = counts.get(lab, 0) + 1
    classes = sorted(counts, key=lambda k: (-counts[k], k))
    cid = {c: i for i, c in enumerate(classes)}
    names = [c.encode() for c in classes]
    tagdict = {}
    if a.tagdict_count > 0:
        tagdict = make_tagdict(train, a.labels, cid, a.tagdict_count, a.tagdict_share)
    print('tag dictionary: %d words' % len(tagdict))
    model = linmodel.AveragedPerceptron(len(classes))
    t0 = time.time()
    for it in range(a.iters):
        right = total = 0
        for s in linmodel.shuffled(train, a.seed + it):
            words = [t[0] for t in s]
            parts = tagfeat.sentence_parts(words)
            p1, p2 = tagfeat.START
            for i, t in enumerate(s):
                d = tagdict.get(t[0])
                if d is not None:
                    p2, p1 = p1, names[d]
                    continue
                feats = tagfeat.features(parts, i, p1, p2)
                guess = model.predict(feats)
                truth = cid[label_of(t, a.labels)]
                model.update(truth, guess, feats)
                right += guess == truth
                total += 1
                p2, p1 = p1, names[guess]  # history as at tagging time
        print('iter %d: train %.2f%% (%.0f s)' % (it + 1, 100.0 * right / total,
                                               time.time() - t0), flush=True)
    model.average()
    nfeat0 = sum(len(d) for d in model.weights.values())
    model.prune(a.prune)
    nfeat = sum(len(d) for d in model.weights.values())
    print('classes %d, features %d, weights %d (before pruning %d)' %
          (len(classes), len(model.weights), nfeat, nfeat0))
    for name, data in (('dev', dev), ('test', test)):
        if name == 'test' and a.no_test:
            continue
        n, u, x = evaluate(model, names, classes, data, a.labels, tagdict)
        print('%s: %d tokens, UPOS %.2f%%, XPOS %.2f%%' % (name, n, u, x), flush=True)
    for w, c in tagdict.items():
        model.weights[(tagfeat.TAGDICT, w)] = {c: 1.0}
    if a.out:
        size, nf, npairs = linmodel.write_model(a.out, linmodel.KIND_TAGGER,
                                                names, model.weights)
        print('wrote %s: %d bytes, %d features, %d weights' % (a.out, size, nf, npairs))


if __name__ == '__main__':
    main()
