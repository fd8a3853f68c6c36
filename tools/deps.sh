#!/bin/sh
# deps.sh -- install rnninferd's build and test dependencies on Debian 12.
#
# One list, used by the quick start and by the test command, so the two can
# never disagree about what a fresh machine needs. Needs root (apt-get).
#
#   deps.sh           install the build dependencies
#   deps.sh --test    ... and what tools/run-tests.sh needs beyond them
#                     (tests/systemd-nspawn.sh: mmdebstrap, systemd-container)
#   deps.sh --list    print the build dependencies and exit (the Debian root
#                     that tests/systemd-nspawn.sh boots is built with them)
set -eu
PKGS="build-essential autoconf automake libtool pkg-config \
      libuv1-dev libmsgpack-dev libjemalloc-dev libutf8proc-dev check \
      libsystemd-dev systemd python3 clang libespeak-ng-dev espeak-ng-data \
      python3-msgpack python3-pytest python3-venv python3-setuptools"
TEST_PKGS="mmdebstrap systemd-container procps util-linux"
case ${1:-} in
  --list) echo $PKGS; exit 0 ;;
  --test) PKGS="$PKGS $TEST_PKGS" ;;
  "") ;;
  *) echo "usage: deps.sh [--test | --list]" >&2; exit 2 ;;
esac
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
