"""Homograph-chooser features and the helpers the trainer needs, byte for
byte as text/homograph.c and tests/tagger-util.c compute them:

- tokenize(): the Penn-like tokenizer used on the training sentences (the
  text op brings its own tokens; this one only has to be repeatable);
- LinmTagger: tags with a written tagger model file exactly as the C tagger
  does (same hashed features, same float32 weights, double sums);
- features(): the per-word classifier's features.
"""
import struct

import linmodel
import tagfeat

SPACE = set(' \t\n\r\f\v\u00a0')
APOS = set("'\u2019")
UPUNCT = set('\u2013\u2014\u2018\u201c\u201d\u2026\u00ab\u00bb')
CLITICS = {'s', 're', 've', 'll', 'd', 'm'}


def _letter(ch):
    o = ord(ch)
    return (65 <= o <= 90) or (97 <= o <= 122) or (o >= 0x80 and ch not in UPUNCT
                                                   and ch not in SPACE and ch not in APOS)


def _digit(ch):
    return '0' <= ch <= '9'


def tokenize(s):
    """Returns [(start, end)] code point spans."""
    out = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in SPACE:
            i += 1
            continue
        if _letter(ch) or _digit(ch):
            j = i
            if _digit(ch):
                while j < n and (_digit(s[j]) or (s[j] in '.,' and j + 1 < n and _digit(s[j + 1]))):
                    j += 1
            while j < n and (_letter(s[j]) or _digit(s[j])):
                j += 1
            # clitics: do n't, John 's; other apostrophes stay inside (O'Brien)
            while j < n and s[j] in APOS and j + 1 < n and _letter(s[j + 1]):
                k = j + 1
                while k < n and _letter(s[k]):
                    k += 1
                cl = s[j + 1:k].lower()
                if cl == 't' and s[j - 1] in 'nN' and j - 1 > i:
                    out.append((i, j - 1))
                    out.append((j - 1, k))
                    i = j = k
                    break
                if cl in CLITICS:
                    out.append((i, j))
                    out.append((j, k))
                    i = j = k
                    break
                j = k
                while j < n and (_letter(s[j]) or _digit(s[j])):
                    j += 1
            if j > i:
                out.append((i, j))
            i = j
            continue
        out.append((i, i + 1))
        i += 1
    return out


class LinmTagger:
    """Reads a tagger .linm file and tags as text/tagger.c does."""

    def __init__(self, path):
        b = open(path, 'rb').read()
        assert b[:8] == linmodel.MAGIC
        (n_classes, n_slots, n_feat, n_pairs, max_probe) = struct.unpack_from('<IIIII', b, 28)
        classes_off, classes_bytes = struct.unpack_from('<QI', b, 48)
        slots_off, pairs_off = struct.unpack_from('<QQ', b, 64)
        names = []
        p = classes_off
        for _ in range(n_classes):
            ln = b[p]
            names.append(b[p + 1:p + 1 + ln])
            p += 1 + ln
        self.names = names
        self.upos = [nm.split(b'|')[0] for nm in names]
        self.xpos = [nm.split(b'|')[1] if b'|' in nm else b'' for nm in names]
        pairs = [struct.unpack_from('<HHf', b, pairs_off + 8 * k) for k in range(n_pairs)]
        self.table = {}
        for s in range(n_slots):
            h, first, count, _ = struct.unpack_from('<QIHH', b, slots_off + 16 * s)
            if h:
                self.table[h] = [(pairs[first + k][0], pairs[first + k][2]) for k in range(count)]
        self.n = n_classes
        self.data_crc = struct.unpack_from('<I', b, 112)[0]
        self._fh = {}

    def _hash(self, key):
        h = self._fh.get(key)
        if h is None:
            h = linmodel.feature_hash(key)
            self._fh[key] = h
        return h

    def tag(self, words):
        parts = tagfeat.sentence_parts(words)
        p1, p2 = tagfeat.START
        out = []
        for i in range(len(words)):
            d = self.table.get(self._hash((tagfeat.TAGDICT, words[i])))
            if d:
                out.append(d[0][0])
                p2, p1 = p1, self.names[d[0][0]]
                continue
            sc = [0.0] * self.n
            for f in tagfeat.features(parts, i, p1, p2):
                d = self.table.get(self._hash(f))
                if d:
                    for c, w in d:
                        sc[c] += w
            best = 0
            for c in range(1, self.n):
                if sc[c] > sc[best]:
                    best = c
            out.append(best)
            p2, p1 = p1, self.names[best]
        return out


PAD_L = b'-S-'
PAD_R = b'-E-'
BAG = 6


def capclass(tok, first):
    letters = [c for c in tok if 65 <= c <= 90 or 97 <= c <= 122]
    if len(letters) > 1 and all(65 <= c <= 90 for c in letters):
        k = b'A'
    elif tok[:1] and 65 <= tok[0] <= 90:
        k = b'U'
    else:
        k = b'l'
    return k + (b'0' if first else b'')


def features(word, toks, upos, xpos, i):
    """word: the homograph (lowercase bytes, as in the model's table);
    toks: token bytes; upos/xpos: tag name bytes per token; i: target."""
    n = len(toks)
    lw = [t.lower() for t in toks]

    def L(k):
        j = i + k
        return PAD_L if j < 0 else PAD_R if j >= n else lw[j]

    def U(k):
        j = i + k
        return PAD_L if j < 0 else PAD_R if j >= n else upos[j]

    def X(k):
        j = i + k
        return PAD_L if j < 0 else PAD_R if j >= n else xpos[j]

    def S3(v):
        return v if v in (PAD_L, PAD_R) else v[-3:]

    W = word
    f = [
        (b'hb', W),
        (b'hu', W, U(0)),
        (b'hx', W, X(0)),
        (b'hu-1', W, U(-1)),
        (b'hu+1', W, U(1)),
        (b'hx-1', W, X(-1)),
        (b'hx+1', W, X(1)),
        (b'hu-2', W, U(-2)),
        (b'hu+2', W, U(2)),
        (b'hut', W, U(-1), U(1)),
        (b'hw-1', W, L(-1)),
        (b'hw+1', W, L(1)),
        (b'hw-2', W, L(-2)),
        (b'hw+2', W, L(2)),
        (b'hww', W, L(-1), L(1)),
        (b'hs-1', W, S3(L(-1))),
        (b'hs+1', W, S3(L(1))),
        (b'hf', W, lw[i]),
        (b'hc', W, capclass(toks[i], i == 0)),
    ]
    for j in range(max(0, i - BAG), min(n, i + BAG + 1)):
        if j != i:
            f.append((b'hbw', W, lw[j]))
    return f
