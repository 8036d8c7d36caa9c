#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine with the .NET 10 SDK.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v bc >/dev/null || need_apt+=(bc)
# The RD benchmark's end-to-end test codes with the real cjpeg/djpeg.
command -v cjpeg >/dev/null || need_apt+=(libjpeg-turbo-progs)
# The web dashboard's browser test drives Debian's chromium (Playwright never downloads a browser).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The deployment tests validate docker-compose.yml with `docker-compose config` (no Docker engine needed).
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing packages (install as root): ${need_apt[*]}" >&2; exit 1
  fi
fi
# Azurite (Azure Storage emulator) for the cluster's Blob/Queue tests, from npm into tools/azurite.
bash scripts/install-azurite.sh
dotnet restore HiFiC.Cluster.sln -v q
