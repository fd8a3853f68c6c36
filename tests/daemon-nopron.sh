#!/bin/sh
# daemon-nopron.sh -- a word the network gives an empty pronunciation.
#
# With models/cmudict-bigru-h256.g2pm, "'", "''" and "'''''" decode to
# nothing at once ("xédry" did too before accents were folded: as "xedry"
# it now has an answer), and "'ox" and "hp" do at beam 4 only. A beam whose best
# is empty falls back to greedy; an empty greedy answer is the word error
# no_pronunciation, never not_found ("no model loaded") while a model is
# loaded. Checked through g2pc with the workers and on the loop thread.
# Skips (77) without the lexicon or the model.
set -u
. "${top_srcdir:-.}/tests/daemon-lib.sh"
model=$s/models/cmudict-bigru-h256.g2pm
[ -r "$model" ] || { echo "$model missing; skipped"; exit 77; }

for workers in 1 0; do
  sock=$dir/w$workers.sock
  "$d" -s "$sock" -l "$lex" -m "$model" --workers $workers 2>"$dir/log" &
  pid=$!
  wait_sock "$sock" || fail "daemon did not start"
  for beam in 1 4 16; do
    "$c" -s "$sock" -m -b $beam "'" "''" "'''''" >"$dir/out" 2>"$dir/err"
    st=$?
    [ $st -eq 1 ] || fail "workers $workers beam $beam: exit $st (want 1)"
    [ "$(grep -c '^!no_pronunciation$' "$dir/out")" -eq 3 ] ||
      fail "workers $workers beam $beam: $(tr '\n' ' ' <"$dir/out")"
    grep -q "network gave no pronunciation" "$dir/err" ||
      fail "workers $workers beam $beam: no message on stderr"
    # beam 4's best is empty for these two: greedy's answer is given
    "$c" -s "$sock" -m -b $beam "'ox" hp >"$dir/out" 2>"$dir/err" ||
      fail "workers $workers beam $beam: 'ox/hp: $(tr '\n' ' ' <"$dir/out")"
    grep -q '^[A-Z]' "$dir/out" || fail "'ox/hp: empty lines"
    "$c" -s "$sock" -m -b $beam "xédry" >"$dir/out" 2>"$dir/err" ||
      fail "workers $workers beam $beam: xédry (folded to xedry) unanswered"
  done
  nf=$("$c" -s "$sock" --stats | awk '$1 == "errors.not_found" { print $2 }')
  np=$("$c" -s "$sock" --stats | awk '$1 == "errors.no_pronunciation" { print $2 }')
  [ "$nf" = 0 ] || fail "errors.not_found is $nf with a model loaded"
  [ "$np" = 9 ] || fail "errors.no_pronunciation is '$np' (want 9)"
  kill -TERM "$pid"; wait "$pid"; st=$?; pid=
  [ $st -eq 0 ] || fail "exit status $st"
  echo "ok: workers $workers: no_pronunciation for ' '' ''''', greedy's answer for 'ox hp"
done
echo "daemon-nopron: all passed"
