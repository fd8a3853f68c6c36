#!/bin/sh
# eval-test.sh -- tools/g2p-eval's scoring and tests/eval-model.sh's logic.
#
# Part 1 scores the dictionary alone on small hand-made sets whose WER/PER
# are worked out by hand below (variants, case, unanswered words, stressed
# and stressless, the reference-lexicon coverage). Part 2 drives
# tests/eval-model.sh with a real model and temporary model cards (pass, a
# card 1 point better than the model = fail, missing line = fail, missing
# model = skip); it needs a loadable model: the g2p_en weights converted by
# tools/g2p-convert, or EVAL_TEST_MODEL. Without one, part 2 is skipped
# with a message and only part 1 counts.
set -eu
src=${top_srcdir:?}
b=${top_builddir:?}
eval=$b/tools/g2p-eval
lex=$b/data/cmudict.lex
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
fail=0
expect() { # file key value
  got=$(sed -n "s/^$2: //p" "$1")
  if [ "$got" != "$3" ]; then
    echo "FAIL: $2 = '$got', want '$3'"; fail=1
  fi
}

# --- part 1: scoring -------------------------------------------------------
# aardvark right; a right through its second listed variant; aalborg: the
# dictionary's first variant AO L B AO R G vs AA L B AO R G = 1 substitution
# over 6; qqqzzz unanswered = 3 over 3. WER 2/4, PER 4/17.
printf 'AARDVARK\tAA R D V AA R K\na\tAH\na\tEY\naalborg\tAA L B AO R G\nqqqzzz\tK Y UW\n' >"$d/stressless.tsv"
"$eval" --lexicon "$lex" --ref-lexicon "$lex" --errors "$d/errors" "$d/stressless.tsv" >"$d/out1"
cat "$d/out1"
expect "$d/out1" words 4
expect "$d/out1" lines 5
expect "$d/out1" answered_dict 3
expect "$d/out1" unanswered 1
expect "$d/out1" stressless_wer 50.00
expect "$d/out1" stressless_per 23.53
expect "$d/out1" stressed_reference ref-lexicon
expect "$d/out1" stressed_words 3
expect "$d/out1" stressed_coverage 75.00
expect "$d/out1" stressed_wer 0.00
expect "$d/out1" ref_stressless_wer 0.00
printf 'aalborg\tAO1 L B AO0 R G\tAA L B AO R G\nqqqzzz\t\tK Y UW\n' >"$d/errors.want"
if ! cmp -s "$d/errors" "$d/errors.want"; then
  echo "FAIL: --errors file differs:"; cat "$d/errors"; fail=1
fi

# model-only without a model: nothing answered, everything wrong
"$eval" --lexicon "$lex" --model-only "$d/stressless.tsv" >"$d/out2"
expect "$d/out2" unanswered 4
expect "$d/out2" stressless_wer 100.00
expect "$d/out2" stressless_per 100.00
expect "$d/out2" stressed_reference none
# ... and against the reference lexicon's variants, stressed or not
"$eval" --lexicon "$lex" --model-only --ref-lexicon "$lex" "$d/stressless.tsv" >"$d/out2r"
expect "$d/out2r" stressed_words 3
expect "$d/out2r" stressed_wer 100.00
expect "$d/out2r" ref_stressless_wer 100.00
expect "$d/out2r" ref_stressless_per 100.00

# stressed file: aardvark right without stress, one stress wrong with it;
# a: AH0 vs EY1 wrong either way. Stressless WER 1/2, PER 1/8; stressed
# WER 2/2, PER 2/8.
printf 'aardvark\tAA1 R D V AA1 R K\na\tEY1\n' >"$d/stressed.tsv"
"$eval" --lexicon "$lex" "$d/stressed.tsv" >"$d/out3"
expect "$d/out3" stressless_wer 50.00
expect "$d/out3" stressless_per 12.50
expect "$d/out3" stressed_reference test-file
expect "$d/out3" stressed_coverage 100.00
expect "$d/out3" stressed_wer 100.00
expect "$d/out3" stressed_per 25.00
if grep -q '^ref_stressless' "$d/out3"; then
  echo "FAIL: ref_stressless_* printed for a stressed test file"; fail=1; fi

# --predictions: every word's answer in file order; bare words are answered,
# not scored (the scores are those of the two scored words, as in out3);
# a word list with no reference at all prints no scores
printf 'aardvark\tAA1 R D V AA1 R K\nAbbey\nqqqzzz\na\tEY1\n' >"$d/mixed.tsv"
"$eval" --lexicon "$lex" --predictions "$d/pred" "$d/mixed.tsv" >"$d/out5"
expect "$d/out5" words 2
expect "$d/out5" unscored_words 2
expect "$d/out5" unanswered 1
expect "$d/out5" stressless_wer 50.00
expect "$d/out5" stressed_wer 100.00
printf 'aardvark\tAA1 R D V AA2 R K\nabbey\tAE1 B IY0\nqqqzzz\t\na\tAH0\n' >"$d/pred.want"
if ! cmp -s "$d/pred" "$d/pred.want"; then
  echo "FAIL: --predictions file differs:"; cat "$d/pred"; fail=1
fi
printf 'abbey\nqqqzzz\n' >"$d/words.txt"
"$eval" --lexicon "$lex" --predictions "$d/pred2" "$d/words.txt" >"$d/out6"
expect "$d/out6" words 0
expect "$d/out6" unscored_words 2
if grep -q '_wer:' "$d/out6"; then echo "FAIL: scores printed for a bare word list"; fail=1; fi
printf 'abbey\tAE1 B IY0\nqqqzzz\t\n' >"$d/pred2.want"
cmp -s "$d/pred2" "$d/pred2.want" || { echo "FAIL: --predictions of a word list:"; cat "$d/pred2"; fail=1; }
# without --predictions a bare word is a malformed line, as before
"$eval" --lexicon "$lex" "$d/mixed.tsv" >"$d/out7"
expect "$d/out7" skipped_lines 2
expect "$d/out7" words 2

# usage errors
if "$eval" "$d/stressed.tsv" >/dev/null 2>&1; then echo "FAIL: ran without engine"; fail=1; fi
if "$eval" --lexicon "$lex" --beam 0 "$d/stressed.tsv" >/dev/null 2>&1; then
  echo "FAIL: accepted --beam 0"; fail=1; fi
if "$eval" --lexicon "$lex" "$d/none.tsv" >/dev/null 2>&1; then
  echo "FAIL: accepted a missing file"; fail=1; fi
[ $fail -eq 0 ] || exit 1
echo "part 1 (scoring): ok"

# --- part 2: eval-model.sh logic with a real model ------------------------
model=${EVAL_TEST_MODEL:-}
npz=$src/../shared/data/g2p_en/checkpoint20.npz
split=$src/../shared/data/cmudict-split/g014b2b.test
if [ -z "$model" ] && [ -x "$b/tools/g2p-convert" ] && [ -f "$npz" ]; then
  if "$b/tools/g2p-convert" -o "$d/g2p_en.g2pm" "$npz" >"$d/convert.log" 2>&1; then
    model=$d/g2p_en.g2pm
  else
    echo "note: g2p-convert could not convert $npz:"; cat "$d/convert.log"
  fi
fi
if [ -z "$model" ] || [ ! -f "$split" ]; then
  echo "part 2 skipped: no loadable model (tools/g2p-convert + g2p_en weights) or no test set"
  exit 0
fi
head -n 400 "$split" >"$d/small.test"
"$eval" --model "$model" --model-only --ref-lexicon "$lex" "$d/small.test" >"$d/out4" || {
  echo "part 2 skipped: $model does not load or predict"; cat "$d/out4"; exit 0; }
w=$(sed -n 's/^stressless_wer: //p' "$d/out4")
echo "model $model: stressless WER on 400 test lines: $w%"
run_guard() { # card-file -> exit status of eval-model.sh
  set +e
  EVAL_MODEL=$model EVAL_CARD=$1 EVAL_TEST=$d/small.test "$src/tests/eval-model.sh" >"$d/guard.log" 2>&1
  rc=$?
  set -e
  return $rc
}
printf 'x\nStressless WER on g014b2b.test (greedy, network only): %s%%\n' "$w" >"$d/card-same"
better=$(awk -v w="$w" 'BEGIN { printf "%.2f", w - 1 }')
printf 'Stressless WER on g014b2b.test (greedy, network only): %s%%\n' "$better" >"$d/card-better"
printf 'Stressless WER: %s%%\n' "$w" >"$d/card-noline"
if run_guard "$d/card-same"; then :; else echo "FAIL: guard failed with the true WER"; cat "$d/guard.log"; exit 1; fi
if run_guard "$d/card-better"; then echo "FAIL: guard passed a card 1 point better"; cat "$d/guard.log"; exit 1; fi
if run_guard "$d/card-noline"; then echo "FAIL: guard passed a card without the line"; exit 1; fi
# the figures against CMUdict, when the card has them, are guarded too
st=$(sed -n 's/^stressed_wer: //p' "$d/out4")
rs=$(sed -n 's/^ref_stressless_wer: //p' "$d/out4")
for k in Stressed Stressless; do
  v=$st; [ $k = Stressed ] || v=$rs
  { cat "$d/card-same"
    printf '%s WER against CMUdict on g014b2b.test (greedy, network only): %s%%\n' "$k" "$v"
  } >"$d/card-$k-same"
  { cat "$d/card-same"
    printf '%s WER against CMUdict on g014b2b.test (greedy, network only): %s%%\n' "$k" \
      "$(awk -v w="$v" 'BEGIN { printf "%.2f", w - 1 }')"
  } >"$d/card-$k-better"
  if run_guard "$d/card-$k-same"; then :; else
    echo "FAIL: guard failed with the true $k WER against CMUdict"; cat "$d/guard.log"; exit 1; fi
  if run_guard "$d/card-$k-better"; then
    echo "FAIL: guard passed a card whose $k WER against CMUdict is 1 point better"
    cat "$d/guard.log"; exit 1; fi
done
set +e
EVAL_MODEL=$d/absent.g2pm EVAL_CARD=$d/card-same EVAL_TEST=$d/small.test "$src/tests/eval-model.sh" >/dev/null 2>&1
rc=$?
set -e
[ $rc -eq 77 ] || { echo "FAIL: absent model gave $rc, want 77"; exit 1; }
echo "part 2 (eval-model.sh guard): ok"
