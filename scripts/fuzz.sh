#!/usr/bin/env bash
# Fuzzes the .hific reader and the latent decoder with AFL++ through SharpFuzz (docs/fuzzing.md).
#
#   scripts/fuzz.sh run TARGET [SECONDS]   fuzz TARGET (header | decode) for SECONDS (default 600)
#   scripts/fuzz.sh cmin TARGET            minimise the run's queue into fuzz/corpus/TARGET
#   scripts/fuzz.sh replay TARGET PATH...  run files/folders through the target without AFL
#   scripts/fuzz.sh build                  install afl++ and sharpfuzz, build and instrument only
#
# One afl-fuzz at a time (a lock), at nice 19: the machine has 2 cores and model training comes
# first. Runs resume: a second `run` goes on from artifacts/fuzz/out/TARGET. FUZZ_FRESH=1 starts
# over from fuzz/corpus/TARGET.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/artifacts/fuzz"
BIN="$WORK/bin"
SHARPFUZZ="$ROOT/tools/sharpfuzz/sharpfuzz"
# Largest input AFL generates, and the managed heap's hard limit: the bound docs/fuzzing.md
# derives (header target: 1032 x input + 10 x input + 1 MiB; decode target: ~45 MiB per tile at
# the largest tile for golden-tiny) stays well under it, so OutOfMemory means a real bug.
MAX_INPUT=${FUZZ_MAX_INPUT:-131072}
HEAP_LIMIT=${FUZZ_HEAP_LIMIT:-0x20000000}
TIMEOUT_MS=${FUZZ_TIMEOUT_MS:-2000}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# dotnet itself is not instrumented (SharpFuzz instruments the managed assembly).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1
# .NET needs a moment to start before it answers the fork-server handshake.
export AFL_FORKSRV_INIT_TMOUT=${AFL_FORKSRV_INIT_TMOUT:-30000}

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

check_target() {
  case "${1:-}" in header | decode) ;; *) echo "unknown target '${1:-}' (header | decode)" >&2; usage ;; esac
}

setup() {
  if ! command -v afl-fuzz >/dev/null; then
    echo "installing afl++ (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null
  fi
  if [[ ! -x "$SHARPFUZZ" ]]; then
    echo "installing the sharpfuzz tool into tools/sharpfuzz"
    dotnet tool install --tool-path "$ROOT/tools/sharpfuzz" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
  fi
}

build() {
  setup
  nice -n 19 dotnet build fuzz/HiFiC.Fuzz -c Release -nologo -v q
  # An instrumented copy, without the native runtimes (the targets never load libtorch).
  rm -rf "$BIN" && mkdir -p "$BIN"
  (cd fuzz/HiFiC.Fuzz/bin/Release/net10.0 && tar --exclude=./runtimes -cf - .) | tar -xf - -C "$BIN"
  "$SHARPFUZZ" "$BIN/HiFiC.Codec.dll"
}

# afl-cmin wants the program as a path.
target_cmd() { echo "$(command -v dotnet)" "$BIN/HiFiC.Fuzz.dll" "$1"; }

run() {
  check_target "$1"
  local target=$1 seconds=${2:-600} out="$WORK/out/$1"
  build
  mkdir -p "$WORK/out"
  [[ "${FUZZ_FRESH:-0}" == 1 ]] && rm -rf "$out"
  if [[ -d "$out/default/queue" ]]; then export AFL_AUTORESUME=1; fi
  echo "fuzzing $target for $seconds s; findings in $out/default/{crashes,hangs}"
  exec 9>"$WORK/afl.lock"
  flock -n 9 || { echo "another afl-fuzz from this script is running; one at a time" >&2; exit 1; }
  DOTNET_GCHeapHardLimit=$HEAP_LIMIT nice -n 19 afl-fuzz -i "fuzz/corpus/$target" -o "$out" \
    -x fuzz/hific.dict -t "$TIMEOUT_MS" -m none -G "$MAX_INPUT" -V "$seconds" -- $(target_cmd "$target")
  grep -E 'run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|unique_crashes|unique_hangs|bitmap_cvg' \
    "$out/default/fuzzer_stats" || true
}

cmin() {
  check_target "$1"
  local target=$1 queue="$WORK/out/$1/default/queue" tmp="$WORK/cmin-$1"
  [[ -d "$queue" ]] || { echo "no queue at $queue: run first" >&2; exit 1; }
  [[ -f "$BIN/HiFiC.Fuzz.dll" ]] || build
  rm -rf "$tmp"
  exec 9>"$WORK/afl.lock"
  flock -n 9 || { echo "an afl-fuzz from this script is running; minimise after it" >&2; exit 1; }
  # The committed corpus too, so nothing it covered is lost.
  mkdir -p "$tmp.in" && cp "$queue"/id:* "$tmp.in"/ && cp "fuzz/corpus/$target"/* "$tmp.in"/
  DOTNET_GCHeapHardLimit=$HEAP_LIMIT nice -n 19 afl-cmin -i "$tmp.in" -o "$tmp" -t 10000 -m none -- $(target_cmd "$target")
  rm -rf "$tmp.in"
  # Names without AFL's commas and colons: seeds keep theirs, finds are named by a content hash.
  rm -rf "fuzz/corpus/$target" && mkdir -p "fuzz/corpus/$target"
  for f in "$tmp"/*; do
    name=$(basename "$f")
    case "$name" in
      *orig:*) name=${name##*orig:} ;;
      id:*) name=$(sha1sum "$f" | cut -c1-16) ;;
    esac
    install -m 644 "$f" "fuzz/corpus/$target/$name"
  done
  rm -rf "$tmp"
  echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) files, $(du -sh "fuzz/corpus/$target" | cut -f1)"
}

case "${1:-}" in
  run) shift; [[ $# -ge 1 ]] || usage; run "$@" ;;
  cmin) shift; [[ $# -eq 1 ]] || usage; cmin "$1" ;;
  replay) shift; [[ $# -ge 2 ]] || usage; check_target "$1"; [[ -f "$BIN/HiFiC.Fuzz.dll" ]] || build
    t=$1; shift; dotnet "$BIN/HiFiC.Fuzz.dll" "$t" --run "$@" ;;
  build) build ;;
  *) usage ;;
esac
