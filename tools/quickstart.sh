#!/bin/sh
# quickstart.sh -- from a fresh Debian 12 machine (as root) to an answering
# daemon: install dependencies, build, install, start rnninferd, ask it for
# "aardvark".
#
# Under systemd (PID 1) the units are installed in /etc/systemd/system, the
# daemon's user is created with systemd-sysusers, rnninferd.socket is enabled
# and rnninferd is started with systemctl; elsewhere (containers, CI) the
# daemon is started in the background on the same default socket,
# /run/rnninferd/rnninferd.sock, logging to /var/log/rnninferd.log. Running
# it again rebuilds and restarts. tests/systemd-nspawn.sh runs it both ways.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
sock=/run/rnninferd/rnninferd.sock
g2pc=/usr/local/bin/g2pc

tools/deps.sh
echo "== build and install (prefix /usr/local)"
autoreconf -fi >/dev/null
mkdir -p _build && cd _build
../configure -q --prefix=/usr/local --sysconfdir=/etc --localstatedir=/var \
  --with-systemdsystemunitdir=/etc/systemd/system
make -j"$jobs" >/dev/null
make install >/dev/null
ldconfig

# the test sd_booted(3) makes, and PID 1 is systemd itself
if [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  echo "== start rnninferd with systemd"
  systemd-sysusers
  systemctl daemon-reload
  systemctl enable rnninferd.socket
  if ! systemctl restart rnninferd.socket rnninferd.service; then
    systemctl --no-pager status rnninferd.service || true
    journalctl --no-pager -n 30 -u rnninferd.service || true
    exit 1
  fi
  echo "rnninferd started by systemd (socket $sock; systemctl status rnninferd," \
       "journalctl -u rnninferd)"
else
  echo "== start rnninferd (no systemd as PID 1)"
  if [ -f /run/rnninferd.pid ] && kill "$(cat /run/rnninferd.pid)" 2>/dev/null; then
    i=0
    while kill -0 "$(cat /run/rnninferd.pid)" 2>/dev/null && [ $i -lt 100 ]; do
      sleep 0.1; i=$((i + 1))
    done
  fi
  mkdir -p /run/rnninferd
  nohup /usr/local/sbin/rnninferd --socket "$sock" >>/var/log/rnninferd.log 2>&1 &
  pid=$!
  echo $pid >/run/rnninferd.pid
  i=0
  until "$g2pc" --socket "$sock" --ping >/dev/null 2>&1; do
    if ! kill -0 $pid 2>/dev/null || [ $i -ge 300 ]; then
      echo "rnninferd did not come up; the end of /var/log/rnninferd.log:" >&2
      tail -n 20 /var/log/rnninferd.log >&2
      exit 1
    fi
    sleep 0.1; i=$((i + 1))
  done
  echo "rnninferd started (pid $pid, socket $sock, log /var/log/rnninferd.log)"
fi
echo "== g2pc aardvark"
"$g2pc" --socket "$sock" aardvark
