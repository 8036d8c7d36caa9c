#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need, builds, runs
# every test project, and ends with one "N passed, N failed, N skipped" line.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

dotnet build HiFiC.Cluster.sln -c Release -nologo -v q || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
dotnet test HiFiC.Cluster.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary line per test assembly; add them up.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | grep -oE '[0-9]+' | paste -sd+ | bc)
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | grep -oE '[0-9]+' | paste -sd+ | bc)
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | grep -oE '[0-9]+' | paste -sd+ | bc)
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [ "${passed:-0}" = "0" ]; then exit 1; fi
exit "$status"
