"""g2p_en_symbols.py -- g2p_en 2.0's symbol tables for the reference benchmarks.

bench/g2p_en_numpy.py and bench/g2p_en_torch.py import these; the ARPAbet
symbols come from data/arpabet.txt, the tree's one list of them (the C model
converter and the trainer read it too).
"""
import os

_ARPABET_TXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                            'data', 'arpabet.txt')

GRAPHEMES = ["<pad>", "<unk>", "</s>"] + list("abcdefghijklmnopqrstuvwxyz")
with open(_ARPABET_TXT, encoding='utf-8') as _f:
    PHONEMES = ["<pad>", "<unk>", "<s>", "</s>"] + [
        s.strip() for s in _f if s.strip() and not s.startswith('#')]
