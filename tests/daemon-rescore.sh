#!/bin/sh
# daemon-rescore.sh -- rnninferd --rescore-model end to end.
#
# Rescored by the model itself, a network answer is the beam's (the
# engine's rescoring changes no ranking then; tests/model-score checks a
# right-to-left rescorer's choices), so the daemon's answers to made-up
# words, with the workers and on the loop, equal a plain daemon's at
# --beam 4, before and after a SIGHUP reload, and nbest alternative 0 is
# the plain answer; a gated rescorer (--rescore-gate) keeps the greedy
# answers above its gate and rescores the rest; info (it-ask and g2pc --info, text and JSON) names the
# rescorer, or none. Bad settings are refused with a reason: a rescorer
# without a model and weights, beams or gates out of range, --no-rescore
# beside a rescorer setting (exit 2), a rescorer that does not load (exit 1).
# (The default model's own rescorer, compiled in under $(pkgdatadir), is
# checked where it is installed: tests/systemd-nspawn.sh.) Skips (77) without the lexicon or the model.
set -u
. "${top_srcdir:-.}/tests/daemon-lib.sh"
model=$s/models/en-us-h256-int8.g2pm
[ -r "$model" ] || { echo "$model missing; skipped"; exit 77; }
start() { # start SOCKET ARGS...
  sock=$1; shift
  "$d" -s "$sock" -l "$lex" -m "$model" "$@" 2>"$dir/log" &
  pid=$!
  wait_sock "$sock" || fail "daemon did not start ($*)"
}
stop() { kill -TERM "$pid"; wait "$pid" || fail "daemon exit status $?"; pid=; }

words="zorbleton quixotry flumbering krastovich bleemish snorfel vantrappe xyloquin ouagadrix tchaikovskyan"
start "$dir/plain.sock" --workers 1 --beam 4
"$c" -s "$dir/plain.sock" -m $words > "$dir/plain" || fail "plain daemon"
"$b/tests/it-ask" --info "$dir/plain.sock" > "$dir/info" || fail "info"
grep -qx "rescorer none" "$dir/info" || fail "info without a rescorer: $(cat "$dir/info")"
"$c" -s "$dir/plain.sock" --info | grep -qx "rescorer: *none" ||
  fail "g2pc --info without a rescorer: $("$c" -s "$dir/plain.sock" --info)"
"$c" -s "$dir/plain.sock" --info --json | grep -q '"rescorer":null,' ||
  fail "g2pc --info --json without a rescorer"
stop
[ "$(wc -l < "$dir/plain")" -eq 10 ] || fail "plain answers: $(cat "$dir/plain")"
for workers in 1 0; do
  start "$dir/r$workers.sock" --workers $workers --rescore-model "$model" \
    --rescore-weight 0.5
  grep -q "rescoring: $model" "$dir/log" || fail "no rescoring line in the log"
  sum=$("$b/tools/g2p-convert" --check "$model" | sed -n "s/.*checksum \([0-9a-f]*\).*/\1/p")
  "$b/tests/it-ask" --info "$dir/r$workers.sock" > "$dir/info" || fail "info"
  grep -qx "rescorer en-us-h256-int8 $sum weight 0.5 hypotheses 4 gate 0" "$dir/info" ||
    fail "info: $(cat "$dir/info") (checksum $sum)"
  "$c" -s "$dir/r$workers.sock" --info |
    grep -qx "rescorer: *en-us-h256-int8 (checksum $sum, weight 0.5, 4 hypotheses)" ||
    fail "g2pc --info: $("$c" -s "$dir/r$workers.sock" --info) (checksum $sum)"
  "$c" -s "$dir/r$workers.sock" --info --json |
    grep -q "\"rescorer\":{\"name\":\"en-us-h256-int8\",\"checksum\":$(printf %u 0x$sum),\"weight\":0.5,\"hypotheses\":4,\"gate\":0}" ||
    fail "g2pc --info --json: $("$c" -s "$dir/r$workers.sock" --info --json)"
  "$c" -s "$dir/r$workers.sock" -m $words > "$dir/got" || fail "rescoring daemon"
  cmp -s "$dir/plain" "$dir/got" || fail "--workers $workers: $(diff "$dir/plain" "$dir/got")"
  kill -HUP "$pid"
  i=0
  until grep -q "reload" "$dir/log"; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "no reload"; sleep 0.05
  done
  "$c" -s "$dir/r$workers.sock" -m $words > "$dir/got2" || fail "after reload"
  cmp -s "$dir/plain" "$dir/got2" || fail "after reload: $(diff "$dir/plain" "$dir/got2")"
  first=$("$c" -s "$dir/r$workers.sock" -m -b 4 -n 3 zorbleton | head -1 | cut -f2)
  [ "$first" = "$(head -1 "$dir/plain")" ] || fail "nbest first '$first'"
  stop
done
echo "rescored by itself: 10 made-up words as a plain --beam 4 daemon, with and without workers, across a reload"

# the gate: a gate no answer falls below keeps every greedy answer (a plain
# greedy daemon's), one every answer falls below rescores them all (the
# beam's, as above); with the workers' batches and on the loop
start "$dir/greedy.sock" --workers 1
"$c" -s "$dir/greedy.sock" -m $words > "$dir/greedy" || fail "greedy daemon"
stop
cmp -s "$dir/greedy" "$dir/plain" && fail "greedy and beam 4 agree on every word: no check"
for workers in 1 0; do
  for case in "-100000 greedy" "-0.001 plain"; do
    set -- $case
    start "$dir/g.sock" --workers $workers --rescore-model "$model" --rescore-gate "$1"
    grep -q "rescoring: $model .*below $1 only" "$dir/log" ||
      fail "no gated rescoring line in the log: $(cat "$dir/log")"
    "$b/tests/it-ask" --info "$dir/g.sock" | grep -q "^rescorer en-us-h256-int8 .* gate $1\$" ||
      fail "info: no gate $1: $("$b/tests/it-ask" --info "$dir/g.sock")"
    "$c" -s "$dir/g.sock" --info | grep -q "^rescorer: .*greedy answers below $1)\$" ||
      fail "g2pc --info: no gate $1: $("$c" -s "$dir/g.sock" --info)"
    "$c" -s "$dir/g.sock" --info --json | grep -q "\"hypotheses\":4,\"gate\":$1}" ||
      fail "g2pc --info --json: no gate $1: $("$c" -s "$dir/g.sock" --info --json)"
    "$c" -s "$dir/g.sock" -m $words > "$dir/got" || fail "gated daemon"
    cmp -s "$dir/$2" "$dir/got" ||
      fail "--workers $workers --rescore-gate $1: $(diff "$dir/$2" "$dir/got")"
    stop
  done
done
echo "gated: below no answer, the greedy answers; below every answer, the rescored ones"

# refused settings
expect() { # expect STATUS MESSAGE ARGS...
  want=$1 msg=$2; shift 2
  "$d" -s "$dir/bad.sock" -l "$lex" "$@" >"$dir/out" 2>&1
  rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: exit $rc, not $want: $(cat "$dir/out")"
  grep -q -- "$msg" "$dir/out" || fail "$*: no '$msg' in: $(cat "$dir/out")"
}
expect 2 "needs a model" --no-model --rescore-model "$model"
expect 2 "need --rescore-model" -m "$model" --rescore-weight 2
expect 2 "rescore-weight" -m "$model" --rescore-model "$model" --rescore-weight 0
expect 2 "rescore-weight" -m "$model" --rescore-model "$model" --rescore-weight nan
expect 2 "rescore-beam" -m "$model" --rescore-model "$model" --rescore-beam 1
expect 2 "need --rescore-model" -m "$model" --rescore-gate -1
expect 2 "rescore-gate" -m "$model" --rescore-model "$model" --rescore-gate 0
expect 2 "rescore-gate" -m "$model" --rescore-model "$model" --rescore-gate 1.5
expect 2 "rescore-gate" -m "$model" --rescore-model "$model" --rescore-gate -1e7
expect 1 "rescore model" -m "$model" --rescore-model "$dir/none.g2pm"
expect 2 "no-rescore contradicts" -m "$model" --no-rescore --rescore-model "$model"
expect 2 "no-rescore contradicts" -m "$model" --rescore-gate -1 --no-rescore
expect 2 "no-rescore contradicts" --no-rescore --rescore-weight 2
echo "refused: no model, a weight, beam or gate alone, weight 0 and nan, beam 1, gates 0, 1.5 and -1e7, a missing file, --no-rescore beside a rescorer setting"

# --no-rescore with a named model: no rescorer, the plain greedy answers
start "$dir/n.sock" --workers 1 --no-rescore
"$b/tests/it-ask" --info "$dir/n.sock" | grep -qx "rescorer none" ||
  fail "--no-rescore: info $("$b/tests/it-ask" --info "$dir/n.sock")"
"$c" -s "$dir/n.sock" -m $words > "$dir/got" || fail "--no-rescore daemon"
cmp -s "$dir/greedy" "$dir/got" || fail "--no-rescore: $(diff "$dir/greedy" "$dir/got")"
stop
echo "--no-rescore: no rescorer, greedy answers"
