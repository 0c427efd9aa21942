#!/usr/bin/env bash
# Installs the system packages the build and the tests need (Debian 12). Needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
    pkg-config libssl-dev openssl       # COpenSSL, and certificates made in tests
    libcrypt-dev                        # CCrypt: bcrypt password hashes (libxcrypt)
    libsqlite3-dev                      # GRDB: influx-console's registry
    libraft-dev libuv1-dev              # CRaft: consensus (libraft 0.15.0, see below)
    iproute2 iputils-ping procps curl   # multi-host tests in network namespaces
    iptables                            # partitions and packet loss in the fault suite
    python3                             # the fault suite, its checkers and fuzzers
    strace                              # tests: no descriptor used after close
    dnsmasq-base                        # DNS discovery tests: a real DNS server (A, AAAA, SRV)
    protobuf-compiler                   # protoc: scripts/generate-proto.sh, the wire-format test, tools/datanode-sim
    golang-github-influxdb-influxdb-dev # InfluxDB 1.x's meta.proto, which the wire-format test and the simulator decode with
    dpkg-dev rpm binutils               # scripts/package.sh: dpkg-shlibdeps, rpmbuild, strip
    chromium fonts-dejavu-core          # the console's browser tests (faults/tests/test_console_browser.py), headless
    golang-go golang-github-influxdb-enterprise-client-dev # InfluxData's registration client, built against influx-console in a test
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ] || [ "${CI:-}" = true ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
# libraft 0.15.0 exactly (Debian 12's libraft-dev and libraft2): the code reads fields of its
# structures (Sources/MetaKernel/Consensus/LibraftInternals.swift), and influxd-meta refuses
# any other libraft at start-up.
libraft=$(dpkg-query -W -f='${Version}' libraft-dev)
case "$libraft" in
    0.15.0*) ;;
    *) echo "install-deps: libraft-dev $libraft is installed; this build needs libraft 0.15.0 (Debian 12's libraft-dev)" >&2; exit 1 ;;
esac
python3 -m pytest --version >/dev/null 2>&1 || python3 -m pip install -q pytest 2>/dev/null || apt-get install -y -qq python3-pytest >/dev/null
# Python's protobuf: faults/tests/test_protobuf_wire.py reads our GET / with InfluxDB's meta.proto, and the
# data-node simulator (tools/datanode-sim) decodes it with the code protoc 3.21 generates (runtime 4.21 to 5.x).
# prometheus_client's text parser reads GET /metrics in faults/tests/test_metrics_scrape.py.
python3 -c "import prometheus_client" 2>/dev/null || python3 -m pip install -q prometheus_client 2>/dev/null \
    || apt-get install -y -qq python3-prometheus-client >/dev/null
python3 -c "import google.protobuf" 2>/dev/null || python3 -m pip install -q 'protobuf>=4.21,<6' 2>/dev/null \
    || apt-get install -y -qq python3-protobuf >/dev/null
# Playwright drives Debian's chromium in faults/tests/test_console_browser.py and bench/console.py
# (its own browser download is not used: no `playwright install`).
python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright 2>/dev/null \
    || python3 -m pip install -q --break-system-packages playwright
