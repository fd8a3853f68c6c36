#!/bin/sh
# structure.sh -- the dependency rules of DESIGN.md, checked on the build.
#
# 1. The daemon includes nothing of g2p/ but its face, engine.h (and the
#    limits header engine.h itself includes).
# 2. Nothing in g2p/ below the engine includes engine.h.
# 3. The daemon's files call one another one way: the symbols each object
#    defines and uses (nm) form a graph with no circle.
# 4. The daemon binary holds no model converter.
set -u
src=${top_srcdir:-..}
bld=${top_builddir:-.}
fail=0

bad=$(grep -n '#include "g2p/' "$src"/daemon/*.[ch] |
      grep -v '#include "g2p/engine.h"' | grep -v '#include "g2p/g2p_limits.h"')
if [ -n "$bad" ]; then
  echo "FAIL: the daemon includes g2p/ internals:"; echo "$bad"; fail=1
fi

bad=$(grep -ln '#include "g2p/engine.h"' "$src"/g2p/*.[ch] |
      grep -v '/engine\.[ch]$')
if [ -n "$bad" ]; then
  echo "FAIL: g2p/ files below the engine include engine.h:"; echo "$bad"; fail=1
fi

if ! command -v nm >/dev/null 2>&1; then
  echo "SKIP: no nm for the call graph and symbol checks"
  [ $fail -eq 0 ] && exit 77
  exit 1
fi

objs=$(ls "$bld"/daemon/rnninferd-*.o 2>/dev/null)
if [ -z "$objs" ]; then
  echo "FAIL: no daemon objects under $bld/daemon"; exit 1
fi
for o in $objs; do
  f=$(basename "$o" .o); f=${f#rnninferd-}
  nm "$o" | awk -v f="$f" '
    $1 == "U" { print "use", f, $2; next }
    $2 ~ /^[TDBRC]$/ { print "def", f, $3 }'
done | awk '
  $1 == "def" { owner[$3] = $2; next }
  { uses[NR] = $2 " " $3 }
  END {
    for (i in uses) {
      split(uses[i], u, " ")
      g = owner[u[2]]
      if (g != "" && g != u[1]) { edge[u[1] " " g] = u[2]; node[u[1]]; node[g] }
    }
    # peel off files that call no remaining file or that no remaining file
    # calls: what is left lies on a circle
    do {
      changed = 0
      for (n in node) {
        out = 0; inc = 0
        for (e in edge) {
          split(e, p, " ")
          if (!(p[1] in node) || !(p[2] in node)) continue
          if (p[1] == n) out = 1
          if (p[2] == n) inc = 1
        }
        if (!out || !inc) { delete node[n]; changed = 1 }
      }
    } while (changed)
    left = 0
    for (e in edge) {
      split(e, p, " ")
      if ((p[1] in node) && (p[2] in node)) {
        print "circle: " p[1] ".c -> " p[2] ".c (" edge[e] ")"; left = 1
      }
    }
    exit left
  }' || { echo "FAIL: calls between daemon files run in a circle"; fail=1; }

syms=$(nm "$bld"/daemon/rnninferd 2>/dev/null |
       grep -E ' (g2pm_build_image|g2pm_write_file|g2pm_npz_to_image|npz_open|npz_parse)$')
if [ -n "$syms" ]; then
  echo "FAIL: the daemon binary holds the model converter:"; echo "$syms"; fail=1
fi

[ $fail -eq 0 ] && echo "ok: dependencies one way"
exit $fail
