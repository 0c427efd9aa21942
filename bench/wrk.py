#!/usr/bin/env python3
"""Writes under a C load generator: wrk (Debian's `wrk`) drives the leader of a three-node
influxd-meta cluster and of a three-member etcd, side by side on loopback, with the Lua scripts
in bench/wrk/ (a unique create-database per request to /execute; a unique key per request to
etcd's /v3/kv/put). For each concurrency it prints writes/s and p50/p90/p99/p99.9 for both, the
medians of --repeat rounds and the ratios (ours / etcd). Timings are printed, never asserted.

    python3 bench/wrk.py --bin /tmp/bench-bin                 # 1, 16, 64, 256 connections, 3 rounds
    python3 bench/wrk.py --bin /tmp/bench-bin --quick         # 2 s per run, one round

Both clusters run throughout; within a round the two systems alternate at each concurrency, so
a busy moment of the machine falls on both alike. wrk runs with 2 threads (-t2) as the issue's
measurement did; at one connection wrk uses one thread.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from clusters import Etcd, Meta  # noqa: E402
from run import leader_of  # noqa: E402

CONNECTIONS = (1, 16, 64, 256)
FIGURES = ("rps", "p50", "p90", "p99", "p999")


def wrk(addr: str, script: str, connections: int, seconds: float, prefix: str,
        authorization: str | None = None, scheme: str = "http") -> dict:
    """One wrk run; the figures from the script's done() (latencies in ms)."""
    env = dict(os.environ, WRK_PREFIX=prefix, WRK_LIB=os.path.join(HERE, "wrk"))
    if authorization:
        env["WRK_AUTHORIZATION"] = authorization
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", os.path.join(HERE, "wrk", script), f"{scheme}://{addr}"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = next((l for l in done.stdout.splitlines() if l.startswith("WRK_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk against {addr} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    raw = json.loads(line.split(" ", 1)[1])
    if raw["non2xx"] or raw["failed"]:
        raise RuntimeError(f"wrk against {addr}: {raw['failed']} failed requests ({raw['non2xx']} not 2xx)")
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50": raw["p50_us"] / 1000, "p90": raw["p90_us"] / 1000,
            "p99": raw["p99_us"] / 1000, "p999": raw["p999_us"] / 1000}


def missing_wrk() -> bool:
    """True, after saying so on stderr, when Debian's wrk is not installed."""
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return True
    return False


def add_run_arguments(ap: argparse.ArgumentParser) -> None:
    """--bin, --repeat, --seconds and --quick, which both wrk benches take."""
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--quick", action="store_true", help="2 s per run, one round")


def table(rounds: list[dict], repeat: int) -> str:
    """Medians per concurrency, ours against etcd."""
    lines = ["| conns | ours writes/s | etcd writes/s | ratio | ours p50 / p90 / p99 / p99.9 ms "
             "| etcd p50 / p90 / p99 / p99.9 ms | p99 ratio | p99.9 ratio |",
             "|---|---|---|---|---|---|---|---|"]
    for c in CONNECTIONS:
        med = {s: {f: statistics.median(r[s][c][f] for r in rounds) for f in FIGURES} for s in ("ours", "etcd")}
        o, e = med["ours"], med["etcd"]
        lines.append(
            f"| {c} | {o['rps']:,.0f} | {e['rps']:,.0f} | {o['rps'] / e['rps']:.2f} "
            f"| {o['p50']:.2f} / {o['p90']:.2f} / {o['p99']:.2f} / {o['p999']:.2f} "
            f"| {e['p50']:.2f} / {e['p90']:.2f} / {e['p99']:.2f} / {e['p999']:.2f} "
            f"| {o['p99'] / e['p99']:.2f} | {o['p999'] / e['p999']:.2f} |")
    lines.append(f"\nmedians of {repeat} round(s); ratio = ours / etcd (throughput: higher is better; "
                 "latency: lower is better)")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(ap)
    ap.add_argument("--dir", default=None, help="where both clusters keep their data")
    args = ap.parse_args()
    if missing_wrk():
        return 2
    if args.quick:
        args.repeat, args.seconds = 1, 2
    root = tempfile.mkdtemp(prefix="bench-wrk-", dir=args.dir)
    meta, etcd = Meta(args.bin, f"{root}/meta", 8192), Etcd(f"{root}/etcd")
    rounds: list[dict] = []
    try:
        for system in (meta, etcd):
            system.bootstrap()
        for n in range(args.repeat):
            result = {"ours": {}, "etcd": {}}
            for c in CONNECTIONS:
                ml, el = leader_of(meta), leader_of(etcd)
                result["ours"][c] = wrk(meta.addr(ml), "meta_write.lua", c, args.seconds, f"r{n}c{c}")
                result["etcd"][c] = wrk(etcd.addr(el), "etcd_put.lua", c, args.seconds, f"r{n}c{c}")
                o, e = result["ours"][c], result["etcd"][c]
                print(f"round {n + 1}, {c:>3} conns: ours {o['rps']:>8,.0f}/s p99 {o['p99']:6.2f} ms "
                      f"p99.9 {o['p999']:6.2f} ms | etcd {e['rps']:>8,.0f}/s p99 {e['p99']:6.2f} ms "
                      f"p99.9 {e['p999']:6.2f} ms", flush=True)
            rounds.append(result)
    finally:
        meta.stop()
        etcd.stop()
        shutil.rmtree(root, ignore_errors=True)
    print()
    print(table(rounds, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
