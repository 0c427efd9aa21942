#!/usr/bin/env bash
# Builds the release binaries as shipped. Prints the directory holding influxd-meta,
# influxd-ctl and influx-license on its last line. What each flag is for (docs/BENCHMARKS.md, "Idle RSS"):
#
#   --static-swift-stdlib        the Swift runtime and FoundationEssentials linked in, so only
#                                what a node uses is mapped (shared, they cost about 12 MB RSS)
#   -disable-autolink-library    no module of ours uses Foundation proper; without these, lld
#                                would resolve a FoundationEssentials symbol from Foundation and
#                                pull it in with ICU's 30 MB of data
#   libstdc++ linked statically  only the parts the Swift runtime uses (a directory holding
#                                just libstdc++.a, searched before the compiler's own)
#   -function-sections           every function in a section of its own, so that the linker
#                                can place them by scripts/influxd-meta.order: the code a running
#                                node touches then fills about 5 MB of pages instead of 12 MB
#   lld                          orders by symbol (--symbol-ordering-file), puts the unnamed
#                                functions LLVM's function merging leaves behind next to them
#                                (scripts/text-layout.ld), and packs relative relocations
#                                (DT_RELR, glibc 2.36+): 20 KB read at start-up instead of 1.6 MB
#   --no-export-dynamic          no dynamic symbol table of every public Swift symbol
#
# Regenerate the order file with scripts/link-order.py after large changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
flags=(-c release --static-swift-stdlib)
for library in Foundation CoreFoundation FoundationInternationalization _FoundationICU; do
    flags+=(-Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc "$library")
done
flags+=(-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections)
flags+=(-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic)
flags+=(-Xlinker "--symbol-ordering-file=$root/scripts/influxd-meta.order" -Xlinker --no-warn-symbol-ordering)
flags+=(-Xlinker -T -Xlinker "$root/scripts/text-layout.ld")
clang=$(dirname "$(readlink -f "$(command -v swift)")")/clang
static=$("$clang" -print-file-name=libstdc++.a 2>/dev/null || true)
if [ -f "$static" ]; then
    mkdir -p .build/static-libstdc++
    ln -sf "$static" .build/static-libstdc++/libstdc++.a
    flags+=(-Xswiftc "-L$root/.build/static-libstdc++")
else
    echo "build-release: no libstdc++.a (libstdc++-12-dev); linking libstdc++ dynamically" >&2
fi
# SwiftPM does not know the linker reads these two files: relink when either changed.
bin=$(swift build "${flags[@]}" --show-bin-path)
for product in influxd-meta influxd-ctl influx-license; do
    if [ -e "$bin/$product" ] && { [ scripts/influxd-meta.order -nt "$bin/$product" ] ||
        [ scripts/text-layout.ld -nt "$bin/$product" ]; }; then
        rm -f "$bin/$product"
    fi
done
swift build "${flags[@]}" --product influxd-meta >&2
swift build "${flags[@]}" --product influxd-ctl >&2
swift build "${flags[@]}" --product influx-license >&2
swift build "${flags[@]}" --show-bin-path
