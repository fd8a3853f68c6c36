#!/bin/sh
# systemd-verify.sh -- the unit files must pass `systemd-analyze verify`.
# The built units name the installed daemon; for the check they are pointed
# at the daemon in the build tree so that verify can see an executable.
set -eu
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze" >&2; exit 77; }
b=${top_builddir:?}
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
for u in "$b"/systemd/*.service "$b"/systemd/*.socket; do
  [ -f "$u" ] || continue
  sed "s|^ExecStart=[^ ]*/rnninferd|ExecStart=$b/daemon/rnninferd|" "$u" >"$d/$(basename "$u")"
done
ls "$d"/*.service >/dev/null
out=$(cd "$d" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no ./*.service 2>&1) || {
  echo "$out"; exit 1; }
# verify exits 0 on some warnings; treat any output naming our units as failure
if echo "$out" | grep -q 'rnninferd'; then echo "$out"; exit 1; fi
echo "systemd-analyze verify: clean"
