#!/bin/sh
# kernel.sh -- the kernel benchmark table: per-word latency of g2p_en's
# network in every kernel table (bench/kernel), next to g2p_en's own numpy
# predict with the reference BLAS and with OpenBLAS, and TorchScript, all on
# the same pinned core over the 2,018 words of golden_words.tsv.
#
#   bench/kernel.sh TOP_SRCDIR TOP_BUILDDIR        (make bench-kernel)
#
# Environment: BENCH_CPU (core to pin, default: the last one), BENCH_RUNS
# (whole runs, default 3; the table quotes the median of each figure over
# runs), BENCH_REPS (timed passes over the words per run for the SIMD
# tables, default 5; the scalar reference gets one),
# BENCH_PY_REPS (passes for numpy/torch, default 1), BENCH_SKIP_PY=1 (C
# rows only). Also benchmarks every shipped model under models/ (fp32 files
# on the fp32 tables, int8 and int4 files on the int8 tables, each row next to its
# own mat-vec bound) and prints the int8 / fp32 ratio of each network. The
# default model also gets "+gated" rows: its lookups as the daemon makes
# them, rescored by the default rescorer below the default gate.
# Raw rows and the table go to TOP_BUILDDIR/bench/out/. Exits 77 when
# ../shared/data/g2p_en is absent.
set -eu
src=${1:?usage: kernel.sh TOP_SRCDIR TOP_BUILDDIR}
build=${2:?usage: kernel.sh TOP_SRCDIR TOP_BUILDDIR}
data=$src/../shared/data/g2p_en
if [ ! -f "$data/checkpoint20.npz" ] || [ ! -f "$data/golden_words.tsv" ]; then
  echo "kernel.sh: $data not found; skipping" >&2
  exit 77
fi
cpu=${BENCH_CPU:-$(($(nproc) - 1))}
runs=${BENCH_RUNS:-3}
reps=${BENCH_REPS:-5}
pyreps=${BENCH_PY_REPS:-1}
py=/usr/bin/python3
out=$build/bench/out
mkdir -p "$out"
rows=$out/kernel-rows.txt
: > "$rows"

model=$out/g2p_en.g2pm
"$build/tools/g2p-convert" -o "$model" "$data/checkpoint20.npz" >/dev/null
words=$data/golden_words.tsv
# the daemon's defaults (daemon/main.c: DEFAULT_MODEL, DEFAULT_RESCORER,
# DEFAULT_RESCORE_GATE)
default_model=en-us-h384-int4 default_rescorer=en-us-r2l-h256-int8 default_gate=-1.5
shipped="en-us-h384-int4 en-us-h384-int8 en-us-h384 en-us-h256-int8 en-us-r2l-h256-int8 cmudict-bigru cmudict-bigru-int8 cmudict-bigru-h256 cmudict-bigru-h256-int8 cmudict-r2l-h256-int8"

refblas=/usr/lib/x86_64-linux-gnu/blas
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
have_numpy=no
if [ "${BENCH_SKIP_PY:-0}" != 1 ] && $py -c 'import numpy' 2>/dev/null; then
  have_numpy=yes
fi

i=1
while [ "$i" -le "$runs" ]; do
  echo "kernel.sh: run $i/$runs (cpu $cpu)" >&2
  # The scalar reference is ~100x slower: one timed pass is plenty.
  "$build/bench/kernel" --model "$model" --words "$words" --reps 1 \
    --kernels scalar --cpu "$cpu" |
    sed "s/^row /row run=$i model=g2p_en /" >> "$rows"
  "$build/bench/kernel" --model "$model" --words "$words" --reps "$reps" \
    --kernels avx2,avx512 --cpu "$cpu" |
    sed "s/^row /row run=$i model=g2p_en /" >> "$rows"
  for name in $shipped; do
    f=$src/models/$name.g2pm
    [ -f "$f" ] || continue
    case $name in
    *-int8 | *-int4) ks=avx2-int8,avx512-int8,amx-int8 ;;
    *) ks=avx2,avx512 ;;
    esac
    # the default as the daemon runs it: rescored where greedy is unsure
    gated=
    [ "$name" = "$default_model" ] && gated="--rescore-model $src/models/$default_rescorer.g2pm --rescore-gate $default_gate"
    # shellcheck disable=SC2086
    "$build/bench/kernel" --model "$f" --words "$words" --reps "$reps" \
      --kernels "$ks" --cpu "$cpu" $gated |
      sed "s/^row /row run=$i model=$name /" >> "$rows"
  done
  if [ "$have_numpy" = yes ]; then
    if [ -e "$refblas/libblas.so.3" ]; then
      LD_LIBRARY_PATH=$refblas OPENBLAS_NUM_THREADS=1 $py \
        "$src/bench/g2p_en_numpy.py" --npz "$data/checkpoint20.npz" \
        --words "$words" --reps "$pyreps" --cpu "$cpu" --label numpy-refblas |
        sed "s/^row /row run=$i model=g2p_en /" >> "$rows"
    fi
    if [ -e "$openblas/libblas.so.3" ]; then
      LD_LIBRARY_PATH=$openblas OPENBLAS_NUM_THREADS=1 $py \
        "$src/bench/g2p_en_numpy.py" --npz "$data/checkpoint20.npz" \
        --words "$words" --reps "$pyreps" --cpu "$cpu" --label numpy-openblas |
        sed "s/^row /row run=$i model=g2p_en /" >> "$rows"
    fi
    $py "$src/bench/g2p_en_torch.py" --npz "$data/checkpoint20.npz" \
      --words "$words" --reps "$pyreps" --cpu "$cpu" --label torchscript |
      sed "s/^row /row run=$i model=g2p_en /" >> "$rows" || true
  fi
  i=$((i + 1))
done

# One line per (model, kernel): the median over runs of every figure; the
# speed-ups are numpy's median over this row's median, same run set.
awk -v dflt="$default_model" '
function med(key,    n, i, j, t, a) {
  n = split(vals[key], a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n == 0) return ""
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^row / {
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  id = f["model"] "/" f["kernel"]
  if (!(id in seen)) { seen[id] = 1; order[++nid] = id }
  for (k in f) if (k != "run" && k != "model" && k != "kernel")
    vals[id SUBSEP k] = vals[id SUBSEP k] " " f[k]
  last[id SUBSEP "exact"] = f["exact"]; last[id SUBSEP "blas"] = f["blas"]
  runs[id]++
}
END {
  ref = med("g2p_en/numpy-refblas" SUBSEP "median_us")
  obl = med("g2p_en/numpy-openblas" SUBSEP "median_us")
  printf "%-28s %10s %10s %10s %10s %8s %9s %9s %9s %10s %4s\n", "model/variant", "median_us", "p99_us", "mean_us", "bound_us", "ratio", "ratio_med", "x_numpy", "x_openbl", "exact", "runs"
  for (i = 1; i <= nid; i++) {
    id = order[i]
    m = med(id SUBSEP "median_us")
    b = med(id SUBSEP "bound_median_us"); r = med(id SUBSEP "ratio_total")
    rm = med(id SUBSEP "ratio_median")
    printf "%-28s %10.2f %10.2f %10.2f %10s %8s %9s %9s %9s %10s %4d\n", id, m, med(id SUBSEP "p99_us"), med(id SUBSEP "mean_us"), (b == "" ? "-" : sprintf("%.2f", b)), (r == "" ? "-" : sprintf("%.3f", r)), (rm == "" ? "-" : sprintf("%.3f", rm)), (ref == "" ? "-" : sprintf("%.1f", ref / m)), (obl == "" ? "-" : sprintf("%.1f", obl / m)), last[id SUBSEP "exact"], runs[id]
  }
  print ""
  for (i = 1; i <= nid; i++) {
    id = order[i]
    mv = med(id SUBSEP "matvec768x256_us")
    if (mv != "") printf "bare mat-vec %-22s 768x256 %.3f us, fc %.3f us\n", id, mv, med(id SUBSEP "matvec_fc_us")
  }
  print ""
  split("avx2 avx512", isa, " ")
  for (n = 1; n <= 2; n++) {
    net = n == 1 ? "cmudict-bigru" : "cmudict-bigru-h256"
    for (j = 1; j <= 2; j++) {
      fm = med(net "/" isa[j] SUBSEP "median_us")
      qm = med(net "-int8/" isa[j] "-int8" SUBSEP "median_us")
      if (fm != "" && qm != "")
        printf "int8 / fp32 %-20s %-7s per-word median %.2f / %.2f us = %.3f\n", net, isa[j], qm, fm, qm / fm
    }
  }
  print ""
  # the installed models against the g2p_en network in our fp32 kernels
  split("avx2-int8:avx2 avx512-int8:avx512 amx-int8:avx512", pair, " ")
  split("en-us-h384-int4 en-us-h384-int8 en-us-h256-int8", nets, " ")
  for (n = 1; n <= 3; n++) {
    net = nets[n]
    for (j = 1; j <= 3; j++) {
      split(pair[j], kk, ":")
      dm = med(net "/" kk[1] SUBSEP "median_us")
      gm = med("g2p_en/" kk[2] SUBSEP "median_us")
      if (dm != "" && gm != "")
        printf "%-16s %-11s / g2p_en fp32 %-6s per-word median %.2f / %.2f us = %.3f\n", net, kk[1], kk[2], dm, gm, dm / gm
    }
  }
  # the default as the daemon answers (gated rescoring), same comparison
  for (j = 1; j <= 3; j++) {
    split(pair[j], kk, ":")
    dm = med(dflt "/" kk[1] "+gated" SUBSEP "median_us")
    gm = med("g2p_en/" kk[2] SUBSEP "median_us")
    if (dm != "" && gm != "")
      printf "%-16s %-11s / g2p_en fp32 %-6s per-word median %.2f / %.2f us = %.3f (p99 %.2f / %.2f us)\n", dflt, kk[1] "+gated", kk[2], dm, gm, dm / gm, med(dflt "/" kk[1] "+gated" SUBSEP "p99_us"), med("g2p_en/" kk[2] SUBSEP "p99_us")
  }
  print ""
  print "+gated: the default as rnninferd answers it, rescored by " "'"$default_rescorer"'" " where greedy is below " "'"$default_gate"'" ";"
  print "bound_us: median over words of the sum of the word'"'"'s mat-vecs at their bare time;"
  print "ratio: sum of per-word median times / sum of bounds; ratio_med: median over words of time / bound;"
  print "x_numpy, x_openbl: g2p_en numpy predict median (reference BLAS, OpenBLAS) / row median."
}' "$rows" | tee "$out/kernel-table.txt"
