"""Simulated InfluxDB Enterprise data nodes for influxd-meta: see tools/datanode-sim/README.md."""

from .metaclient import Answer, MetaClient
from .node import LEASE, DataNode, ListRecorder, Options, parse_time
from .proto import Summary, decode, meta_pb2
from .sim import Convergence, Simulator

__all__ = ["Answer", "Convergence", "DataNode", "LEASE", "ListRecorder", "MetaClient", "Options", "Simulator",
           "Summary", "decode", "meta_pb2", "parse_time"]
