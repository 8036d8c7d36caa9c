#!/usr/bin/env bash
# Makes the full-size refinement report (issue 15) from the sweep's point cache, with the sweep's own frozen
# build, encoding nothing: the photos the sweep has finished (all 30 once it ends) are linked into a folder,
# the bench runs on them with a copy of the cache (every point a cache hit), once per crop sheet (0.15 and
# 0.3 bpp), then analyse.py and per_image.py write analysis.md and per-image.md.
#   bash docs/results/refine/full-report.sh OUT      e.g. docs/results/refine/full30
# It can run beside the sweep (it reads, never writes, the sweep's files) but needs the two cores for a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${1:?usage: full-report.sh OUT}
run=runs/refine-full
data=${DATA:-../shared/datasets/eval}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/eval" "$out"
# The sweep's points: its cache plus what lanes still running or not yet merged have measured (a key once).
cp "$run/cache/rd-points-cache.tsv" "$work/points.tsv"
for c in "$run"/lane-*/cache/rd-points-cache.tsv; do
  [ -f "$c" ] || continue
  awk -F'\t' 'NR==FNR { seen[$1]; next } !($1 in seen) { print; seen[$1] }' "$work/points.tsv" "$c" >> "$work/points.tsv"
done
# A photo is finished once a bench logged its points (the log line names it), in this session or one saved.
{ cat "$run"/run*.log; if [ -f "$run/run-saved.log.done" ]; then cat "$run/run-saved.log.done"; fi; } \
  | sed -n 's/.*\] \([^ ]*\): [0-9]* points in.*/\1/p; /^[^ ]*\.png$/p' | sort -u | while read -r name; do
  ln -s "$(realpath "$data/$name")" "$work/eval/$name"
done
n=$(ls "$work/eval" | wc -l)
echo "$n photos finished"
# The two runs side by side (each codes only its crop sheet's images: one core each).
pids=()
for bpp in 0.15 0.3; do
  mkdir -p "$work/cache-$bpp" && cp "$work/points.tsv" "$work/cache-$bpp/rd-points-cache.tsv"
  GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.arena_max=1 \
  OMP_WAIT_POLICY=PASSIVE "$run/bin/hific" bench rd "$work/eval" --model hific-lite --rates=-0.5,0,0.4,0.8,1.2,1.6,2 \
    --refine 40 --crop-bpp "$bpp" --workers 1 --threads 1 --cache "$work/cache-$bpp" --out "$work/report-$bpp" >> "$work/bench-$bpp.log" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  bpp=$([ $i = 0 ] && echo 0.15 || echo 0.3)
  wait "${pids[$i]}" || { echo "the bench failed at --crop-bpp $bpp:" >&2; tail -n 20 "$work/bench-$bpp.log" >&2; exit 1; }
done
for bpp in 0.15 0.3; do
  # Every point must have come from the sweep's cache: a point coded here would be another build's or another load's.
  if [ "$(wc -l < "$work/cache-$bpp/rd-points-cache.tsv")" != "$(wc -l < "$work/points.tsv")" ]; then
    echo "points were coded anew at --crop-bpp $bpp: not the sweep's numbers" >&2; exit 1
  fi
done
cp "$work/report-0.15"/rd-report.md "$work/report-0.15"/rd-points.csv "$work/report-0.15"/rd-curves.csv \
   "$work/report-0.15"/rd-bd-rate.csv "$work/report-0.15"/rd-*.png "$out/" 2>/dev/null || true
for bpp in 0.15 0.3; do
  cp "$work/report-$bpp/rd-crops.png" "$out/rd-crops-${bpp}bpp.png"
  cp "$work/report-$bpp/rd-crops.csv" "$out/rd-crops-${bpp}bpp.csv"
done
rm -f "$out/rd-crops.png"
python3 docs/results/refine/analyse.py "$out" > "$out/analysis.md"
python3 docs/results/refine/per_image.py "$out" > "$out/per-image.md"
echo "report of $n photos in $out"
