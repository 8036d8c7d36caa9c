#!/usr/bin/env bash
# Old and new decoder in-process, alternating per file and thread count, one run (docs/results/decode/README.md).
# Usage: run.sh OLD_TREE NEW_TREE OUT_FILE FILE.hific...   (DNNL_MAX_CPU_ISA from the environment, e.g. AVX512_CORE)
set -euo pipefail
old=$1 new=$2 out=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
for side in old new; do
  tree=$([ $side = old ] && echo "$old" || echo "$new")
  dir=/tmp/cpuprobe-$side; mkdir -p "$dir"; cp "$here/Program.cs" "$here/cpuprobe.csproj" "$dir/"
  (cd "$dir" && dotnet build -c Release -nologo -v q -p:TREE="$tree" $([ $side = old ] && echo -p:OLD=1) >/dev/null)
  # TorchSharp finds LibTorch beside the program only when it was restored for the runtime; copy the CLI's.
  rm -rf "$dir/bin/Release/net10.0/cpu"; mkdir -p "$dir/bin/Release/net10.0/runtimes/linux-x64"
  cp -r "$new/src/HiFiC.Cli/bin/Release/net10.0/runtimes/linux-x64/native" "$dir/bin/Release/net10.0/runtimes/linux-x64/"
done
: > "$out"
for threads in 1 2; do
  for f in "$@"; do
    for side in old new; do
      tree=$([ $side = old ] && echo "$old" || echo "$new")
      echo -e "threads=$threads\t$side\t$(dotnet /tmp/cpuprobe-$side/bin/Release/net10.0/cpuprobe.dll $threads 3 "$tree/models/hific-lite" "$f")" | tee -a "$out"
    done
  done
done
