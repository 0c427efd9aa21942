#!/usr/bin/env python3
"""The data-node metadata at scale: 100 simulated data nodes (tools/datanode-sim), 1,000
databases and 1,000,000 shards on a three-node influxd-meta cluster, beside a three-member
etcd holding the same data as keys, on loopback.

    python3 bench/datanodes.py --bin /tmp/bench-bin            # full sizes
    python3 bench/datanodes.py --bin /tmp/bench-bin --quick    # 20 nodes, 50 databases, 20,000 shards

Figures (ours / etcd; bench/README.md, "Data nodes", says what each one measures): joining the
data nodes, creating the databases, shard-group creation throughput, RSS after the load, the
`GET /` size, the time for a data node's cache to see a new shard group (etcd: a watch to see
the new key), snapshot size and time, restart from the snapshot. Timings are printed, never
asserted."""

from __future__ import annotations

import argparse
import base64
import dataclasses
import http.client
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "tools", "datanode-sim"))

import run as bench  # noqa: E402  (bench/run.py: snapshot and restart phases, tables)
from clusters import NODES, Etcd, Meta  # noqa: E402
from datanode_sim import MetaClient, Options, Simulator, decode  # noqa: E402
from datanode_sim.node import EPOCH_NS  # noqa: E402

from faults.devlicense import enterprise_section  # noqa: E402

WEEK_NS = 7 * 24 * 3600 * 1_000_000_000
POLICY = "rp"
CONNS = 16


@dataclasses.dataclass
class Sizes:
    data_nodes: int
    databases: int
    shards: int
    cache_nodes: int  # data nodes that keep a cache (each new metadata is a whole `Data` to each)
    trials: int  # new shard groups timed for the cache figure
    snapshot_threshold: int


FULL = Sizes(data_nodes=100, databases=1000, shards=1_000_000, cache_nodes=4, trials=10, snapshot_threshold=8192)
QUICK = Sizes(data_nodes=20, databases=50, shards=20_000, cache_nodes=2, trials=5, snapshot_threshold=1024)


class DataMeta(Meta):
    """Three influxd-meta nodes with a license for the simulated data nodes."""

    def __init__(self, binaries: str, root: str, snapshot_threshold: int, data_nodes: int):
        super().__init__(binaries, root, snapshot_threshold)
        for i in NODES:
            with open(self.config(i), "w") as f:
                f.write(f'hostname = "127.0.0.{i}"\n[meta]\ndir = "{root}/{i}/meta"\n'
                        f'bind-address = "127.0.0.{i}:8089"\nhttp-bind-address = "127.0.0.{i}:8091"\n'
                        f'raft-snapshot-threshold = {snapshot_threshold}\n'
                        '[logging]\nlevel = "warn"\n' + enterprise_section(binaries, data_nodes))


def parallel(addr_of, path: str, bodies: list[bytes], conns: int = CONNS, headers: dict | None = None,
             redirects: bool = True) -> tuple[float, int]:
    """Sends every body (POST `path`) over `conns` keep-alive connections to `addr_of()` (the
    leader); a failed request is sent again (to the leader of the moment). Returns the seconds
    taken and how many requests needed a second try."""
    retried = [0]
    lock = threading.Lock()
    position = [0]
    hdrs = {"Content-Type": "application/json", **(headers or {})}

    def worker() -> None:
        conn = None
        while True:
            with lock:
                if position[0] >= len(bodies):
                    break
                body = bodies[position[0]]
                position[0] += 1
            for attempt in range(100):
                try:
                    if conn is None:
                        host, port = addr_of().rsplit(":", 1)
                        conn = http.client.HTTPConnection(host, int(port), timeout=30)
                    conn.request("POST", path, body=body, headers=hdrs)
                    response = conn.getresponse()
                    response.read()
                    if response.status == 200:
                        break
                    raise OSError(f"HTTP {response.status}")
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    with lock:
                        retried[0] += 1
                    time.sleep(0.05)
            else:
                raise RuntimeError(f"{path}: a request kept failing")
        if conn is not None:
            conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, retried[0]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def etcd_put(key: str, value: str) -> bytes:
    return json.dumps({"key": b64(key), "value": b64(value)}).encode()


def shard_group_value(group: int, shards_per_group: int, first_shard: int, nodes: int, start: int) -> str:
    """The shard group as an etcd value: what our metadata holds for it, as JSON."""
    shards = [{"id": first_shard + s, "owners": [4 + (group + s) % nodes]} for s in range(shards_per_group)]
    return json.dumps({"id": group, "startTime": start, "endTime": start + WEEK_NS, "deletedAt": 0,
                       "truncatedAt": 0, "shards": shards}, separators=(",", ":"))


class EtcdWatch(threading.Thread):
    """One watch stream (`POST /v3/watch`, JSON gateway) on a key prefix; records when each
    event arrived (time.perf_counter())."""

    def __init__(self, addr: str, prefix: str):
        super().__init__(daemon=True)
        self.addr, self.prefix = addr, prefix
        self.events: list[tuple[float, str]] = []
        self.created = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        host, port = self.addr.rsplit(":", 1)
        end = self.prefix[:-1] + chr(ord(self.prefix[-1]) + 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=600)
        conn.request("POST", "/v3/watch", json.dumps({"create_request": {"key": b64(self.prefix),
                                                                          "range_end": b64(end)}}))
        response = conn.getresponse()
        while True:
            line = response.readline()
            if not line:
                return
            message = json.loads(line).get("result", {})
            if message.get("created"):
                self.created.set()
            for event in message.get("events", []):
                with self.lock:
                    self.events.append((time.perf_counter(), base64.b64decode(event["kv"]["key"]).decode()))

    def wait_for(self, key: str, timeout: float) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                for at, seen in self.events:
                    if seen == key:
                        return at
            time.sleep(0.0005)
        return None


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run_bench(binaries: str, sizes: Sizes, root: str) -> bench.Report:
    report = bench.Report()
    meta = DataMeta(binaries, f"{root}/meta", sizes.snapshot_threshold, sizes.data_nodes)
    etcd = Etcd(f"{root}/etcd")
    sim: Simulator | None = None
    watches: list[EtcdWatch] = []
    shards_per_group = sizes.data_nodes  # replicaN 1: one shard per data node in every group
    groups_per_db = -(-sizes.shards // (sizes.databases * shards_per_group))
    total_groups = groups_per_db * sizes.databases
    try:
        print("  start-up", flush=True)
        meta.bootstrap()
        etcd.bootstrap()
        leader = lambda: meta.addr(bench.leader_of(meta))
        eleader = lambda: etcd.addr(bench.leader_of(etcd))

        print(f"  {sizes.data_nodes} data nodes join", flush=True)
        options = Options(gossip=5.0, cache=False, leases=False, write_interval=None)
        sim = Simulator([meta.addr(i) for i in NODES], sizes.data_nodes, options, seed=7)
        t0 = time.perf_counter()
        sim.setup(timeout=300)
        joined = time.perf_counter() - t0
        t0 = time.perf_counter()
        parallel(eleader, "/v3/kv/put", [etcd_put(f"/nodes/{n.id}", json.dumps(
            {"id": n.id, "tcpAddr": n.tcp_addr, "httpAddr": n.http_addr})) for n in sim.nodes], conns=1)
        report.row(f"{sizes.data_nodes} data nodes join, one at a time (s)", joined, time.perf_counter() - t0)
        report.note("influxd-meta: add-data with the TCP probe and the license check; etcd: a put per node")
        sim.start()  # caches start after the load: every change would send each the whole metadata

        print(f"  {sizes.databases} databases", flush=True)
        ours_db = [json.dumps({"type": "create-database", "name": f"db{d}"}).encode() for d in range(sizes.databases)]
        ours_rp = [json.dumps({"type": "create-retention-policy", "database": f"db{d}", "makeDefault": True,
                               "policy": {"name": POLICY, "duration": 0, "shardGroupDuration": WEEK_NS,
                                          "replicaN": 1}}).encode() for d in range(sizes.databases)]
        took_db, _ = parallel(leader, "/execute", ours_db)
        took_rp, _ = parallel(leader, "/execute", ours_rp)
        theirs_db, _ = parallel(eleader, "/v3/kv/put", [etcd_put(f"/db/db{d}", json.dumps(
            {"name": f"db{d}", "defaultRetentionPolicy": POLICY, "retentionPolicies": [
                {"name": POLICY, "duration": 0, "shardGroupDuration": WEEK_NS, "replicaN": 1}]}))
            for d in range(sizes.databases)])
        report.row(f"create {sizes.databases:,} databases + a policy each, {CONNS} conn (s)", took_db + took_rp,
                   theirs_db)

        print(f"  {total_groups:,} shard groups of {shards_per_group} shards", flush=True)
        ours_sg = [json.dumps({"type": "create-shard-group", "database": f"db{d}", "policy": POLICY,
                               "timestamp": EPOCH_NS + g * WEEK_NS + 1}).encode()
                   for g in range(groups_per_db) for d in range(sizes.databases)]
        took_sg, retried = parallel(leader, "/execute", ours_sg)
        if retried:
            report.note(f"influxd-meta: {retried} shard-group creations sent again")
        theirs_sg_bodies = []
        for k in range(total_groups):
            d, g = k % sizes.databases, k // sizes.databases
            start = EPOCH_NS + g * WEEK_NS
            theirs_sg_bodies.append(etcd_put(f"/sg/db{d}/{POLICY}/{k + 1}", shard_group_value(
                k + 1, shards_per_group, k * shards_per_group + 1, sizes.data_nodes, start)))
        theirs_sg, _ = parallel(eleader, "/v3/kv/put", theirs_sg_bodies)
        report.row(f"create {total_groups:,} shard groups, {CONNS} conn (groups/s)", total_groups / took_sg,
                   total_groups / theirs_sg)
        report.note(f"etcd: a put of the group's JSON ({len(theirs_sg_bodies[0]):,} bytes a request) per group")

        client = MetaClient([leader()])
        answer = client.request("GET", "/?consistent=true", headers={"Accept": "application/octet-stream"},
                                timeout=120)
        summary = decode(answer.body, answer.content_type)
        report.note(f"influxd-meta GET /: {summary.size:,} bytes ({answer.content_type}), index {summary.index}, "
                    f"{summary.shards:,} shards in {sum(len(p.groups) for p in summary.policies.values()):,} groups, "
                    f"{len(summary.data_nodes)} data nodes")
        if summary.shards < sizes.shards:
            report.note(f"WARNING: {summary.shards:,} shards, {sizes.shards:,} asked for")
        json_size = len(client.request("GET", "/", headers={"Accept": "application/json"}, timeout=120).body)
        fetch, parse = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            got = client.request("GET", "/", headers={"Accept": "application/octet-stream"}, timeout=120)
            t1 = time.perf_counter()
            decode(got.body, got.content_type)
            fetch.append(t1 - t0)
            parse.append(time.perf_counter() - t1)
        report.note(f"influxd-meta GET / in protobuf from the leader: {pct(fetch, 0.5) * 1000:.0f} ms (median of 5, "
                    f"a new connection each); decoding it with Python's protobuf: {pct(parse, 0.5) * 1000:.0f} ms")
        report.row("GET / (our whole metadata) / etcd range of every key (MB)", summary.size / 1e6,
                   etcd_range_size(etcd.addr(bench.leader_of(etcd))) / 1e6)
        report.note(f"influxd-meta GET / as JSON: {json_size:,} bytes")
        time.sleep(2)
        report.row(f"RSS per node with {summary.shards:,} shards (MB)", meta.rss_mb(), etcd.rss_mb())
        report.row(f"private memory (USS) per node with {summary.shards:,} shards (MB)", meta.private_mb(),
                   etcd.private_mb())

        print("  cache sees a new shard group", flush=True)
        cached = sim.nodes[:sizes.cache_nodes]
        t0 = time.perf_counter()
        for node in cached:
            node.start_cache()
        for node in cached:
            if not node.wait_cache(lambda c: c.index >= summary.index, 300):
                raise RuntimeError(f"{node.name}: cache never reached index {summary.index}")
        report.note(f"{len(cached)} caches loaded the whole metadata in {time.perf_counter() - t0:.2f} s")
        watches = [EtcdWatch(etcd.addr(1 + k % 3), "/sg/") for k in range(sizes.cache_nodes)]
        for w in watches:
            w.start()
            w.created.wait(30)
        ours_lat: list[float] = []
        theirs_lat: list[float] = []
        for trial in range(sizes.trials):
            database, timestamp = f"db{trial}", EPOCH_NS + (groups_per_db + 1 + trial) * WEEK_NS
            body = json.dumps({"type": "create-shard-group", "database": database, "policy": POLICY,
                               "timestamp": timestamp})
            seen: list[float] = []

            def watch(node, database=database, timestamp=timestamp) -> None:
                covered = lambda c: (p := c.policies.get((database, POLICY))) is not None and p.covers(timestamp)
                if node.wait_cache(covered, 60):
                    seen.append(time.perf_counter())

            waiters = [threading.Thread(target=watch, args=(node,), daemon=True) for node in cached]
            for w in waiters:
                w.start()
            target = leader()
            t0 = time.perf_counter()
            status, _, raw = bench_request(target, "/execute", body.encode())
            if status != 200:
                raise RuntimeError(f"create-shard-group: HTTP {status} {raw[:200]!r}")
            for w in waiters:
                w.join()
            ours_lat += [at - t0 for at in seen]
            key = f"/sg/db{trial}/{POLICY}/new-{trial}"
            target = eleader()
            t0 = time.perf_counter()
            bench_request(target, "/v3/kv/put", etcd_put(key, shard_group_value(
                total_groups + trial, shards_per_group, 0, sizes.data_nodes, timestamp)))
            for w in watches:
                at = w.wait_for(key, 60)
                if at is not None:
                    theirs_lat.append(at - t0)
            time.sleep(0.2)
        report.row(f"cache sees a new shard group, p50 of {len(ours_lat)} (ms)", pct(ours_lat, 0.5) * 1000,
                   pct(theirs_lat, 0.5) * 1000)
        report.row("cache sees a new shard group, max (ms)", max(ours_lat, default=float("nan")) * 1000,
                   max(theirs_lat, default=float("nan")) * 1000)
        report.note(f"influxd-meta: {len(cached)} simulated data nodes long-polling GET /?index=N in protobuf "
                    "(the whole Data each time), from sending the create to the group in the cache; "
                    f"etcd: {len(watches)} watches on /sg/, from sending the put to the event")
        for node in cached:  # every later write would send the whole metadata to each of them
            node.stop.set()

        print("  snapshot", flush=True)
        ours_snap, index = bench.meta_snapshot(meta, sizes.snapshot_threshold, report)
        ml = bench.leader_of(meta)
        snap_size = max((os.path.getsize(f"{meta.raft_dir(ml)}/{name}") for i, _, name in meta.snapshots(ml)
                         if i == index), default=float("nan"))
        path = f"{etcd.root}/backup.db"
        theirs_snap = etcd.snapshot_save(bench.leader_of(etcd), path)
        report.row(f"snapshot with {summary.shards:,} shards (ms)", ours_snap * 1000, theirs_snap * 1000)
        report.row(f"snapshot size with {summary.shards:,} shards (MB)", snap_size / 1e6, os.path.getsize(path) / 1e6)

        print("  restart from the snapshot", flush=True)
        bench.restores(meta, etcd, bench.Sizes((), (), 0, 0, 0, sizes.snapshot_threshold, 0.0), summary.shards,
                       index, report)
    finally:
        if sim is not None:
            sim.close()
        meta.stop()
        etcd.stop()
    return report


def bench_request(addr: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
    from clusters import request

    return request(addr, "POST", path, body, timeout=60)


def etcd_range_size(addr: str) -> int:
    """Bytes of a range over every key (the JSON gateway's answer, values in base64)."""
    from clusters import request

    status, _, raw = request(addr, "POST", "/v3/kv/range", json.dumps({"key": b64("\0"), "range_end": b64("\0")})
                             .encode(), timeout=120)
    return len(raw) if status == 200 else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="directory holding influxd-meta, influxd-ctl "
                                                                "and influx-license")
    parser.add_argument("--quick", action="store_true", help="small sizes: a functional check")
    parser.add_argument("--data-nodes", type=int)
    parser.add_argument("--databases", type=int)
    parser.add_argument("--shards", type=int)
    parser.add_argument("--cache-nodes", type=int, help="simulated data nodes keeping a cache (default 4)")
    parser.add_argument("--snapshot-threshold", type=int)
    parser.add_argument("--dir", help="where the clusters keep their data (default: the temporary directory)")
    args = parser.parse_args()
    sizes = dataclasses.replace(QUICK if args.quick else FULL)
    for name in ("data_nodes", "databases", "shards", "cache_nodes", "snapshot_threshold"):
        if getattr(args, name) is not None:
            setattr(sizes, name, getattr(args, name))
    binaries = os.path.abspath(args.bin)
    if not shutil.which("etcd") or not shutil.which("etcdctl"):
        print("bench: etcd is not installed (apt-get install etcd-server etcd-client)")
        return 1
    if not os.access(f"{binaries}/influxd-meta", os.X_OK):
        print(f"bench: no influxd-meta in {binaries}")
        return 1
    taken = bench.check_ports()
    if taken:
        print(f"bench: {taken} is in use; stop whatever holds it (a previous run's nodes?) and try again")
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    workdir = tempfile.mkdtemp(prefix="bench-datanodes-", dir=args.dir)
    print(f"bench: {sizes}; data in {workdir}; load average {os.getloadavg()}", flush=True)
    try:
        report = run_bench(binaries, sizes, workdir)
        print()
        bench.print_table(report.rows)
        for note in report.notes:
            print(f"  {note}")
        print(f"load average at the end {os.getloadavg()}")
        return 0
    except KeyboardInterrupt:
        print("bench: interrupted; clusters stopped")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
