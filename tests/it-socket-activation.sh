#!/bin/sh
# it-socket-activation.sh -- rnninferd started by socket activation.
#
# systemd-socket-activate (from Debian's systemd package) binds the socket,
# waits for the first client and then starts rnninferd with the listening
# socket passed as fd 3 (LISTEN_FDS=1). The client must get its answer on
# that first connection; the daemon must ignore --socket, report READY=1,
# RELOADING=1/READY=1 on SIGHUP and STOPPING=1 on SIGTERM over
# $NOTIFY_SOCKET, ping the watchdog when WATCHDOG_USEC is set, exit 0, and
# leave the socket file (it belongs to the socket unit) in place.
# Skips (77) when systemd-socket-activate or the lexicon is missing.
set -u
b=${top_builddir:-.}
lex=$b/data/cmudict.lex
ask=$b/tests/it-ask
if ! command -v systemd-socket-activate >/dev/null 2>&1; then
  echo "systemd-socket-activate not installed; skipped"; exit 77
fi
[ -r "$lex" ] || { echo "$lex missing; skipped"; exit 77; }

dir=$(mktemp -d -p "${TMPDIR:-/tmp}")
sock=$dir/act.sock
pid=
npid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  [ -n "$npid" ] && kill "$npid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "---- daemon log"; cat "$dir/log" 2>/dev/null
  echo "---- notifications"; cat "$dir/notify.log" 2>/dev/null
  exit 1
}

"$ask" --notify "$dir/notify" 60 >"$dir/notify.log" &
npid=$!
i=0
until grep -q LISTENING "$dir/notify.log" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "notify listener did not start"; sleep 0.05
done

# (systemd-socket-activate passes on only the environment named with -E)
systemd-socket-activate -l "$sock" \
  -E NOTIFY_SOCKET="$dir/notify" -E WATCHDOG_USEC=200000 \
  "$b/daemon/rnninferd" --socket "$dir/ignored.sock" --lexicon "$lex" --no-model \
  2>"$dir/log" &
pid=$!
i=0
until [ -S "$sock" ]; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "socket $sock never appeared"; sleep 0.05
done

# the first connection starts the daemon and must be answered
out=$("$ask" "$sock" aardvark kubernetes 2>&1)
echo "$out"
printf '%s\n' "$out" | grep -q "^aardvark	AA1 R D V AA2 R K\$" || fail "no answer for aardvark"
printf '%s\n' "$out" | grep -q "^kubernetes	error:not_found\$" || fail "no per-word error for kubernetes"
[ -e "$dir/ignored.sock" ] && fail "daemon bound --socket despite activation"
grep -q "socket passed by systemd" "$dir/log" || fail "daemon did not report the activated socket"

i=0
until grep -q "READY=1" "$dir/notify.log"; do
  i=$((i + 1)); [ $i -gt 100 ] && fail "no READY=1"; sleep 0.05
done
sleep 0.4   # a watchdog interval of 200 ms: pings every 100 ms
grep -q "WATCHDOG=1" "$dir/notify.log" || fail "no WATCHDOG=1 ping"

kill -HUP "$pid"
i=0
until grep -q "RELOADING=1" "$dir/notify.log" && \
      [ "$(grep -c 'READY=1' "$dir/notify.log")" -ge 2 ]; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "no RELOADING=1 then READY=1 after SIGHUP"; sleep 0.05
done
"$ask" "$sock" aardvark >/dev/null || fail "no answer after reload"

kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ "$st" -eq 0 ] || fail "exit status $st after SIGTERM"
i=0
until grep -q "STOPPING=1" "$dir/notify.log"; do
  i=$((i + 1)); [ $i -gt 100 ] && fail "no STOPPING=1"; sleep 0.05
done
[ -S "$sock" ] || fail "the activated socket file was removed (it belongs to systemd)"
echo "notifications:"; cat "$dir/notify.log"
echo "PASS"
