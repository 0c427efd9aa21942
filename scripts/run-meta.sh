#!/usr/bin/env bash
# Installs what is needed, builds, and runs one meta node on the built-in default config
# (HTTP API on :8091, Raft on :8089, state in /var/lib/influxdb/meta) as a single-server cluster.
# Extra arguments go to influxd-meta, e.g. `scripts/run-meta.sh -config /etc/influxdb/influxdb-meta.conf`.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed scripts/install-deps.sh
bin=$(scripts/build-release.sh | tail -1)
echo "influxd-ctl is at $bin/influxd-ctl; try: $bin/influxd-ctl show"
if [ "$#" -eq 0 ]; then set -- -single-server; fi
exec "$bin/influxd-meta" "$@"
