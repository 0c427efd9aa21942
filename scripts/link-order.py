#!/usr/bin/env python3
"""Writes scripts/influxd-meta.order: the functions a meta node runs, in the order the linker
should place them, so that the code a running node touches sits on as few pages as possible.

It runs three nodes of the given release build under valgrind's callgrind on loopback, takes
them through what the bench's idle figure covers and what a working cluster does (start,
join, writes, linearizable reads, `influxd-ctl show`, an idle pause, shutdown), and lists every
function of the binary that ran on any of them. Functions that ran on all three nodes come
first, then those that ran on fewer; inside each group they are sorted by (mangled) name, which
keeps a module's functions together and the file stable from one profile to the next.

    swift build -c release ...   (scripts/build-release.sh)
    python3 scripts/link-order.py "$(scripts/build-release.sh | tail -1)"

Regenerate it after large changes to what a node runs; a function missing from the list is
still linked, only placed after the listed ones. See docs/BENCHMARKS.md, "Idle RSS".
"""

from __future__ import annotations

import collections
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from clusters import NODES, Meta, dev_license, request, wait_since  # noqa: E402

ORDER_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "influxd-meta.order")


class ProfiledMeta(Meta):
    """The bench's three nodes, each under callgrind, with Raft timeouts long enough for a node
    slowed down fifty times by valgrind to keep its leader."""

    def __init__(self, binaries: str, root: str, profiled: str):
        super().__init__(binaries, root, snapshot_threshold=8192)
        self.profiled = profiled
        for i in NODES:
            with open(self.config(i), "w") as f:
                f.write(f'hostname = "127.0.0.{i}"\n[meta]\ndir = "{root}/{i}/meta"\n'
                        f'bind-address = "127.0.0.{i}:8089"\nhttp-bind-address = "127.0.0.{i}:8091"\n'
                        'election-timeout = "20s"\nheartbeat-timeout = "10s"\n'
                        'leader-lease-timeout = "5s"\n[logging]\nlevel = "info"\n' + dev_license(binaries))

    def command(self, i: int) -> list[str]:
        return ["valgrind", "--tool=callgrind", "--dump-instr=no", "--compress-strings=no", "--demangle=no",
                f"--callgrind-out-file={self.root}/{i}.callgrind", self.profiled, "-config", self.config(i)]


def wait(what: str, condition, seconds: float) -> None:
    if math.isnan(wait_since(time.perf_counter(), condition, seconds, interval=0.2)):
        raise SystemExit(f"link-order: gave up waiting for {what} after {seconds:.0f} s")


def exercise(meta: ProfiledMeta) -> None:
    for i in NODES:
        meta.launch(i)
    for i in NODES:
        wait(f"node {i} to answer /ping", lambda i=i: meta.answering(i), 300)
    meta.form()
    n = 0
    while n < 20:
        if meta.write(1, f"db{n}", timeout=30.0) is not None:
            n += 1
    for i in NODES:
        wait(f"node {i} to apply the writes", lambda i=i: meta.caught_up(i), 120)
        request(meta.addr(i), "GET", "/?consistent=true", timeout=30.0)
        request(meta.addr(i), "GET", "/status", timeout=30.0)
    subprocess.run([f"{meta.binaries}/influxd-ctl", "-bind", meta.addr(1), "show"], capture_output=True,
                   check=True, timeout=120)
    time.sleep(5)  # idle: heartbeats, the quiet-moment snapshot, the status polls
    for i in NODES:
        meta.procs[i].send_signal(signal.SIGTERM)
    for i in NODES:
        meta.procs[i].wait(timeout=300)


def functions(path: str, binary: str) -> list[str]:
    """The functions of `binary` that ran, from a callgrind profile written with uncompressed
    strings, in the file's order. A called function (`cfn`) is in the object named by the `cob`
    line before it, or else in the caller's object (`ob`)."""
    names: dict[str, None] = {}
    ob = ""
    cob = ""
    with open(path, errors="replace") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            if key == "ob":
                ob = value
            elif key == "cob":
                cob = value
            elif key in ("fn", "cfn"):
                value = value.split("'")[0]  # callgrind's "'2" marks a recursion level
                owner = ob if key == "fn" or not cob else cob
                cob = ""
                # `0x…`: code without a symbol, which scripts/text-layout.ld places instead
                if os.path.basename(owner) == binary and not value.startswith("0x"):
                    names.setdefault(value)
    return list(names)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: link-order.py BINARIES_DIR (a release build with influxd-meta and influxd-ctl)")
    binaries = sys.argv[1]
    root = tempfile.mkdtemp(prefix="link-order.")
    profiled = f"{root}/influxd-meta"
    # valgrind cannot read the DWARF 5 of this toolchain; the symbol table is all it needs.
    subprocess.run(["objcopy", "--strip-debug", f"{binaries}/influxd-meta", profiled], check=True)
    meta = ProfiledMeta(binaries, root, profiled)
    try:
        exercise(meta)
    finally:
        meta.stop()
    runs = [functions(f"{root}/{i}.callgrind", "influxd-meta") for i in NODES]
    count = collections.Counter(name for run in runs for name in run)
    order: dict[str, None] = dict.fromkeys(["_start", "main"])  # run before callgrind starts counting
    for times in range(len(NODES), 0, -1):
        for name in sorted(name for name, seen in count.items() if seen == times):
            order.setdefault(name)
    with open(ORDER_FILE, "w") as f:
        f.write("".join(name + "\n" for name in order))
    print(f"link-order: {len(order)} functions written to {ORDER_FILE}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
