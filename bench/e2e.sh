#!/bin/sh
# bench/e2e.sh -- the end-to-end benchmark of rnninferd.
#
# Why a script: the numbers only mean something next to each other, measured
# on the same machine in the same minutes. This starts rnninferd and two bare
# echo servers on temporary sockets, times the engine in process, runs
# bench/e2e-client (closed loop, peak throughput, open-loop ladder) E2E_RUNS
# times against the same daemon, takes the median of every figure over the
# runs, and prints ONE markdown table with the design's targets next to the
# figures. It builds nothing: `make bench-e2e` builds first and calls it.
#
# usage: bench/e2e.sh [BUILD_DIR]      (default: the current directory)
# environment:
#   E2E_RUNS=3          client runs (median taken per figure)
#   E2E_QUICK=1         low intensity (short phases; for a busy machine)
#   E2E_LONG=300        then a long open-loop run of that many seconds,
#                       sampling the daemon's VmRSS every E2E_RSS_EVERY (5) s
#   E2E_LONG_RATE=R     its rate in requests/s (default: half the measured
#                       one-word network peak; dictionary peak without a model)
#   E2E_MODEL=FILE      model for the daemon (default: the one rnninferd loads
#                       by default, from models/ of the build or source tree)
#   E2E_LEXICON=FILE    default BUILD_DIR/data/cmudict.lex
#   E2E_DAEMON_ARGS=..  extra daemon flags (e.g. "--workers 1")
#   E2E_CLIENT_ARGS=..  extra e2e-client flags
#   E2E_DAEMON_PREFIX / E2E_CLIENT_PREFIX  command prefixes, e.g. "taskset -c 0"
#   E2E_OUT=DIR         output directory (default BUILD_DIR/bench/out)
# With a model, a second daemon runs beside the first with worker batching off
# (RNNINFERD_WORKER_BATCH=1: one word per kernel pass) and gets the same peak
# phase in every run, so "batching on vs off" is measured side by side. Both
# run with --cache-size 0, since the client repeats its network word: their
# network rows measure the network. A third daemon with the result cache
# (default size) gets the closed-loop phase: its network word, asked again and
# again, is the "repeated word" row, next to the dictionary word.
# Outputs in E2E_OUT: e2e-table.md, e2e-latency.png, e2e-rss.png (long run),
# open-*.dat, rss.dat, raw per-run results (run*.txt) and the daemon log.
set -eu

B=$(cd "${1:-.}" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${E2E_RUNS:-3}
OUT=${E2E_OUT:-$B/bench/out}
LEX=${E2E_LEXICON:-$B/data/cmudict.lex}
MODEL=${E2E_MODEL:-}
if [ -z "$MODEL" ]; then
  # the installed default, as rnninferd --help names it
  DEF=$("$B/daemon/rnninferd" --help 2>/dev/null |
    sed -n 's/^.*--model FILE.*(default \([^ )]*\).*$/\1/p' | head -n 1)
  DEF=$(basename "${DEF:-en-us-h384-int4.g2pm}")
  for m in "$B/models/$DEF" "$S/models/$DEF"; do
    if [ -f "$m" ]; then MODEL=$m; break; fi
  done
  [ -n "$MODEL" ] || echo "e2e.sh: default model $DEF not found under models/" >&2
fi

for p in daemon/rnninferd bench/e2e-client bench/e2e-echo bench/e2e-engine; do
  if [ ! -x "$B/$p" ]; then
    echo "e2e.sh: $B/$p is missing: build first (make bench-e2e does)" >&2
    exit 1
  fi
done
if [ ! -f "$LEX" ]; then
  echo "e2e.sh: lexicon $LEX is missing (make builds data/cmudict.lex)" >&2
  exit 1
fi

QUICKARGS=
if [ "${E2E_QUICK:-0}" = 1 ]; then
  QUICKARGS="--count 3000 --warmup 300 --peak-time 1 --step 0.5 --ladder 0.1,0.3,0.5,0.7,0.9,1.0,1.2"
fi

mkdir -p "$OUT"
T=$(mktemp -d)
DPID= EPID= UPID= NPID= CPID=
cleanup() {
  for p in $DPID $EPID $UPID $NPID $CPID; do kill "$p" 2>/dev/null || :; done
  for p in $DPID $EPID $UPID $NPID $CPID; do wait "$p" 2>/dev/null || :; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

MODELARG=--no-model
[ -z "$MODEL" ] || MODELARG="--model $MODEL"
echo "e2e.sh: daemon: $B/daemon/rnninferd, lexicon $LEX, model ${MODEL:-none}" >&2
# shellcheck disable=SC2086
${E2E_DAEMON_PREFIX:-} "$B/daemon/rnninferd" --socket "$T/d.sock" --lexicon "$LEX" \
  $MODELARG --cache-size 0 ${E2E_DAEMON_ARGS:-} \
  2>"$OUT/daemon.log" &
DPID=$!
"$B/bench/e2e-echo" --socket "$T/e.sock" &
EPID=$!
"$B/bench/e2e-echo" --uv --socket "$T/u.sock" &
UPID=$!
if [ -n "$MODEL" ]; then
  # shellcheck disable=SC2086
  RNNINFERD_WORKER_BATCH=1 ${E2E_DAEMON_PREFIX:-} "$B/daemon/rnninferd" --socket "$T/n.sock" \
    --lexicon "$LEX" $MODELARG --cache-size 0 ${E2E_DAEMON_ARGS:-} 2>"$OUT/daemon-nobatch.log" &
  NPID=$!
  # shellcheck disable=SC2086
  ${E2E_DAEMON_PREFIX:-} "$B/daemon/rnninferd" --socket "$T/c.sock" \
    --lexicon "$LEX" $MODELARG ${E2E_DAEMON_ARGS:-} 2>"$OUT/daemon-cached.log" &
  CPID=$!
fi

# The engine in process: the "kernel median" of the network word.
rm -f "$OUT"/run*.txt "$OUT"/engine.txt
if [ -n "$MODEL" ]; then
  "$B/bench/e2e-engine" --lexicon "$LEX" --model "$MODEL" --word kubernetes \
    --label net >"$OUT/engine.txt" || echo "e2e.sh: e2e-engine failed" >&2
  "$B/bench/e2e-engine" --lexicon "$LEX" --model "$MODEL" --word aardvark \
    --label dict >>"$OUT/engine.txt" || :
fi

i=1
while [ "$i" -le "$RUNS" ]; do
  echo "e2e.sh: client run $i of $RUNS" >&2
  mkdir -p "$OUT/run$i"
  # shellcheck disable=SC2086
  ${E2E_CLIENT_PREFIX:-} "$B/bench/e2e-client" --socket "$T/d.sock" --echo "$T/e.sock" \
    --echo-uv "$T/u.sock" --pid "$DPID" --out "$OUT/run$i" \
    $QUICKARGS ${E2E_CLIENT_ARGS:-} >"$OUT/run$i.txt"
  if [ -n "$NPID" ]; then
    mkdir -p "$OUT/run$i-nobatch"
    # the batching-off daemon, peak phase only, its keys prefixed "nobatch."
    # shellcheck disable=SC2086
    ${E2E_CLIENT_PREFIX:-} "$B/bench/e2e-client" --socket "$T/n.sock" --pid "$NPID" \
      --phases peak --out "$OUT/run$i-nobatch" $QUICKARGS ${E2E_CLIENT_ARGS:-} |
      sed -n 's/^peak\./nobatch.peak./p' >>"$OUT/run$i.txt"
  fi
  if [ -n "$CPID" ]; then
    mkdir -p "$OUT/run$i-cached"
    # the daemon with the result cache: closed loop only, keys "cached."
    # shellcheck disable=SC2086
    ${E2E_CLIENT_PREFIX:-} "$B/bench/e2e-client" --socket "$T/c.sock" --pid "$CPID" \
      --phases closed --out "$OUT/run$i-cached" $QUICKARGS ${E2E_CLIENT_ARGS:-} |
      sed -n 's/^closed\./cached./p' >>"$OUT/run$i.txt"
  fi
  i=$((i + 1))
done

# Median of every numeric figure over the runs; text figures from run 1.
cat "$OUT"/run*.txt "$OUT/engine.txt" 2>/dev/null | awk '
  { k = $1; v = substr($0, length(k) + 2)
    if (v ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) { n[k]++; val[k, n[k]] = v + 0 }
    else if (!(k in txt)) txt[k] = v
    if (!(k in seen)) { seen[k] = 1; order[++no] = k } }
  END {
    for (j = 1; j <= no; j++) {
      k = order[j]
      if (k in txt) { print k, txt[k]; continue }
      m = n[k]
      for (a = 1; a <= m; a++) s[a] = val[k, a]
      for (a = 2; a <= m; a++) { x = s[a]; b = a - 1
        while (b >= 1 && s[b] > x) { s[b + 1] = s[b]; b-- } s[b + 1] = x }
      print k, (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
    } }' >"$OUT/median.txt"
# RSS before is the first run's, after is the last run's.
grep '^rss.before_kb' "$OUT/run1.txt" | sed 's/^rss/first.rss/' >>"$OUT/median.txt" || :
grep '^rss.after_kb' "$OUT/run$RUNS.txt" | sed 's/^rss/last.rss/' >>"$OUT/median.txt" || :

get() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$OUT/median.txt"; }

# Median ladders for the plot.
for kind in dict1 net1; do
  awk -v p="open.$kind." '
    index($1, p) == 1 { split(substr($1, length(p) + 1), a, "."); s = a[1]; f = a[2]
      v[s, f] = $2; if (!(s in have)) { have[s] = 1; ord[++n] = s } }
    END { print "# offered_rps achieved_rps p50_us p99_us p999_us client_lag_max_us client_cpu daemon_cpu"
      for (i = 1; i <= n; i++) { s = ord[i]
        print v[s, "offered"], v[s, "achieved"], v[s, "p50_us"], v[s, "p99_us"], v[s, "p999_us"],
          v[s, "max_lag_us"], v[s, "client_cpu"], v[s, "daemon_cpu"] } }' \
    "$OUT/median.txt" >"$OUT/open-$kind.dat"
done

# Optional long run: RSS must stay flat.
LONG=${E2E_LONG:-0}
if [ "$LONG" != 0 ]; then
  RATE=${E2E_LONG_RATE:-}
  if [ -z "$RATE" ]; then
    RATE=$(get peak.net1.req_per_s)
    [ -n "$RATE" ] || RATE=$(get peak.dict1.req_per_s)
    RATE=$(awk -v r="$RATE" 'BEGIN { printf "%d", r / 2 }')
  fi
  echo "e2e.sh: long run: $LONG s at $RATE req/s" >&2
  mkdir -p "$OUT/long"
  # shellcheck disable=SC2086
  ${E2E_CLIENT_PREFIX:-} "$B/bench/e2e-client" --socket "$T/d.sock" --pid "$DPID" --out "$OUT/long" \
    --phases none --duration "$LONG" --rate "$RATE" \
    --rss-every "${E2E_RSS_EVERY:-5}" ${E2E_CLIENT_ARGS:-} >"$OUT/long.txt"
  grep '^long\.' "$OUT/long.txt" >>"$OUT/median.txt"
  cp "$OUT/long/rss.dat" "$OUT/rss.dat"
fi

# ---- the table ----------------------------------------------------------------
lat() { # p50 / p99 / p99.9 of a closed-loop target
  printf '%s / %s / %s us' "$(fmt "$(get "closed.$1.p50_us")")" \
    "$(fmt "$(get "closed.$1.p99_us")")" "$(fmt "$(get "closed.$1.p999_us")")"
}
fmt() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else printf "%.1f", v }' || printf 'n/a'; }
big() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%.0f", v }' | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta' || printf 'n/a'; }
# words/s divided by the daemon's CPU use in that phase (robust on a shared box)
percpu() { big "$(awk -v w="$(get "${2:-}peak.$1.words_per_s")" -v c="$(get "${2:-}peak.$1.daemon_cpu")" 'BEGIN { if (c > 0) print (w / c) }')"; }
yesno() { awk -v c="$1" 'BEGIN { print (c ? "yes" : "**no**") }'; }

# The bare round trip is the faster of the two echo servers (the stricter bar).
ECHO=$(awk -v a="$(get closed.echo.p50_us)" -v b="$(get closed.echo_uv.p50_us)" \
  'BEGIN { if (b != "" && (a == "" || b + 0 < a + 0)) a = b; print a }')
DICT=$(get closed.dict.p50_us)
NET=$(get closed.net.p50_us)
ENG=$(get engine.net.p50_us)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "### rnninferd end to end ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) x $CPU)"
  echo
  echo "Model: $(get info.model) ($(get info.arch), kernel $(get info.kernel)); daemon flags: ${E2E_DAEMON_ARGS:-defaults} (kernel workers: $(get daemon.workers.count)); client and daemon share the machine; median of $RUNS run(s); closed loop $(get closed.echo.count) requests per target, one connection."
  echo
  echo "| measurement | result | target | met |"
  echo "|---|---|---|---|"
  echo "| bare echo round trip, blocking server, $(get closed.echo.frame_bytes)-byte frames (p50 / p99 / p99.9) | $(lat echo) | baseline | |"
  echo "| bare echo round trip, libuv server | $(lat echo_uv) | bare p50 = the faster echo: $(fmt "$ECHO") us | |"
  echo "| ping | $(lat ping) | | |"
  echo "| dictionary word \`aardvark\` | $(lat dict) | p50 <= 1.5 x bare p50 = $(fmt "$(awk -v e="$ECHO" 'BEGIN { print (1.5 * e) }')") us (ratio $(awk -v d="$DICT" -v e="$ECHO" 'BEGIN { printf "%.2f", d / e }')) | $(yesno "$(awk -v d="$DICT" -v e="$ECHO" 'BEGIN { print (d <= 1.5 * e) }')") |"
  if [ -n "$NET" ]; then
    if [ -n "$ENG" ]; then
      BUDGET=$(awk -v e="$ECHO" -v k="$ENG" 'BEGIN { print (e + k + 10) }')
      echo "| network word \`kubernetes\` | $(lat net) | p50 <= bare p50 + engine p50 + 10 us = $(fmt "$ECHO") + $(fmt "$ENG") + 10 = $(fmt "$BUDGET") us | $(yesno "$(awk -v n="$NET" -v b="$BUDGET" 'BEGIN { print (n <= b) }')") |"
    else
      echo "| network word \`kubernetes\` | $(lat net) | (no engine timing) | |"
    fi
    echo "| engine in process, \`kubernetes\` (kernel median; p50 / p99) | $(fmt "$ENG") / $(fmt "$(get engine.net.p99_us)") us | | |"
    RN=$(get cached.net.p50_us); RD=$(get cached.dict.p50_us)
    if [ -n "$RN" ] && [ -n "$RD" ]; then
      echo "| repeated network word \`kubernetes\`, result cache on (third daemon; its dictionary word: $(fmt "$RD") us p50) | $(printf '%s / %s / %s us' "$(fmt "$RN")" "$(fmt "$(get cached.net.p99_us)")" "$(fmt "$(get cached.net.p999_us)")") | p50 <= 1.2 x its dictionary p50 = $(fmt "$(awk -v d="$RD" 'BEGIN { print 1.2 * d }')") us (ratio $(awk -v n="$RN" -v d="$RD" 'BEGIN { printf "%.2f", n / d }')) | $(yesno "$(awk -v n="$RN" -v d="$RD" 'BEGIN { print (n <= 1.2 * d) }')") |"
    fi
  else
    echo "| network word | no model loaded | | |"
  fi
  B1=$(get peak.dict1.words_per_s); BN=$(get peak.dict32.words_per_s)
  echo "| peak, dictionary, 1 word/request ($(get peak.conns) conns x $(get peak.window) pipelined) | $(big "$B1") words/s ($(percpu dict1) per daemon CPU-second) | | |"
  echo "| peak, dictionary, 32 words/request | $(big "$BN") words/s ($(percpu dict32) per daemon CPU-second) | | |"
  G=$(get peak.dict.batch_gain)
  [ -n "$G" ] && echo "| batching gain, dictionary | x$(awk -v g="$G" 'BEGIN { printf "%.1f", g }') | >= 2 | $(yesno "$(awk -v g="$G" 'BEGIN { print (g >= 2) }')") |"
  N1=$(get peak.net1.words_per_s); NN=$(get peak.net32.words_per_s)
  if [ -n "$N1" ]; then
    echo "| peak, network, 1 word/request | $(big "$N1") words/s ($(percpu net1) per daemon CPU-second) | | |"
    echo "| peak, network, 32 words/request | $(big "$NN") words/s ($(percpu net32) per daemon CPU-second) | | |"
    G=$(get peak.net.batch_gain)
    echo "| 32 words/request over 1 word/request, network (pipelined single words are batched too) | x$(awk -v g="$G" 'BEGIN { printf "%.1f", g }') | | |"
    O1=$(get nobatch.peak.net1.words_per_s); ON=$(get nobatch.peak.net32.words_per_s)
    if [ -n "$ON" ]; then
      echo "| peak, network, worker batching off (one word per kernel pass), 1 / 32 words/request | $(big "$O1") / $(big "$ON") words/s ($(percpu net32 nobatch.) per daemon CPU-second at 32) | | |"
      G=$(awk -v a="$NN" -v b="$ON" 'BEGIN { if (b > 0) print a / b }')
      echo "| batching gain, network: 32 words/request, worker batching on over off (side by side) | x$(awk -v g="$G" 'BEGIN { printf "%.1f", g }') | >= 2 | $(yesno "$(awk -v g="$G" 'BEGIN { print (g >= 2) }')") |"
    fi
  fi
  for kind in dict1 net1; do
    [ "$(wc -l <"$OUT/open-$kind.dat")" -gt 1 ] || continue
    K=$(awk 'NR > 1 && $4 != "" && $4 + 0 < 1000 && $2 >= 0.95 * $1 { r = $1 } END { if (r) printf "%.0f", r }' "$OUT/open-$kind.dat")
    SAT=$(awk 'NR > 1 && $2 != "" { if ($2 > m) m = $2 } END { printf "%.0f", m }' "$OUT/open-$kind.dat")
    echo "| open loop, $kind, $(get open.conns) conns, Poisson: highest offered rate with p99 < 1 ms / highest achieved | $(big "${K:-0}") / $(big "$SAT") req/s | | |"
  done
  echo "| daemon VmRSS before / after / high-water | $(big "$(get first.rss.before_kb)") / $(big "$(get last.rss.after_kb)") / $(big "$(get rss.hwm_kb)") KiB | reported | |"
  if [ "$LONG" != 0 ]; then
    SP=$(get long.rss_spread_kb)
    echo "| VmRSS over $(get long.seconds) s at $(big "$(get long.rate)") req/s (mixed dict/network; min..max) | $(big "$(get long.rss_min_kb)")..$(big "$(get long.rss_max_kb)") KiB (spread $(big "$SP") KiB; p50 $(fmt "$(get long.p50_us)") us, p99 $(fmt "$(get long.p99_us)") us) | flat within 1 MiB | $(yesno "$(awk -v s="$SP" 'BEGIN { print (s != "" && s <= 1024) }')") |"
  fi
} >"$OUT/e2e-table.md"
cat "$OUT/e2e-table.md"

# ---- the plots ---------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot <<EOF || echo "e2e.sh: gnuplot failed" >&2
set terminal pngcairo size 1200,500 noenhanced
set output '$OUT/e2e-latency.png'
set multiplot layout 1,2 title 'rnninferd open-loop latency (from intended send time) vs offered load'
set logscale y
set grid
set key top left
set xlabel 'offered load (requests/s, Poisson, $(get open.conns) connections)'
set ylabel 'latency (us)'
set format x '%.0s%c'
set title 'dictionary word per request'
plot '$OUT/open-dict1.dat' using 1:3 with linespoints title 'p50', \
     '' using 1:4 with linespoints title 'p99', \
     '' using 1:5 with linespoints title 'p99.9'
set title 'network word per request'
set format x '%g'
$( [ -s "$OUT/open-net1.dat" ] && [ "$(wc -l <"$OUT/open-net1.dat")" -gt 1 ] && echo "plot '$OUT/open-net1.dat' using 1:3 with linespoints title 'p50', '' using 1:4 with linespoints title 'p99', '' using 1:5 with linespoints title 'p99.9'" || echo "unset logscale y; plot 0 title 'no model'" )
unset multiplot
EOF
  echo "e2e.sh: plot: $OUT/e2e-latency.png" >&2
  if [ -s "$OUT/rss.dat" ]; then
    gnuplot <<EOF || echo "e2e.sh: gnuplot failed" >&2
set terminal pngcairo size 900,450 noenhanced
set output '$OUT/e2e-rss.png'
set title 'rnninferd VmRSS and latency under constant load'
set xlabel 'time (s)'
set ylabel 'VmRSS (KiB)'
set y2label 'latency (us)'
set ytics nomirror
set y2tics
set grid
plot '$OUT/rss.dat' using 1:2 with lines title 'VmRSS' axes x1y1, \
     '' using 1:3 with lines title 'p50' axes x1y2, \
     '' using 1:4 with lines title 'p99' axes x1y2
EOF
    echo "e2e.sh: plot: $OUT/e2e-rss.png" >&2
  fi
else
  echo "e2e.sh: gnuplot not found: no plot" >&2
fi
