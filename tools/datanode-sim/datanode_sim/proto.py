"""InfluxDB's own `meta.proto`, compiled with `protoc --python_out` at run time, and what a data
node keeps of a decoded `Data`: a small summary (index, data nodes, which time ranges each
retention policy's shard groups cover, shard counts), not the message itself, so that a
hundred simulated nodes can follow a metadata of a million shards."""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

META_PROTO = os.environ.get(
    "META_PROTO", "/usr/share/gocode/src/github.com/influxdata/influxdb/services/meta/internal/meta.proto")


class ProtoUnavailable(RuntimeError):
    """protoc, meta.proto or Python's protobuf package is missing."""


@functools.cache
def meta_pb2():
    """The module protoc generates from meta.proto (compiled once per process)."""
    if not os.path.exists(META_PROTO):
        raise ProtoUnavailable(f"{META_PROTO} not found: install golang-github-influxdb-influxdb-dev "
                               "or point META_PROTO at InfluxDB's services/meta/internal/meta.proto")
    if shutil.which("protoc") is None:
        raise ProtoUnavailable("protoc not found: install protobuf-compiler")
    try:
        import google.protobuf  # noqa: F401
    except ImportError:
        raise ProtoUnavailable("Python's protobuf package is missing: python3 -m pip install 'protobuf>=4.21,<6'") from None
    out = tempfile.mkdtemp(prefix="datanode-sim-proto-")
    atexit.register(shutil.rmtree, out, True)
    made = subprocess.run(["protoc", f"-I{os.path.dirname(META_PROTO)}", f"--python_out={out}",
                           os.path.basename(META_PROTO)], capture_output=True, text=True)
    if made.returncode != 0:
        raise ProtoUnavailable(f"protoc {META_PROTO}: {made.stderr.strip()}")
    spec = importlib.util.spec_from_file_location("meta_pb2", f"{out}/meta_pb2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Policy:
    """One retention policy as a cache keeps it."""

    shard_group_duration: int  # ns
    groups: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, id) of live groups, sorted
    shards: int = 0

    def covers(self, timestamp: int) -> bool:
        return any(start <= timestamp < end for start, end, _ in self.groups)


@dataclass
class Summary:
    """What a simulated data node keeps of a `Data`."""

    index: int
    term: int
    data_nodes: dict[int, str]  # id -> TCP address
    policies: dict[tuple[str, str], Policy]  # (database, policy) -> policy
    default_policy: dict[str, str]  # database -> its default policy
    max_shard_group_id: int
    size: int  # bytes of the encoded answer

    @property
    def shards(self) -> int:
        return sum(p.shards for p in self.policies.values())

    def fingerprint(self) -> tuple:
        """What two caches at the same index must agree on."""
        return (self.index, tuple(sorted(self.data_nodes.items())),
                tuple(sorted((k, tuple(p.groups), p.shards) for k, p in self.policies.items())))


def decode_protobuf(raw: bytes) -> Summary:
    """Summarises a protobuf `Data` (meta.proto field numbers)."""
    data = meta_pb2().Data()
    data.ParseFromString(raw)
    policies: dict[tuple[str, str], Policy] = {}
    defaults: dict[str, str] = {}
    for db in data.Databases:
        defaults[db.Name] = db.DefaultRetentionPolicy
        for rp in db.RetentionPolicies:
            policy = Policy(rp.ShardGroupDuration)
            for sg in rp.ShardGroups:
                if sg.DeletedAt:
                    continue
                end = sg.TruncatedAt if sg.TruncatedAt else sg.EndTime
                policy.groups.append((sg.StartTime, end, sg.ID))
                policy.shards += len(sg.Shards)
            policy.groups.sort()
            policies[(db.Name, rp.Name)] = policy
    return Summary(data.Index, data.Term, {n.ID: n.TCPHost for n in data.DataNodes}, policies, defaults,
                   data.MaxShardGroupID, len(raw))


def _get(obj: dict, *names, default=None):
    for name in names:
        if name in obj:
            return obj[name]
    return default


def decode_json(raw: bytes) -> Summary:
    """Summarises the JSON `GET /` answer (`Accept: application/json`): the fallback."""
    data = json.loads(raw)
    policies: dict[tuple[str, str], Policy] = {}
    defaults: dict[str, str] = {}
    for db in data.get("databases", []):
        defaults[db["name"]] = _get(db, "defaultRetentionPolicy", "defaultPolicy", default="")
        for rp in _get(db, "retentionPolicies", "policies", default=[]) or []:
            policy = Policy(int(_get(rp, "shardGroupDuration", default=0)))
            for sg in _get(rp, "shardGroups", default=[]) or []:
                if _get(sg, "deletedAt", default=0):
                    continue
                end = _get(sg, "truncatedAt", default=0) or _get(sg, "endTime")
                policy.groups.append((int(_get(sg, "startTime")), int(end), int(sg["id"])))
                policy.shards += len(sg.get("shards", []))
            policy.groups.sort()
            policies[(db["name"], rp["name"])] = policy
    nodes = {int(n["id"]): _get(n, "tcpAddress", "tcpAddr", "tcpHost", default="") for n in data.get("dataNodes", [])}
    return Summary(int(data.get("index", 0)), int(data.get("term", 0)), nodes, policies, defaults,
                   int(_get(data, "maxShardGroupID", default=0)), len(raw))


def decode(raw: bytes, content_type: str) -> Summary:
    """Summarises a `GET /` answer by its content type."""
    if content_type.split(";")[0].strip() == "application/json":
        return decode_json(raw)
    return decode_protobuf(raw)
