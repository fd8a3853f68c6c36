#!/bin/sh
# daemon-faults.sh -- rnninferd in a hostile environment: files that are not
# files or are rewritten under it, resource limits, a socket directory others
# can write.
#
# Each case starts the real daemon from the build tree and checks what the
# man page promises: start-up failures exit 1 with a message, a failed
# reload is logged and counted while the old data keeps serving, and SIGTERM
# still ends the process. g2pc is the client. Skips (77) without the
# lexicon; cases needing a tool (setpriv, prlimit) or root skip alone.
set -u
. "${top_srcdir:-.}/tests/daemon-lib.sh"
chmod 0755 "$dir"

# stat_of SOCK NAME: the counter's value.
stat_of() {
  "$c" -s "$1" --stats | awk -v n="$2" '$1 == n { print $2 }'
}
# wait_stat SOCK NAME VALUE: until the counter reaches VALUE (10 s at most).
wait_stat() {
  i=0
  while :; do
    v=$(stat_of "$1" "$2")
    [ -n "$v" ] && [ "$v" -ge "$3" ] && return 0
    i=$((i + 1)); [ $i -gt 200 ] && { echo "$2 stayed at '$v' (want $3)"; return 1; }
    sleep 0.05
  done
}
# stop: SIGTERM the daemon and expect exit 0 within 10 s.
stop() {
  kill -TERM "$pid"
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "still running 10 s after SIGTERM"; sleep 0.05
  done
  wait "$pid"; st=$?
  pid=
  [ "$st" -eq 0 ] || fail "exit status $st after SIGTERM"
}

# ---- a FIFO as lexicon or model -------------------------------------------
mkfifo "$dir/f.g2pm" "$dir/f.lex"
timeout 10 "$d" -s "$dir/f.sock" -l "$lex" -m "$dir/f.g2pm" 2>"$dir/log"
st=$?
[ "$st" -eq 1 ] || fail "FIFO model: exit status $st (want 1)"
grep -q "not a regular file" "$dir/log" || fail "FIFO model: no message"
timeout 10 "$d" -s "$dir/f.sock" -l "$dir/f.lex" --no-model 2>"$dir/log"
st=$?
[ "$st" -eq 1 ] || fail "FIFO lexicon: exit status $st (want 1)"
grep -q "not a regular file" "$dir/log" || fail "FIFO lexicon: no message"
echo "ok: a FIFO at start-up exits 1 with a message"

cp "$lex" "$dir/live.lex"
"$d" -s "$dir/r.sock" -l "$dir/live.lex" --no-model 2>"$dir/log" &
pid=$!
wait_sock "$dir/r.sock" || fail "daemon did not start"
rm "$dir/live.lex"; mkfifo "$dir/live.lex"
kill -HUP "$pid"
wait_stat "$dir/r.sock" reloads.failed 1 || fail "FIFO reload not counted"
grep -q "reload failed.*not a regular file" "$dir/log" || fail "FIFO reload not logged"
[ "$("$c" -s "$dir/r.sock" aardvark)" = "AA1 R D V AA2 R K" ] ||
  fail "old lexicon not serving after a failed reload"
rm "$dir/live.lex"; cp "$lex" "$dir/live.lex"
kill -HUP "$pid"
wait_stat "$dir/r.sock" reloads.ok 1 || fail "reload after the FIFO lost"
stop
echo "ok: a FIFO on reload is logged and counted; later reloads and SIGTERM work"

# ---- files rewritten in place ----------------------------------------------
# cp over a file truncates it and writes it again; a daemon that mapped its
# lexicon would die of SIGBUS on the next lookup. It keeps its own copies, so
# it answers as before, and a reload of the half-written files is refused.
mdl=$s/models/en-us-h384-int4.g2pm
if [ -r "$mdl" ]; then
  cp "$lex" "$dir/inplace.lex"; cp "$mdl" "$dir/inplace.g2pm"
  "$d" -s "$dir/p.sock" -l "$dir/inplace.lex" -m "$dir/inplace.g2pm" 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/p.sock" || fail "daemon did not start"
  want=$("$c" -s "$dir/p.sock" aardvark zywicki zyxquorbal) || fail "in place: $want"
  head -c 4096 "$lex" >"$dir/inplace.lex"
  head -c 100000 "$mdl" >"$dir/inplace.g2pm"
  got=$("$c" -s "$dir/p.sock" aardvark zywicki zyxquorbal) || fail "in place: $got"
  [ "$got" = "$want" ] || fail "in place: answers changed: $got (want $want)"
  kill -HUP "$pid"
  wait_stat "$dir/p.sock" reloads.failed 1 || fail "in place: reload of cut files not counted"
  got=$("$c" -s "$dir/p.sock" aardvark zywicki zyxquorbal) || fail "in place: $got"
  [ "$got" = "$want" ] || fail "in place: answers changed after the failed reload: $got"
  stop
  echo "ok: files rewritten in place change nothing until a reload, which refuses them"
fi

# ---- the socket's directory and mode ----------------------------------------
mkdir "$dir/pub" "$dir/sticky" "$dir/own"
chmod 0777 "$dir/pub"; chmod 1777 "$dir/sticky"; chmod 0755 "$dir/own"
timeout 10 "$d" -s "$dir/pub/n.sock" -l "$lex" --no-model 2>"$dir/log"
st=$?
[ "$st" -eq 1 ] || fail "world-writable socket directory: exit status $st (want 1)"
grep -q "writable by others and not sticky" "$dir/log" || fail "world-writable: no message"
[ -e "$dir/pub/n.sock" ] && fail "world-writable: a socket was made"
echo "ok: a socket directory others can write (not sticky) is refused"

# a symlink already at the socket path is neither followed nor replaced
echo secret >"$dir/own/target"; chmod 0600 "$dir/own/target"
ln -s "$dir/own/target" "$dir/own/l.sock"
timeout 10 "$d" -s "$dir/own/l.sock" -l "$lex" --no-model --socket-mode 0666 2>"$dir/log"
st=$?
[ "$st" -eq 1 ] || fail "symlink at the socket path: exit status $st (want 1)"
[ -L "$dir/own/l.sock" ] || fail "symlink at the socket path was replaced"
[ "$(stat -c %a "$dir/own/target")" = 600 ] || fail "symlink target's mode changed"
echo "ok: a symlink at the socket path is refused and its target untouched"

# mode as asked, in a sticky directory too; no private directory left behind
for sub in own sticky; do
  "$d" -s "$dir/$sub/m.sock" -l "$lex" --no-model --socket-mode 0640 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/$sub/m.sock" || fail "daemon did not start in $sub"
  [ "$(stat -c %a "$dir/$sub/m.sock")" = 640 ] ||
    fail "$sub: socket mode $(stat -c %a "$dir/$sub/m.sock") (want 640)"
  ls -a "$dir/$sub" | grep -q '^\.rnninferd-' && fail "$sub: private directory left behind"
  stop
  [ -e "$dir/$sub/m.sock" ] && fail "$sub: socket not removed at exit"
done
echo "ok: --socket-mode applied; sticky shared directories accepted"

# ---- SIGHUP under a thread limit --------------------------------------------
# An unused uid so that no other process counts against RLIMIT_NPROC. With
# 1 process allowed no thread starts (the reload runs on the loop); with 3,
# one does (libuv's pool would want 4 and abort).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && command -v prlimit >/dev/null; then
  u=$((61000 + $$ % 4000))
  mkdir "$dir/nproc"; chown "$u" "$dir/nproc"
  cp "$lex" "$dir/nproc/l.lex"; chmod 0644 "$dir/nproc/l.lex"
  # LeakSanitizer needs a thread of its own at exit, which this limit denies
  lsan_off=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
  for n in 1 3; do
    ASAN_OPTIONS=$lsan_off \
    setpriv --reuid="$u" --regid="$u" --clear-groups prlimit --nproc=$n -- \
      "$d" -s "$dir/nproc/n.sock" -l "$dir/nproc/l.lex" --no-model 2>"$dir/log" &
    pid=$!
    wait_sock "$dir/nproc/n.sock" || fail "nproc $n: daemon did not start"
    kill -HUP "$pid"
    wait_stat "$dir/nproc/n.sock" reloads.ok 1 || fail "nproc $n: reload not done"
    kill -HUP "$pid"
    wait_stat "$dir/nproc/n.sock" reloads.ok 2 || fail "nproc $n: second reload not done"
    [ "$("$c" -s "$dir/nproc/n.sock" aardvark)" = "AA1 R D V AA2 R K" ] ||
      fail "nproc $n: not serving after reloads"
    stop
  done
  echo "ok: SIGHUP reloads under RLIMIT_NPROC 1 and 3"
else
  echo "skipped: SIGHUP under a thread limit (needs root, setpriv, prlimit)"
fi

# ---- the open-file limit against --max-connections ---------------------------
ask=$b/tests/it-ask
if command -v prlimit >/dev/null; then
  prlimit --nofile=64 "$d" -s "$dir/own/f.sock" -l "$lex" --no-model 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/own/f.sock" || fail "nofile 64: daemon did not start"
  grep -q "open-file limit 64 (hard 64) leaves room for 40 connections, not 128" "$dir/log" ||
    fail "nofile 64: no warning about the slots"
  [ "$(stat_of "$dir/own/f.sock" connections.max)" = 40 ] || fail "nofile 64: connections.max"
  out=$("$ask" --hold "$dir/own/f.sock" 100 5)
  echo "nofile 64, 100 clients: $out"
  [ "$out" = "answered 40 busy 60 silent 0 other 0" ] || fail "nofile 64: $out"
  stop
  # a soft limit below what is needed is raised when the hard one allows
  prlimit --nofile=64:4096 "$d" -s "$dir/own/f.sock" -l "$lex" --no-model 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/own/f.sock" || fail "nofile 64:4096: daemon did not start"
  grep -q "open-file limit raised from 64 to 152" "$dir/log" || fail "nofile 64:4096: not raised"
  out=$("$ask" --hold "$dir/own/f.sock" 100 5)
  [ "$out" = "answered 100 busy 0 silent 0 other 0" ] || fail "nofile 64:4096: $out"
  stop
  echo "ok: the slots fit the open-file limit; clients beyond them are answered busy"
else
  echo "skipped: open-file limit (needs prlimit)"
fi

# ---- out of memory at start-up ------------------------------------------------
# Under RLIMIT_AS (ulimit -v: prlimit --as itself crashes on some kernels)
# the daemon either exits 1 with a message or serves correctly; never a
# signal. Sanitizer builds need far more address space: skipped there.
model=$s/models/cmudict-bigru-h256.g2pm
if grep -q -e __asan_init -e __tsan_init "$d" 2>/dev/null; then
  echo "skipped: RLIMIT_AS (sanitizer build)"
elif [ -r "$model" ]; then
  summary=
  for mb in 16 20 24 32 48 64 96 128 150; do
    rm -f "$dir/own/m.sock"
    sh -c "ulimit -v $((mb * 1024)) && exec \"\$@\"" sh "$d" -s "$dir/own/m.sock" \
      -l "$lex" -m "$model" --workers 1 2>"$dir/log" &
    pid=$!
    i=0
    while kill -0 "$pid" 2>/dev/null && ! [ -S "$dir/own/m.sock" ]; do
      i=$((i + 1)); [ $i -gt 200 ] && fail "as ${mb}M: neither started nor exited"; sleep 0.05
    done
    if [ -S "$dir/own/m.sock" ]; then
      out=$("$c" -s "$dir/own/m.sock" -t 5000 aardvark 2>&1)
      [ "$out" = "AA1 R D V AA2 R K" ] || fail "as ${mb}M: started but answered '$out'"
      stop
      summary="$summary ${mb}M:served"
    else
      wait "$pid"; st=$?; pid=
      [ "$st" -eq 1 ] || fail "as ${mb}M: exit status $st (want 1 or serving)"
      grep -q "cannot start: .*\(memory\|unavailable\)" "$dir/log" ||
        fail "as ${mb}M: exit 1 without a message about memory"
      summary="$summary ${mb}M:exit1"
    fi
  done
  echo "ok: under RLIMIT_AS:$summary"
fi

# ---- --idle-timeout -----------------------------------------------------------
for t in 0.3 0; do
  "$d" -s "$dir/own/i.sock" -l "$lex" --no-model --idle-timeout $t 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/own/i.sock" || fail "idle $t: daemon did not start"
  out=$("$ask" --idle "$dir/own/i.sock" 300)
  echo "--idle-timeout $t: $out"
  n=$(stat_of "$dir/own/i.sock" connections.idle_timeout)
  if [ $t = 0 ]; then
    [ "$out" = "partial open idle open active 24/24" ] || fail "idle $t: $out"
    [ "$n" = 0 ] || fail "idle $t: connections.idle_timeout $n"
  else
    [ "$out" = "partial closed idle closed active 24/24" ] || fail "idle $t: $out"
    [ "$n" = 2 ] || fail "idle $t: connections.idle_timeout $n (want 2)"
  fi
  stop
done
echo "ok: --idle-timeout closes idle and half-sent connections and counts them"

# ---- clients that vanish with words queued -----------------------------------
# 10 clients send 256 words each for the network and close at once. Their
# words must be cancelled, not computed: counted on the work done (the
# workers' words and cancelled counters), not on time.
if [ -r "$s/models/cmudict-bigru.g2pm" ]; then
  "$d" -s "$dir/own/v.sock" -l "$lex" -m "$s/models/cmudict-bigru.g2pm" \
    --workers 1 2>"$dir/log" &
  pid=$!
  wait_sock "$dir/own/v.sock" || fail "vanish: daemon did not start"
  "$ask" --vanish "$dir/own/v.sock" 10 256 || fail "vanish: clients failed"
  i=0
  while :; do
    done_w=$(stat_of "$dir/own/v.sock" workers.words)
    gone_w=$(stat_of "$dir/own/v.sock" workers.cancelled)
    [ -n "$done_w" ] && [ -n "$gone_w" ] && [ $((done_w + gone_w)) -ge 2560 ] && break
    i=$((i + 1)); [ $i -gt 600 ] && fail "vanish: words $done_w cancelled '$gone_w' (want 2560 in all)"
    sleep 0.1
  done
  echo "vanish: 2560 words of 10 vanished clients: $done_w computed, $gone_w cancelled"
  [ "$gone_w" -ge 1280 ] || fail "vanish: only $gone_w of 2560 words cancelled"
  [ "$(stat_of "$dir/own/v.sock" connections.vanished)" = 10 ] || fail "vanish: connections.vanished"
  [ "$(stat_of "$dir/own/v.sock" connections.current)" = 1 ] || fail "vanish: slots still taken"
  out=$("$c" -s "$dir/own/v.sock" -m hp) || fail "vanish: next client: $out"
  # a client that only shuts down its sending side still gets its answers
  out=$("$ask" --half "$dir/own/v.sock" qzxkebab qzxlomot 2>&1) || fail "half-close: $out"
  [ "$(printf '%s\n' "$out" | grep -c '^qzx[a-z]*	[A-Z]')" = 2 ] || fail "half-close: $out"
  [ "$(stat_of "$dir/own/v.sock" connections.vanished)" = 10 ] || fail "half-close counted as vanished"
  stop
  echo "ok: the words of vanished clients are cancelled, their slots freed"
fi

echo "daemon-faults: all passed"
