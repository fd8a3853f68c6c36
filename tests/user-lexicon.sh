#!/bin/sh
# user-lexicon.sh -- rnninferd --user-lexicon through g2pc: precedence over
# CMUdict, source "user", variants, several files (the later wins a word),
# reload on SIGHUP, and bad files: every bad line logged with its line
# number, the daemon refusing to start with one, and a reload with one
# leaving the old lexicon serving.
set -u
b=${top_builddir:?top_builddir is not set}
lex=$b/data/cmudict.lex
g2pc=$b/client/g2pc
daemon=$b/daemon/rnninferd
for f in "$lex" "$g2pc" "$daemon"; do
  [ -e "$f" ] || { echo "FAIL: $f is missing (run make first)"; exit 1; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/user-lexicon.XXXXXX")
sock=$dir/s
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
check() { # check NAME WANT GOT
  [ "$3" = "$2" ] && ok "$1" || fail "$1: got '$3', want '$2'"
}
stat_of() { "$g2pc" --socket "$sock" --stats | awk -v k="$1" '$1 == k || $1 == k ":" { print $2 }'; }

# CMUdict's own text format: comments, ";;;" lines, CRLF, blank lines,
# upper- and lower-case keys, variants.
printf '# site overrides\n;;; CMUdict-style comment\n\nTOMATO  T AH0 M AA1 T OW0   # as said here\r\nkubernetes  K UW2 B ER0 N EH1 T IY0 Z\nKUBERNETES(2)  K UW2 B ER0 N EH1 T EH0 S\n' >"$dir/a.dict"
printf 'KUBERNETES\tK UW1 B ER0 N EH2 T IY0 Z\n' >"$dir/b.dict"

"$daemon" --socket "$sock" --lexicon "$lex" --no-model --user-lexicon "$dir/a.dict" \
  -u "$dir/b.dict" 2>"$dir/log" &
pid=$!
i=0
until "$g2pc" --socket "$sock" --ping >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "FAIL: daemon did not start"; cat "$dir/log"; exit 1; }
  sleep 0.1
done

check "user word overrides CMUdict, source user" \
  '{"word":"Tomato","phones":"T AH0 M AA1 T OW0","source":"user"}' \
  "$("$g2pc" --socket "$sock" --json Tomato)"
check "other words still from CMUdict" \
  '{"word":"aardvark","phones":"AA1 R D V AA2 R K","source":"dict"}' \
  "$("$g2pc" --socket "$sock" --json aardvark)"
check "the later file wins a word both have (whole, no mixing of variants)" \
  "$(printf 'K UW1 B ER0 N EH2 T IY0 Z')" \
  "$("$g2pc" --socket "$sock" --variants kubernetes)"
check "--model-only skips the user lexicon too (no model: not_found)" '!not_found' \
  "$("$g2pc" --socket "$sock" --model-only tomato 2>/dev/null)"
check "stats words.user counts user answers" 2 "$(stat_of words.user)"
grep -q 'user lexicons: 2 words, 2 pronunciations' "$dir/log" && ok "start-up log counts the user words" \
  || fail "start-up log: $(cat "$dir/log")"

# --- reload: edit a file, SIGHUP ------------------------------------------------
check "a word without vowels no lexicon holds is spelled" 'EH1 K S K EY1 S IY1 D IY1' \
  "$("$g2pc" --socket "$sock" xkcd)"
printf 'TOMATO  T AH0 M EY1 T OW2\nTOMATO(2)  T AH0 M AA1 T OW2\nzyzzyva  Z IH1 Z IH0 V AH0\nxkcd  Z IH1 K AH0 Z\n' >"$dir/a.dict"
kill -HUP "$pid"
i=0
until [ "$(stat_of reloads.ok)" = 1 ]; do
  i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
check "SIGHUP reloads: new pronunciations and variants" \
  "$(printf 'T AH0 M EY1 T OW2\tT AH0 M AA1 T OW2\nZ IH1 Z IH0 V AH0')" \
  "$("$g2pc" --socket "$sock" --variants tomato zyzzyva)"
check "a user word without vowels is the user's, not spelled (words op)" \
  '{"word":"XKCD","phones":"Z IH1 K AH0 Z","source":"user"}' "$("$g2pc" --socket "$sock" --json XKCD)"
check "... and in running text" 'DH AH0 | Z IH1 K AH0 Z' "$("$g2pc" --socket "$sock" --text 'the xkcd')"

# --- a bad file on reload: every bad line logged, the old lexicon serves -------
printf '# line 1 is fine\nTOMATO  T AH0 M X1\nzyzzyva  Z IH1 Z IH0 V AH0\nnopron\nbad*key  B AE1 D\nzyzzyva  Z IH1 Z\n' >"$dir/a.dict"
kill -HUP "$pid"
i=0
until [ "$(stat_of reloads.failed)" = 1 ]; do
  i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
check "a bad reload counts reloads.failed" 1 "$(stat_of reloads.failed)"
for n in 2 4 5 6; do
  grep -q "a.dict:$n: " "$dir/log" && ok "bad line $n logged with its number" \
    || fail "line $n not in the log: $(grep a.dict "$dir/log")"
done
grep -q "a.dict:[13]: " "$dir/log" && fail "good lines reported: $(grep a.dict "$dir/log")" \
  || ok "good lines not reported"
grep -q 'reload failed, still serving generation 2: user lexicon: 4 bad lines' "$dir/log" \
  && ok "the reload failure says how many bad lines" || fail "log: $(tail -3 "$dir/log")"
check "the old user lexicon keeps serving" "$(printf 'T AH0 M EY1 T OW2\nZ IH1 Z IH0 V AH0')" \
  "$("$g2pc" --socket "$sock" tomato zyzzyva)"
kill "$pid"; wait "$pid" 2>/dev/null; pid=

# --- bad files at start-up ------------------------------------------------------
"$daemon" --socket "$dir/s2" --lexicon "$lex" --no-model -u "$dir/a.dict" 2>"$dir/log2"; st=$?
[ $st -eq 1 ] && grep -q 'a.dict:2: phoneme not in the ARPAbet inventory' "$dir/log2" &&
  grep -q 'a.dict:6: repeated key' "$dir/log2" && grep -q 'cannot start: user lexicon: 4 bad lines' "$dir/log2" \
  && ok "a bad file stops start-up (exit 1), every bad line logged" \
  || fail "bad file at start: exit $st: $(cat "$dir/log2")"
"$daemon" --socket "$dir/s2" --lexicon "$lex" --no-model -u "$dir/missing.dict" 2>"$dir/log2"; st=$?
[ $st -eq 1 ] && grep -q 'missing.dict: No such file' "$dir/log2" && ok "a missing file stops start-up" \
  || fail "missing file: exit $st: $(cat "$dir/log2")"
args=
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do args="$args -u $dir/b.dict"; done
# shellcheck disable=SC2086
"$daemon" --socket "$dir/s2" --lexicon "$lex" --no-model $args 2>"$dir/log2"; st=$?
[ $st -eq 2 ] && grep -q 'at most 16' "$dir/log2" && ok "17 files is a usage error" \
  || fail "17 files: exit $st: $(cat "$dir/log2")"
printf '# nothing yet\n\n' >"$dir/empty.dict"
"$daemon" --socket "$dir/s3" --lexicon "$lex" --no-model -u "$dir/empty.dict" 2>"$dir/log3" &
pid=$!
i=0
until "$g2pc" --socket "$dir/s3" --ping >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
check "a file with only comments is an empty user lexicon" 'T AH0 M EY1 T OW2' \
  "$("$g2pc" --socket "$dir/s3" tomato)"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; cat "$dir/log"; exit 1; }
exit 0
