"""The tagger's features, byte for byte as text/tagger.c computes them.

A token is its UTF-8 bytes as the caller has it (original case). All case
folding is ASCII only (bytes.lower()), so C and Python agree on every input.
"""

START = (b'-START-', b'-START2-')
# the tag dictionary's feature: (TAGDICT, word as written) -> its one tag
TAGDICT = b'td'
END = (b'-END-', b'-END2-')


def norm(w):
    """The word as the word features see it (Honnibal's normalisation)."""
    if len(w) > 1 and b'-' in w[1:]:
        return b'!HYPHEN'
    if len(w) == 4 and w.isdigit():
        return b'!YEAR'
    if w[:1].isdigit():
        return b'!DIGITS'
    return w.lower()


def shape(w):
    """X for A-Z, x for a-z, d for 0-9, u for bytes >= 0x80, the byte
    itself otherwise; runs of one class collapsed; at most 6 bytes."""
    out = bytearray()
    for c in w:
        if 65 <= c <= 90:
            s = 88
        elif 97 <= c <= 122:
            s = 120
        elif 48 <= c <= 57:
            s = 100
        elif c >= 0x80:
            s = 117
        else:
            s = c
        if out and out[-1] == s:
            continue
        out.append(s)
        if len(out) == 6:
            break
    return bytes(out)


def token_parts(w):
    """Per-token values the features combine: (norm, s1, s2, s3, p1, shape)."""
    lw = w.lower()
    return (norm(w), lw[-1:], lw[-2:], lw[-3:], lw[:1], shape(w))


def pad_parts(p):
    return (p, p, p, p, p, p)


def sentence_parts(words):
    parts = [pad_parts(START[1]), pad_parts(START[0])]
    parts += [token_parts(w) for w in words]
    parts += [pad_parts(END[0]), pad_parts(END[1])]
    return parts


def features(parts, i, p1, p2):
    """Features of token i (parts index i + 2), given the previous two tag
    names p1 (i-1) and p2 (i-2)."""
    c = parts[i + 2]
    m1 = parts[i + 1]
    m2 = parts[i]
    n1 = parts[i + 3]
    n2 = parts[i + 4]
    w = c[0]
    return (
        (b'b',),
        (b'w', w),
        (b's1', c[1]),
        (b's2', c[2]),
        (b's3', c[3]),
        (b'p1', c[4]),
        (b'sh', c[5]),
        (b't1', p1),
        (b't2', p1, p2),
        (b't1w', p1, w),
        (b'w-1', m1[0]),
        (b's-1', m1[3]),
        (b'w-2', m2[0]),
        (b'w+1', n1[0]),
        (b's+1', n1[3]),
        (b'w+2', n2[0]),
        (b'ww-1', m1[0], w),
        (b'ww+1', w, n1[0]),
        (b'sh-1', m1[5]),
        (b'sh+1', n1[5]),
    )
