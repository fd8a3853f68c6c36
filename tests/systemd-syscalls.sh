#!/bin/sh
# systemd-syscalls.sh -- the daemon must live inside the service's
# SystemCallFilter. rnninferd.service allows @system-service minus the groups
# it denies; a system call outside that set fails with EPERM in production,
# far from any test. So: start the daemon the way systemd does (socket
# activation), trace it with strace, exercise dictionary and model lookups,
# stats, info, ping, a SIGHUP reload and a SIGTERM drain, and require every
# system call it made to be in the set the built unit allows. Skips when
# strace cannot trace here and in sanitizer builds.
set -eu
s=${top_srcdir:?} b=${top_builddir:?}
for c in systemd-analyze systemd-socket-activate strace; do
  command -v "$c" >/dev/null || { echo "SKIP: no $c" >&2; exit 77; }
done
daemon=$b/daemon/rnninferd g2pc=$b/client/g2pc lex=$b/data/cmudict.lex
for f in "$daemon" "$g2pc" "$lex"; do
  [ -e "$f" ] || { echo "SKIP: not built: $f" >&2; exit 77; }
done
strace -qq -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here" >&2; exit 77; }
# A sanitizer build makes the runtime's own system calls, and LeakSanitizer
# refuses to run under ptrace: only the production build is meaningful here.
if command -v ldd >/dev/null && ldd "$daemon" | grep -Eq 'lib(a|ub|t)san'; then
  echo "SKIP: $daemon is a sanitizer build" >&2; exit 77
fi

t=$(mktemp -d "${TMPDIR:-/tmp}/rnninferd-sc.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$t"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# The shipped model when there is one, else g2p_en's weights converted here,
# else the dictionary alone.
if [ -f "$s/models/cmudict-bigru.g2pm" ]; then
  model="--model $s/models/cmudict-bigru.g2pm"
elif [ -f "$s/../shared/data/g2p_en/checkpoint20.npz" ] && [ -x "$b/tools/g2p-convert" ] &&
     "$b/tools/g2p-convert" -o "$t/g2p_en.g2pm" "$s/../shared/data/g2p_en/checkpoint20.npz" >/dev/null; then
  model="--model $t/g2p_en.g2pm"
else
  model=--no-model
fi

# Allowed = the unit's allow-list groups minus its deny-list groups.
unit=$b/systemd/rnninferd.service
expand() { # expand syscall groups recursively, one name a line
  for g in "$@"; do
    case $g in
      @*) systemd-analyze syscall-filter "$g" 2>/dev/null | sed -n '2,$p' |
            sed 's/^ *//; /^#/d; /^$/d' | while read -r x; do expand "$x"; done;;
      *) echo "$g";;
    esac
  done
}
allow_groups=$(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$unit")
deny_groups=$(sed -n 's/^SystemCallFilter=~//p' "$unit")
[ -n "$allow_groups" ] || fail "no SystemCallFilter allow-list in $unit"
# shellcheck disable=SC2086
expand $allow_groups | sort -u >"$t/allow"
# shellcheck disable=SC2086
expand $deny_groups | sort -u >"$t/deny"
comm -23 "$t/allow" "$t/deny" >"$t/allowed"
[ "$(wc -l <"$t/allowed")" -gt 100 ] || fail "could not expand the unit's filter: $allow_groups"

# strace -D keeps the daemon's pid = LISTEN_PID.
sock=$t/rnninferd.sock
# shellcheck disable=SC2086
systemd-socket-activate -l "$sock" strace -D -f -qq -o "$t/trace" \
  "$daemon" --lexicon "$lex" $model --cpus 0 >"$t/daemon.log" 2>&1 &
pid=$!
i=0
until [ -S "$sock" ]; do
  i=$((i + 1)); [ $i -le 100 ] || fail "no socket"; sleep 0.1
done
ask() { "$g2pc" --socket "$sock" "$@" || { cat "$t/daemon.log"; fail "g2pc $*"; }; }
ask --ping >/dev/null
out=$(ask aardvark)
[ "$out" = "AA1 R D V AA2 R K" ] || fail "aardvark -> $out"
if [ "$model" != --no-model ]; then ask --variants kubernetes tensorflow >/dev/null; fi
ask --stats >/dev/null
ask --info >/dev/null
kill -HUP "$pid"
i=0
until grep -q 'reloaded' "$t/daemon.log"; do
  i=$((i + 1)); [ $i -le 100 ] || { cat "$t/daemon.log"; fail "no reload"; }; sleep 0.1
done
ask aardvark >/dev/null
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=
[ "$rc" -eq 0 ] || { cat "$t/daemon.log"; fail "exit status $rc after SIGTERM"; }

sed -n 's/^[0-9]*  *\([a-z_][a-z0-9_]*\)(.*/\1/p' "$t/trace" | sort -u >"$t/used"
[ "$(wc -l <"$t/used")" -gt 10 ] || fail "trace looks empty"
outside=$(comm -23 "$t/used" "$t/allowed" | tr '\n' ' ')
echo "model: $model"
echo "system calls used: $(tr '\n' ' ' <"$t/used")"
[ -z "$outside" ] || fail "system calls outside rnninferd.service's SystemCallFilter: $outside"
echo "all $(wc -l <"$t/used") system calls are allowed by SystemCallFilter=$allow_groups ~$deny_groups"
