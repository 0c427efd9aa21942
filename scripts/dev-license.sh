#!/usr/bin/env bash
# Usage: scripts/dev-license.sh DIR [INFLUX_LICENSE]
# Makes, or reuses, a development license in DIR for a node that has none: an issuer key pair
# (DIR/issuer/issuer.key.pem, 0600, and DIR/issuer/issuer.pub.pem) and a license valid for a year
# (DIR/license.json), both with influx-license (INFLUX_LICENSE, default: the one on PATH).
# A license that does not verify or expires within 30 days is issued again by the same issuer.
# Prints one line saying what it made or reused. Point a node at it with
#   INFLUXDB_ENTERPRISE_LICENSE_PATH=DIR/license.json INFLUXDB_ENTERPRISE_LICENSE_ISSUER_KEYS=DIR/issuer/issuer.pub.pem
# Not for production: anyone holding DIR/issuer/issuer.key.pem can issue licenses this node accepts.
set -euo pipefail
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
    echo "usage: scripts/dev-license.sh DIR [INFLUX_LICENSE]" >&2
    exit 2
fi
dir=$1
tool=${2:-influx-license}
if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    echo "dev-license: cannot write $dir; run as root, or choose a folder you own" >&2
    exit 1
fi
key=$dir/issuer/issuer.key.pem
pub=$dir/issuer/issuer.pub.pem
license=$dir/license.json
made=()
if [ ! -f "$key" ] || [ ! -f "$pub" ]; then
    rm -rf "$dir/issuer"
    "$tool" keygen -out "$dir/issuer" > /dev/null
    made+=("an issuer key pair")
fi
# The license stays while it verifies against the issuer key and has more than 30 days left.
expires=
if [ -f "$license" ] && fields=$("$tool" inspect "$license" -issuer-keys "$pub" 2> /dev/null); then
    expires=$(sed -n 's/^expires_at: *//p' <<< "$fields")
fi
if [ -z "$expires" ] || [ "$(date -u -d "$expires" +%s)" -lt "$(($(date -u +%s) + 30 * 86400))" ]; then
    expires=$(date -u -d "+365 days" +%Y-%m-%dT%H:%M:%SZ)
    "$tool" issue -key "$key" -org "development ($(hostname))" -plan development -expires "$expires" \
        -data-nodes 4 -cores 16 -meta-nodes 3 -out "$license" > /dev/null
    made+=("a license until $expires")
fi
if [ "${#made[@]}" -eq 0 ]; then
    echo "dev-license: using the development license $license (until $expires, issuer $pub)"
else
    joined=$(printf '%s and ' "${made[@]}")
    echo "dev-license: made ${joined% and } in $dir (development only: the license is $license, its issuer $pub)"
fi
