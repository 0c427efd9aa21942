"""Runs fault scenarios against a meta cluster on namespace hosts and checks the histories.

    python3 -m faults                      # short mode (CI): every scenario once, fixed seeds
    python3 -m faults --long               # long mode: longer runs, more seeds, 3 and 5 nodes
    python3 -m faults --scenario kill-leader --seed 7 --nodes 5 --duration 30   # replay one

Every run leaves, in its folder, the history (history.jsonl), the faults it injected
(events.jsonl), the leaders it observed (leaders.jsonl), each node's log and a summary.json.
A failing run says how to replay it. Needs root (network namespaces, iptables, tmpfs)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from . import netns
from .checker.datanodes import check_datanodes
from .checker.leaders import check_leaders
from .checker.linearizability import check_register
from .checker.sets import check_set
from .client import Client, History, run_clients
from .cluster import Cluster
from .nemesis import Nemesis
from .workloads import RegisterWorkload, SetWorkload

CONVERGENCE_BOUND = 20.0  # seconds from healing to every member holding the same metadata

SCENARIOS = {
    "kill-follower": lambda n: n.kill(False, n.rng.uniform(0.5, 2.0)),
    "kill-leader": lambda n: n.kill(True, n.rng.uniform(0.5, 2.0)),
    "pause": lambda n: n.pause(n.rng.uniform(1.2, 2.5)),
    "partition-leader": lambda n: n.partition("leader", n.rng.uniform(1.5, 3.0)),
    "partition-halves": lambda n: n.partition("halves", n.rng.uniform(1.5, 3.0)),
    "partition-bridge": lambda n: n.partition("bridge", n.rng.uniform(1.5, 3.0)),
    "packet-loss": lambda n: n.loss(0.2, n.rng.uniform(2.0, 4.0)),
    "member-churn": lambda n: n.churn(n.rng.uniform(0.5, 1.5)),
    "disk-full": None,  # special: needs a tmpfs under one node (see run_scenario)
    # Delay (a delaying proxy per namespace, see delayproxy.py), each way, per chunk of bytes:
    # every link 50-150 ms (round trips stay below the 500 ms election timeout) ...
    "delay": lambda n: n.delay(n.rng.uniform(50, 150), 30, n.rng.uniform(2.0, 4.0)),
    # ... or one node's links 400-900 ms (round trips of 0.8-1.8 s: too slow to lead)
    "delay-high": lambda n: n.delay_one(n.rng.uniform(400, 900), 100, n.rng.uniform(2.0, 4.0)),
    # the data-node workload (faults/datanodes.py) beside the others, under leader kills or a mix
    "datanodes-kill-leader": lambda n: n.kill(True, n.rng.uniform(0.5, 2.0)),
    "datanodes": lambda n: SCENARIOS[n.rng.choice(["kill-leader", "kill-follower", "pause", "partition-leader"])](n),
    "mixed": lambda n: SCENARIOS[n.rng.choice(["kill-follower", "kill-leader", "pause", "partition-leader",
                                               "partition-halves", "packet-loss", "delay", "delay-high"])](n),
}

SHORT = [(name, 3, 8.0) for name in SCENARIOS if name not in ("delay-high", "mixed", "datanodes-kill-leader")] \
    + [("mixed", 5, 12.0)]
LONG = [(name, nodes, 60.0) for nodes in (3, 5) for name in SCENARIOS]


@dataclass
class Outcome:
    scenario: str
    nodes: int
    seed: int
    folder: str
    problems: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems


def observe_leaders(addresses: dict[str, str], names: list[str], stop: threading.Event, out: list[dict]) -> None:
    """Polls every node's /status from the client namespace; records (node, term, leader)."""
    netns.enter("fi-client")
    while not stop.is_set():
        for name in names:
            try:
                conn = http.client.HTTPConnection(addresses[name], 8091, timeout=0.3)
                conn.request("GET", "/status")
                body = json.loads(conn.getresponse().read())
                conn.close()
                if body.get("term") and body.get("leader"):
                    out.append({"node": name, "term": body["term"], "leader": body["leader"], "time": time.monotonic()})
            except (OSError, ValueError, http.client.HTTPException):
                pass
        time.sleep(0.05)


def run_scenario(scenario: str, nodes: int, seed: int, duration: float, binaries: str, folder: str,
                 data_nodes: int | None = None) -> Outcome:
    """One run. Scenarios named `datanodes*` add the data-node workload (`data_nodes`
    simulated nodes, default faults.datanodes.DATA_NODES) and its checker."""
    outcome = Outcome(scenario, nodes, seed, folder)
    simulated = scenario.startswith("datanodes")
    sim = None
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    names = [f"fi-meta-{i + 1}" for i in range(nodes)]
    network = netns.Network(names + ["fi-client"])
    tmpfs: str | None = None
    cluster: Cluster | None = None
    history = History()
    leaders: list[dict] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    nemesis: Nemesis | None = None
    try:
        network.create()
        if simulated:
            from . import datanodes

            data_nodes = data_nodes or datanodes.DATA_NODES
            cluster = Cluster(network, folder, binaries, meta_extra=datanodes.META_EXTRA, data_nodes=data_nodes)
        else:
            cluster = Cluster(network, folder, binaries)
        if scenario == "disk-full":
            tmpfs = cluster.nodes[-1].dir
            os.makedirs(tmpfs, exist_ok=True)
            netns.sh("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", tmpfs)
        cluster.start_and_join()
        cluster.wait_for_leader()
        addresses = {h.name: h.address for h in network.hosts}
        nemesis = Nemesis(cluster, rng)
        threads.append(threading.Thread(target=observe_leaders, args=(addresses, names, stop, leaders), daemon=True))
        threads[-1].start()
        if simulated:
            sim = datanodes.start(addresses, names, history, seed, data_nodes)
            outcome.stats["data_nodes"] = data_nodes
        threads += run_clients(SetWorkload(), 3, addresses, names, seed, history, stop)
        threads += run_clients(RegisterWorkload(), 3, addresses, names, seed + 500, history, stop)
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(0.3, 1.0))
            if scenario == "disk-full":
                nemesis.fill_disk(cluster.nodes[-1], rng.uniform(1.5, 3.0))
            else:
                SCENARIOS[scenario](nemesis)
        stop.set()
        for t in threads:
            t.join(timeout=5)
        if sim is not None:
            sim.quiesce()  # no more writes or lease requests; caches go on following
        crashed = nemesis.unexpected_exits()
        nemesis.heal_all()
        if crashed:
            outcome.problems.append(f"nodes exited by themselves: {crashed} (see their logs)")
        try:
            took, data = cluster.converge(CONVERGENCE_BOUND)
            outcome.stats["convergence_seconds"] = round(took, 2)
            outcome.stats["final_index"] = data.get("index")
        except TimeoutError as e:
            views = []
            for node in cluster.nodes:
                status = cluster.api(node, "/status") or {}
                data = cluster.api(node, "/") or {}
                views.append(f"{node.name}: alive={node.alive} leader={status.get('leader')!r} "
                             f"term={status.get('term')} index={data.get('index')} peers={status.get('peers')}")
            outcome.problems.append(f"no convergence within {CONVERGENCE_BOUND}s after healing: {e}; "
                                    + "; ".join(views))
        if sim is not None:
            datanodes.finish(sim, history, CONVERGENCE_BOUND)
        check(history, leaders, outcome)
        if sim is not None:
            problems, stats = check_datanodes(history.ops)
            outcome.problems += problems
            outcome.stats.update(stats)
    except Exception as e:  # the harness itself failed: report it as a failure, keep the logs
        outcome.problems.append(f"harness error: {e.__class__.__name__}: {e}")
    finally:
        stop.set()
        if sim is not None:
            sim.close()
        if cluster is not None:
            cluster.stop_all()
        history.dump(f"{folder}/history.jsonl")
        with open(f"{folder}/leaders.jsonl", "w") as f:
            f.writelines(json.dumps(o) + "\n" for o in leaders)
        if nemesis is not None:
            nemesis.stop_proxies()
            with open(f"{folder}/events.jsonl", "w") as f:
                f.writelines(json.dumps(e) + "\n" for e in nemesis.events)
        with open(f"{folder}/summary.json", "w") as f:
            json.dump({"scenario": scenario, "nodes": nodes, "seed": seed, "duration": duration,
                       "problems": outcome.problems, "stats": outcome.stats}, f, indent=2)
        if tmpfs:
            subprocess.run(["umount", "-l", tmpfs], capture_output=True)
        network.destroy()
    return outcome


def check(history: History, leaders: list[dict], outcome: Outcome) -> None:
    ops = history.ops
    writes = [o for o in ops if o["f"] in ("add", "write")]
    acked = sum(1 for o in writes if o["ok"] is True)
    outcome.stats.update({
        "operations": len(ops),
        "writes_acknowledged": acked,
        "writes_failed": sum(1 for o in writes if o["ok"] is False),
        "writes_unknown": sum(1 for o in writes if o["ok"] is None),
        "reads": sum(1 for o in ops if o["f"] in ("read", "read-set")),
        "leader_observations": len(leaders),
        "terms": len({o["term"] for o in leaders}),
    })
    if acked == 0:
        outcome.problems.append("no write was acknowledged: the run proves nothing")
    register = check_register([o for o in ops if o["f"] in ("write", "read")])
    if register.valid is False:
        outcome.problems.append(f"register history not linearizable (key {register.key}): {register.explanation}")
    elif register.valid is None:
        outcome.stats["register_check"] = f"unknown: {register.explanation}"
    sets = check_set([o for o in ops if o["f"] in ("add", "read-set")])
    outcome.problems += [f"set: {v}" for v in sets.violations[:10]]
    outcome.problems += [f"leaders: {v}" for v in check_leaders(leaders)[:10]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m faults", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="long mode: 60 s runs, 3 and 5 nodes, --seeds seeds")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), help="run only this scenario")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-nodes", type=int, help="simulated data nodes in datanodes scenarios (default 10)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per scenario in long mode")
    parser.add_argument("--duration", type=float, help="seconds of faults per run")
    parser.add_argument("--out", default="/tmp/faults", help="where run folders go")
    parser.add_argument("--unsafe-reads", action="store_true",
                        help="self-test: read from any node without a barrier; the checkers must then report violations")
    parser.add_argument("--bin", default=os.environ.get("INFLUXD_BIN_DIR", ".build/debug"))
    args = parser.parse_args(argv)
    if os.getuid() != 0:
        print("faults: needs root (network namespaces, iptables, tmpfs)")
        return 77
    binaries = os.path.abspath(args.bin)
    Client.unsafe_reads = args.unsafe_reads
    if args.scenario:
        plan = [(args.scenario, args.nodes, args.duration or 10.0, args.seed)]
    elif args.long:
        plan = [(s, n, args.duration or d, seed) for s, n, d in LONG for seed in range(1, args.seeds + 1)]
    else:
        plan = [(s, n, args.duration or d, args.seed) for s, n, d in SHORT]
    outcomes = []
    for scenario, nodes, duration, seed in plan:
        folder = f"{args.out}/{scenario}-n{nodes}-s{seed}"
        started = time.monotonic()
        outcome = run_scenario(scenario, nodes, seed, duration, binaries, folder, args.data_nodes)
        outcomes.append(outcome)
        s = outcome.stats
        print(f"{'ok' if outcome.passed else 'FAILED'}: {scenario} nodes={nodes} seed={seed} "
              f"ops={s.get('operations', 0)} acked={s.get('writes_acknowledged', 0)} "
              f"unknown={s.get('writes_unknown', 0)} terms={s.get('terms', 0)} "
              f"converged={s.get('convergence_seconds', '-')}s took={time.monotonic() - started:.1f}s", flush=True)
        for problem in outcome.problems:
            print(f"    {problem}")
        if not outcome.passed:
            print(f"    history and logs: {folder}")
            print(f"    replay: python3 -m faults --scenario {scenario} --nodes {nodes} --seed {seed} "
                  f"--duration {duration:g}{' --unsafe-reads' if args.unsafe_reads else ''}")
        elif not args.scenario:
            shutil.rmtree(folder, ignore_errors=True)
    passed = sum(o.passed for o in outcomes)
    print(f"faults: {passed} passed, {len(outcomes) - passed} failed")
    return 0 if passed == len(outcomes) else 1
