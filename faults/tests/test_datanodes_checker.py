"""Tests of the data-node checker (faults/checker/datanodes.py) on hand-made histories, and of
the simulator's pieces that need no cluster (RFC 3339 parsing, protobuf summaries with InfluxDB's
own meta.proto compiled by protoc).

Run: ``python3 -m pytest -q faults/tests/test_datanodes_checker.py``
"""

from __future__ import annotations

import os
import sys

import pytest

from faults.checker.__main__ import main as cli_main
from faults.checker.datanodes import check_caches, check_datanodes, check_leases

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "datanode-sim"))

from datanode_sim.proto import ProtoUnavailable, decode, meta_pb2  # noqa: E402
from datanode_sim.node import parse_time  # noqa: E402


def grant(node: int, arrived: float, expires: float, token: int, status: int = 200, owner: int | None = None) -> dict:
    return {"process": f"dn-{node}", "f": "lease", "key": "continuous_querier", "value": node,
            "wall_start": arrived - 0.01, "wall_end": arrived, "start": arrived, "end": arrived, "status": status,
            "ok": status == 200, "owner": node if owner is None else owner, "token": token, "expiration": expires}


def test_handover_after_expiry_passes():
    ops = [grant(4, 10.0, 11.0, 7), grant(4, 10.5, 11.5, 7), grant(5, 11.6, 12.6, 20), grant(4, 11.7, 12.6, 20, 409, 5)]
    result = check_leases(ops)
    assert result.violations == []
    assert (result.grants, result.holders, result.handovers) == (3, 2, 1)


def test_overlapping_holders_fail():
    ops = [grant(4, 10.0, 11.0, 7), grant(5, 10.9, 11.9, 20)]
    violations = check_leases(ops).violations
    assert len(violations) == 1 and "two holders" in violations[0] and "100.0 ms" in violations[0]


def test_renewal_overlapping_a_later_holder_fails():
    # node 4 renewed until 12.0, but node 5 got it at 11.5
    ops = [grant(4, 10.0, 11.0, 7), grant(4, 10.8, 12.0, 7), grant(5, 11.5, 12.5, 9)]
    assert any("two holders" in v for v in check_leases(ops).violations)


def test_token_going_backwards_fails():
    ops = [grant(4, 10.0, 11.0, 30), grant(5, 11.5, 12.5, 20)]
    violations = check_leases(ops).violations
    assert any("went backwards" in v for v in violations)
    assert any("not above" in v for v in violations)


def test_token_reused_by_another_node_fails():
    ops = [grant(4, 10.0, 11.0, 7), grant(5, 11.5, 12.5, 7)]
    assert any("token 7 given to node 4 and to node 5" in v for v in check_leases(ops).violations)


def test_grant_lapsed_on_arrival_is_ignored():
    # node 4's answer arrived after its expiration (a slow reply): it never held the lease
    ops = [grant(5, 11.5, 12.5, 20), grant(4, 12.0, 11.0, 7)]
    assert check_leases(ops).violations == []


def test_200_naming_another_owner_fails():
    assert check_leases([grant(4, 10.0, 11.0, 7, owner=5)]).violations


def test_caches_must_converge():
    converged = {"f": "convergence", "leader_index": 40, "seconds": 0.2, "caches": {"dn-1": 40}, "mismatched": [],
                 "lost_groups": []}
    assert check_caches([converged]) == []
    behind = dict(converged, seconds=None, caches={"dn-1": 40, "dn-2": 31})
    assert "{'dn-2': 31}" in check_caches([behind])[0]
    assert check_caches([dict(converged, mismatched=["dn-3"])])
    assert check_caches([dict(converged, lost_groups=["db/autogen at 5"])])
    assert check_caches([]) == ["no convergence record: the simulator did not finish"]
    problems, stats = check_datanodes([converged, grant(4, 10.0, 11.0, 7)])
    assert problems == [] and stats["lease_grants"] == 1


def test_cli_reports_a_lease_violation(tmp_path, capsys):
    import json

    history = tmp_path / "history.jsonl"
    converged = {"f": "convergence", "leader_index": 40, "seconds": 0.2, "caches": {}, "mismatched": []}
    history.write_text("".join(json.dumps(o) + "\n" for o in [grant(4, 10.0, 11.0, 7), grant(5, 10.5, 11.5, 9),
                                                               converged]))
    assert cli_main([str(history)]) == 1
    assert "two holders" in capsys.readouterr().out


def test_parse_time():
    assert parse_time("0001-01-01T00:00:00Z") == 0.0
    assert parse_time("2026-12-06T07:00:01.5Z") == pytest.approx(1796540401.5)
    assert parse_time("2026-12-06T08:00:01.000000001+01:00") == pytest.approx(1796540401.0)
    with pytest.raises(ValueError):
        parse_time("yesterday")


def test_protobuf_summary_with_meta_proto():
    try:
        pb = meta_pb2()
    except ProtoUnavailable as e:
        pytest.skip(str(e))
    data = pb.Data(Term=3, Index=42, ClusterID=1, MaxNodeID=4, MaxShardGroupID=2, MaxShardID=1)
    data.DataNodes.add(ID=4, Host="h:8086", TCPHost="h:8088")
    db = data.Databases.add(Name="db", DefaultRetentionPolicy="autogen")
    rp = db.RetentionPolicies.add(Name="autogen", Duration=0, ShardGroupDuration=100, ReplicaN=1)
    sg = rp.ShardGroups.add(ID=1, StartTime=0, EndTime=100, DeletedAt=0)
    sg.Shards.add(ID=1).Owners.add(NodeID=4)
    rp.ShardGroups.add(ID=2, StartTime=100, EndTime=200, DeletedAt=5)  # deleted: not a cover
    summary = decode(data.SerializeToString(), "application/octet-stream")
    assert (summary.index, summary.term, summary.data_nodes, summary.shards) == (42, 3, {4: "h:8088"}, 1)
    policy = summary.policies[("db", "autogen")]
    assert policy.covers(99) and not policy.covers(100) and summary.default_policy == {"db": "autogen"}
