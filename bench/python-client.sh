#!/bin/sh
# python-client.sh -- words/s of the Python client next to g2pc's, one run.
#
# Usage: bench/python-client.sh SRCDIR BUILDDIR [N]   (make bench-python)
# Starts the built rnninferd (dictionary, no model: the client is what is
# measured) on a temporary socket and sends the same N words (default
# 100,000: g014b2b.train from ../shared, else /usr/share/dict/words, repeated
# to N) through g2pc (stdin, pipelined) and through g2pclient's words()
# (pipelined, default window), best of 3 each. Both outputs must agree line
# for line.
set -eu
src=${1:?usage: python-client.sh SRCDIR BUILDDIR [N]}
build=${2:?usage: python-client.sh SRCDIR BUILDDIR [N]}
n=${3:-100000}
py=${PYTHON:-/usr/bin/python3}
"$py" -c 'import msgpack' 2>/dev/null || { echo "python-client bench: $py lacks msgpack"; exit 0; }
list=
for f in "$src/../shared/data/cmudict-split/g014b2b.train" /usr/share/dict/words; do
  [ -f "$f" ] && { list=$f; break; }
done
[ -n "$list" ] || { echo "python-client bench: no word list"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-python.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
cut -f1 "$list" | awk -v n="$n" '{ w[NR] = tolower($1) } END { for (i = 0; i < n; i++) print w[i % NR + 1] }' >"$dir/words"
"$build/daemon/rnninferd" --socket "$dir/s" --lexicon "$build/data/cmudict.lex" --no-model \
  2>"$dir/log" &
pid=$!
i=0
until "$build/client/g2pc" --socket "$dir/s" --ping >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "daemon did not start"; cat "$dir/log"; exit 1; }
  sleep 0.1
done
best_g2pc=0
for r in 1 2 3; do
  t0=$(date +%s.%N)
  "$build/client/g2pc" --socket "$dir/s" <"$dir/words" >"$dir/out.g2pc" 2>/dev/null || true
  t1=$(date +%s.%N)
  best_g2pc=$(awk -v a="$t0" -v b="$t1" -v n="$n" -v best="$best_g2pc" \
    'BEGIN { r = n / (b - a); print (r > best ? r : best) }')
done
PYTHONPATH=$src/client/python PYTHONDONTWRITEBYTECODE=1 "$py" - "$dir/s" "$dir/words" "$dir/out.py" <<'PY' >"$dir/py.txt"
import sys, time
from g2pclient import Client
sock, words, out = sys.argv[1:4]
with open(words, encoding="utf-8", errors="surrogateescape") as f:
    w = [line.rstrip("\n") for line in f]
best = 0.0
with Client(sock) as c:
    for _ in range(3):
        t = time.perf_counter()
        r = c.words(w)
        best = max(best, len(w) / (time.perf_counter() - t))
with open(out, "w") as f:
    for x in r:
        f.write((x.phones if x.ok else "!" + x.error.name) + "\n")
print("%.0f" % best)
PY
cmp -s "$dir/out.g2pc" "$dir/out.py" && same=yes || same=NO
printf 'words: %d (%s)\n' "$n" "$list"
printf 'g2pc (stdin, pipelined):          %8.0f words/s\n' "$best_g2pc"
printf 'g2pclient Python words():         %8.0f words/s\n' "$(cat "$dir/py.txt")"
printf 'outputs identical: %s\n' "$same"
[ "$same" = yes ]
