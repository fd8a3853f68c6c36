"""Writes the "newer words" test set: the words of the project's CMUdict
that are in neither g014b2b.train nor g014b2b.test, one line per stressed
variant (word<TAB>PRON), for tools/g2p-eval.

Why: the g014b2b split comes from an older CMUdict; the words the newer
dictionary added since (names, places, brands, acronyms, new coinages)
are the closest thing here to the words a deployed network meets that no
dictionary has. No network of this project is trained on them: the
trainer reads g014b2b.train only, and its unlabeled word lists drop every
CMUdict word first. Only words the networks can spell are kept (letters
and inner apostrophes, 2..20 characters, as the trainer's unlabeled
words).

usage (tools/ on the module path):
  PYTHONPATH=tools python3 -m train.newer_words --train SPLIT.train
      --test SPLIT.test --out newer.tsv
"""
import argparse
import re

from . import common as C

SPELLABLE = re.compile(r"[a-z](?:[a-z']{0,18}[a-z])$")


def newer_words(cmu, split_words):
    """word -> stressed variants, for cmu's spellable words outside split_words."""
    return {w: v for w, v in cmu.items() if w not in split_words and SPELLABLE.match(w)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--train', required=True)
    ap.add_argument('--test', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    split_words = set(C.load_split(args.train)) | set(C.load_split(args.test))
    words = newer_words(C.load_cmudict(), split_words)
    with open(args.out, 'w') as f:
        for w in sorted(words):
            for p in words[w]:
                f.write('%s\t%s\n' % (w, p))
    print('%d words, %d lines -> %s' % (len(words), sum(len(v) for v in words.values()), args.out))


if __name__ == '__main__':
    main()
