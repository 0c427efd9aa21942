"""Byte-level check of the wire format with a protobuf decoder other than ours.

InfluxDB 1.x's own ``services/meta/internal/meta.proto`` (Debian's
golang-github-influxdb-influxdb-dev) is compiled by ``protoc --python_out`` into a temporary
directory, and Python's ``protobuf`` package reads a running node's ``GET /`` with it: every
required field present, the field numbers of the original. The same module builds a
``Command`` (extension 103, CreateDatabaseCommand) for ``POST /execute`` and reads the
``Response``; the data nodes join through ``/add-data`` against listening sockets.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from faults.fuzz.common import Node, bin_dir  # noqa: E402

META_PROTO = Path("/usr/share/gocode/src/github.com/influxdata/influxdb/services/meta/internal/meta.proto")

pytestmark = [
    pytest.mark.skipif(not (bin_dir() / "influxd-meta").exists(),
                       reason=f"no influxd-meta in {bin_dir()} (set INFLUXD_BIN_DIR)"),
    pytest.mark.skipif(not META_PROTO.exists(),
                       reason=f"no {META_PROTO} (apt-get install golang-github-influxdb-influxdb-dev)"),
    pytest.mark.skipif(shutil.which("protoc") is None, reason="no protoc (apt-get install protobuf-compiler)"),
    pytest.mark.skipif(importlib.util.find_spec("google.protobuf") is None,
                       reason="no Python protobuf package (pip install protobuf)"),
]


@pytest.fixture(scope="module")
def meta_pb2(tmp_path_factory):
    """InfluxDB's meta.proto compiled for Python, imported from a temporary directory."""
    out = tmp_path_factory.mktemp("metaproto")
    shutil.copy(META_PROTO, out / "meta.proto")
    subprocess.run(["protoc", f"-I{out}", f"--python_out={out}", str(out / "meta.proto")], check=True,
                   capture_output=True)
    spec = importlib.util.spec_from_file_location("meta_pb2", out / "meta_pb2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("node"))
    n.start()
    yield n
    n.stop()


def request(node: Node, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", node.http_port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


HOUR = 3_600 * 10**9


def databases_of(data) -> list[dict]:
    """The databases of a decoded `Data` in the shape of our JSON (the fields meta.proto has)."""
    return [{
        "name": db.Name,
        "defaultRetentionPolicy": db.DefaultRetentionPolicy,
        "continuousQueries": [{"name": q.Name, "query": q.Query} for q in db.ContinuousQueries],
        "retentionPolicies": [{
            "name": rp.Name, "duration": rp.Duration, "shardGroupDuration": rp.ShardGroupDuration,
            "replicaN": rp.ReplicaN,
            "subscriptions": [{"name": s.Name, "mode": s.Mode, "destinations": list(s.Destinations)}
                              for s in rp.Subscriptions],
            "shardGroups": [{
                "id": g.ID, "startTime": g.StartTime, "endTime": g.EndTime, "deletedAt": g.DeletedAt,
                "truncatedAt": g.TruncatedAt,
                "shards": [{"id": sh.ID, "owners": [o.NodeID for o in sh.Owners]} for sh in g.Shards],
            } for g in rp.ShardGroups],
        } for rp in db.RetentionPolicies],
    } for db in data.Databases]


def execute_protobuf(node: Node, meta_pb2, command) -> tuple[int, object]:
    status, headers, body = request(node, "POST", "/execute", command.SerializeToString(),
                                    {"Content-Type": "application/octet-stream"})
    assert headers["content-type"] == "application/octet-stream"
    return status, meta_pb2.Response.FromString(body)


def test_get_decodes_with_influxdb_meta_proto(node, meta_pb2):
    # a database through a protobuf Command built from meta.proto, one through JSON
    command = meta_pb2.Command(type=meta_pb2.Command.CreateDatabaseCommand)
    command.Extensions[meta_pb2.CreateDatabaseCommand.command].Name = "proto-db"
    status, response = execute_protobuf(node, meta_pb2, command)
    assert status == 200 and response.OK and response.Index > 0, response
    status, _, _ = request(node, "POST", "/execute", json.dumps({"type": "create-database", "name": "json-db/é"}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200

    # meta.proto's CreateDataNodeCommand (25) is refused by /execute: data nodes join through
    # /add-data, which first dials them, so two listening sockets stand in for them
    command = meta_pb2.Command(type=meta_pb2.Command.CreateDataNodeCommand)
    body = command.Extensions[meta_pb2.CreateDataNodeCommand.command]
    body.HTTPAddr, body.TCPAddr = "d0:8086", "d0:8088"
    status, response = execute_protobuf(node, meta_pb2, command)
    assert status == 400 and not response.OK and "add-data" in response.Error, response
    listeners = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    tcp = [f"127.0.0.1:{listener.getsockname()[1]}" for listener in listeners]
    try:
        for address, host in zip(tcp, ("d1", "d2")):
            form = urllib.parse.urlencode({"addr": address, "httpAddr": f"{host}:8086"}).encode()
            status, _, reply = request(node, "POST", "/add-data", form,
                                       {"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 200, reply
    finally:
        for listener in listeners:
            listener.close()
    # a policy and a shard group, through meta.proto's own commands (5, 9)
    command = meta_pb2.Command(type=meta_pb2.Command.CreateRetentionPolicyCommand)
    body = command.Extensions[meta_pb2.CreateRetentionPolicyCommand.command]
    body.Database = "proto-db"
    body.RetentionPolicy.Name, body.RetentionPolicy.Duration = "rp", 0
    body.RetentionPolicy.ShardGroupDuration, body.RetentionPolicy.ReplicaN = HOUR, 2
    status, response = execute_protobuf(node, meta_pb2, command)
    assert status == 200 and response.OK, response
    command = meta_pb2.Command(type=meta_pb2.Command.CreateShardGroupCommand)
    body = command.Extensions[meta_pb2.CreateShardGroupCommand.command]
    body.Database, body.Policy, body.Timestamp = "proto-db", "rp", 1_700_000_123 * 10**9
    status, response = execute_protobuf(node, meta_pb2, command)
    assert status == 200 and response.OK, response

    status, headers, body = request(node, "GET", "/")
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    data = meta_pb2.Data.FromString(body)  # raises when a required field is missing
    assert data.IsInitialized()
    status, _, text = request(node, "GET", "/", headers={"Accept": "application/json"})
    assert status == 200
    expected = json.loads(text)
    assert data.Index == expected["index"] >= response.Index
    assert data.Term == expected["term"]
    assert data.ClusterID == expected["clusterID"] != 0
    assert data.MaxNodeID == expected["maxNodeID"] == 3  # meta node 1, data nodes 2 and 3
    assert [d.Name for d in data.Databases] == [d["name"] for d in expected["databases"]] == ["json-db/é", "proto-db"]
    assert [(n.ID, n.Host, n.TCPHost) for n in data.MetaNodes] == [
        (n["id"], n["httpAddress"], n["tcpAddress"]) for n in expected["metaNodes"]
    ] == [(1, f"127.0.0.1:{node.http_port}", f"127.0.0.1:{node.raft_port}")]
    assert list(data.Nodes) == []  # legacy, never written
    assert [(n.ID, n.Host, n.TCPHost) for n in data.DataNodes] == [(2, "d1:8086", tcp[0]), (3, "d2:8086", tcp[1])]
    assert data.MaxShardGroupID == expected["maxShardGroupID"] == 1
    assert data.MaxShardID == expected["maxShardID"] >= 1
    policy = next(rp for rp in data.Databases[1].RetentionPolicies if rp.Name == "rp")
    assert (policy.Name, policy.Duration, policy.ShardGroupDuration, policy.ReplicaN) == ("rp", 0, HOUR, 2)
    group = policy.ShardGroups[0]
    assert group.StartTime == 1_700_000_123 * 10**9 // HOUR * HOUR and group.EndTime == group.StartTime + HOUR
    assert sorted(o.NodeID for o in group.Shards[0].Owners) == [2, 3]
    # every field meta.proto knows equals the JSON form, record by record
    assert databases_of(data) == expected["databases"]

    # the long poll answers in protobuf too
    status, headers, body = request(node, "GET", f"/?index={data.Index - 1}")
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    assert meta_pb2.Data.FromString(body).Index == data.Index


def test_bad_protobuf_command_is_refused_in_protobuf(node, meta_pb2):
    status, headers, body = request(node, "POST", "/execute", b"\xff\xff", {"Content-Type": "application/x-protobuf"})
    assert status == 400
    response = meta_pb2.Response.FromString(body)
    assert not response.OK
    assert response.Error.startswith("invalid command: Command does not decode") and "\n" not in response.Error
    # meta.proto's RemovePeerCommand (23) is not accepted
    command = meta_pb2.Command(type=meta_pb2.Command.RemovePeerCommand)
    status, response = execute_protobuf(node, meta_pb2, command)
    assert status == 400 and "is not supported by influxd-meta" in response.Error
