"""Shared pieces of the tagger and homograph trainers: feature hashing,
the averaged perceptron, and the writer of the linear-model file format
(doc/text-homographs.md, text/tagger_format.h).

Features are tuples (template, value, ...) of bytes. Their 64-bit hash is
computed exactly as text/tagger_format.c does it: FNV-1a 64 of the
template, then for each value h = (h * FNV_PRIME) ^ fnv1a64(value), then
the splitmix64 finaliser. Training uses the tuples themselves as keys; the
hash is only needed when the model is written.

Python 3 standard library only.
"""
import random
import struct

MASK = (1 << 64) - 1
FNV_OFF = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


def fnv1a64(b, h=FNV_OFF):
    for c in b:
        h = ((h ^ c) * FNV_PRIME) & MASK
    return h


def mix64(h):
    h ^= h >> 30
    h = (h * 0xbf58476d1ce4e5b9) & MASK
    h ^= h >> 27
    h = (h * 0x94d049bb133111eb) & MASK
    h ^= h >> 31
    return h


_fnv_cache = {}


def fnv_cached(b):
    h = _fnv_cache.get(b)
    if h is None:
        h = fnv1a64(b)
        _fnv_cache[b] = h
    return h


def feature_hash(key):
    h = fnv_cached(key[0])
    for v in key[1:]:
        h = ((h * FNV_PRIME) & MASK) ^ fnv_cached(v)
    return mix64(h)


class AveragedPerceptron:
    """Collins (2002) multiclass perceptron with lazy weight averaging."""

    def __init__(self, n_classes):
        self.n_classes = n_classes
        self.weights = {}
        self._totals = {}
        self._stamps = {}
        self.i = 0

    def scores(self, feats, allowed=None):
        s = [0.0] * self.n_classes
        w = self.weights
        for f in feats:
            d = w.get(f)
            if d:
                for c, v in d.items():
                    s[c] += v
        return s

    def predict(self, feats, allowed=None):
        s = self.scores(feats)
        if allowed is None:
            allowed = range(self.n_classes)
        # lowest class id wins ties, as in the C decoder
        best = None
        for c in allowed:
            if best is None or s[c] > s[best]:
                best = c
        return best

    def update(self, truth, guess, feats):
        self.i += 1
        if truth == guess:
            return
        for f in feats:
            d = self.weights.setdefault(f, {})
            for c, delta in ((truth, 1.0), (guess, -1.0)):
                k = (f, c)
                v = d.get(c, 0.0)
                self._totals[k] = self._totals.get(k, 0.0) + \
                    (self.i - self._stamps.get(k, 0)) * v
                self._stamps[k] = self.i
                d[c] = v + delta

    def average(self):
        for f, d in self.weights.items():
            nd = {}
            for c, v in d.items():
                k = (f, c)
                t = self._totals.get(k, 0.0) + (self.i - self._stamps.get(k, 0)) * v
                a = t / float(self.i)
                if a != 0.0:
                    nd[c] = a
            self.weights[f] = nd
        self._totals = {}
        self._stamps = {}

    def prune(self, threshold):
        """Drops weights with |w| < threshold, then empty features; rounds
        to float32 so that Python scores what C will read."""
        out = {}
        for f, d in self.weights.items():
            nd = {c: struct.unpack('<f', struct.pack('<f', v))[0]
                  for c, v in d.items() if abs(v) >= threshold}
            if nd:
                out[f] = nd
        self.weights = out


# ---- the file format ------------------------------------------------------
MAGIC = b'RNNLINM\x1a'
VERSION = 1
HEADER_BYTES = 128
KIND_TAGGER = 1
KIND_HOMOGRAPH = 2
SLOT_BYTES = 16
PAIR_BYTES = 8


def crc32c(data, crc=0):
    tbl = _crc_table()
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = tbl[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_CRC_TBL = None


def _crc_table():
    global _CRC_TBL
    if _CRC_TBL is None:
        t = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            t.append(c)
        _CRC_TBL = t
    return _CRC_TBL


def _pad(buf, align):
    while len(buf) % align:
        buf.append(0)


def write_model(path, kind, class_names, weights, extra=b'', max_load=0.7):
    """weights: {feature tuple: {class: float}}. class_names: list of bytes.
    extra: kind-specific section (bytes)."""
    hashed = {}
    for key, d in weights.items():
        h = feature_hash(key)
        if h in hashed:
            raise SystemExit('feature hash collision: %r' % (key,))
        hashed[h] = d
    return write_hashed(path, kind, class_names, hashed, extra, max_load)


def write_hashed(path, kind, class_names, hashed, extra=b'', max_load=0.7):
    """The same with features given by their hashes: {hash: {class: float}}."""
    n_classes = len(class_names)
    feats = sorted(hashed.items())
    n_feat = len(feats)
    n_slots = 1
    while n_slots < max(2, int(n_feat / max_load) + 1):
        n_slots <<= 1
    slots = [None] * n_slots
    pairs = bytearray()
    n_pairs = 0
    max_probe = 0
    for h, d in feats:
        if h == 0:
            raise SystemExit('a feature hashes to 0 (reserved for empty slots)')
        items = sorted(d.items())
        if len(items) > 0xFFFF:
            raise SystemExit('too many classes on one feature')
        idx = h & (n_slots - 1)
        probe = 1
        while slots[idx] is not None:
            idx = (idx + 1) & (n_slots - 1)
            probe += 1
        max_probe = max(max_probe, probe)
        slots[idx] = (h, n_pairs, len(items))
        for c, v in items:
            pairs += struct.pack('<HHf', c, 0, v)
            n_pairs += 1
    names = bytearray()
    for n in class_names:
        if len(n) > 255 or b'\0' in n:
            raise SystemExit('bad class name %r' % n)
        names.append(len(n))
        names += n
    body = bytearray(HEADER_BYTES)
    classes_off = len(body)
    body += names
    _pad(body, 64)
    slots_off = len(body)
    for s in slots:
        if s is None:
            body += bytes(SLOT_BYTES)
        else:
            body += struct.pack('<QIHH', s[0], s[1], s[2], 0)
    _pad(body, 64)
    pairs_off = len(body)
    body += pairs
    _pad(body, 64)
    extra_off = len(body)
    body += extra
    _pad(body, 64)
    file_bytes = len(body)
    hdr = struct.pack('<8sIIQIIIIII', MAGIC, VERSION, HEADER_BYTES, file_bytes,
                      kind, n_classes, n_slots, n_feat, n_pairs, max_probe)
    hdr += struct.pack('<QIIQQQI', classes_off, len(names), 0, slots_off,
                       pairs_off, extra_off, len(extra))
    hdr += bytes(112 - len(hdr))
    data_crc = crc32c(bytes(body[HEADER_BYTES:]))
    hdr += struct.pack('<III', data_crc, 0, 0)
    hdr += struct.pack('<I', crc32c(hdr))
    assert len(hdr) == HEADER_BYTES
    body[0:HEADER_BYTES] = hdr
    with open(path, 'wb') as f:
        f.write(body)
    return file_bytes, n_feat, n_pairs


def shuffled(items, seed):
    r = random.Random(seed)
    items = list(items)
    r.shuffle(items)
    return items
