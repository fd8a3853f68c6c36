#!/bin/sh
# deps.sh -- install rnninferd's build and test dependencies on Debian 12.
#
# One list, used by the quick start and by the test command, so the two can
# never disagree about what a fresh machine needs. Needs root (apt-get).
set -eu
PKGS="build-essential autoconf automake libtool pkg-config \
      libuv1-dev libmsgpack-dev libjemalloc-dev check libsystemd-dev \
      systemd python3"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
