#!/usr/bin/env bash
# Installs the pinned Azurite (tools/azurite/package-lock.json) for the Azure provider tests.
# Idempotent. Needs node and npm (Debian: apt-get install nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/../tools/azurite"
if [ -x node_modules/.bin/azurite ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm is missing (apt-get install nodejs npm)" >&2; exit 1
  fi
fi
npm ci --no-audit --no-fund --loglevel=error
