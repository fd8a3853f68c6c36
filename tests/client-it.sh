#!/bin/sh
# client-it.sh -- g2pc (and through it libg2pclient) against a real rnninferd.
#
# Starts daemon/rnninferd on a temporary socket with the build's compiled
# dictionary and no model, then checks what users see: one stdout line per
# word, "!error" lines for failures (never an empty line), 100,000 words
# from stdin pipelined and in order, --json, --variants, --info, --stats,
# --ping, $G2PC_SOCKET, and every exit status of g2pc(1).
set -u
b=${top_builddir:?top_builddir is not set}
s=${top_srcdir:?top_srcdir is not set}
lex=$b/data/cmudict.lex
g2pc=$b/client/g2pc
daemon=$b/daemon/rnninferd
for f in "$lex" "$g2pc" "$daemon"; do
  [ -e "$f" ] || { echo "FAIL: $f is missing (run make first)"; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/client-it.XXXXXX")
sock=$dir/rnninferd.sock
pids=
cleanup() {
  for p in $pids; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# start_daemon SOCKET [ARGS...]: starts rnninferd, waits until it answers.
start_daemon() {
  sk=$1; shift
  "$daemon" --socket "$sk" --lexicon "$lex" "$@" 2>>"$dir/daemon.log" &
  last_pid=$!
  pids="$pids $last_pid"
  i=0
  while ! "$g2pc" --socket "$sk" --timeout 1000 --ping >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$last_pid" 2>/dev/null; then
      echo "FAIL: rnninferd did not come up on $sk"; cat "$dir/daemon.log"; exit 1
    fi
    sleep 0.1
  done
}

start_daemon "$sock" --no-model
d1=$last_pid

# --- one line per word, per-word error --------------------------------------
out=$("$g2pc" --socket "$sock" aardvark kubernetes 2>"$dir/err"); st=$?
want=$(printf 'AA1 R D V AA2 R K\n!not_found')
[ "$out" = "$want" ] && ok "aardvark kubernetes" || fail "aardvark kubernetes printed: $out"
[ $st -eq 1 ] && ok "exit 1 when a word fails" || fail "exit $st, want 1"
grep -q '^kubernetes: error: ' "$dir/err" && ok "stderr names the failed word" \
  || fail "stderr: $(cat "$dir/err")"

out=$("$g2pc" --socket "$sock" aardvark); st=$?
[ "$out" = "AA1 R D V AA2 R K" ] && [ $st -eq 0 ] && ok "aardvark, exit 0" \
  || fail "aardvark: '$out' exit $st"
# case is folded by the daemon; G2PC_SOCKET is honoured
out=$(G2PC_SOCKET=$sock "$g2pc" AARDVARK); st=$?
[ "$out" = "AA1 R D V AA2 R K" ] && [ $st -eq 0 ] && ok "G2PC_SOCKET and upper case" \
  || fail "G2PC_SOCKET AARDVARK: '$out' exit $st"

# --- stdin: 100,000 words, pipelined, in order, never an empty line --------
awk 'BEGIN { split("aardvark tomato zebra qzxjwv", w, " ");
             for (i = 0; i < 100000; i++) print w[i % 4 + 1] }' >"$dir/words"
start=$(date +%s.%N)
"$g2pc" --socket "$sock" <"$dir/words" >"$dir/out" 2>"$dir/err"; st=$?
end=$(date +%s.%N)
n=$(wc -l <"$dir/out")
nf=$(grep -c '^!not_found$' "$dir/out")
empty=$(grep -c '^$' "$dir/out")
bad=$(paste "$dir/words" "$dir/out" | awk -F'\t' '
  ($1 == "aardvark" && $2 != "AA1 R D V AA2 R K") ||
  ($1 == "tomato" && $2 != "T AH0 M EY1 T OW2") ||
  ($1 == "zebra" && $2 != "Z IY1 B R AH0") ||
  ($1 == "qzxjwv" && $2 != "!not_found")' | wc -l)
if [ "$n" -eq 100000 ] && [ "$nf" -eq 25000 ] && [ "$empty" -eq 0 ] && [ "$bad" -eq 0 ] && [ $st -eq 1 ]; then
  ok "100000 words from stdin in order ($(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f words/s", 100000 / (b - a) }'))"
else
  fail "stdin: lines $n, not_found $nf, empty $empty, misaligned $bad, exit $st"
fi
# four clients at once, each with its own connection: same answers
for k in 1 2 3 4; do
  "$g2pc" --socket "$sock" <"$dir/words" >"$dir/out.$k" 2>/dev/null &
  eval "c$k=\$!"
done
same=0
for k in 1 2 3 4; do
  eval "wait \$c$k"
  cmp -s "$dir/out" "$dir/out.$k" && same=$((same + 1))
done
[ $same -eq 4 ] && ok "4 concurrent clients x 100000 words agree" || fail "concurrent clients: $same of 4 agree"
# blank lines and surrounding blanks
out=$(printf '  aardvark \n\nzebra\r\n' | "$g2pc" --socket "$sock" 2>/dev/null)
want=$(printf 'AA1 R D V AA2 R K\n!empty_word\nZ IY1 B R AH0')
[ "$out" = "$want" ] && ok "blank line gives !empty_word, blanks trimmed" || fail "blank lines: $out"

# --- --json, --variants -----------------------------------------------------
out=$("$g2pc" --socket "$sock" --json aardvark kubernetes 2>/dev/null)
want='{"word":"aardvark","phones":"AA1 R D V AA2 R K","source":"dict"}
{"word":"kubernetes","phones":null,"source":"none","error":"not_found","message":"not in the dictionary and no model loaded, or nothing in the word to say"}'
[ "$out" = "$want" ] && ok "--json" || fail "--json printed: $out"
if command -v /usr/bin/python3 >/dev/null 2>&1; then
  printf 'caf\303\251\n"quote"\nback\\slash\n\377bad\n' | "$g2pc" --socket "$sock" --json 2>/dev/null |
    /usr/bin/python3 -c 'import sys, json
n = 0
for line in sys.stdin.buffer:
    json.loads(line.decode("utf-8")); n += 1
sys.exit(0 if n == 4 else 1)' && ok "--json output is valid JSON for hostile words" \
    || fail "--json output is not valid JSON"
fi
out=$("$g2pc" --socket "$sock" --variants tomato aardvark)
want=$(printf 'T AH0 M EY1 T OW2\tT AH0 M AA1 T OW2\nAA1 R D V AA2 R K')
[ "$out" = "$want" ] && ok "--variants (tab-separated)" || fail "--variants printed: $out"
out=$("$g2pc" --socket "$sock" --variants --json tomato)
want='{"word":"tomato","phones":"T AH0 M EY1 T OW2","source":"dict","variants":["T AH0 M EY1 T OW2","T AH0 M AA1 T OW2"]}'
[ "$out" = "$want" ] && ok "--variants --json" || fail "--variants --json printed: $out"

# --- --no-stress, --ipa (variants respelled too) -----------------------------
out=$("$g2pc" --socket "$sock" --no-stress --variants tomato aardvark)
want=$(printf 'T AH M EY T OW\tT AH M AA T OW\nAA R D V AA R K')
[ "$out" = "$want" ] && ok "--no-stress" || fail "--no-stress printed: $out"
out=$("$g2pc" --socket "$sock" --ipa --variants tomato aardvark instrument)
want=$(printf 'tə\313\210me\311\252\313\214to\312\212\ttə\313\210m\311\221\313\214to\312\212\n\313\210\311\221\311\271d\313\214v\311\221\311\271k\n\313\210\311\252nst\311\271\311\231m\311\231nt')
[ "$out" = "$want" ] && ok "--ipa: stress marks at syllable starts" || fail "--ipa printed: $out"
out=$("$g2pc" --socket "$sock" --ipa --no-stress --json aardvark)
want=$(printf '{"word":"aardvark","phones":"\311\221\311\271dv\311\221\311\271k","source":"dict"}')
[ "$out" = "$want" ] && ok "--ipa --no-stress --json" || fail "--ipa --no-stress --json printed: $out"
out=$("$g2pc" --socket "$sock" --ipa qzxjwv 2>/dev/null)
[ "$out" = "!not_found" ] && ok "--ipa keeps per-word errors" || fail "--ipa qzxjwv: $out"

# --- --info, --stats, --ping -------------------------------------------------
"$g2pc" --socket "$sock" --info >"$dir/info"; st=$?
grep -q '^lexicon words: *[1-9][0-9]*$' "$dir/info" && grep -q '^model: *none$' "$dir/info" && [ $st -eq 0 ] \
  && ok "--info" || fail "--info: $(cat "$dir/info")"
"$g2pc" --socket "$sock" --stats >"$dir/stats"; st=$?
[ $st -eq 0 ] && [ -s "$dir/stats" ] && ok "--stats ($(wc -l <"$dir/stats") counters)" || fail "--stats exit $st"
"$g2pc" --socket "$sock" --ping | grep -q '^pong from ' && ok "--ping" || fail "--ping"

# --- exit statuses -----------------------------------------------------------
"$g2pc" --socket "$sock" --beam 0 aardvark >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "usage error exits 2" || fail "--beam 0 exit $st"
"$g2pc" --bogus >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "unknown option exits 2" || fail "--bogus exit $st"
"$g2pc" --help | grep -q -- '--variants' && ok "--help" || fail "--help"
"$g2pc" --version | grep -q '^g2pc (rnninferd) ' && ok "--version" || fail "--version"
"$g2pc" --socket "$dir/nobody.sock" aardvark >/dev/null 2>&1; st=$?
[ $st -eq 3 ] && ok "no daemon exits 3" || fail "no daemon exit $st"
# a stopped daemon accepts (the kernel does) but never answers: timeout
kill -STOP "$d1"
"$g2pc" --socket "$sock" --timeout 300 aardvark >/dev/null 2>"$dir/err"; st=$?
kill -CONT "$d1"
[ $st -eq 3 ] && ok "timeout exits 3" || fail "timeout exit $st: $(cat "$dir/err")"
# a daemon that dies mid-request: connection closed, exit 4
start_daemon "$dir/d2.sock" --no-model
d2=$last_pid
kill -STOP "$d2"
"$g2pc" --socket "$dir/d2.sock" --timeout 10000 aardvark >/dev/null 2>"$dir/err" &
cpid=$!
# wait until g2pc holds its socket (connecting to a stopped daemon succeeds:
# the kernel queues the connection), then a little longer for the send
i=0
while ! ls -l /proc/$cpid/fd 2>/dev/null | grep -q 'socket:'; do
  i=$((i + 1)); [ $i -gt 200 ] && break
  sleep 0.05
done
sleep 0.3
kill -KILL "$d2"
wait "$cpid"; st=$?
[ $st -eq 4 ] && ok "daemon gone mid-request exits 4" || fail "daemon killed: exit $st: $(cat "$dir/err")"

# --- with a model, the unknown word is answered ------------------------------
model=
for m in "$b"/models/*.g2pm "$s"/models/*.g2pm; do [ -f "$m" ] && { model=$m; break; }; done
# else g2p_en's weights from ../shared, converted here
npz=$s/../shared/data/g2p_en/checkpoint20.npz
if [ -z "$model" ] && [ -f "$npz" ] && [ -x "$b/tools/g2p-convert" ] &&
   "$b/tools/g2p-convert" -o "$dir/g2p_en.g2pm" "$npz" >/dev/null 2>&1; then
  model=$dir/g2p_en.g2pm
fi
if [ -n "$model" ]; then
  start_daemon "$dir/d3.sock" --model "$model"
  out=$("$g2pc" --socket "$dir/d3.sock" --json kubernetes); st=$?
  echo "$out" | grep -q '"source":"model"' && [ $st -eq 0 ] && ok "model answers kubernetes: $out" \
    || fail "with $model: $out exit $st"
  out=$("$g2pc" --socket "$dir/d3.sock" --json --model-only --beam 4 aardvark); st=$?
  echo "$out" | grep -q '"source":"model"' && [ $st -eq 0 ] && ok "--model-only --beam 4: $out" \
    || fail "--model-only --beam 4: $out exit $st"
  out=$("$g2pc" --socket "$dir/d3.sock" --ipa --model-only kubernetes); st=$?
  case $out in
    *[0-9A-Z\ ]*|'') fail "--ipa from the model: '$out' exit $st" ;;
    *) [ $st -eq 0 ] && ok "--ipa from the model: $out" || fail "--ipa model exit $st" ;;
  esac
  # --nbest: 4 lines, the word, distinct phones, log-probabilities descending,
  # the first the plain answer; a dictionary word: its variants with "-"
  plain=$("$g2pc" --socket "$dir/d3.sock" --beam 4 zorquablix)
  out=$("$g2pc" --socket "$dir/d3.sock" --beam 4 --nbest 4 zorquablix read); st=$?
  nb=$(printf '%s\n' "$out" | grep -c '^zorquablix	')
  nd=$(printf '%s\n' "$out" | cut -f2 | sort -u | wc -l)
  first=$(printf '%s\n' "$out" | head -1 | cut -f2)
  desc=$(printf '%s\n' "$out" | grep '^zorquablix	' | cut -f3 | sort -g -r | tr '\n' ' ')
  got=$(printf '%s\n' "$out" | grep '^zorquablix	' | cut -f3 | tr '\n' ' ')
  if [ $st -eq 0 ] && [ "$nb" -eq 4 ] && [ "$nd" -eq 6 ] && [ "$first" = "$plain" ] &&
     [ "$desc" = "$got" ] && printf '%s\n' "$out" | grep -q '^read	R IY1 D	-$'; then
    ok "--nbest 4: $(printf '%s' "$out" | tr '\t\n' ' |')"
  else
    fail "--nbest 4: '$out' exit $st (plain '$plain')"
  fi
  "$g2pc" --socket "$dir/d3.sock" --beam 2 --nbest 3 zorquablix >/dev/null 2>"$dir/err"; st=$?
  [ $st -eq 4 ] && grep -q 'opts.nbest 3 exceeds the beam width 2' "$dir/err" \
    && ok "--nbest over the beam: $(cat "$dir/err")" || fail "--nbest 3 --beam 2: exit $st $(cat "$dir/err")"
  out=$("$g2pc" --socket "$dir/d3.sock" --json --beam 2 --nbest 2 zorquablix); st=$?
  echo "$out" | grep -q '"alternatives":\[{"phones":"[^"]*","logprob":-[0-9.e-]*},{' && [ $st -eq 0 ] \
    && ok "--json --nbest 2: $out" || fail "--json --nbest: $out exit $st"
  "$g2pc" --socket "$dir/d3.sock" --info | grep '^model:' | grep -qv ' none$' && ok "--info names the model" \
    || fail "--info with a model: $("$g2pc" --socket "$dir/d3.sock" --info)"
else
  echo "note: no model file built; the model case is not exercised"
fi

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; echo "--- daemon log"; cat "$dir/daemon.log"; exit 1; }
exit 0
