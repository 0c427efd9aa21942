#!/usr/bin/env bash
# Installs what is needed, builds, and runs one meta node on the built-in default config
# (HTTP API on :8091, Raft on :8089, state in /var/lib/influxdb/meta) as a single-server cluster.
# Extra arguments go to influxd-meta, e.g. `scripts/run-meta.sh -config /etc/influxdb/influxdb-meta.conf`.
# On the built-in defaults (no config file) the node gets a development license, made on first
# run beside the state (/var/lib/influxdb/dev-license, by scripts/dev-license.sh) and reused
# after; with a config file, that file decides the licensing.
# For tests: RUN_META_SKIP_INSTALL=1 skips install-deps.sh, RUN_META_BIN_DIR=DIR runs the
# binaries in DIR instead of building the release.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ "${RUN_META_SKIP_INSTALL:-}" != 1 ]; then sudo_if_needed scripts/install-deps.sh; fi
bin=${RUN_META_BIN_DIR:-$(scripts/build-release.sh | tail -1)}
echo "influxd-ctl is at $bin/influxd-ctl; try: $bin/influxd-ctl show"
if [ "$#" -eq 0 ]; then set -- -single-server; fi

# The config file influxd-meta would read, in its own lookup order; none means built-in defaults.
config=${INFLUXDB_META_CONFIG_PATH:-}
for argument in "$@"; do
    case $argument in -config | --config | -config=* | --config=*) config=given ;; esac
done
for candidate in "${HOME:-/nonexistent}/.influxdb/influxdb-meta.conf" /etc/influxdb/influxdb-meta.conf; do
    if [ -z "$config" ] && [ -f "$candidate" ]; then config=$candidate; fi
done
if [ -z "$config" ] && [ -z "${INFLUXDB_ENTERPRISE_LICENSE_KEY:-}${INFLUXDB_ENTERPRISE_LICENSE_PATH:-}" ]; then
    dev=$(dirname "${INFLUXDB_META_DIR:-/var/lib/influxdb/meta}")/dev-license
    scripts/dev-license.sh "$dev" "$bin/influx-license"
    export INFLUXDB_ENTERPRISE_LICENSE_PATH=$dev/license.json
    export INFLUXDB_ENTERPRISE_LICENSE_ISSUER_KEYS=$dev/issuer/issuer.pub.pem
fi
exec "$bin/influxd-meta" "$@"
