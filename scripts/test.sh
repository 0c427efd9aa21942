#!/usr/bin/env bash
# Runs every test: unit tests, cluster tests from the built binaries, and the multi-host
# installation-guide test in network namespaces (scripts/seed-procedure-netns.sh, run by
# ClusterTests when root; skipped with a notice otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
