#!/usr/bin/env bash
# Exports runs/lite's latest checkpoint as the shipped model (models/hific-lite), measuring its
# rate points on the eval set. Training may keep running meanwhile. Commit models/hific-lite after.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/HiFiC.Cli -c Release -nologo -v q
nice -n 5 src/HiFiC.Cli/bin/Release/net10.0/hific train export --run runs/lite --id hific-lite \
  --out models/hific-lite --eval "${EVAL_DIR:-../shared/datasets/eval}" --overwrite \
  --description "HiFiC lite, variable rate (lo/mi/hi), trained on CPU with this repository's trainer"
