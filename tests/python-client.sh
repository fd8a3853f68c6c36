#!/bin/sh
# python-client.sh -- the Python client's pytest suite against a real rnninferd.
#
# Runs client/python/tests with the built daemon and dictionary (and the
# shipped model when there is one); skips (77) when no python3 with msgpack
# and pytest is installed (Debian: python3-msgpack python3-pytest). The
# suite includes a pip install of client/python into a fresh venv.
set -u
b=${top_builddir:?top_builddir is not set}
s=${top_srcdir:?top_srcdir is not set}
for f in "$b/daemon/rnninferd" "$b/data/cmudict.lex"; do
  [ -e "$f" ] || { echo "FAIL: $f is missing (run make first)"; exit 1; }
done
py=
for p in ${PYTHON:-} /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import msgpack, pytest' 2>/dev/null; then
    py=$p; break
  fi
done
[ -n "$py" ] || { echo "SKIP: no python3 with msgpack and pytest"; exit 77; }
model=
for m in "$b"/models/cmudict-bigru.g2pm "$s"/models/cmudict-bigru.g2pm; do
  [ -f "$m" ] && { model=$m; break; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/python-client.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# No bytecode or cache in the (possibly read-only) source tree.
RNNINFERD=$b/daemon/rnninferd G2P_LEXICON=$b/data/cmudict.lex G2P_MODEL=$model \
  G2P_README=$s/README.md PYTHONDONTWRITEBYTECODE=1 \
  "$py" -m pytest -q -p no:cacheprovider --basetemp="$tmp/pytest" "$s/client/python/tests"
