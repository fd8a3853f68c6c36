#!/bin/sh
# recipe.sh -- the training of the shipped model (models/cmudict-bigru.g2pm),
# stage by stage, as models/MODEL_CARD.md records it. Each stage starts from
# the best-dev checkpoint of the one before (--init-from: weights only, a
# fresh optimizer), i.e. two warm restarts of the learning rate.
#
# Every epoch reseeds from --seed and the dev history fixes the plateau
# decay, so a stage with the same --epochs repeats the recorded one.
# Wall time here (2 vCPUs, one stage at a time on one core, another run on
# the other core): see the model card.
#
# usage: tools/train/recipe.sh [OUT_DIR]   (default /tmp/recipe)
#   then: tools/g2p-convert --name cmudict-bigru -o models/cmudict-bigru.g2pm \
#           OUT_DIR/3/final.npz
set -eu
OUT=${1:-/tmp/recipe}
run=$(dirname "$0")/run.sh
common="--hidden 256 --dec 256 --emb 128 --batch 128 --dropout 0.3"
# shellcheck disable=SC2086
"$run" --out "$OUT/1" $common --lr 1.5e-3 --epochs 26 --decay-start 12 \
  --decay-factor 0.8 --plateau-patience 4 --patience 10
# shellcheck disable=SC2086
"$run" --out "$OUT/2" $common --init-from "$OUT/1/ckpt_best.pt" --lr 7e-4 \
  --epochs 18 --decay-start 2 --decay-factor 0.85 --min-lr 5e-5 \
  --plateau-patience 2 --patience 6
# shellcheck disable=SC2086
"$run" --out "$OUT/3" $common --init-from "$OUT/2/ckpt_best.pt" --lr 3e-4 \
  --epochs 16 --decay-start 2 --decay-factor 0.85 --min-lr 3e-5 \
  --plateau-patience 2 --patience 6
