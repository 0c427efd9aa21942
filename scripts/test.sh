#!/usr/bin/env bash
# Runs every test: unit and single-host cluster tests (swift test), then the multi-host
# installation-guide test in network namespaces (needs root; skipped with a notice otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
bin=$(swift build --show-bin-path)
if [ -x tests/multihost/seed-procedure.sh ]; then
    if [ "$(id -u)" -eq 0 ]; then
        INFLUXD_BIN_DIR="$bin" tests/multihost/seed-procedure.sh
    else
        echo "skipped: tests/multihost/seed-procedure.sh needs root (network namespaces)"
    fi
fi
