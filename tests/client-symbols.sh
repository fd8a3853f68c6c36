#!/bin/sh
# client-symbols.sh -- libg2pclient exports only g2pc_* symbols.
#
# The library links the protocol code (proto/) statically; none of it, nor
# any other helper, may leak into the installed ABI.
set -u
b=${top_builddir:?top_builddir is not set}
so=$(ls "$b"/client/.libs/libg2pclient.so.* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "FAIL: no libg2pclient.so under $b/client/.libs"; exit 1; }
command -v nm >/dev/null 2>&1 || { echo "SKIP: nm not found"; exit 77; }
syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }')
[ -n "$syms" ] || { echo "FAIL: no exported symbols in $so"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^g2pc_' || true)
if [ -n "$bad" ]; then
  echo "FAIL: exported symbols without the g2pc_ prefix:"; echo "$bad"; exit 1
fi
for f in g2pc_client_open g2pc_client_close g2pc_lookup g2pc_lookup_many \
         g2pc_result_free g2pc_results_free g2pc_ping g2pc_info g2pc_info_free \
         g2pc_info_rescorer g2pc_rescorer_info_free g2pc_info_rescore_gate \
         g2pc_stats g2pc_stats_free g2pc_strerror g2pc_error_name g2pc_version \
         g2pc_text g2pc_text_many g2pc_lookup_nbest g2pc_nbest_free; do
  printf '%s\n' "$syms" | grep -qx "$f" || { echo "FAIL: $f is not exported"; exit 1; }
done
echo "ok: $(printf '%s\n' "$syms" | wc -l) symbols, all g2pc_"
