#!/usr/bin/env python3
"""Time from starting three fresh influxd-meta nodes to a cluster that accepts writes:
`[discovery] bootstrap-expect = 3` (the nodes find each other in a hosts file and form the
cluster themselves) against the manual procedure (`influxd-ctl join` of each node, run as soon
as each node answers). Default timeouts; nodes on 127.0.2.1-3 (:8091 HTTP, :8089 Raft).

For each round it prints, from the first exec:
  first-write   the first create-database acknowledged (through any node, following 307s)
  three-voters  every node reports the same cluster id with three Raft members, and a write
                made after that is acknowledged
then the median of the rounds for each procedure. Numbers are printed, never asserted.

    python3 bench/bootstrap.py --bin .build/release --rounds 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from clusters import NODES, Meta, port_in_use, wait_since


class Trio(Meta):
    """Three fresh nodes on 127.0.NET.1-3 (Meta's configuration, moved there), named bootN in a
    hosts file, with bootstrap-expect = `expect` (0: formed by hand with influxd-ctl join)."""

    def __init__(self, binaries: str, root: str, net: int, expect: int):
        self.net = net
        super().__init__(binaries, root, snapshot_threshold=8192)
        with open(f"{root}/hosts", "w") as f:
            f.write("127.0.0.1 localhost\n" + "".join(f"{self.host(i)} boot{i}\n" for i in NODES))
        for i in NODES:
            with open(self.config(i)) as f:
                text = f.read().replace(f"127.0.0.{i}", self.host(i))
            if expect:
                text += f'[discovery]\nhosts-file = "{root}/hosts"\nbootstrap-expect = {expect}\n'
            with open(self.config(i), "w") as f:
                f.write(text)
        self.expect = expect

    def host(self, i: int) -> str:
        return f"127.0.{self.net}.{i}"

    def addr(self, i: int) -> str:
        return f"{self.host(i)}:8091"

    def form(self) -> None:
        if not self.expect:
            super().form()

    def voters(self) -> bool:
        ids = set()
        for i in NODES:
            status = self.status(i)
            if not status or len(status.get("peers") or []) != 3 or not status.get("leader"):
                return False
            ids.add(status.get("clusterID"))
        return len(ids) == 1

    def any_write(self, name: str) -> bool:
        return any(self.write(i, name, timeout=1.0) is not None for i in NODES)


def one_round(binaries: str, root: str, net: int, expect: int) -> tuple[float, float]:
    trio = Trio(binaries, root, net, expect)
    try:
        t0 = time.perf_counter()
        for i in NODES:
            trio.launch(i)
        if not expect:
            for i in NODES:
                wait_since(trio.launched[i], lambda: trio.answering(i), 60)
            trio.form()
        n = [0]

        def written() -> bool:
            n[0] += 1
            return trio.any_write(f"first-{n[0]}")

        first = wait_since(t0, written, 60)
        voters = wait_since(t0, lambda: trio.voters() and trio.any_write(f"after-{n[0]}"), 60)
        return first, voters
    finally:
        trio.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="where influxd-meta and influxd-ctl are")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--net", type=int, default=2, help="nodes on 127.0.NET.1-3")
    args = parser.parse_args()
    binaries = os.path.abspath(args.bin)
    for i in NODES:
        for port in (8089, 8091):
            if port_in_use(f"127.0.{args.net}.{i}", port):
                sys.exit(f"127.0.{args.net}.{i}:{port} is in use; stop what runs there or pass --net")
    results: dict[str, list[tuple[float, float]]] = {"bootstrap-expect": [], "manual join": []}
    for r in range(args.rounds):
        # Alternate, so that neither procedure always runs on a warmer machine.
        order = ["bootstrap-expect", "manual join"]
        for name in order if r % 2 == 0 else order[::-1]:
            root = tempfile.mkdtemp(prefix="bootstrap-bench-")
            try:
                first, voters = one_round(binaries, root, args.net, 3 if name == "bootstrap-expect" else 0)
            finally:
                shutil.rmtree(root, ignore_errors=True)
            results[name].append((first, voters))
            print(f"round {r + 1:2} {name:16} first-write {first * 1000:7.0f} ms   three-voters {voters * 1000:7.0f} ms",
                  flush=True)
    print()
    print(f"{'median of ' + str(args.rounds):18} {'first-write':>12} {'three-voters':>13}   (range of three-voters)")
    for name, rounds in results.items():
        firsts = [f for f, _ in rounds]
        voters = [v for _, v in rounds]
        print(f"{name:18} {statistics.median(firsts) * 1000:9.0f} ms {statistics.median(voters) * 1000:10.0f} ms"
              f"   ({min(voters) * 1000:.0f}-{max(voters) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
