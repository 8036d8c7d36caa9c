#!/usr/bin/env bash
# Runs several GAN-phase variants side by side on one lent GPU, from the same weights, and packs what
# each wrote so that all of it comes back (a call returns at most 8 files of 16 MiB, 64 MiB in all).
#   bash .gpu/variants.sh START_STEP TRAIN_SECONDS DEADLINE "a=--beta 0.6" "b=--beta 1.5"
# Each variant is bound by Python's kernel launches rather than by the GPU: on an H200 two ran at
# 76 ms per batch-16 step each against 41 ms for one alone. Only the averaged weights (the ones that
# ship), the discriminator and the logs come back: ~26 MB a variant, two 15 MiB parts in $OUT
# (import_run.py starts the raw weights from the average when raw-*.bin are missing).
set -uo pipefail
cd "$(dirname "$0")"
start=$1 train=$2 deadline=$3; shift 3
workers=$(( 14 / $# )); [ "$workers" -lt 2 ] && workers=2
for v in "$@"; do
  name=${v%%=*}; extra=${v#*=}
  mkdir -p "/tmp/$name"
  # shellcheck disable=SC2086  # extra holds several arguments
  PYTHONUNBUFFERED=1 python3 hific_gpu.py --weights weights16.bin.xz --data data --monitor monitor.npy --out "/tmp/$name" \
    --start-step "$start" --batch 16 --workers "$workers" --train-seconds "$train" --deadline "$deadline" \
    --gan --discriminator discriminator16.bin --lr 1e-4 --no-raw $extra > "/tmp/$name/stdout.log" 2>&1 &
done
wait
for v in "$@"; do
  name=${v%%=*}
  grep -E 'Eval crops|done' "/tmp/$name/stdout.log" | tail -2 | sed "s/^/$name: /"
  tar -C "/tmp/$name" -cf - . | split -b 15M - "$OUT/$name.tar."
done
ls -la "$OUT"
