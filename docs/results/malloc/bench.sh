#!/usr/bin/env bash
# glibc malloc's defaults against the tunables `hific` now restarts itself with (MallocTuning), side by side:
# the same binary and inputs, the two modes interleaved, twice. CPU (user + sys), page faults and peak RSS
# from /usr/bin/time; the files' hashes show the bits are the same.
#   bash docs/results/malloc/bench.sh [IMAGE] > docs/results/malloc/bench.log
set -euo pipefail
cd "$(dirname "$0")/../../.."
H=src/HiFiC.Cli/bin/Release/net10.0/hific
[ -x "$H" ] || dotnet build src/HiFiC.Cli -c Release -nologo -v q >&2
img=${1:-../shared/datasets/eval/B20_Kleiber_by_Lukas_Baubkus.png}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
m() { # LABEL MODE CMD...: one run, its CPU, wall, faults and peak RSS
  local label=$1 mode=$2; shift 2
  if [ "$mode" = default ]; then set -- env HIFIC_MALLOC=default "$@"; fi
  /usr/bin/time -f "%U %S %e %R %M" -o "$w/t" env OMP_WAIT_POLICY=PASSIVE "$@" > /dev/null 2> "$w/err" || { cat "$w/err" >&2; exit 1; }
  read -r u s e f r < "$w/t"
  printf '%-8s %-20s user %6.2f sys %6.2f cpu %6.2f wall %6.2f faults %8d maxrss_MB %5d\n' "$mode" "$label" "$u" "$s" "$(echo "$u + $s" | bc)" "$e" "$f" $((r / 1024))
}
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) $(basename "$img") load: $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in 1 2; do
  for mode in default tuned; do
    rm -f "$w"/*.hific "$w"/*.png
    m fast-compress "$mode" "$H" compress "$img" -o "$w/a.hific" --rate 0.8 --threads 1
    m decompress "$mode" "$H" decompress "$w/a.hific" -o "$w/a.png" --threads 1
    m refine10-tile1024 "$mode" "$H" compress "$img" -o "$w/b.hific" --rate 0.8 --refine 10 --tile 1024 --threads 1
    echo "$mode files: $(sha256sum "$w/a.hific" "$w/b.hific" | cut -c1-16 | tr '\n' ' ')"
  done
done
