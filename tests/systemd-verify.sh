#!/bin/sh
# systemd-verify.sh -- the shipped systemd files must be valid and stay locked
# down: both units pass `systemd-analyze verify`, the service's offline
# `systemd-analyze security` exposure stays at or below MAX_EXPOSURE, and the
# sysusers.d entry creates the daemon user and the client group in a scratch
# root. The built service names the installed daemon; for verify it is pointed
# at the daemon in the build tree, or at a stand-in executable while the
# daemon is not built yet (verify only needs the path to be executable).
set -eu
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze" >&2; exit 77; }
s=${top_srcdir:?} b=${top_builddir:?}
MAX_EXPOSURE=${MAX_EXPOSURE:-1.0}
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT

daemon=$b/daemon/rnninferd
if [ ! -x "$daemon" ]; then
  echo "note: $daemon not built; verifying against a stand-in executable"
  daemon=$d/rnninferd-stand-in
  printf '#!/bin/sh\nexit 0\n' >"$daemon"; chmod +x "$daemon"
fi
unit_dir=$d/units; mkdir "$unit_dir"
sed "s|^ExecStart=[^ ]*/rnninferd|ExecStart=$daemon|" "$b/systemd/rnninferd.service" \
  >"$unit_dir/rnninferd.service"
cp "$s/systemd/rnninferd.socket" "$unit_dir/"
grep -Eq "^ExecStart=$daemon( |$)" "$unit_dir/rnninferd.service" || {
  echo "FAIL: ExecStart of rnninferd.service does not name rnninferd"; exit 1; }

out=$(cd "$unit_dir" && SYSTEMD_LOG_LEVEL=notice \
  systemd-analyze verify --man=no ./rnninferd.socket ./rnninferd.service 2>&1) || {
  echo "$out"; exit 1; }
# verify exits 0 on some warnings; treat any output naming our units as failure
if echo "$out" | grep -q 'rnninferd'; then echo "$out"; exit 1; fi
echo "systemd-analyze verify: clean (rnninferd.socket, rnninferd.service)"

# Security exposure of the service, without a running systemd (v250+).
if systemd-analyze security --help 2>&1 | grep -q -- '--offline'; then
  sec=$(cd "$unit_dir" && systemd-analyze security --offline=yes --no-pager \
          ./rnninferd.service 2>&1) || true
  score=$(echo "$sec" | sed -n 's/.*Overall exposure level for rnninferd.service: \([0-9.]*\).*/\1/p')
  [ -n "$score" ] || { echo "$sec"; echo "FAIL: no exposure score"; exit 1; }
  echo "systemd-analyze security: exposure $score (max $MAX_EXPOSURE)"
  echo "$sec" | grep '✗' || true
  awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }' || {
    echo "FAIL: exposure $score is above $MAX_EXPOSURE"; exit 1; }
else
  echo "note: systemd-analyze has no --offline; security score not checked"
fi

# The sysusers.d entry must create the user and group the units name.
if command -v systemd-sysusers >/dev/null; then
  root=$d/root; mkdir -p "$root/etc"
  systemd-sysusers --root="$root" "$s/systemd/sysusers.d/rnninferd.conf"
  user=$(sed -n 's/^User=//p' "$unit_dir/rnninferd.service")
  group=$(sed -n 's/^Group=//p' "$unit_dir/rnninferd.service")
  sgroup=$(sed -n 's/^SocketGroup=//p' "$unit_dir/rnninferd.socket")
  suser=$(sed -n 's/^SocketUser=//p' "$unit_dir/rnninferd.socket")
  for u in "$user" "$suser"; do
    grep -q "^$u:" "$root/etc/passwd" || { echo "FAIL: sysusers does not create user '$u'"; exit 1; }
  done
  for g in "$group" "$sgroup"; do
    grep -q "^$g:" "$root/etc/group" || { echo "FAIL: sysusers does not create group '$g'"; exit 1; }
  done
  echo "systemd-sysusers: creates user $user, groups $group and $sgroup"
else
  echo "note: no systemd-sysusers; sysusers.d entry not checked"
fi
