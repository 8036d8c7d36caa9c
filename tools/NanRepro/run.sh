#!/usr/bin/env bash
# Runs NanRepro once per oneDNN ISA level, each in its own process (oneDNN reads DNNL_MAX_CPU_ISA
# when it first dispatches a kernel). "unset" passes DNNL_MAX_CPU_ISA=ALL (oneDNN's own choice) where the project's own
# types are used (older builds capped an unset variable in TorchRuntime.PrepareNative).
# usage: tools/NanRepro/run.sh MODE [--key value]...   (ISAS="SSE41 AVX2" to choose levels)
# e.g.   tools/NanRepro/run.sh plain --pass bwd --seconds 180
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=tools/NanRepro/bin/Release/net10.0/NanRepro
[ -x "$bin" ] || dotnet build tools/NanRepro/NanRepro.csproj -c Release -nologo -v q >/dev/null
mode=$1
for isa in ${ISAS:-SSE41 AVX2 AVX512_CORE unset}; do
  if [ "$isa" = unset ]; then
    if [ "$mode" = plain ]; then value=""; else value=ALL; fi
  else value=$isa; fi
  if [ -n "$value" ]; then export DNNL_MAX_CPU_ISA=$value; else unset DNNL_MAX_CPU_ISA; fi
  # The project's wait policy (TorchRuntime.Configure), so threads behave as in silos and training.
  OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} nice -n 5 "$bin" "$@" || echo "RESULT exit=$? mode=$mode isa=$isa"
done
