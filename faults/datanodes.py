"""The data-node workload: simulated data nodes (tools/datanode-sim) in the client namespace
join the cluster, announce, follow the metadata by long poll, create shard groups and fight
for the `continuous_querier` lease while the nemesis works; their records go into the run's
history for faults/checker/datanodes.py."""

from __future__ import annotations

import os
import sys

from . import netns
from .client import History
from .cluster import SECRET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools", "datanode-sim"))

from datanode_sim import Convergence, Options, Simulator  # noqa: E402

DATA_NODES = 10
LEASE_DURATION = "1s"
#: `[meta]` keys of the cluster under this workload: short leases, so that a leader kill or a
#: resting holder hands the lease over during the run.
META_EXTRA = f' lease-duration = "{LEASE_DURATION}"\n'
DATABASES = ["dn-0", "dn-1"]


def start(addresses: dict[str, str], names: list[str], history: History, seed: int,
          count: int = DATA_NODES) -> Simulator:
    """Creates the databases, joins `count` data nodes (listening in the client namespace) and
    starts them. Raises when they cannot join (the run then reports a harness error)."""
    options = Options(gossip=1.0, lease_interval=0.2, lease_rest=0.3, lease_rest_seconds=2.0,
                      write_interval=0.3, databases=DATABASES, poll_timeout=5.0, request_timeout=2.0,
                      secret=SECRET)
    client_ip = addresses["fi-client"]
    sim = Simulator([f"{name}:8091" for name in names], count, options, history, bind=client_ip,
                    advertise=client_ip, seed=seed, resolve=addresses, thread_init=lambda: netns.enter("fi-client"))
    sim.setup(timeout=60.0)
    sim.start()
    return sim


def finish(sim: Simulator, history: History, bound: float) -> Convergence:
    """After healing: waits for every cache to hold the leader's metadata, records the result."""
    convergence = sim.converge(bound)
    history.add(convergence.record())
    for error in sim.errors():
        history.add({"f": "cache-error", "process": "sim", "error": error})
    return convergence
