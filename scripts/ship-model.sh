#!/usr/bin/env bash
# Exports runs/lite's latest checkpoint as the shipped model (models/hific-lite), measuring its
# rate points on the eval set. Training may keep running meanwhile. Commit models/ after.
# The version it replaces moves to models/retired/hific-lite-<digest12>/: archives name the exact
# weights that wrote them (by digest), so a shipped version is never deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/HiFiC.Cli -c Release -nologo -v q
digest_of() { sed -n 's/.*"digest": *"\([0-9a-f]*\)".*/\1/p' "$1/model.json"; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
nice -n 5 src/HiFiC.Cli/bin/Release/net10.0/hific train export --run runs/lite --id hific-lite \
  --out "$stage/hific-lite" --eval "${EVAL_DIR:-../shared/datasets/eval}" --overwrite \
  --description "HiFiC lite, variable rate (lo/mi/hi), trained on CPU with this repository's trainer"
if [ -f models/hific-lite/model.json ]; then
  old=$(digest_of models/hific-lite)
  if [ "$old" != "$(digest_of "$stage/hific-lite")" ]; then
    retired="models/retired/hific-lite-${old:0:12}"
    mkdir -p "$retired"
    cp models/hific-lite/model.json models/hific-lite/weights.bin models/hific-lite/tables.bin "$retired/"
    echo "retired the previous version to $retired"
  fi
fi
rm -rf models/hific-lite
mv "$stage/hific-lite" models/hific-lite
echo "shipped models/hific-lite ($(digest_of models/hific-lite))"
