#!/bin/sh
# Runs the trainer with Debian's OpenBLAS selected (1 BLAS thread by default, 1 torch
# thread): ~20x faster per step than the reference BLAS on 2 cores.
# Usage: tools/train/run.sh [train.py options]   (default output: /tmp/train)
here=$(dirname "$0")
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} exec /usr/bin/python3 "$here/train.py" "$@"
