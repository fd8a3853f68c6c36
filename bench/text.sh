#!/bin/sh
# text.sh -- runs bench/text: starts rnninferd (dictionary and the shipped
# network, no workers: the text op answers on the loop) on a temporary
# socket and times the front end, espeak-ng and the text op side by side.
set -eu
src=$1
bld=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-text.XXXXXX")
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
model=$src/models/cmudict-bigru.g2pm
"$bld/daemon/rnninferd" --socket "$dir/s.sock" --lexicon "$bld/data/cmudict.lex" \
  --tagger "$src/models/en-ewt-tagger.linm" --homographs "$src/models/en-homographs.linm" \
  --model "$model" --workers 0 --log-level warn &
pid=$!
i=0
until "$bld/client/g2pc" --socket "$dir/s.sock" --ping >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -le 100 ] || { echo "rnninferd did not start"; exit 1; }
  sleep 0.1
done
"$bld/bench/text" --lexicon "$bld/data/cmudict.lex" --model "$model" \
  --tagger "$src/models/en-ewt-tagger.linm" --homographs "$src/models/en-homographs.linm" \
  --socket "$dir/s.sock" "$src/bench/text-sentences.txt"
