#!/usr/bin/env bash
# Regenerates Sources/MetaProto/influxd_meta.pb.swift from Protos/influxd_meta.proto.
# Needs protoc (Debian: protobuf-compiler). Builds protoc-gen-swift from the swift-protobuf
# checkout SwiftPM resolved for Package.swift (same version as the library), in a scratch
# directory of its own, so the generator and the runtime always match. The generated file is
# committed; protoc-gen-swift starts it with `// swift-format-ignore-file`, so `swift format
# lint` skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package resolve >/dev/null
checkout=.build/checkouts/swift-protobuf
scratch=${PROTOC_GEN_SWIFT_SCRATCH:-/tmp/influxd-meta-protoc-gen-swift}
(cd "$checkout" && swift build -c release --product protoc-gen-swift --scratch-path "$scratch" >&2)
plugin="$scratch/release/protoc-gen-swift"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
    -I Protos --swift_out="$out" Protos/influxd_meta.proto
cp "$out/influxd_meta.pb.swift" Sources/MetaProto/influxd_meta.pb.swift
echo "generated Sources/MetaProto/influxd_meta.pb.swift" >&2
