#!/usr/bin/env python3
"""Side-by-side benchmark: a three-node influxd-meta cluster and a three-member etcd on
loopback, driven by the same clients (httpload.py, watchers.py) on the same machine.

    python3 bench/run.py --bin .build/release            # full sizes (100,000 databases)
    python3 bench/run.py --bin .build/release --quick    # functional check, about a minute
    python3 bench/run.py --bin .build/release --repeat 3 # three fresh rounds, then medians

Needs etcd-server and etcd-client (Debian). Prints each figure for both systems and the
ratio (ours / etcd: for times and latencies lower is better, for throughput higher is better).
With --repeat N every round starts fresh clusters; after the last round a table of medians
(and the range of each figure) follows. Timings are printed, never asserted. What each figure
measures: bench/README.md."""

from __future__ import annotations

import argparse
import base64
import dataclasses
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from clusters import HERE, NODES, Cluster, Etcd, Meta, port_in_use, wait_since

Row = tuple[str, float | None, float | None]
PAD = {"type": "create-database", "name": "!pad"}  # sorts first: a no-op create finds it at once
PAD_BODY = '{"type":"create-database","name":"!pad"}'


@dataclasses.dataclass
class Sizes:
    """How much each phase does."""

    reads: tuple[tuple[int, int], ...]   # (connections, requests per connection)
    writes: tuple[tuple[int, int], ...]
    watchers: int
    failovers: int
    databases: int
    snapshot_threshold: int
    settle: float                        # seconds of quiet after each recovery


FULL = Sizes(reads=((1, 1000), (64, 50)), writes=((1, 500), (16, 200), (64, 60)), watchers=1000,
             failovers=5, databases=100_000, snapshot_threshold=8192, settle=1.0)
QUICK = Sizes(reads=((1, 200), (64, 10)), writes=((1, 100), (16, 20), (64, 5)), watchers=200,
              failovers=2, databases=5_000, snapshot_threshold=1024, settle=0.5)
BULK_CONNS = 16
BULK_CHUNKS = 10


class Report:
    """The rows of one round, and notes: printed as they come, kept for the summary."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def row(self, name: str, ours: float | None, theirs: float | None) -> None:
        self.rows.append((name, ours, theirs))

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)
        self.notes.append(text)


def load(addr: str, method: str, path: str, body: str, conns: int, per: int) -> dict[str, float]:
    """One httpload.py run; its figures (requests, errors, seconds, rps, p50_ms, p99_ms, max_ms)."""
    out = subprocess.run([sys.executable, f"{HERE}/httpload.py", addr, method, path, body, str(conns), str(per)],
                         capture_output=True, text=True, check=True, timeout=3600).stdout
    print(f"    {method} {addr}{path} x{conns}: {out.strip()}", flush=True)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+|nan)", out)}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def leader_of(system: Cluster, timeout: float = 60) -> int:
    """The current leader, waiting for one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leader = system.leader()
        if leader is not None:
            return leader
        time.sleep(0.05)
    raise RuntimeError(f"{system.name}: no leader within {timeout:.0f} s")


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def startup(meta: Meta, etcd: Etcd, report: Report) -> None:
    """Start-up to answering, three fresh nodes to a first acknowledged write, idle RSS."""
    ours_ready, ours_form = meta.bootstrap()
    theirs_ready, theirs_form = etcd.bootstrap()
    time.sleep(2)
    report.row("idle RSS per node (MB)", meta.rss_mb(), etcd.rss_mb())
    report.row("idle private memory (USS) per node (MB)", meta.private_mb(), etcd.private_mb())
    report.row("start-up to answering, per node (ms)", median(ours_ready) * 1000, median(theirs_ready) * 1000)
    report.row("three fresh nodes to first acked write (ms)", ours_form * 1000, theirs_form * 1000)


def reads(meta: Meta, etcd: Etcd, sizes: Sizes, report: Report) -> None:
    """Linearizable reads on the leader: GET /?consistent=true against a range with
    serializable=false (etcd's default) of one key."""
    ml, el = leader_of(meta), leader_of(etcd)
    etcd.write(el, "read-me", timeout=5)
    for conns, per in sizes.reads:
        ours = load(meta.addr(ml), "GET", "/?consistent=true", "", conns, per)
        theirs = load(etcd.addr(el), "POST", "/v3/kv/range", f'{{"key":"{b64("read-me")}"}}', conns, per)
        report.row(f"linearizable reads/s, {conns} conn", ours["rps"], theirs["rps"])
        report.row(f"read p50 ms, {conns} conn", ours["p50_ms"], theirs["p50_ms"])
        report.row(f"read p99 ms, {conns} conn", ours["p99_ms"], theirs["p99_ms"])


def watch(system: str, n: int, write_addr: str, watch_addrs: list[str], extra: list[str]) -> dict[str, float]:
    """One watchers.py run; its figures."""
    result = subprocess.run([sys.executable, f"{HERE}/watchers.py", system, str(n), write_addr, *watch_addrs, *extra],
                            capture_output=True, text=True, timeout=600)
    print(f"    {system} watchers: {result.stdout.strip()} {result.stderr.strip()}", flush=True)
    return {k: float(v) for k, v in re.findall(r"(\w+)=(-?\d+(?:\.\d+)?|nan)(?=\s|$)", result.stdout)}


def watchers(meta: Meta, etcd: Etcd, sizes: Sizes, report: Report) -> None:
    """N watchers spread over the three members, woken by one write on the leader."""
    n = sizes.watchers
    ml, el = leader_of(meta), leader_of(etcd)
    index = meta.applied(ml) or 0
    settle = f"{1 + n / 500:.1f}"
    ours = watch("meta", n, meta.addr(ml), [meta.addr(i) for i in NODES], ["--index", str(index), "--settle", settle])
    theirs = watch("etcd", n, etcd.addr(el), [etcd.addr(i) for i in NODES], ["--key", b64("watched")])
    for figure in ("p50", "p99", "max"):
        report.row(f"{n:,} watchers woken by one write, {figure} ms after ack",
                   ours.get(f"{figure}_ms"), theirs.get(f"{figure}_ms"))


def writes(meta: Meta, etcd: Etcd, sizes: Sizes, report: Report) -> None:
    """Writes on the leader: a create-database committed through Raft against an etcd put."""
    ml, el = leader_of(meta), leader_of(etcd)
    for conns, per in sizes.writes:
        ours = load(meta.addr(ml), "POST", "/execute", '{"type":"create-database","name":"b' + str(conns) + '-{i}"}',
                    conns, per)
        theirs = load(etcd.addr(el), "POST", "/v3/kv/put", '{"key":"{b64:b' + str(conns) + '-{i}}","value":"dmFsdWUtMjU2"}',
                      conns, per)
        report.row(f"writes/s, {conns} conn", ours["rps"], theirs["rps"])
        report.row(f"write p50 ms, {conns} conn", ours["p50_ms"], theirs["p50_ms"])
        report.row(f"write p99 ms, {conns} conn", ours["p99_ms"], theirs["p99_ms"])


def first_write_without(system: Cluster, leader: int, run: int, t0: float, timeout: float = 0.5) -> float:
    """Seconds from t0 to the first write acknowledged through a survivor (alternating between
    the two, following a redirect; each attempt given up after `timeout`); NaN after 60 s."""
    survivors = [i for i in NODES if i != leader]
    n = 0
    while time.perf_counter() - t0 < 60:
        n += 1
        if system.write(survivors[n % 2], f"fo{run}-{n}", timeout=timeout) is not None:
            return time.perf_counter() - t0
        time.sleep(0.01)
    return float("nan")


def failover_once(system: Cluster, run: int, settle: float) -> float:
    """kill -9 of the leader to the first write acknowledged through a survivor; then the
    killed member is restarted and caught up."""
    leader = leader_of(system)
    t0 = time.perf_counter()
    system.kill(leader)
    elapsed = first_write_without(system, leader, run, t0)
    t1 = system.restart(leader)
    recovered = wait_since(t1, lambda: system.caught_up(leader), 300, 0.05)
    if recovered != recovered:
        raise RuntimeError(f"{system.name}: member {leader} did not catch up within 300 s of its restart")
    time.sleep(settle)
    return elapsed


def freeze_once(system: Cluster, run: int, settle: float) -> float:
    """SIGSTOP of the leader (it keeps its connections open, as a hung process or a host cut off
    from the network would) to the first write acknowledged through a survivor; then SIGCONT,
    and the old leader steps down and catches up."""
    leader = leader_of(system)
    t0 = time.perf_counter()
    system.freeze(leader)
    try:
        # A write that reaches the stopped leader (ours: a redirect to it; etcd: a survivor
        # forwarding to it) hangs until the attempt is given up, so short attempts keep the
        # figure from being rounded up to the next half second.
        elapsed = first_write_without(system, leader, 1000 + run, t0, timeout=0.1)
    finally:
        system.thaw(leader)
    recovered = wait_since(time.perf_counter(),
                           lambda: system.leader() not in (None, leader) and system.caught_up(leader), 300, 0.05)
    if recovered != recovered:
        raise RuntimeError(f"{system.name}: member {leader} did not catch up within 300 s of SIGCONT")
    time.sleep(settle)
    return elapsed


def failover(meta: Meta, etcd: Etcd, sizes: Sizes, report: Report) -> None:
    """The median of several leader kills, then of several leader freezes, each system in turn."""
    for what, once in (("kill -9", failover_once), ("SIGSTOP", freeze_once)):
        ours = [once(meta, r, sizes.settle) * 1000 for r in range(sizes.failovers)]
        theirs = [once(etcd, r, sizes.settle) * 1000 for r in range(sizes.failovers)]
        report.note(f"leader {what} runs (ms): influxd-meta {', '.join(f'{v:.0f}' for v in ours)}; "
                    f"etcd {', '.join(f'{v:.0f}' for v in theirs)}")
        report.row(f"leader {what} to first acked write, median of {sizes.failovers} (ms)", median(ours),
                   median(theirs))


def bulk_load(system: Cluster, path: str, template: str, total: int, report: Report) -> tuple[float, int]:
    """Writes `total` items at BULK_CONNS connections on the leader, in chunks; a chunk with
    errors (a leader change) is sent again to the new leader (writes are idempotent). Returns
    the seconds taken and the number of items."""
    per = -(-total // (BULK_CHUNKS * BULK_CONNS))
    t0 = time.perf_counter()
    for chunk in range(BULK_CHUNKS):
        body = template.replace("{c}", str(chunk))
        for attempt in range(5):
            result = load(system.addr(leader_of(system)), "POST", path, body, BULK_CONNS, per)
            if result["errors"] == 0:
                break
            report.note(f"{system.name}: bulk chunk {chunk} had {result['errors']:.0f} errors; sending it again")
        else:
            raise RuntimeError(f"{system.name}: bulk chunk {chunk} kept failing")
    return time.perf_counter() - t0, per * BULK_CHUNKS * BULK_CONNS


def bulk(meta: Meta, etcd: Etcd, sizes: Sizes, report: Report) -> int:
    """N databases (etcd: N keys named like them, valued with the name), then RSS."""
    ours, count = bulk_load(meta, "/execute", '{"type":"create-database","name":"big{c}-{i}"}', sizes.databases, report)
    theirs, _ = bulk_load(etcd, "/v3/kv/put", '{"key":"{b64:big{c}-{i}}","value":"{b64:big{c}-{i}}"}',
                          sizes.databases, report)
    report.note(f"bulk load of {count:,} items at {BULK_CONNS} conn: influxd-meta {count / ours:.0f}/s, "
                f"etcd {count / theirs:.0f}/s")
    time.sleep(2)
    report.row(f"load {count:,} databases / keys, {BULK_CONNS} conn (s)", ours, theirs)
    report.row(f"RSS per node after {count:,} databases / keys (MB)", meta.rss_mb(), etcd.rss_mb())
    return count


def execute(meta: Meta, leader: int, command: dict) -> int:
    """POST /execute, retried for a while; the committed index."""
    for _ in range(50):
        index = meta.execute(leader, command, timeout=30)
        if index is not None:
            return index
        time.sleep(0.1)
    raise RuntimeError("influxd-meta: a write kept failing")


def newest_snapshot(meta: Meta, i: int) -> int:
    """The index of node i's newest complete snapshot (0 without one)."""
    return max((s[0] for s in meta.snapshots(i)), default=0)


class SnapshotWatcher(threading.Thread):
    """Lists a raft directory every millisecond; records when each snapshot newer than `base`
    first appeared complete (time.monotonic())."""

    def __init__(self, meta: Meta, node: int, base: int):
        super().__init__(daemon=True)
        self.meta, self.node, self.base = meta, node, base
        self.seen: dict[str, tuple[int, int, float]] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            now = time.monotonic()
            for index, stamp, name in self.meta.snapshots(self.node):
                if index > self.base and name not in self.seen:
                    self.seen[name] = (index, stamp, now)
            time.sleep(0.001)


def meta_snapshot(meta: Meta, threshold: int, report: Report) -> tuple[float, int]:
    """Brings the leader's log to two entries short of its next snapshot with no-op writes, lets
    it settle, then writes one no-op at a time (a second after the last) until libraft takes the
    snapshot. Since 4fa3297 the leader appends a barrier 20 ms after a lone write (its commit
    notice), which counts toward the threshold too, so the write or the barrier after it may be
    what triggers the snapshot. The snapshot's duration runs from libraft's timestamp in its file
    name (uv_now: CLOCK_MONOTONIC ms, taken just before the state is encoded) to the moment the
    data file is renamed into place (fsynced). Returns the duration and the snapshot's index."""
    leader = leader_of(meta)
    for _ in range(3):
        base = newest_snapshot(meta, leader)
        index = execute(meta, leader, PAD)
        fill = base + threshold - 2 - index - 64
        if fill >= BULK_CONNS:
            load(meta.addr(leader), "POST", "/execute", PAD_BODY, BULK_CONNS, fill // BULK_CONNS)
        while index < base + threshold - 2:
            index = execute(meta, leader, PAD)
        time.sleep(1)
        if index != base + threshold - 2 or newest_snapshot(meta, leader) != base:
            continue  # a snapshot came while filling (or is being written): aim for the next one
        poller = SnapshotWatcher(meta, leader, base)
        poller.start()
        t_first = time.monotonic()
        t_send = t_ack = t_first
        trigger = 0
        deadline = t_first + 600
        while not poller.seen and time.monotonic() < deadline:
            if trigger == 0 or (time.monotonic() - t_ack > 1.0 and trigger < base + threshold + 2):
                t_send = time.monotonic()
                trigger = execute(meta, leader, PAD)
                t_ack = time.monotonic()
            time.sleep(0.01)
        poller.stopping.set()
        poller.join()
        if not poller.seen:
            raise RuntimeError("influxd-meta: the triggered snapshot never appeared")
        name, (snap_index, stamp, seen_at) = min(poller.seen.items(), key=lambda kv: kv[1][0])
        start = stamp / 1000
        if not t_first - 0.005 <= start <= seen_at:
            report.note(f"influxd-meta: snapshot timestamp {start:.3f} outside [{t_first:.3f}, {seen_at:.3f}]; "
                        "timing from the last write instead")
            start = t_send
        size = os.path.getsize(f"{meta.raft_dir(leader)}/{name}")
        report.note(f"influxd-meta snapshot: index {snap_index} (last write {trigger}), {size:,} bytes on disk, "
                    f"{meta.database_count(leader):,} databases, {(seen_at - start) * 1000:.0f} ms from libraft's "
                    f"timestamp to the file in place (last write acked {(t_ack - t_send) * 1000:.0f} ms after sent)")
        return seen_at - start, snap_index
    raise RuntimeError("influxd-meta: could not place a snapshot trigger")


def snapshots(meta: Meta, etcd: Etcd, sizes: Sizes, count: int, report: Report) -> int:
    """Ours: one snapshot taken by libraft at its threshold. etcd: `etcdctl snapshot save`.
    Returns the index of our snapshot."""
    ours, index = meta_snapshot(meta, sizes.snapshot_threshold, report)
    el = leader_of(etcd)
    path = f"{etcd.root}/backup.db"
    theirs = etcd.snapshot_save(el, path)
    report.note(f"etcd snapshot save: {os.path.getsize(path):,} bytes, {theirs * 1000:.0f} ms (etcdctl start included)")
    report.row(f"snapshot with {count:,} databases / keys (ms)", ours * 1000, theirs * 1000)
    return index


def restart_member(system: Cluster, victim: int) -> tuple[float, float]:
    """kill -9 of a follower, exec again: seconds to answering and to having applied everything
    the leader had applied before the kill."""
    target = system.applied(leader_of(system)) or 0
    system.kill(victim)
    t0 = system.restart(victim)
    answering = wait_since(t0, lambda: system.answering(victim), 900, 0.01)
    caught_up = wait_since(t0, lambda: (system.applied(victim) or -1) >= target, 900, 0.01)
    return answering, caught_up


def restores(meta: Meta, etcd: Etcd, sizes: Sizes, count: int, after: int, report: Report) -> None:
    """A follower killed and restarted on the loaded state. Ours: restarted right after it took
    its own snapshot of everything loaded (no-op writes bring it there), so the figure is the
    restore of that snapshot plus a short log replay. etcd: reopens its bbolt file and replays
    its WAL."""
    ml = leader_of(meta)
    time.sleep(1)
    victim = max((i for i in NODES if i != ml), key=lambda i: newest_snapshot(meta, i))
    for _ in range(sizes.snapshot_threshold // 256 + 10):
        if newest_snapshot(meta, victim) >= after:
            break
        load(meta.addr(ml), "POST", "/execute", PAD_BODY, BULK_CONNS, 16)
        time.sleep(1)  # a quiet moment: all three snapshot on the leader's barrier, about 550 ms into it
    time.sleep(1)
    newest = newest_snapshot(meta, victim)
    replay = (meta.applied(victim) or 0) - newest
    ours = restart_member(meta, victim)
    report.note(f"influxd-meta restart of node {victim}: snapshot at {newest}, {replay} log entries after it")
    theirs = restart_member(etcd, next(i for i in NODES if i != leader_of(etcd)))
    report.row(f"restart with {count:,}: exec to answering (ms)", ours[0] * 1000, theirs[0] * 1000)
    report.row(f"restart with {count:,}: exec to caught up (ms)", ours[1] * 1000, theirs[1] * 1000)


PHASES = ("reads", "watchers", "writes", "failover", "bulk", "snapshot", "restart")


def run_round(binaries: str, sizes: Sizes, root: str, phases: tuple[str, ...] = PHASES) -> Report:
    """One table on fresh clusters under `root`: start-up, then `phases` in PHASES order (snapshot
    and restart need bulk); both clusters are killed on the way out."""
    report = Report()
    meta = Meta(binaries, f"{root}/meta", sizes.snapshot_threshold)
    etcd = Etcd(f"{root}/etcd")
    try:
        print("  start-up", flush=True)
        startup(meta, etcd, report)
        for name, label, phase in (("reads", "linearizable reads", reads), ("watchers", "watchers", watchers),
                                   ("writes", "writes", writes), ("failover", "failover", failover)):
            if name in phases:
                print(f"  {label}", flush=True)
                phase(meta, etcd, sizes, report)
        if "bulk" in phases:
            print(f"  bulk load of {sizes.databases:,}", flush=True)
            count = bulk(meta, etcd, sizes, report)
            if "snapshot" in phases:
                print("  snapshot", flush=True)
                index = snapshots(meta, etcd, sizes, count, report)
                if "restart" in phases:
                    print("  restart", flush=True)
                    restores(meta, etcd, sizes, count, index, report)
    finally:
        meta.stop()
        etcd.stop()
    return report


def fmt(value: float | None, width: int) -> str:
    if value is None or value != value:
        return f"{'-':>{width}}"
    return f"{value:{width}.{2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0}f}"


def ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or ours != ours or theirs != theirs or theirs == 0:
        return f"{'-':>8}"
    return f"{ours / theirs:8.2f}"


def print_table(rows: list[Row]) -> None:
    print(f"{'figure':58} {'influxd-meta':>12} {'etcd':>10} {'ratio':>8}")
    for name, ours, theirs in rows:
        print(f"{name:58} {fmt(ours, 12)} {fmt(theirs, 10)} {ratio(ours, theirs)}")


def print_medians(reports: list[Report]) -> None:
    """Median of each figure over the rounds and the ratio of the medians; then the median of
    the rounds' own ratios (each from one round's moments, so less exposed to the machine's
    drift between rounds) with their range; then each system's range."""
    print(f"\nmedians of {len(reports)} rounds")
    print(f"{'figure':58} {'influxd-meta':>12} {'etcd':>10} {'ratio':>8}  {'round ratios':>20}"
          f"  {'influxd-meta range':>20}  {'etcd range':>20}")
    for k, (name, _, _) in enumerate(reports[0].rows):
        ours = [r.rows[k][1] for r in reports if r.rows[k][1] is not None]
        theirs = [r.rows[k][2] for r in reports if r.rows[k][2] is not None]
        mo = median(ours) if ours else None
        mt = median(theirs) if theirs else None
        rounds = [r.rows[k][1] / r.rows[k][2] for r in reports
                  if r.rows[k][1] is not None and r.rows[k][2] and r.rows[k][1] == r.rows[k][1]
                  and r.rows[k][2] == r.rows[k][2]]
        by_round = (f"{median(rounds):.2f} ({min(rounds):.2f}..{max(rounds):.2f})" if rounds else "-")
        span = lambda vs: f"{f'{fmt(min(vs), 0)}..{fmt(max(vs), 0)}' if vs else '-':>20}"
        print(f"{name:58} {fmt(mo, 12)} {fmt(mt, 10)} {ratio(mo, mt)}  {by_round:>20}  {span(ours)}  {span(theirs)}")


def check_ports() -> str | None:
    """Names a port the clusters need that is already taken (a previous run's leftovers?)."""
    for i in NODES:
        for host, port in ((f"127.0.0.{i}", 8091), (f"127.0.0.{i}", 8089), ("127.0.0.1", int(f"{i}2379")),
                           ("127.0.0.1", int(f"{i}2380"))):
            if port_in_use(host, port):
                return f"{host}:{port}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="directory holding influxd-meta and influxd-ctl")
    parser.add_argument("--quick", action="store_true", help="small sizes: a functional check in about a minute")
    parser.add_argument("--repeat", type=int, default=1, help="rounds on fresh clusters; medians at the end")
    parser.add_argument("--databases", type=int, help="databases (etcd: keys) for the RSS, snapshot and restart figures")
    parser.add_argument("--watchers", type=int, help="long polls / watches woken by one write")
    parser.add_argument("--failovers", type=int, help="leader kills per system (the median is reported)")
    parser.add_argument("--snapshot-threshold", type=int, help="influxd-meta raft-snapshot-threshold")
    parser.add_argument("--only", help=f"comma-separated phases after start-up, of {','.join(PHASES)} "
                                       "(snapshot needs bulk, restart needs snapshot; default: all)")
    parser.add_argument("--dir", help="where the clusters keep their data (default: the system's temporary "
                                      "directory; e.g. /dev/shm to take the disk out of the figures)")
    args = parser.parse_args()
    phases = PHASES
    if args.only:
        phases = tuple(p.strip() for p in args.only.split(",") if p.strip())
        unknown = [p for p in phases if p not in PHASES]
        if unknown:
            print(f"bench: --only: unknown phase {unknown[0]!r}; the phases are {', '.join(PHASES)}")
            return 1
        if "restart" in phases and "snapshot" not in phases or "snapshot" in phases and "bulk" not in phases:
            print("bench: --only: snapshot needs bulk, and restart needs snapshot")
            return 1
    sizes = dataclasses.replace(QUICK if args.quick else FULL)
    for field in ("databases", "watchers", "failovers", "snapshot_threshold"):
        if getattr(args, field) is not None:
            setattr(sizes, field, getattr(args, field))
    binaries = os.path.abspath(args.bin)
    if not shutil.which("etcd") or not shutil.which("etcdctl"):
        print("bench: etcd is not installed (apt-get install etcd-server etcd-client)")
        return 1
    if not os.access(f"{binaries}/influxd-meta", os.X_OK) or not os.access(f"{binaries}/influxd-ctl", os.X_OK):
        print(f"bench: no influxd-meta / influxd-ctl in {binaries}")
        return 1
    taken = check_ports()
    if taken:
        print(f"bench: {taken} is in use; stop whatever holds it (a previous run's nodes?) and try again")
        return 1
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    if args.dir and not os.path.isdir(args.dir):
        print(f"bench: --dir {args.dir}: not a directory")
        return 1
    workdir = tempfile.mkdtemp(prefix="bench-", dir=args.dir)
    reports: list[Report] = []
    print(f"bench: {'quick' if args.quick else 'full'} sizes {sizes}; phases {','.join(phases)}; data in {workdir}; "
          f"load average {os.getloadavg()}", flush=True)
    try:
        for r in range(args.repeat):
            print(f"round {r + 1}/{args.repeat}", flush=True)
            report = run_round(binaries, sizes, f"{workdir}/round{r}", phases)
            shutil.rmtree(f"{workdir}/round{r}", ignore_errors=True)
            reports.append(report)
            print()
            print_table(report.rows)
            for note in report.notes:
                print(f"  {note}")
            print(flush=True)
        if len(reports) > 1:
            print_medians(reports)
        print(f"load average at the end {os.getloadavg()}")
        return 0
    except KeyboardInterrupt:
        print("bench: interrupted; clusters stopped")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
