#!/usr/bin/env bash
# Runs every test:
#   1. swift test: unit tests, cluster tests from the built binaries, and (as root) the
#      installation guide on three network-namespace hosts (scripts/seed-procedure-netns.sh);
#   2. pytest faults/tests: the history checkers and a smoke run of the fuzzers;
#   3. as root, the fault-injection suite in short mode (python3 -m faults).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
bin=$(swift build --show-bin-path)
INFLUXD_BIN_DIR="$bin" python3 -m pytest -q faults/tests
if [ "$(id -u)" -eq 0 ]; then
    INFLUXD_BIN_DIR="$bin" python3 -m faults --out "${FAULTS_OUT:-/tmp/faults}"
else
    echo "skipped: the fault-injection suite (python3 -m faults) needs root"
fi
