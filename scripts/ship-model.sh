#!/usr/bin/env bash
# Exports a run's latest checkpoint as a shipped model, measuring its rate points on the eval set.
# Training may keep running meanwhile. Commit models/ after.
#   bash scripts/ship-model.sh                                   runs/lite-gan -> models/hific-lite-gan
#   RUN=runs/lite ID=hific-lite bash scripts/ship-model.sh       the rate-distortion model (the default codec)
# The version it replaces moves to models/retired/<id>-<digest12>/: archives name the exact
# weights that wrote them (by digest), so a shipped version is never deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${RUN:-runs/lite-gan}
id=${ID:-hific-lite-gan}
case "$id" in
  *gan*) default_description="HiFiC lite in the GAN phase (conditional discriminator; where and how: training.recipe), variable rate (lo/mi/hi)" ;;
  *) default_description="HiFiC lite, variable rate (lo/mi/hi), trained with this repository's trainers (where and how: training.recipe)" ;;
esac
description=${DESCRIPTION:-$default_description}
dotnet build src/HiFiC.Cli -c Release -nologo -v q
digest_of() { sed -n 's/.*"digest": *"\([0-9a-f]*\)".*/\1/p' "$1/model.json"; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
nice -n 5 src/HiFiC.Cli/bin/Release/net10.0/hific train export --run "$run" --id "$id" \
  --out "$stage/$id" --eval "${EVAL_DIR:-../shared/datasets/eval}" --overwrite \
  --description "$description"
if [ -f "models/$id/model.json" ]; then
  old=$(digest_of "models/$id")
  if [ "$old" != "$(digest_of "$stage/$id")" ]; then
    retired="models/retired/$id-${old:0:12}"
    mkdir -p "$retired"
    cp "models/$id/model.json" "models/$id/weights.bin" "models/$id/tables.bin" "$retired/"
    echo "retired the previous version to $retired"
  fi
fi
rm -rf "models/$id"
mv "$stage/$id" "models/$id"
echo "shipped models/$id ($(digest_of "models/$id"))"
