#!/usr/bin/env bash
# Regenerates docs/results/rd-* (the rate-distortion report of issue 3) for the shipped model(s) on
# the eval set. Points are cached in runs/rd-cache (kept on this machine, never committed) and
# reused while the pixels and what determines them are unchanged (tool versions and command lines;
# model digest, refinement and codec build), so a rerun after shipping new weights costs only the
# new model's points. Extra arguments go to `hific bench rd`
# (e.g. --model hific-lite-gan to add a model to the curves and the crop sheet).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/HiFiC.Cli -c Release -nologo -v q
bash scripts/install-codecs.sh >/dev/null
src/HiFiC.Cli/bin/Release/net10.0/hific bench rd "${EVAL_DIR:-../shared/datasets/eval}" --out docs/results \
  --model hific-lite --cache runs/rd-cache "$@"
