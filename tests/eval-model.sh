#!/bin/sh
# eval-model.sh -- CI guard on the shipped model's accuracy.
#
# Runs tools/g2p-eval network-only (greedy) on the standard CMUdict test set
# and fails if the stressless WER is more than 0.5 points above what
# models/MODEL_CARD.md promises in its line
#   Stressless WER on g014b2b.test (greedy, network only): NN.NN%
# and, where the card has them, likewise for the figures against the
# project's CMUdict (the conventions a network trained on it speaks):
#   Stressed WER against CMUdict on g014b2b.test (greedy, network only): NN.NN%
#   Stressless WER against CMUdict on g014b2b.test (greedy, network only): NN.NN%
# Skips (77) when the model or the shared test set is absent. EVAL_MODEL,
# EVAL_CARD, EVAL_TEST, EVAL_MARGIN, EVAL_LABEL (the parenthesised part
# of the card line) and EVAL_SET_NAME (the card's name for the test set,
# "g014b2b.test") override the defaults; EVAL_ARGS adds g2p-eval options
# (a rescorer) (used by tests/eval-test.sh to
# exercise this logic on a small set, and by tests/eval-model-int8.sh).
set -eu
src=${top_srcdir:?}
b=${top_builddir:?}
model=${EVAL_MODEL:-$src/models/cmudict-bigru.g2pm}
card=${EVAL_CARD:-$src/models/MODEL_CARD.md}
test_set=${EVAL_TEST:-$src/../shared/data/cmudict-split/g014b2b.test}
margin=${EVAL_MARGIN:-0.5}
label=${EVAL_LABEL:-greedy, network only}
set_name=${EVAL_SET_NAME:-g014b2b.test}

if [ ! -f "$model" ]; then
  echo "SKIP: no shipped model at $model"; exit 77
fi
if [ ! -f "$test_set" ]; then
  echo "SKIP: test set $test_set absent (needs ../shared/data)"; exit 77
fi
if [ ! -f "$card" ]; then
  echo "FAIL: $model has no model card at $card"; exit 1
fi
card_wer=$(grep -F "Stressless WER on $set_name ($label): " "$card" |
  sed -n 's/^.*): *\([0-9][0-9]*\.[0-9][0-9]*\)%.*$/\1/p' | head -n 1)
if [ -z "$card_wer" ]; then
  echo "FAIL: $card lacks the line 'Stressless WER on $set_name ($label): NN.NN%'"
  exit 1
fi

# shellcheck disable=SC2086
out=$("$b/tools/g2p-eval" --model "$model" --model-only --beam 1 ${EVAL_ARGS:-} \
  --ref-lexicon "$b/data/cmudict.lex" "$test_set") || {
  echo "FAIL: g2p-eval failed"; echo "$out"; exit 1; }
echo "$out"
wer=$(echo "$out" | sed -n 's/^stressless_wer: //p')
answered=$(echo "$out" | sed -n 's/^answered_model: //p')
if [ -z "$wer" ] || [ "${answered:-0}" -eq 0 ]; then
  echo "FAIL: the model answered no word"; exit 1
fi
fail=0
check() { # what measured card
  if awk -v w="$2" -v c="$3" -v m="$margin" 'BEGIN { exit !(w + 0 <= c + m + 1e-9) }'; then
    echo "PASS: $1 $2% <= card $3% + $margin"
  else
    echo "FAIL: $1 $2% > card $3% + $margin"; fail=1
  fi
}
check "stressless WER" "$wer" "$card_wer"
for kind in "Stressed:stressed_wer" "Stressless:ref_stressless_wer"; do
  line="${kind%%:*} WER against CMUdict on $set_name ($label): "
  c=$(grep -F "$line" "$card" | sed -n 's/^.*): *\([0-9][0-9]*\.[0-9][0-9]*\)%.*$/\1/p' | head -n 1)
  [ -n "$c" ] || continue
  m=$(echo "$out" | sed -n "s/^${kind#*:}: //p")
  if [ -z "$m" ]; then
    echo "FAIL: g2p-eval printed no ${kind#*:}"; fail=1; continue
  fi
  check "${kind#*:} (CMUdict refs)" "$m" "$c"
done
exit $fail
