#!/bin/sh
# Runs the trainer with Debian's OpenBLAS selected instead of the reference
# BLAS (issue 5 measured ~1,950 ms vs ~90 ms per step for a 256/256 GRU at
# batch 256). One torch thread; one BLAS thread by default because on this
# shared 2-vCPU machine 2 BLAS threads were no faster (often slower) per step;
# override with OPENBLAS_NUM_THREADS.
# Usage: tools/train/run.sh [train.py options]   (default output: /tmp/train)
here=$(dirname "$0")
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} exec /usr/bin/python3 "$here/train.py" "$@"
