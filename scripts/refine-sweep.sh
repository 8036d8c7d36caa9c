#!/usr/bin/env bash
# Starts (or resumes) issue 15's full-size RD sweep in the background at nice 19: all 30 eval photos at
# full size, plain hific-lite against `balanced` (40 refinement steps), 7 rates, with JPEG/WebP/AVIF/HEVC
# intra and Butteraugli at every point. About 6 CPU-hours of refinement: more than one session's cores,
# so it runs across sessions. Every point is appended to a point cache as soon as it is measured, and the
# cache keys learned points by a hash of HiFiC.Codec.dll, so the sweep runs from a frozen copy of the
# build it started with (runs/refine-full/bin): later changes to the codec do not throw its points away.
# Delete runs/refine-full to start again with the current build.
# Stop it with: pkill -TERM -f 'refine-full/bin/hific bench rd'
set -euo pipefail
cd "$(dirname "$0")/.."
dir=runs/refine-full
if pgrep -f "$dir/bin/hific bench rd" >/dev/null; then echo "the refinement sweep is already running"; exit 0; fi
mkdir -p "$dir"
if [ ! -x "$dir/bin/hific" ]; then
  dotnet build src/HiFiC.Cli -c Release -nologo -v q
  cp -r src/HiFiC.Cli/bin/Release/net10.0 "$dir/bin"
  git rev-parse HEAD > "$dir/commit.txt"
fi
OMP_WAIT_POLICY=PASSIVE nohup nice -n 19 "$dir/bin/hific" bench rd "${DATA:-../shared/datasets/eval}" --model hific-lite \
  --rates=-0.5,0,0.4,0.8,1.2,1.6,2 --refine 40 --crop-bpp 0.15 --workers "${WORKERS:-2}" --threads 1 \
  --cache "$dir/cache" --out "$dir/report" >> "$dir/run.log" 2>&1 &
echo "refinement sweep started from the build of $(cat "$dir/commit.txt" 2>/dev/null || echo '?') (log: $dir/run.log)"
