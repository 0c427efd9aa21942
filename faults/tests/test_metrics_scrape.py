"""`GET /metrics` read with Prometheus' own Python parser, `/health` and `/readyz` probed.

A single-server node is scraped with ``prometheus_client.parser.text_string_to_metric_families``
(the text format as Prometheus' client library reads it): every family the node documents is
there with its type, and the proposal, apply and HTTP counters move after writes. An un-joined
node answers 503 on both probes with the reason. `/debug/vars` carries `cmdline` and `memstats`.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from faults.fuzz.common import Node, bin_dir, http_request, wait_until  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not (bin_dir() / "influxd-meta").exists(),
                       reason=f"no influxd-meta in {bin_dir()} (set INFLUXD_BIN_DIR)"),
    pytest.mark.skipif(importlib.util.find_spec("prometheus_client") is None,
                       reason="no prometheus_client (pip install prometheus_client)"),
]

FAMILIES = {
    "influxdb_meta_raft_state": "gauge",
    "influxdb_meta_raft_term": "gauge",
    "influxdb_meta_raft_commit_index": "gauge",
    "influxdb_meta_raft_applied_index": "gauge",
    "influxdb_meta_raft_last_index": "gauge",
    "influxdb_meta_raft_peers": "gauge",
    "influxdb_meta_raft_peers_reachable": "gauge",
    "influxdb_meta_raft_apply_duration_seconds": "histogram",
    "influxdb_meta_raft_proposals": "counter",
    "influxdb_meta_raft_proposal_batches": "counter",
    "influxdb_meta_raft_snapshot_size_bytes": "gauge",
    "influxdb_meta_raft_snapshot_duration_seconds": "histogram",
    "influxdb_meta_http_requests": "counter",
    "influxdb_meta_license_days_left": "gauge",
}


def scrape(node: Node) -> dict:
    """The families of one scrape, by name, as the Prometheus client parser reads them."""
    from prometheus_client.parser import text_string_to_metric_families

    reply = http_request(node.http_port, "GET", "/metrics")
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(reply.body.decode("utf-8"))}


def value(families: dict, name: str, sample: str | None = None, **labels: str) -> float:
    matches = [s.value for s in families[name].samples
               if s.name == (sample or name) and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(matches) == 1, f"{sample or name}{labels}: {families[name].samples}"
    return matches[0]


def create_database(node: Node, name: str) -> None:
    body = json.dumps({"type": "create-database", "name": name}).encode()
    reply = http_request(node.http_port, "POST", "/execute", body=body, headers={"Content-Type": "application/json"})
    assert reply.status == 200, reply.body


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("metrics"))
    n.start()
    yield n
    n.kill()


def test_families_parse_and_counters_move(node: Node) -> None:
    before = scrape(node)
    for name, kind in FAMILIES.items():
        assert name in before, f"{name} missing from /metrics: {sorted(before)}"
        assert before[name].type == kind, f"{name} is a {before[name].type}, not a {kind}"
    assert value(before, "influxdb_meta_raft_state", state="leader") == 1
    assert value(before, "influxdb_meta_raft_state", state="follower") == 0
    assert value(before, "influxdb_meta_license_days_left") > 0
    for i in range(3):
        create_database(node, f"scraped{i}")
    after = scrape(node)
    proposals = "influxdb_meta_raft_proposals_total"
    assert value(after, "influxdb_meta_raft_proposals", proposals) >= value(before, "influxdb_meta_raft_proposals",
                                                                            proposals) + 3
    applied = "influxdb_meta_raft_apply_duration_seconds_count"
    assert value(after, "influxdb_meta_raft_apply_duration_seconds", applied) >= value(
        before, "influxdb_meta_raft_apply_duration_seconds", applied) + 3
    assert value(after, "influxdb_meta_raft_applied_index") >= value(before, "influxdb_meta_raft_applied_index") + 3
    executed = value(after, "influxdb_meta_http_requests", "influxdb_meta_http_requests_total",
                     route="/execute", method="POST", code="200")
    assert executed >= 3
    # the route pattern, never the raw path: one series for every /metrics scrape
    routes = {s.labels["route"] for s in after["influxdb_meta_http_requests"].samples}
    assert "/metrics" in routes and all(not r.startswith("/metrics?") for r in routes)


def test_probes_on_a_leader(node: Node) -> None:
    for path in ("/health", "/readyz"):
        reply = wait_until(lambda p=path: (r := http_request(node.http_port, "GET", p)).status == 200 and r, 20)
        assert reply and reply.json() == {"health": "true"}, path


def test_probes_on_an_unjoined_node(tmp_path: Path) -> None:
    lone = Node(tmp_path / "lone", single_server=False)
    lone.start()
    try:
        for path in ("/health", "/readyz"):
            reply = http_request(lone.http_port, "GET", path)
            assert reply.status == 503, path
            assert reply.json() == {"health": "false", "reason": "not part of a cluster"}, path
        assert value(scrape(lone), "influxdb_meta_raft_state", state="unjoined") == 1
    finally:
        lone.kill()


def test_debug_vars(node: Node) -> None:
    reply = http_request(node.http_port, "GET", "/debug/vars")
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["entitlements"]["licenseType"] != "none"
    assert "-config" in body["cmdline"]
    assert body["memstats"]["Sys"] > 1 << 20  # resident set, bytes
    assert body["memstats"]["MaxRSS"] >= body["memstats"]["Sys"]
    assert body["memstats"]["HeapSys"] > 0
