"""Spelled letter strings: synthetic training words that teach the network
to read a word without vowel letters (bbc, nfl, kpmg) letter by letter.

The split holds few of them (68 of 106,837 training words have no vowel
letter, and only 43 of those are spelled in the shipped CMUdict), so the
network reads most such words as syllables. The product's text front end
spells a vowelless word the dictionary lacks (text/classify.c); these
examples teach the network the same convention, with the letter names and
the all-primary stress the front end uses (text/tables.c; also the most
common stress of CMUdict's own spelled entries).

Words are seeded random strings of the consonant letters (y counts as a
vowel), 2-5 letters, minus every word of the exclusion set (the shipped
CMUdict and the split): no dictionary word is ever seen with a label it
did not come with."""
import random

CONSONANTS = 'bcdfghjklmnpqrstvwxz'

# CMUdict's letter names, as text/tables.c's letter_phones
LETTER_PHONES = {
    'a': 'EY1', 'b': 'B IY1', 'c': 'S IY1', 'd': 'D IY1', 'e': 'IY1', 'f': 'EH1 F',
    'g': 'JH IY1', 'h': 'EY1 CH', 'i': 'AY1', 'j': 'JH EY1', 'k': 'K EY1', 'l': 'EH1 L',
    'm': 'EH1 M', 'n': 'EH1 N', 'o': 'OW1', 'p': 'P IY1', 'q': 'K Y UW1', 'r': 'AA1 R',
    's': 'EH1 S', 't': 'T IY1', 'u': 'Y UW1', 'v': 'V IY1', 'w': 'D AH1 B AH0 L Y UW0',
    'x': 'EH1 K S', 'y': 'W AY1', 'z': 'Z IY1'}

# share of each length among the strings drawn
LENGTHS = ((2, 0.25), (3, 0.45), (4, 0.25), (5, 0.05))


def spell(word):
    """The letter-by-letter reading of word (a-z only)."""
    return ' '.join(LETTER_PHONES[c] for c in word)


def spelled_words(count, seed, exclude):
    """count distinct vowelless strings (sorted), none in exclude; the same
    for the same arguments."""
    rng = random.Random(seed)
    sizes = [n for n, _ in LENGTHS]
    weights = [w for _, w in LENGTHS]
    room = sum(len(CONSONANTS) ** n for n in sizes)
    if count > room // 2:
        raise ValueError('%d spelled words: at most %d' % (count, room // 2))
    out = set()
    while len(out) < count:
        n = rng.choices(sizes, weights)[0]
        w = ''.join(rng.choice(CONSONANTS) for _ in range(n))
        if w not in exclude:
            out.add(w)
    return sorted(out)
