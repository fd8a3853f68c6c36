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
#
# Then the way rnninferd.service runs it: as an unprivileged user, with no
# --socket and no XDG_RUNTIME_DIR. With a passed socket it must serve (it
# needs no default path); without one it must fail with exit status 2 and
# say that XDG_RUNTIME_DIR is not set, and LISTEN_FDS meant for another PID
# must not count as activation. Started by systemd (NOTIFY_SOCKET) but
# without a socket from it, the daemon says so in its log.
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

# ---- as rnninferd.service runs it: unprivileged, no --socket, no XDG_RUNTIME_DIR
if [ "$(id -u)" -eq 0 ]; then
  # setpriv execs, so the daemon keeps the PID that LISTEN_PID names
  asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
  chmod 0755 "$dir"
else
  asuser=
fi
sock2=$dir/unpriv.sock
# shellcheck disable=SC2086
systemd-socket-activate -l "$sock2" \
  $asuser env -u XDG_RUNTIME_DIR "$b/daemon/rnninferd" --lexicon "$lex" --no-model \
  2>"$dir/log" &
pid=$!
i=0
until [ -S "$sock2" ]; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "socket $sock2 never appeared"; sleep 0.05
done
out=$("$ask" "$sock2" aardvark 2>&1)
echo "unprivileged, activated, no --socket, no XDG_RUNTIME_DIR: $out"
printf '%s\n' "$out" | grep -q "^aardvark	AA1 R D V AA2 R K\$" ||
  fail "no answer from an unprivileged activated daemon without XDG_RUNTIME_DIR"
grep -q "socket passed by systemd" "$dir/log" || fail "daemon did not report the activated socket"
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ "$st" -eq 0 ] || fail "unprivileged activated daemon: exit status $st after SIGTERM"

# without a passed socket: the clear usage error, exit status 2
expect_no_path() {  # what, then env assignments for the daemon
  what=$1; shift
  # shellcheck disable=SC2086
  $asuser env -u XDG_RUNTIME_DIR "$@" "$b/daemon/rnninferd" --lexicon "$lex" --no-model \
    >"$dir/log" 2>&1 &
  pid=$!
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "$what: still running after 5 s"; sleep 0.05
  done
  wait "$pid"
  st=$?
  pid=
  echo "$what: exit $st: $(cat "$dir/log")"
  [ "$st" -eq 2 ] || fail "$what: exit status $st, expected 2"
  grep -q "XDG_RUNTIME_DIR is not set; give --socket PATH" "$dir/log" ||
    fail "$what: no clear message"
}
expect_no_path "no LISTEN_FDS"
expect_no_path "LISTEN_FDS for another pid" LISTEN_PID=1 LISTEN_FDS=1
expect_no_path "NOTIFY_SOCKET without LISTEN_FDS" NOTIFY_SOCKET="$dir/notify"
grep -q "no socket passed by systemd" "$dir/log" ||
  fail "under NOTIFY_SOCKET without LISTEN_FDS the log does not say that no socket was passed"

# started by systemd with a path of its own: it binds that path and says why
env NOTIFY_SOCKET="$dir/notify" "$b/daemon/rnninferd" --socket "$dir/own.sock" \
  --lexicon "$lex" --no-model 2>"$dir/log" &
pid=$!
i=0
until "$ask" "$dir/own.sock" aardvark >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "--socket under NOTIFY_SOCKET: no answer"; sleep 0.05
done
grep -q "no socket passed by systemd" "$dir/log" ||
  fail "under NOTIFY_SOCKET without LISTEN_FDS the log does not say that no socket was passed"
kill -TERM "$pid"; wait "$pid"; pid=
echo "log of a daemon started by systemd without a socket:"; cat "$dir/log"
echo "PASS"
