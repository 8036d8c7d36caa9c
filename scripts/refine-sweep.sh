#!/usr/bin/env bash
# Starts (or resumes) issue 15's full-size RD sweep in the background at nice 19: all 30 eval photos at
# full size, plain hific-lite against `balanced` (40 refinement steps), 7 rates, with JPEG/WebP/AVIF/HEVC
# intra and Butteraugli at every point. About 7 CPU-hours: more than one session's cores, so it runs across
# sessions. Every point is appended to a point cache as soon as it is measured, and the cache keys learned
# points by a hash of HiFiC.Codec.dll, so the sweep runs from a build of one pinned commit (FROZEN, built in
# a worktree beside this checkout and copied to runs/refine-full/bin): later changes to the codec do not
# throw its points away.
#
# runs/ is not in git and goes with the machine, so `bash scripts/refine-sweep.sh save` copies what has
# been measured to docs/results/refine/full30/sweep-cache.tsv (commit it), with the dll's hash and the
# photos finished; a later start seeds its cache from there (re-keying the learned points by
# docs/results/refine/sweep_cache.py if the rebuild's dll hashes differently).
#
# One bench process codes one image at a time with a model (LearnedCodec's gate), so `--workers 2` kept
# only one core refining. The photos not finished yet are therefore split into LANES (default 2) bench
# processes of about equal pixels, one image at a time each, each with its own copy of the cache
# (runs/refine-full/lane-K); a restart first merges what the lanes measured into runs/refine-full/cache.
# Stop it with: pkill -TERM -f 'refine-full/bin/hific bench rd'
set -euo pipefail
cd "$(dirname "$0")/.."
dir=runs/refine-full
data=${DATA:-../shared/datasets/eval}
frozen=${FROZEN:-a80f6fb4b0e855003b08e46482df23fcbe251ad4}
seed=docs/results/refine/full30/sweep-cache.tsv
digest=227db2c6bdfbb6963286ccb76e3ce4b81f7e0586aa0f86c2e2b60430d0dce61e  # models/hific-lite at $frozen
mkdir -p "$dir/cache"
if [ ! -x "$dir/bin/hific" ]; then
  wt="$(realpath ..)/frozen-${frozen:0:7}"
  [ -d "$wt" ] || git worktree add --detach "$wt" "$frozen"
  (cd "$wt" && dotnet build src/HiFiC.Cli -c Release -nologo -v q)
  cp -r "$wt/src/HiFiC.Cli/bin/Release/net10.0" "$dir/bin"
  echo "$frozen" > "$dir/commit.txt"
fi
dll=$(sha256sum "$dir/bin/HiFiC.Codec.dll" | cut -d' ' -f1)
merge() { # appends to cache $1 the lines of $2 whose key it lacks
  awk -F'\t' 'NR==FNR { seen[$1]; next } !($1 in seen) { print; seen[$1] }' "$1" "$2" >> "$1"
}
touch "$dir/run.log" "$dir/cache/rd-points-cache.tsv"
# What earlier lanes measured joins the main cache (a key once).
for c in "$dir"/lane-*/cache/rd-points-cache.tsv; do
  if [ -f "$c" ]; then merge "$dir/cache/rd-points-cache.tsv" "$c"; fi
done
if [ "${1:-}" = save ]; then
  # The cache holds the seed it started from (re-keyed for this dll), so it replaces the seed whole.
  if [ -f "$seed" ] && [ "$(wc -l < "$dir/cache/rd-points-cache.tsv")" -lt "$(wc -l < "$seed")" ]; then
    echo "runs/refine-full holds fewer points than $seed: start the sweep (it seeds from there) before saving" >&2; exit 1
  fi
  mkdir -p "$(dirname "$seed")"
  cp "$dir/cache/rd-points-cache.tsv" "$seed"
  echo "$dll" > "${seed%.tsv}.dll"
  { cat "$dir"/run*.log; if [ -f "$dir/run-saved.log.done" ]; then cat "$dir/run-saved.log.done"; fi; } \
    | sed -n 's/.*\] \([^ ]*\): [0-9]* points in.*/\1/p; /^[^ ]*\.png$/p' | sort -u > "${seed%.tsv}.done"
  echo "saved $(wc -l < "$seed") points, $(wc -l < "${seed%.tsv}.done") photos finished, to $seed: commit it"
  exit 0
fi
if pgrep -f "$dir/bin/hific bench rd" >/dev/null; then echo "the refinement sweep is already running"; exit 0; fi
# What earlier sessions saved joins it too, re-keyed if this rebuild's dll hashes differently.
if [ -f "$seed" ]; then
  if [ "$(cat "${seed%.tsv}.dll")" = "$dll" ]; then cp "$seed" "$dir/seed.tsv"
  else python3 docs/results/refine/sweep_cache.py rekey "$seed" "$data" "$digest" "$(cat "${seed%.tsv}.dll")" "$dir/bin/HiFiC.Codec.dll" > "$dir/seed.tsv"
  fi
  merge "$dir/cache/rd-points-cache.tsv" "$dir/seed.tsv"
  cp "${seed%.tsv}.done" "$dir/run-saved.log.done" 2>/dev/null || true
fi
rm -rf "$dir"/lane-*/
# Unfinished photos (no "N points in" line in any log), dealt to lanes largest first, each to the lightest lane.
mapfile -t lanes < <(python3 - "$data" "${LANES:-2}" "$dir" <<'PY'
import glob, os, re, struct, sys
data, n, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
done = set()
for log in glob.glob(os.path.join(run, 'run*.log')):
    done |= set(re.findall(r'\] (\S+): \d+ points in', open(log).read()))
saved = os.path.join(run, 'run-saved.log.done')
if os.path.exists(saved): done |= set(open(saved).read().split())
todo = []
for f in sorted(glob.glob(os.path.join(data, '*.png'))):
    if os.path.basename(f) in done: continue
    w, h = struct.unpack('>II', open(f, 'rb').read(24)[16:24])
    todo.append((w * h, f))
load, groups = [0] * n, [[] for _ in range(n)]
for px, f in sorted(todo, reverse=True):
    k = load.index(min(load)); load[k] += px; groups[k].append(f)
for g in groups:
    if g: print(' '.join(g))
PY
)
if [ ${#lanes[@]} -eq 0 ]; then echo "the refinement sweep has finished: bash docs/results/refine/full-report.sh OUT"; exit 0; fi
k=0
for lane in "${lanes[@]}"; do
  k=$((k + 1)); ld="$dir/lane-$k"
  mkdir -p "$ld/eval"
  for f in $lane; do ln -s "$(realpath "$f")" "$ld/eval/"; done
  cp -r "$dir/cache" "$ld/cache"
  # glibc's malloc hands every tensor over 32 MB (a 1024² tile's feature maps) back to the kernel when it is
  # freed and faults it in afresh at the next step: 30-37% of a lane's CPU was system time, 30-40 k page
  # faults a second. Never mmap, one arena, no trimming: the freed memory is reused (same bits out). Builds
  # since 2026-12-07 restart themselves so (MallocTuning); the frozen one predates that, hence the variable.
  GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.arena_max=1 \
  OMP_WAIT_POLICY=PASSIVE nohup nice -n 19 "$dir/bin/hific" bench rd "$ld/eval" --model hific-lite \
    --rates=-0.5,0,0.4,0.8,1.2,1.6,2 --refine 40 --crop-bpp 0.15 --workers 1 --threads 1 \
    --cache "$ld/cache" --out "$ld/report" >> "$dir/run-lane-$k.log" 2>&1 &
  echo "lane $k: $(ls "$ld/eval" | wc -l) photos"
done
echo "refinement sweep started from the build of $(cat "$dir/commit.txt" 2>/dev/null || echo '?') (logs: $dir/run*.log)"
