"""Three meta nodes and ten simulated data nodes (tools/datanode-sim) through kill -9 of the
leader, again and again: the data nodes join, announce, follow the metadata by long poll in
protobuf, create shard groups and fight for the `continuous_querier` lease, and the checker
(faults/checker/datanodes.py) must pass: never two lease holders at once, tokens that only
grow, every cache at the leader's metadata after the faults heal.

Needs root (network namespaces) and the built binaries (INFLUXD_BIN_DIR, default .build/debug).
Run: ``INFLUXD_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q faults/tests/test_datanodes_cluster.py``
"""

from __future__ import annotations

import json
import os

import pytest

from faults.run import run_scenario

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARIES = os.path.abspath(os.environ.get("INFLUXD_BIN_DIR", os.path.join(REPO, ".build", "debug")))

pytestmark = [
    pytest.mark.skipif(os.getuid() != 0, reason="needs root: network namespaces"),
    pytest.mark.skipif(not os.path.exists(f"{BINARIES}/influxd-meta"), reason=f"no influxd-meta in {BINARIES}"),
]


def test_ten_data_nodes_through_leader_kills(tmp_path):
    folder = str(tmp_path / "datanodes-kill-leader")
    outcome = run_scenario("datanodes-kill-leader", 3, seed=1, duration=8.0, binaries=BINARIES, folder=folder,
                           data_nodes=10)
    assert outcome.passed, "\n".join(outcome.problems) + f"\n(history and logs: {folder})"
    with open(f"{folder}/events.jsonl") as f:
        kills = [e for e in map(json.loads, f) if e["event"] == "kill -9" and e.get("leader") is True]
    stats = outcome.stats
    assert kills, "the leader was never killed"
    assert stats["data_nodes"] == 10
    assert stats["lease_grants"] > 0 and stats["lease_holders"] >= 2, stats
    assert stats["shard_groups_acked"] > 0, stats
    assert stats["cache_convergence_seconds"] is not None, stats
