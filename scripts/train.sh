#!/usr/bin/env bash
# Starts (or resumes) the background training of the lite model. Every session runs this first.
# Runs at nice 19 so builds and tests keep priority.
#
# Since step 28,226 the default is the GAN phase (runs/lite-gan, shipped as models/hific-lite-gan):
# it resumes runs/lite-gan's latest checkpoint on this machine, or starts from the committed
# rate-distortion model models/hific-lite (and, once shipped, continues from models/hific-lite-gan)
# on a fresh one. The rate-distortion run is still resumable:
#   RUN=runs/lite GAN_START=1000000 bash scripts/train.sh
#
# RD_LR: the rate-distortion learning rate. 5e-4 (the trainer's default) got the lite run from
# nothing to ~21 dB on the eval crops by step 3,000, then eval PSNR swung +-0.7 dB between
# checkpoints around a flat mean (batch 4 is a noisy gradient): 2e-4 from step 4,341 on.
# k_P (10), the weight average (0.998) and the rate targets on crops (0.20/0.43/0.64, for 0.14/0.30/0.45 on
# the eval photos) are the trainer's defaults since step 7,640 (see TrainerOptions). Steps 12,300-28,226
# ran on a lent GPU (tools/gpu-train).
# Stop it with: pkill -TERM -f 'hific-train-bin/hific train'   (it saves a checkpoint first)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=/tmp/hific-train-bin
run=${RUN:-runs/lite-gan}
gan_start=${GAN_START:-28226}
if pgrep -f "$bin/hific train" >/dev/null; then echo "training is already running"; exit 0; fi
dotnet build src/HiFiC.Cli -c Release -nologo -v q
# A copy, so rebuilding the project does not pull the files from under the running trainer.
rm -rf "$bin" && cp -r src/HiFiC.Cli/bin/Release/net10.0 "$bin"
mkdir -p "$run"
init=()
if [ -n "${INIT:-}" ]; then init=(--init "$INIT")
elif [ "$run" = runs/lite-gan ] && [ -f models/hific-lite-gan/model.json ]; then init=(--init models/hific-lite-gan)
elif [ -f models/hific-lite/model.json ]; then init=(--init models/hific-lite)
fi
OMP_WAIT_POLICY=PASSIVE nohup nice -n 19 "$bin/hific" train --out "$run" --gan-start "$gan_start" --rd-lr "${RD_LR:-2e-4}" \
  --checkpoint-every 100 "${init[@]}" >> "$run/train.log" 2>&1 &
echo "training started (log: $run/train.log)"
