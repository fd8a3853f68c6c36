"""The trainer of rnninferd's G2P network, as a package.

Modules: common (data, dev split, scoring), train (the PyTorch model and its
training loop), predict_np (a pure-numpy reference of the C inference),
average (checkpoint averaging). Run them as modules with tools/ on the
module path, e.g. `PYTHONPATH=tools python3 -m train.train --help`;
tools/train/run.sh does that for training, with OpenBLAS selected.
tests/train-unit.sh runs the unit tests (tests/train_unit.py).
"""
