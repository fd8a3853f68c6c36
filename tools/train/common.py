"""Shared data handling for the rnninferd G2P trainer and its numpy reference.

Why this file exists: train.py (PyTorch) and predict_np.py (pure numpy
reference of the C inference) must agree byte for byte on how words are
read, how CMUdict variants are chosen, which words form the dev set and
how WER/PER are scored. Keeping that logic in one place keeps the numbers
they print comparable.
"""
import hashlib
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
CMUDICT_JS = os.path.join(REPO, 'data', 'cmu-pronouncing-dictionary', 'index.js')

SPECIALS_G = ['<pad>', '<unk>', '</s>']
GRAPHEMES = SPECIALS_G + ["'"] + [chr(c) for c in range(ord('a'), ord('z') + 1)]
SPECIALS_P = ['<pad>', '<unk>', '<s>', '</s>']
ARPABET_TXT = os.path.join(REPO, 'data', 'arpabet.txt')


def load_arpabet(path=ARPABET_TXT):
    """The stressed ARPAbet symbols in g2p_en 2.0's order (UW before UW0),
    from the tree's one list of them (the C converter reads it too)."""
    with open(path, encoding='utf-8') as f:
        return [s.strip() for s in f if s.strip() and not s.startswith('#')]


ARPABET = load_arpabet()
PHONEMES = SPECIALS_P + ARPABET
PAD, UNK, EOS_G = 0, 1, 2
BOS, EOS = 2, 3
MAX_LEN = 24
DEV_PERCENT = 3

_ENTRY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)":\s*"((?:[^"\\]|\\.)*)",?\s*$')
_VARIANT = re.compile(r'^(.*)\((\d+)\)$')


def load_cmudict(path=CMUDICT_JS):
    """word -> list of stressed prons (variant order: base, (2), (3)...)."""
    d = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = _ENTRY.match(line)
            if not m:
                continue
            key, val = m.group(1), m.group(2)
            val = val.split('#', 1)[0].strip()
            if not val:
                continue
            num = 1
            vm = _VARIANT.match(key)
            if vm:
                key, num = vm.group(1), int(vm.group(2))
            d.setdefault(key, []).append((num, val))
    return {k: [v for _, v in sorted(vs)] for k, vs in d.items()}


def strip_stress(pron):
    return ' '.join(p.rstrip('012') for p in pron.split())


def load_split(path):
    """lower-cased word -> list of stressless prons, in file order (words in first-seen order)."""
    d = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            w, p = line.split('\t')
            d.setdefault(w.lower(), [])
            p = ' '.join(p.split())
            if p not in d[w.lower()]:
                d[w.lower()].append(p)
    return d


def is_dev(word):
    h = hashlib.md5(word.encode('utf-8')).digest()
    return int.from_bytes(h[:4], 'little') % 100 < DEV_PERCENT


VOWELS = set('AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW'.split())


def _align(a, b):
    """Levenshtein alignment of token lists; returns {i: j} for matched/substituted pairs."""
    n, m = len(a), len(b)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dp[i][0] = i
    for j in range(m + 1):
        dp[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            dp[i][j] = min(dp[i - 1][j] + 1, dp[i][j - 1] + 1,
                           dp[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    pairs = {}
    i, j = n, m
    while i > 0 and j > 0:
        if dp[i][j] == dp[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs


def transfer_stress(plain, stressed):
    """Give the stressless pron `plain` the stress digits of the aligned vowels of `stressed`
    (vowels with no aligned vowel get 0)."""
    a = plain.split()
    b = stressed.split()
    pairs = _align(a, [p.rstrip('012') for p in b])
    out = []
    for i, p in enumerate(a):
        if p in VOWELS:
            j = pairs.get(i)
            d = b[j][-1] if j is not None and b[j][-1] in '012' else '0'
            out.append(p + d)
        else:
            out.append(p)
    return ' '.join(out)


def stressed_targets(split, cmu):
    """Choose stressed training prons for each split word.

    The split's (stressless) prons are the targets; stress comes from our
    CMUdict: a split pron equal (stressless) to a dict variant takes that
    variant; otherwise (the split comes from an older CMUdict, e.g. AH where
    0.7b has IH0) the stress digits are transferred from the closest dict
    variant by edit-distance alignment. Words absent from the dict are
    skipped. Returns (word -> [stressed prons], counts)."""
    out = {}
    counts = dict(words=0, absent=0, prons=0, prons_exact=0, prons_transferred=0)
    for w, prons in split.items():
        counts['words'] += 1
        if w not in cmu:
            counts['absent'] += 1
            continue
        by_plain = {}
        for v in cmu[w]:
            by_plain.setdefault(strip_stress(v), v)
        keep = []
        for p in prons:
            if p in by_plain:
                keep.append(by_plain[p])
                counts['prons_exact'] += 1
            else:
                best = min(cmu[w], key=lambda v: edit_distance(p.split(), strip_stress(v).split()))
                keep.append(transfer_stress(p, best))
                counts['prons_transferred'] += 1
        out[w] = keep
        counts['prons'] += len(keep)
    return out, counts


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def score(preds, refs, stressless=True):
    """preds: word -> pron str; refs: word -> list of pron str.
    A word is right if it equals any listed variant; PER uses the closest
    variant (min edits), normalised by that variant's length. Returns (WER%, PER%, n)."""
    wrong = 0
    edits = 0
    length = 0
    n = 0
    for w, rs in refs.items():
        if w not in preds:
            continue
        n += 1
        p = preds[w]
        if stressless:
            p = strip_stress(p)
            rs = [strip_stress(r) for r in rs]
        if p not in rs:
            wrong += 1
        best = None
        for r in rs:
            e = edit_distance(p.split(), r.split())
            if best is None or e < best[0]:  # ties: the first listed variant
                best = (e, len(r.split()))
        edits += best[0]
        length += best[1]
    return 100.0 * wrong / max(n, 1), 100.0 * edits / max(length, 1), n
