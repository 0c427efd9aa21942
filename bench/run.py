#!/usr/bin/env python3
"""Side-by-side benchmark: a three-node influxd-meta cluster and a three-member etcd on
loopback, driven by the same closed-loop HTTP client (httpload.py), on the same machine.

    python3 bench/run.py [--bin .build/release]      # needs etcd-server (Debian) installed

Prints each figure for both systems and the ratio (ours / etcd; for latencies and failover,
lower is better). Covered so far: writes at 1, 16 and 64 connections (create-database
committed through Raft vs an etcd put), leader kill -9 to the first acknowledged write, idle
RSS per node, start-up to ready. Timings are printed, never asserted."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def load(target: str, path: str, body: str, conns: int, per: int) -> dict:
    out = subprocess.run([sys.executable, f"{HERE}/httpload.py", target, "POST", path, body, str(conns), str(per)],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    print(f"  {target}{path} x{conns}: {out.strip()}", flush=True)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)}


def rss_kb(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=1.0).status == 200
    except Exception:
        return False


def get(url: str, timeout: float = 1.0) -> dict | None:
    try:
        return json.load(urllib.request.urlopen(url, timeout=timeout))
    except Exception:
        return None


class Meta:
    def __init__(self, binaries: str, root: str):
        self.binaries, self.root, self.procs = binaries, root, {}

    def start(self, i: int) -> float:
        os.makedirs(f"{self.root}/{i}", exist_ok=True)
        conf = f"{self.root}/{i}/m.conf"
        with open(conf, "w") as f:
            f.write(f'hostname = "127.0.0.{i}"\n[meta]\ndir = "{self.root}/{i}/meta"\n'
                    f'bind-address = "127.0.0.{i}:8089"\nhttp-bind-address = "127.0.0.{i}:8091"\n'
                    '[logging]\nlevel = "warn"\n')
        t0 = time.perf_counter()
        self.procs[i] = subprocess.Popen([f"{self.binaries}/influxd-meta", "-config", conf],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not answers(f"http://127.0.0.{i}:8091/ping") and time.perf_counter() - t0 < 10:
            time.sleep(0.002)
        return time.perf_counter() - t0

    def join(self) -> float:
        t0 = time.perf_counter()
        for i in (1, 2, 3):
            subprocess.run([f"{self.binaries}/influxd-ctl", "-bind", "127.0.0.1:8091", "join", f"127.0.0.{i}:8091"],
                           capture_output=True, check=True)
        return time.perf_counter() - t0

    def leader(self) -> int:
        status = get("http://127.0.0.1:8091/status") or {}
        return int(status.get("leader", "127.0.0.1:8089").split(":")[0].rsplit(".", 1)[1])

    def stop(self) -> None:
        for p in self.procs.values():
            p.kill()


def stop_etcd() -> None:
    """Stops a bench etcd and waits until its members are gone (their ports are reused)."""
    pids = []
    for i in (1, 2, 3):
        try:
            pids.append(int(open(f"/tmp/bench-etcd/e{i}.pid").read()))
        except (OSError, ValueError):
            pass
    subprocess.run([f"{HERE}/etcd3.sh", "stop", "/tmp/bench-etcd"], capture_output=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.05)
    for p in pids:
        if os.path.exists(f"/proc/{p}"):
            os.kill(p, signal.SIGKILL)


def failover_meta(meta: Meta) -> float:
    leader = meta.leader()
    other = next(i for i in (1, 2, 3) if i != leader)
    t0 = time.perf_counter()
    meta.procs[leader].send_signal(signal.SIGKILL)
    n = 0
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        n += 1
        try:
            req = urllib.request.Request(f"http://127.0.0.{other}:8091/execute",
                                         data=json.dumps({"type": "create-database", "name": f"fo{n}"}).encode())
            if urllib.request.urlopen(req, timeout=0.5).status == 200:
                return time.perf_counter() - t0
        except Exception:
            time.sleep(0.01)
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release")
    args = parser.parse_args()
    if not shutil.which("etcd"):
        print("bench: etcd is not installed (apt-get install etcd-server etcd-client)")
        return 1
    binaries = os.path.abspath(args.bin)
    root = "/tmp/bench-meta"
    shutil.rmtree(root, ignore_errors=True)
    rows = []
    stop_etcd()
    meta = Meta(binaries, root)
    try:
        startup = [meta.start(i) for i in (1, 2, 3)]
        join = meta.join()
        time.sleep(2)
        idle = [rss_kb(meta.procs[i].pid) for i in (1, 2, 3)]
        subprocess.run([f"{HERE}/etcd3.sh", "start", "/tmp/bench-etcd"], capture_output=True, check=True)
        time.sleep(2)
        etcd_pids = [int(open(f"/tmp/bench-etcd/e{i}.pid").read()) for i in (1, 2, 3)]
        etcd_idle = [rss_kb(p) for p in etcd_pids]
        rows.append(("idle RSS per node (MB)", sum(idle) / 3 / 1024, sum(etcd_idle) / 3 / 1024))
        rows.append(("start-up to ready (ms)", sum(startup) / 3 * 1000, None))
        rows.append(("three fresh nodes to a joined cluster (ms)", join * 1000, None))
        leader = meta.leader()
        for conns, per in ((1, 500), (16, 200), (64, 60)):
            ours = load(f"127.0.0.{leader}:8091", "/execute", '{"type":"create-database","name":"b' + str(conns) + '-{i}"}',
                        conns, per)
            theirs = load("127.0.0.1:12379", "/v3/kv/put", '{"key":"{b64i}","value":"dmFsdWUtMjU2"}', conns, per)
            rows.append((f"writes/s, {conns} conn", ours["rps"], theirs["rps"]))
            rows.append((f"write p50 ms, {conns} conn", ours["p50_ms"], theirs["p50_ms"]))
            rows.append((f"write p99 ms, {conns} conn", ours["p99_ms"], theirs["p99_ms"]))
        ours_fo = failover_meta(meta)
        try:
            theirs_fo = subprocess.run([sys.executable, f"{HERE}/etcd_failover.py", "/tmp/bench-etcd"],
                                       capture_output=True, text=True, timeout=60).stdout
        except subprocess.TimeoutExpired:
            theirs_fo = ""
        m = re.search(r"after (\d+) ms", theirs_fo)
        rows.append(("leader kill -9 to first acked write (ms)", ours_fo * 1000, float(m.group(1)) if m else None))
    finally:
        meta.stop()
        stop_etcd()
    print(f"{'figure':45} {'influxd-meta':>14} {'etcd':>10} {'ratio':>8}")
    for name, ours, theirs in rows:
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        print(f"{name:45} {ours:14.1f} {theirs if theirs is not None else float('nan'):10.1f} {ratio:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
