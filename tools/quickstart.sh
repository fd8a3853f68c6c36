#!/bin/sh
# quickstart.sh -- from a fresh Debian 12 machine (as root) to an answering
# daemon: install dependencies, build, install, start rnninferd, ask it for
# "aardvark".
#
# Under systemd (PID 1) the daemon is started with `systemctl start
# rnninferd`; elsewhere (containers, CI) it is started in the background on
# the same default socket, /run/rnninferd/rnninferd.sock, logging to
# /var/log/rnninferd.log. Running it again rebuilds and restarts.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
sock=/run/rnninferd/rnninferd.sock

tools/deps.sh
echo "== build and install (prefix /usr/local)"
autoreconf -fi >/dev/null
mkdir -p _build && cd _build
../configure -q --prefix=/usr/local --sysconfdir=/etc --localstatedir=/var \
  --with-systemdsystemunitdir=/etc/systemd/system
make -j"$jobs" >/dev/null
make install >/dev/null
ldconfig

if [ -d /run/systemd/system ] && [ "$(ps -o comm= 1)" = systemd ]; then
  systemd-sysusers >/dev/null 2>&1 || true
  systemctl daemon-reload
  systemctl restart rnninferd.socket rnninferd.service
else
  if [ -f /run/rnninferd.pid ] && kill "$(cat /run/rnninferd.pid)" 2>/dev/null; then
    sleep 0.5
  fi
  mkdir -p /run/rnninferd
  nohup /usr/local/sbin/rnninferd --socket "$sock" >>/var/log/rnninferd.log 2>&1 &
  echo $! >/run/rnninferd.pid
  i=0
  while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  echo "rnninferd started (pid $(cat /run/rnninferd.pid), socket $sock, log /var/log/rnninferd.log)"
fi
echo "== g2pc aardvark"
/usr/local/bin/g2pc --socket "$sock" aardvark
