#!/bin/sh
# systemd-nspawn.sh -- rnninferd under a real systemd, in a booted Debian 12
# container, the way an operator installs and runs it.
#
# A minimal bookworm root (mmdebstrap --variant=minbase, with systemd and the
# build dependencies of tools/deps.sh) is built once and cached under
# $RNNINFERD_TEST_CACHE (default /var/cache/rnninferd-test), keyed by a hash
# of the package list and the mirror. Each run works on an overlay (or a
# copy) of it, so the cache is never changed:
#
#  1. quick start: the source tree is copied in and tools/quickstart.sh runs
#     twice, first with no systemd as PID 1 (systemd-nspawn without -b), then
#     in the booted container, where it must start rnninferd with systemctl;
#     both runs must end with "AA1 R D V AA2 R K".
#  2. make install: the build tree is installed with DESTDIR into a fresh
#     copy, rnninferd.socket is enabled offline and the container is booted.
#     Checked through nsenter: units, sysusers entry, man pages, pkg-config
#     file, lexicon and models are where the units and the man page say;
#     `g2pc aardvark` starts the service through the socket; the watchdog
#     pings; `systemd-analyze security` stays at or below 1.0; `systemctl
#     reload` counts a reload, and a damaged model on reload keeps the old one
#     serving; `systemctl stop` ends with Result=success and the next client
#     re-activates the service; the socket's group admits its members only;
#     the sandbox lets the daemon read data files under /etc, /var/lib and
#     /srv (and a user lexicon, when the daemon has --user-lexicon).
#  The journal of rnninferd is printed at the end.
#
# Needs root, systemd-nspawn (systemd-container), mmdebstrap and a reachable
# Debian mirror for the first run; skips (77) with the reason otherwise, or
# when systemd-nspawn cannot boot a container on this machine. The host's
# PID 1 need not be systemd: the container runs with --register=no
# --keep-unit (without --keep-unit, nspawn asks the host's systemd over D-Bus
# for a scope and fails with "Failed to open system bus"), and when the host
# has no systemd the container gets cgroups of its own, removed at exit.
# Every wait is bounded.
set -eu
s=${top_srcdir:?} b=${top_builddir:?}
MAKE=${MAKE:-make}
SUITE=bookworm
CACHE=${RNNINFERD_TEST_CACHE:-/var/cache/rnninferd-test}
EXPECT='AA1 R D V AA2 R K'
MAX_EXPOSURE=${MAX_EXPOSURE:-1.0}
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

skip() { echo "SKIP: $*"; exit 77; }
note() { echo "-- $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root (systemd-nspawn, mount, DESTDIR into a root)"
for c in systemd-nspawn mmdebstrap nsenter timeout flock pgrep; do
  command -v "$c" >/dev/null 2>&1 ||
    skip "$c not installed (tools/deps.sh --test installs systemd-container, mmdebstrap, procps, util-linux)"
done
for f in "$b/daemon/rnninferd" "$b/client/g2pc" "$b/data/cmudict.lex"; do
  [ -e "$f" ] || skip "$f not built"
done

t=$(mktemp -d /var/tmp/rnninferd-nspawn.XXXXXX)
chmod 0755 "$t"
npid=           # the systemd-nspawn of the booted container
leader=         # its PID 1, as the host sees it
mounts=
cgroups=
dump() {
  if [ -n "$npid" ] && [ -f "$t/console.log" ]; then
    echo "---- container console (last 40 lines)"; tail -n 40 "$t/console.log"
  fi
  if [ -n "$leader" ] && kill -0 "$leader" 2>/dev/null; then
    echo "---- journal of rnninferd"
    timeout 20 nsenter --target "$leader" --all env -i PATH=$PATH_IN \
      journalctl --no-pager -o short-monotonic -u rnninferd.service -u rnninferd.socket || true
    echo "---- failed units"
    timeout 20 nsenter --target "$leader" --all env -i PATH=$PATH_IN \
      systemctl --no-pager --failed || true
  fi
}
fail() { echo "FAIL: $*"; dump; exit 1; }

stop_container() {
  [ -n "$npid" ] || return 0
  kill -TERM "$npid" 2>/dev/null || true   # nspawn powers the container off
  i=0
  while kill -0 "$npid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$npid" 2>/dev/null; then
    echo "note: container did not power off in 20 s; killing it"
    kill -KILL "$npid" 2>/dev/null || true
  fi
  wait "$npid" 2>/dev/null || true
  npid="" leader=""
}
cleanup() {
  stop_container
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  for c in $cgroups; do
    if [ -d "$c" ]; then find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  rm -rf --one-file-system "$t"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the cached root ---------------------------------------------------------
mirror=${RNNINFERD_TEST_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
               /etc/apt/sources.list.d/*.sources 2>/dev/null |
           grep -E '^[[:space:]]*(deb|URIs:)[[:space:]]' | grep -v security |
           grep -o 'https\?://[^[:space:]]*/debian/\?' | head -n 1) || true
fi
mirror=${mirror:-http://deb.debian.org/debian}
# systemd as PID 1, the build dependencies for the quick start (so the
# container needs no network), man-db for `man -w`
pkgs=$(printf '%s\n' systemd systemd-sysv dbus procps man-db \
         $(sh "$s/tools/deps.sh" --list) | sort -u | tr '\n' ' ')
key=$(printf 'format 1\n%s\nminbase\n%s\n%s\n' "$SUITE" "$mirror" "$pkgs" |
      sha256sum | cut -c1-16)
base=$CACHE/$SUITE-$key
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock -w 1200 9 || fail "another run holds $CACHE/lock for 20 minutes"
if [ -d "$base" ]; then
  note "cached root $base"
else
  note "building $base (mmdebstrap $SUITE from $mirror, once per machine)"
  # (--one-file-system: never into what an interrupted run left mounted)
  rm -rf --one-file-system "$CACHE/building"
  t0=$(date +%s)
  if ! timeout 900 mmdebstrap --variant=minbase \
         --include="$(echo $pkgs | tr ' ' ',')" \
         --customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer dpkg-db-backup.timer' \
         "$SUITE" "$CACHE/building" "$mirror" </dev/null >"$t/mmdebstrap.log" 2>&1; then
    tail -n 20 "$t/mmdebstrap.log"
    rm -rf --one-file-system "$CACHE/building"
    skip "mmdebstrap could not build a $SUITE root from $mirror (log above)"
  fi
  mv "$CACHE/building" "$base"
  note "built in $(( $(date +%s) - t0 )) s"
  # older roots (another package list) are no longer used
  for d in "$CACHE/$SUITE"-*; do
    [ "$d" = "$base" ] || rm -rf --one-file-system "$d"
  done
fi

# A working root over the cache: overlayfs, or a copy where overlay fails.
new_root() {
  d=$t/$1; mkdir -p "$d/upper" "$d/work" "$d/root"
  if mount -t overlay overlay \
       -o "lowerdir=$base,upperdir=$d/upper,workdir=$d/work" "$d/root" 2>/dev/null; then
    mounts="$d/root $mounts"
  else
    cp -a "$base/." "$d/root/"
  fi
  root=$d/root
}

# Cgroups of the container's own when the host has no systemd to ask for a
# scope (nspawn with --keep-unit stays in its caller's cgroup and creates
# payload/ and supervisor/ below it).
cg_make() {  # cg_make NAME: sets cg to the new cgroup directories
  cg=
  [ "$(cat /proc/1/comm)" != systemd ] || return 0
  for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [ -f "$h/cgroup.procs" ] || continue
    [ "$h" != /sys/fs/cgroup ] || [ "$(stat -f -c %T "$h")" = cgroup2fs ] || continue
    c=$h/rnninferd-test-$$-$1
    mkdir -p "$c" || fail "cannot create cgroup $c"
    cg="$cg $c"; cgroups="$cgroups $c"
  done
}
# "sh -c "$in_cg" sh "$cg" CMD...": CMD in those cgroups (the shell moves
# itself, then execs CMD, so the PID stays)
# shellcheck disable=SC2016
in_cg='for c in $1; do echo $$ >"$c/cgroup.procs" || exit 1; done; shift; exec "$@"'
NSPAWN="systemd-nspawn --quiet --register=no --keep-unit --private-network"

boot() {  # boot ROOT NAME: starts the container, waits until it is up
  cg_make "$2"
  # shellcheck disable=SC2086
  sh -c "$in_cg" sh "$cg" $NSPAWN --machine="rnninferd-$2" -D "$1" --boot \
    --console=read-only >"$t/console.log" 2>&1 </dev/null &
  npid=$!
  i=0
  while :; do
    kill -0 "$npid" 2>/dev/null || {
      cat "$t/console.log"
      npid=; skip "systemd-nspawn cannot boot a container on this machine (its output above)"; }
    # $npid is the sh that execs systemd-nspawn; PID 1 of the container is its child
    leader=
    for p in $(pgrep -P "$npid" 2>/dev/null); do
      [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && leader=$p
    done
    [ -n "$leader" ] && [ -S "/proc/$leader/root/run/systemd/private" ] && break
    i=$((i + 1)); [ $i -le 300 ] || fail "container's systemd did not start in 30 s"
    sleep 0.1
  done
  state=$(ins_t 60 systemctl is-system-running --wait 2>&1) || true
  case $state in
    running) ;;
    degraded) note "container state degraded: $(ins systemctl --failed --plain --no-legend | tr '\n' ';')" ;;
    *) fail "container's systemd did not come up: '$state'" ;;
  esac
  note "container $2 booted (host pid $leader): $(ins systemctl --version | head -n 1)"
}

# ins CMD...: run CMD inside the booted container, as root, clean environment
ins() { ins_t 120 "$@"; }
ins_t() {  # ins_t SECONDS CMD...
  to=$1; shift
  timeout "$to" nsenter --target "$leader" --all env -i PATH=$PATH_IN HOME=/root \
    LANG=C.UTF-8 TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}
prop() { ins systemctl show -P "$2" "$1"; }
# wait_for SECONDS WHAT CMD...: poll CMD every 0.2 s until it succeeds
wait_for() {
  n=$(( $1 * 5 )); what=$2; shift 2
  i=0
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -le "$n" ] || fail "$what (waited $(( n / 5 )) s)"
    sleep 0.2
  done
}
stat_of() { ins g2pc --stats | awk -v k="$1" '$1 == k { print $2 }'; }
stat_is() { [ "$(stat_of "$1")" = "$2" ]; }

# ---- can systemd-nspawn run a container here? -------------------------------
new_root qs
cg_make probe
# shellcheck disable=SC2086
if ! out=$(timeout 60 sh -c "$in_cg" sh "$cg" $NSPAWN --machine=rnninferd-probe \
             -D "$root" --as-pid2 --pipe /bin/true 2>&1 </dev/null); then
  echo "$out"
  skip "systemd-nspawn cannot run a container on this machine: $(echo "$out" | tail -n 1)"
fi

# ---- 1. the quick start, without and with systemd as PID 1 ------------------
src=/usr/src/rnninferd
mkdir -p "$root$src"
# the source tree without builds, checkouts or generated autotools files
(cd "$s" && tar -cf - --exclude='./_build*' --exclude=./.git --exclude=./autom4te.cache \
   --exclude='*.o' --exclude='*.lo' .) | tar -xf - -C "$root$src"
rm -rf "$root$src/_build"

note "quick start with no systemd as PID 1 (systemd-nspawn without --boot)"
t0=$(date +%s)
cg_make qs-pipe
# shellcheck disable=SC2086
timeout 900 sh -c "$in_cg" sh "$cg" $NSPAWN --machine=rnninferd-qs-pipe -D "$root" --as-pid2 --pipe \
  /bin/sh -c "cd $src && exec tools/quickstart.sh >/root/qs1.log 2>&1" >"$t/nspawn.log" 2>&1 </dev/null || {
  cat "$t/nspawn.log" "$root/root/qs1.log"; fail "tools/quickstart.sh without systemd failed"; }
cp "$root/root/qs1.log" "$t/qs1.log"
cat "$t/qs1.log"
[ "$(tail -n 1 "$t/qs1.log")" = "$EXPECT" ] ||
  fail "quick start without systemd did not end with '$EXPECT'"
grep -q "no systemd as PID 1" "$t/qs1.log" || fail "quick start did not take the no-systemd path"
note "quick start without systemd: $(( $(date +%s) - t0 )) s"

note "quick start in the booted container"
boot "$root" qs
t0=$(date +%s)
ins_t 600 /bin/sh -c "cd $src && exec tools/quickstart.sh" >"$t/qs2.log" 2>&1 || {
  cat "$t/qs2.log"; fail "tools/quickstart.sh under systemd failed"; }
cat "$t/qs2.log"
[ "$(tail -n 1 "$t/qs2.log")" = "$EXPECT" ] ||
  fail "quick start under systemd did not end with '$EXPECT'"
grep -q "started by systemd" "$t/qs2.log" || fail "quick start did not use systemctl"
[ "$(prop rnninferd.service ActiveState)" = active ] || fail "rnninferd.service not active after the quick start"
[ "$(ins systemctl is-enabled rnninferd.socket)" = enabled ] || fail "quick start left rnninferd.socket disabled"
[ "$(prop rnninferd.service User)" = rnninferd ] || fail "service does not run as user rnninferd"
ins journalctl --no-pager -u rnninferd.service | grep -q "using the socket passed by systemd" ||
  fail "the daemon started by the quick start did not use the socket from systemd"
note "quick start under systemd: $(( $(date +%s) - t0 )) s"
echo "---- journal of the quick start's rnninferd"
ins journalctl --no-pager -o short-monotonic -u rnninferd.service -u rnninferd.socket
stop_container

# ---- 2. make install DESTDIR= into a fresh root, booted ---------------------
new_root inst
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE" --no-print-directory -C "$b" "$@"; }
dirs=$(printf '%s\n' 'print-install-dirs:' \
  '	@echo "prefix='\''$(prefix)'\''; bindir='\''$(bindir)'\''; sbindir='\''$(sbindir)'\''"' \
  '	@echo "libdir='\''$(libdir)'\''; includedir='\''$(includedir)'\''; mandir='\''$(mandir)'\''"' \
  '	@echo "pkgdatadir='\''$(pkgdatadir)'\''; pkgconfigdir='\''$(pkgconfigdir)'\''"' \
  '	@echo "unitdir='\''$(systemdsystemunitdir)'\''; sysusersdir='\''$(sysusersdir)'\''"' \
  '	@echo "san_cflags='\''$(SAN_CFLAGS)'\''"' |
  submake -s -f Makefile -f - print-install-dirs | grep "='")
eval "$dirs"
[ -z "$san_cflags" ] || skip "a sanitizer build is not installed into the container"
submake install DESTDIR="$root" >"$t/install.log" 2>&1 || { cat "$t/install.log"; fail "make install DESTDIR=$root"; }
note "make install DESTDIR=<root> (prefix $prefix, units in $unitdir, sysusers in $sysusersdir)"
systemctl --root="$root" enable rnninferd.socket 2>&1 || fail "systemctl --root enable rnninferd.socket"

# packaging, from outside: every file where the configured directories say
model=$pkgdatadir/en-us-h384-int4.g2pm   # the default (rnninferd.8)
for f in "$sbindir/rnninferd" "$bindir/g2pc" "$libdir/libg2pclient.so" \
         "$includedir/g2pclient.h" "$pkgconfigdir/g2pclient.pc" \
         "$unitdir/rnninferd.service" "$unitdir/rnninferd.socket" \
         "$sysusersdir/rnninferd.conf" "$pkgdatadir/cmudict.lex" "$model" \
         "$pkgdatadir/en-us-h384.g2pm" "$pkgdatadir/en-us-h256-int8.g2pm" \
         "$pkgdatadir/en-us-r2l-h256-int8.g2pm" \
         "$mandir/man8/rnninferd.8" "$mandir/man1/g2pc.1" "$mandir/man3/libg2pclient.3"; do
  [ -e "$root$f" ] || fail "not installed: $f"
done
note "installed: programs, library, header, pkg-config file, units, sysusers entry, lexicon, models, man pages"
# what the units and the man page name must be what was installed
for p in $(sed -n 's/^ExecStart=//p' "$root$unitdir/rnninferd.service"); do
  case $p in /*) [ -x "$root$p" ] || fail "rnninferd.service runs $p, which is not installed";; esac
done
listen=$(sed -n 's/^ListenStream=//p' "$root$unitdir/rnninferd.socket")
grep -q "^\.I $listen\$" "$root$mandir/man8/rnninferd.8" ||
  fail "rnninferd(8) FILES does not name the socket unit's $listen"
for p in $(grep -o '/[a-z/]*/cmudict[a-z0-9-]*\.[a-z0-9]*' "$root$mandir/man8/rnninferd.8" | sort -u); do
  [ -e "$root$p" ] || fail "rnninferd(8) names $p, which make install did not install"
  note "rnninferd(8) names $p: installed"
done

boot "$root" inst

# inside: systemd finds units and user, man and pkg-config find their files
ins systemctl cat rnninferd.service >/dev/null || fail "systemd does not find rnninferd.service"
[ "$(ins systemctl is-enabled rnninferd.socket)" = enabled ] || fail "rnninferd.socket not enabled"
[ "$(prop rnninferd.socket ActiveState)" = active ] || fail "rnninferd.socket not listening after boot"
[ "$(prop rnninferd.service ActiveState)" = inactive ] || fail "rnninferd.service started before any client"
ins getent passwd rnninferd >/dev/null || fail "systemd-sysusers did not create user rnninferd at boot ($sysusersdir)"
ins getent group rnninferd-clients >/dev/null || fail "no group rnninferd-clients at boot"
for m in rnninferd.8 g2pc.1 libg2pclient.3; do
  w=$(ins man -w "${m%.*}" 2>&1) || fail "man -w ${m%.*}: $w"
  # (Debian's /usr/local/man is a link to /usr/local/share/man)
  [ "$(ins readlink -f "$w")" = "$(ins readlink -f "$mandir/man${m##*.}/$m")" ] ||
    fail "man -w ${m%.*} finds '$w', not $mandir/man${m##*.}/$m"
done
note "man -w finds rnninferd(8), g2pc(1), libg2pclient(3) under $mandir"
ins ldconfig
mkdir -p "$root/root/example"
cp "$s/doc/example/g2p-example.c" "$root/root/example/"
ins /bin/sh -c 'cd /root/example && cc -Wall -Werror -o g2p-example g2p-example.c $(pkg-config --cflags --libs g2pclient)' ||
  fail "doc/example does not build in the container with pkg-config g2pclient"
note "pkg-config g2pclient: $(ins pkg-config --cflags --libs g2pclient)"

# socket activation: the first client starts the service
out=$(ins g2pc aardvark 2>&1) || fail "g2pc aardvark through the socket: $out"
[ "$out" = "$EXPECT" ] || fail "g2pc aardvark printed '$out'"
note "g2pc aardvark (socket activation): $out"
[ "$(prop rnninferd.service ActiveState)" = active ] || fail "service not active after the first client"
pid1=$(prop rnninferd.service MainPID)
out=$(ins /root/example/g2p-example "$listen" aardvark) || fail "g2p-example: $out"
[ "$out" = "$EXPECT" ] || fail "g2p-example printed '$out'"
j=$(ins journalctl --no-pager -u rnninferd.service)
echo "$j" | grep -q "using the socket passed by systemd (fd 3)" || fail "daemon did not use the passed socket"
echo "$j" | grep -q "lexicon $pkgdatadir/cmudict.lex (" || fail "daemon did not load $pkgdatadir/cmudict.lex"
echo "$j" | grep -q "model $model, kernel" || fail "daemon did not load $model"
rescorer=$pkgdatadir/en-us-r2l-h256-int8.g2pm   # the default model's rescorer (rnninferd.8)
echo "$j" | grep -q "rescoring: $rescorer (en-us-r2l-h256-int8), .* below -1.5 only" ||
  fail "daemon did not rescore with $rescorer gated at -1.5: $(echo "$j" | grep rescoring)"
wd0=$(prop rnninferd.service WatchdogTimestampMonotonic)

# access: root and members of rnninferd-clients, nobody else
ins useradd -M -N -s /usr/sbin/nologin alice
ins useradd -M -N -s /usr/sbin/nologin bob
ins usermod -aG rnninferd-clients alice
out=$(ins setpriv --reuid=alice --regid=users --init-groups g2pc aardvark 2>&1) ||
  fail "member of rnninferd-clients refused: $out"
[ "$out" = "$EXPECT" ] || fail "alice got '$out'"
if out=$(ins setpriv --reuid=bob --regid=users --init-groups g2pc aardvark 2>&1); then
  fail "bob, not in rnninferd-clients, got an answer: $out"
fi
note "alice (rnninferd-clients) answered; bob refused: $out"

# the unit's exposure, as the running systemd rates it
sec=$(ins systemd-analyze security --no-pager rnninferd.service 2>&1) || true
score=$(echo "$sec" | sed -n 's/.*Overall exposure level for rnninferd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "$sec"; fail "no exposure score"; }
note "systemd-analyze security rnninferd.service: $(echo "$sec" | grep 'Overall exposure')"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }' ||
  fail "exposure $score is above $MAX_EXPOSURE"

# the watchdog: WatchdogSec=20s, the daemon pings every 10 s
[ "$(prop rnninferd.service WatchdogUSec)" = 20s ] || fail "WatchdogUSec is $(prop rnninferd.service WatchdogUSec)"
wd_moved() { w=$(prop rnninferd.service WatchdogTimestampMonotonic); [ "$w" != 0 ] && [ "$w" != "$wd0" ]; }
wait_for 25 "no watchdog ping (WatchdogTimestampMonotonic stays $wd0)" wd_moved
note "watchdog pinged: WatchdogTimestampMonotonic $wd0 -> $(prop rnninferd.service WatchdogTimestampMonotonic)"

# reload: counted; a damaged model keeps the old one serving
ins systemctl reload rnninferd.service || fail "systemctl reload"
wait_for 30 "reloads.ok did not reach 1 after systemctl reload" stat_is reloads.ok 1
note "systemctl reload: reloads.ok $(stat_of reloads.ok), reloads.failed $(stat_of reloads.failed)"
sum0=$(ins g2pc --info | sed -n 's/^model: *//p')
word=zyxquorbal
net0=$(ins g2pc --model-only "$word") || fail "g2pc --model-only $word: $net0"
ins /bin/sh -c "cp $model /root/good.g2pm && head -c 3000 $model >$model.new && mv $model.new $model"
ins systemctl reload rnninferd.service || fail "systemctl reload (damaged model)"
wait_for 30 "reloads.failed did not reach 1 after a reload with a damaged model" stat_is reloads.failed 1
[ "$(prop rnninferd.service ActiveState)" = active ] || fail "service not active after a failed reload"
[ "$(prop rnninferd.service MainPID)" = "$pid1" ] || fail "the daemon was restarted by a failed reload"
out=$(ins g2pc aardvark) && [ "$out" = "$EXPECT" ] || fail "no answer after a failed reload: $out"
net1=$(ins g2pc --model-only "$word") || fail "model gone after a failed reload: $net1"
[ "$net1" = "$net0" ] || fail "network answer changed after a failed reload: '$net0' -> '$net1'"
[ "$(ins g2pc --info | sed -n 's/^model: *//p')" = "$sum0" ] || fail "model changed after a failed reload"
ins journalctl --no-pager -u rnninferd.service | grep -q "reload failed, still serving generation" ||
  fail "the failed reload is not in the journal"
note "damaged model on reload: reloads.failed $(stat_of reloads.failed); still serving ($word -> $net1, model $sum0)"
ins mv /root/good.g2pm "$model"
ins systemctl reload rnninferd.service
wait_for 30 "reloads.ok did not reach 2 with the model restored" stat_is reloads.ok 2

# stop: a clean exit; the socket stays and the next client starts it again
ins systemctl stop rnninferd.service || fail "systemctl stop"
[ "$(prop rnninferd.service Result)" = success ] || fail "Result=$(prop rnninferd.service Result) after stop"
[ "$(prop rnninferd.service ExecMainStatus)" = 0 ] || fail "exit status $(prop rnninferd.service ExecMainStatus) after stop"
[ "$(prop rnninferd.service ActiveState)" = inactive ] || fail "service not inactive after stop"
[ "$(prop rnninferd.socket ActiveState)" = active ] || fail "socket not listening after the service stopped"
note "systemctl stop: Result=$(prop rnninferd.service Result), ExecMainStatus=$(prop rnninferd.service ExecMainStatus); socket $(prop rnninferd.socket ActiveState)"
out=$(ins g2pc aardvark 2>&1) && [ "$out" = "$EXPECT" ] || fail "no re-activation after stop: $out"
pid2=$(prop rnninferd.service MainPID)
[ "$pid2" != "$pid1" ] && [ "$pid2" != 0 ] || fail "service not started again by the socket (MainPID $pid2)"
note "re-activated by the socket: MainPID $pid1 -> $pid2"

# the sandbox and the data paths an operator uses: a drop-in naming files
# under /var/lib, /srv and /etc (ProtectSystem=strict keeps them readable;
# ProtectHome= hides /home, /root and /run/user, as systemd/README.md says)
ins mkdir -p /etc/rnninferd /var/lib/rnninferd /srv/g2p /etc/systemd/system/rnninferd.service.d
ins cp "$pkgdatadir/cmudict.lex" /var/lib/rnninferd/site.lex
ins cp "$model" /srv/g2p/site.g2pm
extra='' ulex=''
if ins rnninferd --help | grep -q -- '--user-lexicon'; then
  ulex=/etc/rnninferd/user.dict
  printf 'AARDVARK  AA1 R D V AA2 R K S\n' >"$root$ulex"
  extra="--user-lexicon $ulex"
fi
printf '[Service]\nExecStart=\nExecStart=%s --lexicon /var/lib/rnninferd/site.lex --model /srv/g2p/site.g2pm --rescore-model %s --rescore-gate -1.5 %s\n' \
  "$sbindir/rnninferd" "$rescorer" "$extra" >"$root/etc/systemd/system/rnninferd.service.d/paths.conf"
ins systemctl daemon-reload
ins systemctl restart rnninferd.service || fail "restart with data files under /var/lib, /srv, /etc"
ins journalctl --no-pager -u rnninferd.service _PID="$(prop rnninferd.service MainPID)" |
  grep -q "lexicon /var/lib/rnninferd/site.lex (.*model /srv/g2p/site.g2pm" ||
  fail "the daemon did not load /var/lib/rnninferd/site.lex and /srv/g2p/site.g2pm"
net2=$(ins g2pc --model-only "$word") && [ "$net2" = "$net0" ] || fail "model from /srv: '$net2'"
if [ -n "$ulex" ]; then
  out=$(ins g2pc aardvark)
  [ "$out" = "AA1 R D V AA2 R K S" ] || fail "user lexicon $ulex not used: '$out'"
  note "lexicon under /var/lib, model under /srv, user lexicon under /etc: readable in the sandbox"
else
  note "lexicon under /var/lib, model under /srv: readable in the sandbox (this daemon has no --user-lexicon: not checked)"
fi
ins systemctl stop rnninferd.service

echo "---- journal of rnninferd (make install run)"
ins journalctl --no-pager -o short-monotonic -u rnninferd.service -u rnninferd.socket
stop_container
echo "PASS: quick start with and without systemd; make install layout; socket activation, watchdog, security $score, reload, failed reload, stop, re-activation, access, data paths"
