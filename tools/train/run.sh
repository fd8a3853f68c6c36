#!/bin/sh
# Runs the trainer with Debian's OpenBLAS selected instead of the reference
# BLAS (measured: ~1,950 ms vs ~90 ms per step for a 256/256 GRU at batch
# 256). One torch thread and one BLAS thread by default: on this 2-vCPU
# machine 2 threads made a step slower (305 -> 687 ms), and two trainings side
# by side use both cores better. Override with OPENBLAS_NUM_THREADS.
#
# OpenBLAS identifies the CPU by model number; on virtual machines that report
# a generic "Intel Xeon Processor" it falls back to its Prescott (SSE3)
# kernels, which made a training step ~3x slower here (880 vs 305 ms). Pick
# the kernel family from the CPU flags unless OPENBLAS_CORETYPE is set.
# Usage: tools/train/run.sh --split SPLIT.train [train options]
#   (default output: /tmp/train; `tools/train/run.sh --help` lists the options)
here=$(dirname "$0")
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
        OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
        OPENBLAS_CORETYPE=Haswell
    fi
fi
[ -n "${OPENBLAS_CORETYPE:-}" ] && export OPENBLAS_CORETYPE
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} \
PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 -m train.train "$@"
