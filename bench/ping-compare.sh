#!/bin/sh
# ping-compare.sh -- a ping-under-load bench (bench/text-ping or
# bench/nbest-ping) against two daemon binaries side by side (e.g. main's
# and a branch's), in alternating rounds so that background load hits both
# alike.
# Usage: bench/ping-compare.sh BENCH BUILDDIR MODEL.g2pm DAEMON_A DAEMON_B [ROUNDS [PINGS]]
# Each daemon runs with the build's dictionary, the model and --workers 1.
set -u
bench=$1 b=$2 model=$3 da=$4 db=$5 rounds=${6:-3} pings=${7:-400}
dir=$(mktemp -d "${TMPDIR:-/tmp}/$bench.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
run() { # run NAME DAEMON
  "$2" --socket "$dir/s" --lexicon "$b/data/cmudict.lex" --model "$model" \
    --workers 1 2>"$dir/log" &
  pid=$!
  i=0
  until "$b/client/g2pc" --socket "$dir/s" --ping >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && { cat "$dir/log"; exit 1; }; sleep 0.1
  done
  printf '%s %s\n' "$1" "$("$b/bench/$bench" "$dir/s" "$pings" 1)"
  kill "$pid"; wait "$pid" 2>/dev/null; pid=
}
r=1
while [ $r -le "$rounds" ]; do
  run A "$da"
  run B "$db"
  r=$((r + 1))
done
