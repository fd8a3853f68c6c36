#!/bin/sh
# Installs what the trainer needs on Debian: PyTorch and numpy from Debian, and
# OpenBLAS (pthread) because the default reference BLAS is ~20x slower here.
set -e
apt-get install -y python3-torch python3-numpy libopenblas0-pthread
