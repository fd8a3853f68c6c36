#!/usr/bin/env python3
"""Trains the homograph chooser and writes its linear-model file for
text/homograph.c.

  tools/train-tagger/train_homograph.py --tagger models/en-ewt-tagger.linm \
      --data ../shared/data/homographs --cmudict data/cmu-pronouncing-dictionary/index.js \
      --out models/en-homographs.linm

Two parts in one file:
1. The 162 words of the Wikipedia Homograph Data: a per-word averaged
   perceptron over the word's readings (wordids), features from
   homfeat.py (POS of the word and its neighbours from our tagger,
   neighbouring words, suffixes, capitalisation, a bag of nearby words);
   a POS rule learnt from the same rows (majority reading per UPOS of the
   word, at least 2 rows; where there is none, the readings' names: the
   _vrb reading for VERB, the _nou/_adj one for NOUN and ADJ); the most
   frequent reading. Order: a strong POS
   rule (>= 10 rows, >= 99% one reading) first; then the classifier when
   its best reading leads the next by more than the margin (2.0); then the
   POS rule; then the most frequent reading. (Margin and strength were
   chosen on the dev split.)
2. Every other CMUdict word whose variants differ the way English marks
   part of speech (derive_pos_table): stress shift (noun REcord / verb
   reCORD), -ate (AH0 T / EY2 T), -ment (AH0 N T / EH2 N T), final S / Z
   (use, close), kept when UD English EWT train uses the word's lemma both
   as a verb and as a noun (or adjective, for -ate and S/Z). The POS rule
   picks the noun reading for NOUN (and ADJ for -ate, S/Z), the verb
   reading for VERB; otherwise the first CMUdict variant.
3. Inflected forms of the 162 words (tears, bows, rows: -s, -es, -ing,
   -ed, -d) whose CMUdict variants are the base word's readings plus one
   ending: the base word's POS rule and most frequent reading, carried
   to the form's variant; where every reading of the base has its form,
   the form's readings are parallel to the base's and the base's
   classifier chooses too (derive_inflections; words of part 2 excluded).

Dev split: for each homograph, its rows ordered by FNV-1a 64 of the row id;
the first round(15%) are dev, never trained on. Accuracy: a row is right
when the chosen reading's stressed phonemes equal the labelled wordid's
(wordid_arpabet.tsv) or one of its alternates (wordid_alternates.tsv).
"""
import argparse
import csv
import json
import os
import pickle
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import homfeat  # noqa: E402
import linmodel  # noqa: E402

UPOS = ['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART',
        'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X']
NO_RULE = 0xFFFF
STRONG_RULE = 0x8000
FLAG_CLASSIFIER = 1
FLAG_BASE = 2  # the classifier of another entry, whose readings this one's parallel
DEV_FRACTION = 0.15


def read_tsv(path):
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def read_cmudict(path):
    """{word: [phones, ...]} in variant order."""
    out = {}
    pat = re.compile(r'^\s*"(.*)": "(.*)",?\s*$')
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            w, ph = m.group(1), m.group(2)
            base = re.sub(r'\(\d+\)$', '', w)
            out.setdefault(base, []).append(ph)
    return out


def syllables(ph):
    return [int(p[-1]) for p in ph.split() if p[-1].isdigit()]


def consonants(ph):
    return [p for p in ph.split() if not p[-1].isdigit()]


def pos_pair(a, b):
    """(noun, verb, rule) if the variants a and b differ the way English
    marks noun/adjective against verb, else None."""
    pa, pb = a.split(), b.split()
    sa, sb = syllables(a), syllables(b)
    # -ate and -ment: equal up to the last two or three phonemes
    for tail_n, tail_v, rule in ((['AH0', 'T'], ['EY2', 'T'], 'ate'),
                                 (['IH0', 'T'], ['EY2', 'T'], 'ate'),
                                 (['AH0', 'T'], ['EY1', 'T'], 'ate'),
                                 (['AH0', 'N', 'T'], ['EH2', 'N', 'T'], 'ment'),
                                 (['AH0', 'N', 'T'], ['EH0', 'N', 'T'], 'ment'),
                                 (['IH0', 'N', 'T'], ['EH2', 'N', 'T'], 'ment')):
        k = len(tail_n)
        for x, y in ((a, b), (b, a)):
            px, py = x.split(), y.split()
            if len(px) == len(py) and px[-k:] == tail_n and py[-k:] == tail_v and \
                    [p.rstrip('012') for p in px[:-k]] == [p.rstrip('012') for p in py[:-k]]:
                return x, y, rule
    # final S (noun, adjective) against Z (verb): use, close, excuse
    if len(pa) == len(pb) and pa[:-1] == pb[:-1] and {pa[-1], pb[-1]} == {'S', 'Z'}:
        return (a, b, 'sz') if pa[-1] == 'S' else (b, a, 'sz')
    # stress shift: same consonants and syllable count, primary stress on
    # the first syllable (noun) against a later one (verb)
    if len(sa) >= 2 and len(sa) == len(sb) and consonants(a) == consonants(b) and \
            1 in sa and 1 in sb:
        ia, ib = sa.index(1), sb.index(1)
        if ia == 0 and ib > 0 and sb[0] != 1:
            return a, b, 'stress'
        if ib == 0 and ia > 0 and sa[0] != 1:
            return b, a, 'stress'
    return None


def ewt_lemma_pos(path):
    """{lemma: set of UPOS} from a CoNLL-U file (lower-cased lemmas)."""
    out = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if len(cols) == 10 and cols[0].isdigit():
                out.setdefault(cols[2].lower(), set()).add(cols[3])
    return out


def lemma_candidates(w):
    out = [w]
    for suf, rep in (('ies', 'y'), ('es', ''), ('s', ''), ('ed', ''), ('ed', 'e'),
                     ('d', ''), ('ing', ''), ('ing', 'e')):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            out.append(w[:-len(suf)] + rep)
    return out


# Variant pairs that pos_pair() matches but that are not a noun/verb
# distinction: CMUdict's IY1 F EH0 K T for "effect" is another way to say
# the same word (and wrong for the noun in US English).
EXCLUDE = {'effect', 'effects', 'effected', 'effecting'}


def derive_pos_table(cmu, skip, lemma_pos):
    """Words (not in skip) with a noun/verb variant pair by pos_pair() whose
    lemma UD English EWT attests both as VERB and as NOUN (or ADJ, for -ate
    and S/Z pairs): {word: (noun, verb, rule, first variant)}."""
    table = {}
    for w, vs in cmu.items():
        if w in skip or w in EXCLUDE or len(vs) < 2 or not re.fullmatch(r"[a-z]+", w):
            continue
        for i in range(len(vs)):
            found = None
            for j in range(i + 1, len(vs)):
                found = pos_pair(vs[i], vs[j])
                if found:
                    break
            if found:
                nominal = {'NOUN', 'ADJ'} if found[2] in ('ate', 'sz') else {'NOUN'}
                ok = any('VERB' in lemma_pos.get(c, ()) and nominal & lemma_pos.get(c, set())
                         for c in lemma_candidates(w))
                if ok:
                    table[w] = (found[0], found[1], found[2], vs[0])
                break
    return table


INFLECTIONS = (('s', ('Z', 'S', 'IH0 Z', 'AH0 Z')), ('es', ('Z', 'IH0 Z', 'AH0 Z')),
               ('ing', ('IH0 NG',)), ('ed', ('D', 'T', 'IH0 D', 'AH0 D')),
               ('d', ('D', 'T', 'IH0 D')))


def derive_inflections(cmu, words, readings, phones, alts, skip):
    """Inflected forms of the homograph data's words (tears, bows, rows;
    not in skip) whose CMUdict variants are the base word's readings plus
    the same ending: {form: (base, {reading: variant})} where at least two
    readings map to different variants."""
    out = {}
    for w in words:
        for suf, tails in INFLECTIONS:
            f = w + suf
            vs = cmu.get(f, [])
            if f in skip or f in words or len(vs) < 2:
                continue
            got = {}
            for r in readings[w]:
                bases = [phones[r]] + sorted(alts.get(r, ()))
                for v in vs:
                    if any(v == b + ' ' + t for b in bases for t in tails):
                        got[r] = v
                        break
            if len(set(got.values())) >= 2:
                out[f] = (w, got)
    return out


def got_name(got, v):
    """the first base reading that maps to variant v"""
    return sorted(r for r in got if got[r] == v)[0]


def fnv_id(s):
    return linmodel.fnv1a64(s.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tagger', default='models/en-ewt-tagger.linm')
    ap.add_argument('--data', default='../shared/data/homographs')
    ap.add_argument('--cmudict', default='data/cmu-pronouncing-dictionary/index.js')
    ap.add_argument('--ewt', default='../shared/data/ud-english-ewt',
                    help='UD English EWT: which lemmas are used both as verb and noun')
    ap.add_argument('--iters', type=int, default=10)
    ap.add_argument('--prune', type=float, default=0.0)
    ap.add_argument('--tune', action='store_true',
                    help='first score dev after 1..20 iterations')
    ap.add_argument('--out')
    ap.add_argument('--margin', type=float, default=2.0,
                    help='the classifier decides when its best reading leads by more')
    ap.add_argument('--strong-rows', type=int, default=10)
    ap.add_argument('--strong-share', type=float, default=0.99,
                    help='a POS rule seen on at least strong-rows rows, right on this share '
                    'of them, decides before the classifier')
    ap.add_argument('--cache', help='keep the tagged rows here between runs')
    ap.add_argument('--dump-dev', help='write the tagged dev rows (for C cross-checks)')
    ap.add_argument('--table-tsv', help='write the derived POS table as TSV')
    a = ap.parse_args()
    a.margin = struct.unpack('<f', struct.pack('<f', a.margin))[0]  # as C reads it

    _, wrows = read_tsv(os.path.join(a.data, 'wordid_arpabet.tsv'))
    phones = {r[0]: r[1] for r in wrows}
    alts = {}
    _, arows = read_tsv(os.path.join(a.data, 'wordid_alternates.tsv'))
    for r in arows:
        alts.setdefault(r[0], set()).add(r[1])
    _, trows = read_tsv(os.path.join(a.data, 'train.tsv'))
    words = sorted({r[1] for r in trows})
    readings = {w: sorted(x for x in phones if x == w or x.startswith(w + '_')) for w in words}
    for w in words:
        assert len(readings[w]) >= 2, w

    def right(pred, label):
        return phones[pred] == phones[label] or phones[pred] in alts.get(label, ())

    # dev split: per word, rows by FNV-1a 64 of the id, first 15% dev
    by_word = {}
    for r in trows:
        by_word.setdefault(r[1], []).append(r)
    train, dev = [], []
    for w in words:
        rs = sorted(by_word[w], key=lambda r: fnv_id(r[0]))
        k = int(round(DEV_FRACTION * len(rs)))
        dev += rs[:k]
        train += rs[k:]
    print('rows: %d train, %d dev (%.1f%%)' % (len(train), len(dev), 100.0 * len(dev) / len(trows)))

    tagger = homfeat.LinmTagger(a.tagger)

    def prepare(r):
        s = r[5]
        start = int(r[3])
        spans = homfeat.tokenize(s)
        idx = None
        for k, (b, e) in enumerate(spans):
            if b <= start < e:
                idx = k
                break
        toks = [s[b:e].encode('utf-8') for b, e in spans]
        tags = tagger.tag(toks)
        return dict(word=r[1], label=r[2], toks=toks, i=idx,
                    upos=[tagger.upos[t] for t in tags], xpos=[tagger.xpos[t] for t in tags],
                    id=r[0])

    cache = None
    if a.cache:
        key = (tagger.data_crc, len(train), len(dev))
        try:
            with open(a.cache, 'rb') as f:
                got = pickle.load(f)
            if got[0] == key:
                cache = got[1]
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
    if cache:
        train_x, dev_x = cache
    else:
        train_x = [prepare(r) for r in train]
        dev_x = [prepare(r) for r in dev]
        if a.cache:
            with open(a.cache, 'wb') as f:
                pickle.dump(((tagger.data_crc, len(train), len(dev)), (train_x, dev_x)), f)
    missing = sum(1 for x in train_x + dev_x if x['i'] is None)
    print('tagged; %d rows without a target token' % missing)

    # classes: the 162 words' readings first, in word order
    classes = []
    first = {}
    for w in words:
        first[w] = len(classes)
        classes += readings[w]
    cid = {c: i for i, c in enumerate(classes)}

    # most frequent reading and the POS rule, from the train rows only
    freq = {}
    posc = {}
    for x in train_x:
        freq.setdefault(x['word'], {}).setdefault(x['label'], 0)
        freq[x['word']][x['label']] += 1
        if x['i'] is not None:
            u = x['upos'][x['i']].decode()
            d = posc.setdefault((x['word'], u), {})
            d[x['label']] = d.get(x['label'], 0) + 1
    default = {}
    for w in words:
        f = freq.get(w, {})
        default[w] = max(readings[w], key=lambda c: (f.get(c, 0), -readings[w].index(c)))
    pos_rule = {}
    for (w, u), d in posc.items():
        if sum(d.values()) >= 2:
            pos_rule[(w, u)] = max(sorted(d), key=lambda c: d[c])

    def feats(x):
        return homfeat.features(x['word'].encode(), x['toks'], x['upos'], x['xpos'], x['i'])

    usable = [x for x in train_x if x['i'] is not None]
    for x in train_x + dev_x:
        if x['i'] is not None:
            x['f'] = feats(x)

    def train_model(iters, verbose):
        model = linmodel.AveragedPerceptron(len(classes))
        for it in range(iters):
            ok = 0
            for x in linmodel.shuffled(usable, 1000 + it):
                w = x['word']
                allowed = range(first[w], first[w] + len(readings[w]))
                g = model.predict(x['f'], allowed)
                t = cid[x['label']]
                model.update(t, g, x['f'])
                ok += g == t
            if verbose:
                print('iter %d: train %.2f%%' % (it + 1, 100.0 * ok / len(usable)), flush=True)
        model.average()
        model.prune(a.prune)
        return model

    if a.tune:
        for iters in (1, 2, 3, 5, 8, 12, 20):
            model = train_model(iters, False)
            ok = 0
            for x in dev_x:
                w = x['word']
                if x['i'] is None:
                    ok += right(default[w], x['label'])
                    continue
                lo, n = first[w], len(readings[w])
                sc = model.scores(x['f'])
                best = max(range(lo, lo + n), key=lambda c: (sc[c], -c))
                ok += right(classes[best], x['label'])
            print('tune: %2d iterations: dev %.2f%% (classifier alone)' %
                  (iters, 100.0 * ok / len(dev_x)), flush=True)
    model = train_model(a.iters, True)

    def name_rule(w, u):
        """Where the data has no rule: the readings' own names, when exactly
        one is a verb (_vrb) and one a noun or adjective (_nou, _adj)."""
        rs = readings[w]
        v = [r for r in rs if r != w and 'vrb' in r.split('_', 1)[1]]
        nv = [r for r in rs if r not in v]
        if len(v) != 1 or len(nv) != 1 or not ('_nou' in nv[0] or '_adj' in nv[0]):
            return None
        return v[0] if u == 'VERB' else nv[0] if u in ('NOUN', 'ADJ') else None

    def rule_of(w, u):
        """(reading, strong) of the POS rule, or None"""
        r = pos_rule.get((w, u))
        if not r:
            r = name_rule(w, u)
            return (r, False) if r else None
        d = posc[(w, u)]
        n = sum(d.values())
        return r, n >= a.strong_rows and d[r] >= a.strong_share * n

    verb_before = {b'to', b'will', b'would', b'can', b'could', b'should', b'must', b'may',
                   b'might', b'shall', b'do', b'does', b'did', b'please', b'not', b"n't",
                   b"let's", b'cannot'}

    def verb_reading(w):
        # the word's one reading named as a verb's (homograph.c: verb_reading)
        vs = [c for c in readings[w] if 'vrb' in c or '_present' in c]
        return vs[0] if len(vs) == 1 else None

    def choose(x):
        w = x['word']
        if x['i'] is None:
            return default[w], 'most-frequent'
        i = x['i']
        r = rule_of(w, x['upos'][i].decode())
        if r and r[1]:
            return r[0], 'pos-rule'
        # a base-form verb after to, a modal, do or please (homograph.c)
        if (x['upos'][i] == b'VERB' and x['xpos'][i] == b'VB' and i > 0 and
                x['toks'][i - 1].lower() in verb_before and
                not x['toks'][i][:1].isupper() and verb_reading(w)):
            return verb_reading(w), 'verb-rule'
        lo, n = first[w], len(readings[w])
        sc = model.scores(x['f'])
        best = max(range(lo, lo + n), key=lambda c: (sc[c], -c))
        second = max((sc[c] for c in range(lo, lo + n) if c != best), default=None)
        if second is not None and sc[best] - second > a.margin:
            return classes[best], 'classifier'
        if r:
            return r[0], 'pos-rule'
        return default[w], 'most-frequent'

    cmu = read_cmudict(a.cmudict)
    for name, data in (('train', train_x), ('dev', dev_x)):
        n = len(data)
        ok = sum(right(choose(x)[0], x['label']) for x in data)
        mf = sum(right(default[x['word']], x['label']) for x in data)
        pr = sum(right(pos_rule.get((x['word'], x['upos'][x['i']].decode()) if x['i'] is not None
                                    else None, default[x['word']]), x['label']) for x in data)
        first_cmu = 0
        for x in data:
            v = cmu.get(x['word'], [''])[0]
            first_cmu += v == phones[x['label']] or v in alts.get(x['label'], ())
        print('%s: %d rows: chooser %.2f%%, POS rule then most frequent %.2f%%, '
              'most frequent %.2f%%, CMUdict first %.2f%%' %
              (name, n, 100.0 * ok / n, 100.0 * pr / n, 100.0 * mf / n, 100.0 * first_cmu / n))
    how = {}
    for x in dev_x:
        how[choose(x)[1]] = how.get(choose(x)[1], 0) + 1
    print('dev decisions:', how)

    # the CMUdict part-of-speech table (other words)
    table = derive_pos_table(cmu, set(words),
                             ewt_lemma_pos(os.path.join(a.ewt, 'en_ewt-ud-train.conllu')))
    rules = {}
    for w, (nn, vv, rule, v0) in table.items():
        rules[rule] = rules.get(rule, 0) + 1
    print('derived POS table: %d words (%s)' % (len(table), ', '.join(
        '%s %d' % kv for kv in sorted(rules.items()))))
    if a.table_tsv:
        with open(a.table_tsv, 'w') as f:
            for w in sorted(table):
                nn, vv, rule, v0 = table[w]
                f.write('%s\t%s\t%s\t%s\n' % (w, rule, nn, vv))

    entries = []  # (word, first, count, default, flags, rule[17])
    for w in words:
        rule = [NO_RULE] * len(UPOS)
        for k, u in enumerate(UPOS):
            r = rule_of(w, u)
            if r:
                rule[k] = cid[r[0]] | (STRONG_RULE if r[1] else 0)
        entries.append((w, first[w], len(readings[w]), cid[default[w]], FLAG_CLASSIFIER, rule))
    cls_phones = [phones[c] for c in classes]
    for w in sorted(table):
        nn, vv, rule_name, v0 = table[w]
        lo = len(classes)
        classes += [w + ':noun', w + ':verb']
        cls_phones += [nn, vv]
        if v0 not in (nn, vv):
            classes.append(w + ':first')
            cls_phones.append(v0)
            d = lo + 2
        else:
            d = lo if v0 == nn else lo + 1
        rule = [NO_RULE] * len(UPOS)
        rule[UPOS.index('NOUN')] = lo
        if rule_name in ('ate', 'sz'):
            rule[UPOS.index('ADJ')] = lo
        rule[UPOS.index('VERB')] = lo + 1
        entries.append((w, lo, len(classes) - lo, d, 0, rule))

    # inflections of the 162 words: the base word's POS rule and most
    # frequent reading, carried to the form's variant with the same ending
    infl = derive_inflections(cmu, words, readings, phones, alts, set(table))
    print('derived inflections: %d words (%s)' % (len(infl), ', '.join(sorted(infl))))
    for f in sorted(infl):
        base, got = infl[f]
        lo = len(classes)
        var = []
        parallel = all(r in got for r in readings[base])
        for r in readings[base]:  # parallel to the base's: its classifier serves
            if r in got and (parallel or got[r] not in var):
                var.append(got[r])
        v0 = cmu[f][0]
        names = [r for r in readings[base] if r in got]
        for k, v in enumerate(var):  # tears:tear_nou, of the base's reading
            classes.append('%s:%s' % (f, names[k] if parallel else got_name(got, v)))
            cls_phones.append(v)
        d = lo + var.index(got[default[base]]) if default[base] in got else None
        if v0 not in var:
            classes.append(f + ':first')
            cls_phones.append(v0)
            if d is None:
                d = len(classes) - 1
        elif d is None:
            d = lo + var.index(v0)
        if parallel:
            d = lo + readings[base].index(default[base])
        rule = [NO_RULE] * len(UPOS)
        for k, u in enumerate(UPOS):
            r = rule_of(base, u)
            if r and r[0] in got:
                pos = readings[base].index(r[0]) if parallel else var.index(got[r[0]])
                rule[k] = (lo + pos) | (STRONG_RULE if r[1] else 0)
        if parallel and len(classes) - lo == len(readings[base]):
            entries.append((f, lo, len(classes) - lo, d, FLAG_BASE, rule, base))
        else:
            entries.append((f, lo, len(classes) - lo, d, 0, rule))
    entries.sort(key=lambda e: e[0].encode())

    if a.dump_dev:
        with open(a.dump_dev, 'w', encoding='utf-8') as f:
            for x in dev_x:
                if x['i'] is None:
                    continue
                c, how_ = choose(x)
                f.write('%s\t%d\t%s\t%s\t%s\n' % (x['word'], x['i'], c, how_,
                                                   '\x1f'.join(t.decode() for t in x['toks'])))

    if a.out:
        strings = bytearray()

        def put(s):
            off = len(strings)
            strings.extend(s.encode() + b'\0')
            return off
        n_upos = len(UPOS)
        hdr_bytes = 40
        readings_off = hdr_bytes
        words_off = readings_off + 4 * len(classes)
        words_off += (-words_off) % 8
        entry_bytes = 48
        strings_off = words_off + entry_bytes * len(entries)
        rd = bytearray()
        for p in cls_phones:
            rd += struct.pack('<I', put(p))
        wd = bytearray()
        index = {e[0]: k for k, e in enumerate(entries)}
        for e in entries:
            w, lo, cnt, d, flags, rule = e[:6]
            base = index[e[6]] if flags & FLAG_BASE else 0
            assert base < 0x10000
            wd += struct.pack('<IHHHH', put(w), lo, cnt, d, flags)
            wd += struct.pack('<%dH' % n_upos, *rule)
            wd += struct.pack('<H', base)
        extra = bytearray(struct.pack('<IIIIIIIIfI', len(entries), len(classes), words_off,
                                      readings_off, strings_off, len(strings), n_upos,
                                      tagger.data_crc, a.margin, 0))
        extra += rd
        extra += bytes(words_off - len(extra))
        extra += wd
        assert len(extra) == strings_off
        extra += strings
        size, nf, npairs = linmodel.write_model(
            a.out, linmodel.KIND_HOMOGRAPH, [c.encode() for c in classes], model.weights,
            bytes(extra))
        print('wrote %s: %d bytes, %d features, %d weights, %d words, %d readings' %
              (a.out, size, nf, npairs, len(entries), len(classes)))


if __name__ == '__main__':
    main()
