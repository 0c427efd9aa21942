#!/usr/bin/env bash
# Runs every test:
#   1. swift test: unit tests, cluster tests from the built binaries, and (as root) the
#      installation guide on three network-namespace hosts (scripts/seed-procedure-netns.sh);
#      then the descriptor audit on its own;
#   2. pytest faults/tests: the history checkers and a smoke run of the fuzzers;
#   3. as root, the fault-injection suite in short mode (python3 -m faults);
#   4. the release build the README's run command makes (scripts/build-release.sh: whole-module
#      optimisation and a static runtime catch what a debug build does not), and its programs
#      start (`version`, `-help`);
#   5. as root, the packages made from it (scripts/package.sh) installed, started, joined,
#      upgraded, restarted and purged on three namespace hosts (scripts/seed-package-netns.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build --skip DescriptorLifetimeTests
# Alone, in a process of its own: it fills every free descriptor number of its process with
# canary files and audits the process's descriptors, which would disturb tests running beside
# it (and theirs it).
swift test --skip-build --filter DescriptorLifetimeTests
bin=$(swift build --show-bin-path)
INFLUXD_BIN_DIR="$bin" python3 -m pytest -q faults/tests
if [ "$(id -u)" -eq 0 ]; then
    INFLUXD_BIN_DIR="$bin" python3 -m faults --out "${FAULTS_OUT:-/tmp/faults}"
else
    echo "skipped: the fault-injection suite (python3 -m faults) needs root"
fi
release=$(scripts/build-release.sh | tail -1)
for run in "influxd-meta version" "influxd-ctl -help" "influx-license --help"; do
    # shellcheck disable=SC2086
    "$release"/$run >/dev/null || { echo "test: the release build's \"$run\" failed" >&2; exit 1; }
done
echo "release build: ok ($release)"
if [ "$(id -u)" -eq 0 ]; then
    INFLUXD_RELEASE_DIR="$release" scripts/seed-package-netns.sh
else
    echo "skipped: the package installation test (scripts/seed-package-netns.sh) needs root"
fi
