#!/usr/bin/env bash
# Builds the release binaries as shipped: the Swift runtime and Foundation linked statically
# (--static-swift-stdlib), linked by GNU ld with packed relative relocations (Package.swift).
# Prints the directory holding influxd-meta and influxd-ctl on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib)
swift build "${flags[@]}" --product influxd-meta >&2
swift build "${flags[@]}" --product influxd-ctl >&2
swift build "${flags[@]}" --show-bin-path
