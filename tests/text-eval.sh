#!/bin/sh
# text-eval.sh -- sentence accuracy of the text front end (with the shipped
# dictionary and network) on the project's own sentence set,
# data/text-sentences.tsv; fails below 90%. Prints the figure.
set -eu
b=${top_builddir:-.}
s=${top_srcdir:-.}
lex=$b/data/cmudict.lex
model=$s/models/cmudict-bigru.g2pm
[ -f "$lex" ] || { echo "no $lex: skipped"; exit 77; }
out=$("$b/tools/text-eval" --lexicon "$lex" --model "$model" \
  --errors "$b/tests/text-eval.errors" "$s/data/text-sentences.tsv")
echo "$out"
acc=$(echo "$out" | sed -n 's/^accuracy: \([0-9.]*\)%$/\1/p')
[ -n "$acc" ] || { echo "no accuracy figure"; exit 1; }
awk -v a="$acc" 'BEGIN { exit !(a >= 90.0) }' || {
  echo "sentence accuracy $acc% is below 90%; misses:"; cat "$b/tests/text-eval.errors"; exit 1; }
