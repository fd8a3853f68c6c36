#!/bin/sh
# client-help-man.sh -- every option g2pc --help lists is documented in
# g2pc(1), and every option g2pc(1) documents is accepted by g2pc.
set -u
b=${top_builddir:?top_builddir is not set}
s=${top_srcdir:?top_srcdir is not set}
man=$s/doc/g2pc.1
help=$("$b/client/g2pc" --help) || { echo "FAIL: g2pc --help failed"; exit 1; }
fails=0
for opt in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  grep -q -- "$esc" "$man" || { echo "FAIL: $opt in --help, not in g2pc.1"; fails=$((fails + 1)); }
done
for opt in $(grep -o -- '\\-\\-[a-z][a-z\\-]*' "$man" | sed -e 's/\\-/-/g' -e 's/\\.*//' | sort -u); do
  printf '%s\n' "$help" | grep -q -- "$opt" || { echo "FAIL: $opt in g2pc.1, not in --help"; fails=$((fails + 1)); }
done
[ $fails -eq 0 ] && echo "ok: g2pc --help and g2pc.1 list the same options"
[ $fails -eq 0 ]
