#!/bin/sh
# spin-compare.sh -- lone network words, closed loop, several daemons side by
# side: what polling around wake-ups (--spin-us) buys and what it costs.
#
# Each daemon configuration runs at once; every round measures each in turn
# (bench/e2e-client --phases closed) and the in-process engine median
# (bench/e2e-engine), so the machine's drift hits all of them alike. For
# each daemon it prints the bare echo, dictionary and network word p50 (us)
# and the CPU time the daemon used in that round (ms, from /proc).
#
# usage: bench/spin-compare.sh BUILD [LABEL=DAEMON_BINARY:ARGS ...]
#   default daemons: spin0 (--spin-us 0) and spin50 (--spin-us 50) of BUILD
#   ROUNDS (10), COUNT (1500 requests per target), MODEL (the shipped one),
#   LEXICON (BUILD/data/cmudict.lex)
# e.g. bench/spin-compare.sh /tmp/b old=/tmp/old/daemon/rnninferd:--spin-us_50
#   (in ARGS, _ stands for a space)
set -eu
B=${1:?usage: bench/spin-compare.sh BUILD [LABEL=BINARY:ARGS ...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${MODEL:-$here/models/cmudict-bigru.g2pm}
LEX=${LEXICON:-$B/data/cmudict.lex}
[ $# -gt 0 ] || set -- "spin0=$B/daemon/rnninferd:--spin-us_0" \
                       "spin50=$B/daemon/rnninferd:--spin-us_50"
T=$(mktemp -d)
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || :; done
  for p in $pids; do wait "$p" 2>/dev/null || :; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
labels=
for spec in "$@"; do
  label=${spec%%=*} rest=${spec#*=}
  bin=${rest%%:*} args=$(echo "${rest#*:}" | tr _ ' ')
  # shellcheck disable=SC2086
  "$bin" --socket "$T/$label.sock" --lexicon "$LEX" --model "$MODEL" $args \
    2>"$T/$label.log" &
  pids="$pids $!"
  echo "$!" >"$T/$label.pid"
  labels="$labels $label"
done
"$B/bench/e2e-echo" --socket "$T/echo.sock" &
pids="$pids $!"
sleep 2
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
r=1
while [ "$r" -le "${ROUNDS:-10}" ]; do
  eng=$("$B/bench/e2e-engine" --lexicon "$LEX" --model "$MODEL" --word kubernetes \
        --label net | awk '$1 == "engine.net.p50_us" { print $2 }')
  line="round $r engine_p50 $eng"
  for l in $labels; do
    p=$(cat "$T/$l.pid")
    c0=$(cpu_ticks "$p")
    "$B/bench/e2e-client" --socket "$T/$l.sock" --echo "$T/echo.sock" --phases closed \
      --count "${COUNT:-1500}" --warmup 200 --rounds 3 --out "$T" >"$T/out" 2>/dev/null
    c1=$(cpu_ticks "$p")
    line="$line | $l $(awk -v ms=$(( (c1 - c0) * 1000 / hz )) '
      $1 == "closed.echo.p50_us" { e = $2 } $1 == "closed.dict.p50_us" { d = $2 }
      $1 == "closed.net.p50_us" { n = $2 }
      END { printf "echo %s dict %s net %s cpu_ms %d", e, d, n, ms }' "$T/out")"
  done
  echo "$line"
  r=$((r + 1))
done
