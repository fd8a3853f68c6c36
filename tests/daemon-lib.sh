# daemon-lib.sh -- sourced by the shell tests that start rnninferd from the
# build tree and fail at the first wrong answer (daemon-faults,
# daemon-nopron, daemon-rescore): one temporary directory, one daemon at a
# time in $pid (killed on exit), the daemon's stderr in $dir/log, printed
# by fail.
#
# Sets b, s, lex (the compiled CMUdict), d (rnninferd), c (g2pc), dir, pid.
b=${top_builddir:-.}
s=${top_srcdir:-.}
lex=$b/data/cmudict.lex
d=$b/daemon/rnninferd
c=$b/client/g2pc
[ -r "$lex" ] || { echo "$lex missing; skipped"; exit 77; }

dir=$(mktemp -d -p "${TMPDIR:-/tmp}")
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
# fail MESSAGE: print it and the daemon's log, end the test.
fail() {
  echo "FAIL: $*"
  echo "---- daemon log"; cat "$dir/log" 2>/dev/null
  exit 1
}
# wait_sock PATH: until the daemon answers a ping there (10 s at most).
wait_sock() {
  i=0
  until "$c" -s "$1" -t 1000 --ping >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.05
  done
}
