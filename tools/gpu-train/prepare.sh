#!/usr/bin/env bash
# Builds .gpu/, the folder a lent GPU machine's `run` call carries: the training photos (losslessly
# repacked to fit the 64 MiB a call may send), fixed eval crops, the latest checkpoint's averaged
# weights (float16, xz) and the trainer. See tools/gpu-train/README.md for the whole routine.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${RUN:-runs/lite-gan}
data=${DATA:-../shared/datasets/train}
eval=${EVAL:-../shared/datasets/eval}
py=/usr/bin/python3
# The CPU trainer's later steps would be thrown away by the import, and it deletes old checkpoints
# (it keeps three), among them the one the GPU run starts from, which import_run.py reads.
if pgrep -f 'hific train' >/dev/null; then
  echo "stop the CPU trainer first: pkill -TERM -f 'hific-train-bin/hific train'" >&2; exit 1
fi
$py -c 'import numpy, PIL' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-pil; }
command -v jpegtran >/dev/null && command -v cwebp >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjpeg-turbo-progs webp
# A fresh checkout has no runs/ (not in git): seed the run from the shipped model it was exported to.
if [ ! -f "$run/checkpoints/latest" ]; then
  from=${FROM:-models/hific-lite-gan}; [ "$run" = runs/lite ] && from=${FROM:-models/hific-lite}
  $py tools/gpu-train/seed_run.py "$from" "$run"
fi
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/data
# Lossless only: JPEGs get optimised Huffman tables (same pixels, EXIF kept), PNGs become lossless WebP.
for f in "$data"/*; do
  case "${f,,}" in
    *.jpg|*.jpeg) jpegtran -optimize -progressive -copy all "$f" > ".gpu/data/$(basename "$f")" ;;
    *.png) cwebp -quiet -lossless -exact -z 9 "$f" -o ".gpu/data/$(basename "${f%.*}").webp" ;;
    *.webp|*.bmp|*.tif|*.tiff) cp "$f" .gpu/data/ ;;
  esac
done
cp tools/gpu-train/hific_gpu.py tools/gpu-train/sdio.py tools/gpu-train/variants.sh .gpu/
checkpoint="$run/checkpoints/$(cat "$run/checkpoints/latest")"
$py - "$checkpoint" "$eval" <<'PY'
import json, os, sys
import numpy as np
from PIL import Image, ImageOps
sys.path.insert(0, '.gpu')
import sdio
checkpoint, eval_dir = sys.argv[1:]
avg = os.path.join(checkpoint, 'model-average.bin')
sd = sdio.load(avg if os.path.exists(avg) else os.path.join(checkpoint, 'model.bin'))
sdio.save('.gpu/weights16.bin', {k: v.astype(np.float16) for k, v in sd.items()})
disc = os.path.join(checkpoint, 'discriminator.bin')
if os.path.exists(disc):
    sdio.save('.gpu/discriminator16.bin', {k: v.astype(np.float16) for k, v in sdio.load(disc).items()})
# The trainer's monitor crops: centre 256 px of the first six eval images (ordinal order), not downscaled.
names = sorted(n for n in os.listdir(eval_dir) if os.path.splitext(n)[1].lower() in ('.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff'))[:6]
crops = []
for n in names:
    a = np.asarray(ImageOps.exif_transpose(Image.open(os.path.join(eval_dir, n))).convert('RGB'))
    h, w = a.shape[:2]
    crops.append(a[(h - 256) // 2:(h - 256) // 2 + 256, (w - 256) // 2:(w - 256) // 2 + 256].transpose(2, 0, 1))
np.save('.gpu/monitor.npy', np.stack(crops))
state = json.load(open(os.path.join(checkpoint, 'state.json')))
print(f"start step {state['Step']} ({checkpoint})")
PY
xz -6 -T2 .gpu/weights16.bin
tree=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}')
models=$(git ls-files -z models | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}')
gpu=$(du -sb .gpu | cut -f1)
echo "travels: .gpu $((gpu / 1048576)) MiB + tracked files $((tree / 1048576)) MiB, of which models/ $((models / 1048576)) MiB (limit 64 MiB)"
echo "move models/ aside for the call: mv models /tmp/models-hold   (and back after: mv /tmp/models-hold models)"
