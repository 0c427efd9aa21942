"""Command line: run N simulated data nodes against a meta cluster for a while, then wait for
every cache to converge, write the history and check it.

    python3 tools/datanode-sim --meta 127.0.0.1:8091,127.0.0.2:8091 --nodes 10 --duration 30
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .node import ListRecorder, Options
from .sim import Simulator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tools/datanode-sim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meta", required=True, help="meta nodes' HTTP addresses, host:port,host:port")
    parser.add_argument("--nodes", type=int, default=3, help="simulated data nodes (default 3)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of activity (default 10)")
    parser.add_argument("--databases", type=int, default=2, help="databases written to (sim-0, sim-1, ...)")
    parser.add_argument("--bind", default="127.0.0.1", help="address the nodes' TCP listeners bind")
    parser.add_argument("--advertise", help="address the meta nodes dial them at (default: --bind)")
    parser.add_argument("--protocol", choices=("protobuf", "json"), default="protobuf", help="what GET / is asked for")
    parser.add_argument("--gossip", type=float, default=1.0, help="seconds between announcements")
    parser.add_argument("--lease-interval", type=float, default=0.25, help="seconds between lease requests")
    parser.add_argument("--lease-rest", type=float, default=0.2,
                        help="chance that a holder stops asking for a while after a grant (forces handovers)")
    parser.add_argument("--lease-rest-seconds", type=float, default=3.0)
    parser.add_argument("--write-interval", type=float, default=0.2, help="seconds between simulated write batches")
    parser.add_argument("--converge", type=float, default=30.0, help="seconds allowed for caches to converge")
    parser.add_argument("--secret", default=os.environ.get("INFLUXDB_META_INTERNAL_SHARED_SECRET", ""),
                        help="the meta nodes' internal-shared-secret (node tokens on every request)")
    parser.add_argument("--history", help="write the history here (JSON lines)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    options = Options(gossip=args.gossip, lease_interval=args.lease_interval, lease_rest=args.lease_rest,
                      lease_rest_seconds=args.lease_rest_seconds, write_interval=args.write_interval,
                      databases=[f"sim-{i}" for i in range(args.databases)], protocol=args.protocol,
                      secret=args.secret)
    recorder = ListRecorder()
    sim = Simulator(args.meta.split(","), args.nodes, options, recorder, args.bind, args.advertise, args.seed)
    try:
        sim.setup()
        print(f"datanode-sim: {args.nodes} nodes joined: "
              + ", ".join(f"{n.name}=id {n.id} at {n.tcp_addr}" for n in sim.nodes), flush=True)
        sim.start()
        time.sleep(args.duration)
        sim.quiesce()
        convergence = sim.converge(args.converge)
        recorder.add(convergence.record())
    finally:
        sim.close()
    if args.history:
        with open(args.history, "w") as f:
            f.writelines(json.dumps(op) + "\n" for op in recorder.ops)
    sys.path.insert(0, REPO)
    from faults.checker.datanodes import check_datanodes

    problems, stats = check_datanodes(recorder.ops)
    problems += [f"simulator: {e}" for e in sim.errors()]
    print("datanode-sim: " + json.dumps(stats))
    for p in problems:
        print(f"    {p}")
    print("datanode-sim: " + ("OK" if not problems else "VIOLATION"))
    return 0 if not problems else 1
