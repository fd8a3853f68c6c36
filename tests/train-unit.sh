#!/bin/sh
# train-unit.sh -- unit tests of the trainer package tools/train
# (tests/train_unit.py): data handling always; tokenisation, target
# batches, --help and the numpy reference against torch on a tiny random
# model when python3-torch is installed (skipped, and said so, otherwise).
# Skips (77) without python3.
set -u
src=${top_srcdir:-..}
PY=/usr/bin/python3
if ! test -x "$PY"; then
  echo "train-unit: no /usr/bin/python3, skipping"
  exit 77
fi
"$PY" -c 'import torch, numpy' 2>/dev/null ||
  echo "train-unit: torch/numpy not installed: their tests are skipped"
b=$(cd "${top_builddir:-.}" && pwd)
cd "$src/tests" &&
G2P_CONVERT=$b/tools/g2p-convert \
PYTHONPATH="$src/tools${PYTHONPATH:+:$PYTHONPATH}" OPENBLAS_NUM_THREADS=1 \
  "$PY" -B train_unit.py
