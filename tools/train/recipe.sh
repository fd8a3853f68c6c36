#!/bin/sh
# recipe.sh -- the training of the shipped model (models/cmudict-bigru.g2pm),
# stage by stage, as models/MODEL_CARD.md records it: one run from scratch,
# then two warm restarts of the learning rate (--init-from: weights only, a
# fresh optimizer), each with less dropout than the one before, then a
# widening: stage 3's network grown from H=D=256 to H=D=384 as the same
# function (new units start with zero outgoing weights) and trained on.
#
# Why the stages: with dropout 0.3 (the previous recipe) the network did not
# even fit its training words (25.6% train WER against 29.2% dev). Dropout
# 0.1 from scratch, then 0.05, then none, each from the best-dev weights of
# the stage before, gave the best dev WER within the time budget. The fit
# was still incomplete, so stage 4 adds width, starting from stage 3's
# function: it fit in the time budget where a fresh wide run (each
# epoch about twice a 256-wide one) would not have; that was not tried.
#
# Every epoch reseeds from --seed and the dev history fixes the plateau
# decay, so a stage with the same --epochs repeats the recorded one.
# Wall time here (2 vCPUs, one stage on one core, another run on the other
# core): see the model card.
#
# Stages 5-8 make the installed networks, which speak the shipped
# dictionary's conventions (targets: every variant the project's CMUdict
# gives each g014b2b.train word, --targets cmudict; dev metric: stressed WER
# against those variants). 5: the H=384 network of stage 4 fine-tuned on
# them (en-us-h384.g2pm; quantized, the daemon's default
# en-us-h384-int8.g2pm); 6: the H=256 network of stage 3 the same way (the
# student's start); 7: the student, stage 6's network distilled (token
# level: the teacher's distributions along each target, weight 0.7) from
# stage 5's epoch-6 network, over the training words plus 40,000 words of
# Debian's word lists that neither the dictionary nor the split holds, read
# by the teacher; 8: the student distilled on from stage 7's best, now from
# stage 5's final network (its best epoch) as the teacher, at a lower
# learning rate (quantized: en-us-h256-int8.g2pm); Q1: stage 5's network
# fine-tuned for 4-bit recurrent matrices (the default, en-us-h384-int4.g2pm).
# See models/MODEL_CARD.md
# for the figures. The recorded runs of 5 and 6 started from
# models/cmudict-bigru.g2pm and models/cmudict-bigru-h256.g2pm (--init-from
# reads a .g2pm), the same weights as stage 4's and stage 3's best.
# Then: tools/g2p-convert --name en-us-h384 -o models/en-us-h384.g2pm
# OUT_DIR/5/final.npz; tools/g2p-convert --quantize int8 --name en-us-h384-int8
# -o models/en-us-h384-int8.g2pm models/en-us-h384.g2pm; likewise
# OUT_DIR/8/final.npz -> en-us-h256 -> --quantize int8 -> en-us-h256-int8.
#
# usage: tools/train/recipe.sh [OUT_DIR]   (default /tmp/recipe)
#   WORDLISTS: the unlabeled word lists (default: wamerican-insane's and
#   wbritish-insane's files under /usr/share/dict)
#   SPLIT: the training split (default ../shared/data/cmudict-split/
#   g014b2b.train beside the source tree)
#   then: tools/g2p-convert --name cmudict-bigru -o models/cmudict-bigru.g2pm \
#           OUT_DIR/4/final.npz
#   (and --name cmudict-bigru-h256 ... OUT_DIR/3/final.npz for the narrow one)
set -eu
OUT=${1:-/tmp/recipe}
run=$(dirname "$0")/run.sh
SPLIT=${SPLIT:-$(dirname "$0")/../../../shared/data/cmudict-split/g014b2b.train}
TEST=${TEST:-$(dirname "$SPLIT")/g014b2b.test}
WORDLISTS=${WORDLISTS:-/usr/share/dict/american-english-insane /usr/share/dict/british-english-insane}
common="--split $SPLIT --hidden 256 --dec 256 --emb 128 --batch 128 --patience 8"
# shellcheck disable=SC2086
"$run" --out "$OUT/1" $common --dropout 0.1 --lr 1e-3 --epochs 16 \
  --decay-start 3 --decay-factor 0.9 --min-lr 3e-5 --plateau-patience 3
# shellcheck disable=SC2086
"$run" --out "$OUT/2" $common --init-from "$OUT/1/ckpt_best.pt" --dropout 0.05 \
  --lr 2.5e-4 --epochs 10 --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 \
  --plateau-patience 3
# shellcheck disable=SC2086
"$run" --out "$OUT/3" $common --init-from "$OUT/2/ckpt_best.pt" --dropout 0 \
  --lr 1e-4 --epochs 15 --decay-start 1 --decay-factor 0.9 --min-lr 1e-5 \
  --plateau-patience 3
"$run" --out "$OUT/4" --split "$SPLIT" --init-from "$OUT/3/ckpt_best.pt" \
  --hidden 384 --dec 384 \
  --emb 128 --batch 128 --patience 8 --dropout 0.05 --lr 3e-4 --epochs 26 \
  --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 --plateau-patience 3
# 5: the H=384 network on the dictionary's own variants (en-us-h384.g2pm;
# the recorded run: 20 epochs, best 17). Its epoch-6 checkpoint is stage 7's
# teacher, so the stage runs to epoch 6, keeps that checkpoint, and resumes
# (the schedule is a function of the epoch: resuming repeats the run).
"$run" --out "$OUT/5" --split "$SPLIT" --targets cmudict --init-from "$OUT/4/ckpt_best.pt" \
  --hidden 384 --dec 384 --emb 128 --batch 128 --dropout 0.05 --lr 2e-4 \
  --epochs 6 --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 \
  --plateau-patience 3 --patience 6
cp "$OUT/5/ckpt_best.pt" "$OUT/5/teacher-epoch6.pt"
"$run" --out "$OUT/5" --split "$SPLIT" --targets cmudict --init-from "$OUT/4/ckpt_best.pt" \
  --hidden 384 --dec 384 --emb 128 --batch 128 --dropout 0.05 --lr 2e-4 \
  --epochs 20 --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 \
  --plateau-patience 3 --patience 6 --resume
# 6: the H=256 network likewise (the recorded run's best epoch: 4)
"$run" --out "$OUT/6" --split "$SPLIT" --targets cmudict --init-from "$OUT/3/ckpt_best.pt" \
  --hidden 256 --dec 256 --emb 128 --batch 128 --dropout 0.05 --lr 3e-4 \
  --epochs 4 --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 \
  --plateau-patience 3 --patience 6
# 7: the student (stage 8 goes on from it): stage 6's network distilled from
# stage 5's epoch-6 network over the training words and 40,000 unlabeled
# words (the recorded run was stopped after epoch 18; its best was 16)
unl=""
for f in $WORDLISTS; do unl="$unl --unlabeled $f"; done
# shellcheck disable=SC2086
"$run" --out "$OUT/7" --split "$SPLIT" --targets cmudict --init-from "$OUT/6/ckpt_best.pt" \
  --teacher "$OUT/5/teacher-epoch6.pt" \
  $unl --exclude "$TEST" --unlabeled-count 40000 --kd-weight 0.7 \
  --hidden 256 --dec 256 --emb 128 --batch 128 --dropout 0.05 --lr 2e-4 \
  --epochs 16 --decay-start 1 --decay-factor 0.95 --min-lr 2e-5 \
  --plateau-patience 3 --patience 8
# 8: the student distilled on (en-us-h256-int8.g2pm): from stage 7's best,
# teacher stage 5's best (epoch 17), the same 40,000 unlabeled words (the
# sample is seeded), lr 1e-4 x0.93 per epoch (the recorded run: 20 epochs,
# best 15)
# shellcheck disable=SC2086
"$run" --out "$OUT/8" --split "$SPLIT" --targets cmudict --init-from "$OUT/7/ckpt_best.pt" \
  --teacher "$OUT/5/ckpt_best.pt" \
  $unl --exclude "$TEST" --unlabeled-count 40000 --kd-weight 0.7 \
  --hidden 256 --dec 256 --emb 128 --batch 128 --dropout 0.05 --lr 1e-4 \
  --epochs 20 --decay-start 1 --decay-factor 0.93 --min-lr 1e-5 \
  --plateau-patience 3 --patience 8
# Q1: the default (en-us-h384-int4.g2pm): stage 5's final network fine-tuned
# with its recurrent matrices rounded to 4 bits in every forward pass
# (--qat-int4), distilled from itself in fp32 (weight 0.5, training words
# only), lr 1e-5 x0.9 (the recorded run: early stop after 6 epochs, best 2;
# it started from models/en-us-h384.g2pm, stage 5's final weights). Then:
# tools/g2p-convert --name en-us-h384-int4 -o OUT_DIR/Q1/f32.g2pm
# OUT_DIR/Q1/final.npz; tools/g2p-convert --quantize int4 --name
# en-us-h384-int4 -o models/en-us-h384-int4.g2pm OUT_DIR/Q1/f32.g2pm.
"$run" --out "$OUT/Q1" --split "$SPLIT" --targets cmudict --init-from "$OUT/5/ckpt_best.pt" \
  --teacher "$OUT/5/ckpt_best.pt" --kd-weight 0.5 --qat-int4 \
  --hidden 384 --dec 384 --emb 128 --batch 128 --dropout 0.05 --lr 1e-5 \
  --epochs 10 --decay-start 1 --decay-factor 0.9 --min-lr 2e-6 \
  --plateau-patience 3 --patience 4
# R1, R2: the right-to-left rescorer (en-us-r2l-h256-int8.g2pm, rnninferd
# --rescore-model): an H=256 network trained from scratch on the same
# targets read last phoneme first (--reverse; seed 3; the recorded run was
# stopped by hand after epoch 20, its best 19), then a warm restart with
# less dropout, as stages 1-2 do for the left-to-right network.
# Quantized: tools/g2p-convert --name en-us-r2l-h256 -o OUT_DIR/R2/r2l.g2pm
# OUT_DIR/R2/final.npz; tools/g2p-convert --quantize int8 --name
# en-us-r2l-h256-int8 -o models/en-us-r2l-h256-int8.g2pm OUT_DIR/R2/r2l.g2pm
# (the export carries reversed=1, so the file has the REVERSED flag).
"$run" --out "$OUT/R1" --split "$SPLIT" --targets cmudict --reverse \
  --hidden 256 --dec 256 --emb 128 --batch 128 --patience 8 --dropout 0.1 \
  --lr 1e-3 --epochs 20 --decay-start 3 --decay-factor 0.9 --min-lr 3e-5 \
  --plateau-patience 3 --seed 3
"$run" --out "$OUT/R2" --split "$SPLIT" --targets cmudict --reverse \
  --init-from "$OUT/R1/ckpt_best.pt" --hidden 256 --dec 256 --emb 128 \
  --batch 128 --patience 6 --dropout 0.05 --lr 2.5e-4 --epochs 12 \
  --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 --plateau-patience 3 --seed 3
# R3: the right-to-left rescorer of the benchmark checkpoint
# (models/cmudict-r2l-h256-int8.g2pm, not installed): R2's network trained
# on the split's own targets (--targets split; dev metric: the split's
# stressless WER), as stage 4's network is; it rescores cmudict-bigru.g2pm
# (g2p-eval --rescore-model, weight 1, chosen on dev). Quantized as R2 is:
# tools/g2p-convert --name cmudict-r2l-h256 -o OUT_DIR/R3/r2l.g2pm
# OUT_DIR/R3/final.npz; tools/g2p-convert --quantize int8 --name
# cmudict-r2l-h256-int8 -o models/cmudict-r2l-h256-int8.g2pm OUT_DIR/R3/r2l.g2pm
# (the recorded run: 12 epochs, best 9, dev 25.86%).
"$run" --out "$OUT/R3" --split "$SPLIT" --targets split --reverse \
  --init-from "$OUT/R2/ckpt_best.pt" --hidden 256 --dec 256 --emb 128 \
  --batch 128 --patience 6 --dropout 0.05 --lr 2.5e-4 --epochs 12 \
  --decay-start 1 --decay-factor 0.9 --min-lr 2e-5 --plateau-patience 3 --seed 3
