"""A meta cluster on namespace hosts: start, kill, pause, restart nodes; join them with
influxd-ctl; read their status. Nodes run `influxd-meta -config FILE` inside their namespace."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from .devlicense import enterprise_section
from .netns import Host, Network, sh

ELECTION = "500ms"
SECRET = "fault-suite secret"


@dataclass
class Node:
    host: Host
    root: str
    process: subprocess.Popen | None = None
    log: object | None = None
    paused: bool = False

    @property
    def name(self) -> str:
        return self.host.name

    @property
    def http(self) -> str:
        return f"{self.host.name}:8091"

    @property
    def raft(self) -> str:
        return f"{self.host.name}:8089"

    @property
    def dir(self) -> str:
        return f"{self.root}/meta"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    network: Network
    root: str
    binaries: str
    nodes: list[Node] = field(default_factory=list)
    meta_extra: str = ""  # more `[meta]` keys, one per line
    data_nodes: int | None = None  # data nodes the license must allow (default: the dev license's)

    def __post_init__(self) -> None:
        meta_hosts = [h for h in self.network.hosts if h.name != "fi-client"]
        self.nodes = [Node(h, f"{self.root}/{h.name}") for h in meta_hosts]
        for node in self.nodes:
            os.makedirs(node.root, exist_ok=True)
            with open(f"{node.root}/influxdb-meta.conf", "w") as f:
                f.write(
                    f'hostname = "{node.name}"\n\n[meta]\n dir = "{node.dir}"\n'
                    f' election-timeout = "{ELECTION}"\n heartbeat-timeout = "{ELECTION}"\n'
                    ' leader-lease-timeout = "250ms"\n raft-snapshot-threshold = 256\n raft-snapshot-trailing = 64\n'
                    # every Raft connection runs the authenticated handshake, as a secured cluster's do
                    f' internal-shared-secret = "{SECRET}"\n raft-portal-auth-required = true\n'
                    ' raft-dialer-auth-required = true\n'
                    + self.meta_extra
                    + '\n[logging]\n level = "info"\n'
                    + enterprise_section(self.binaries, self.data_nodes)
                )

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    # Processes --------------------------------------------------------------------------------

    def start(self, node: Node) -> None:
        if node.alive:
            return
        node.log = open(f"{node.root}/influxd-meta.log", "a")
        node.process = subprocess.Popen(
            ["ip", "netns", "exec", node.name, f"{self.binaries}/influxd-meta", "-config", f"{node.root}/influxdb-meta.conf"],
            stdout=node.log, stderr=subprocess.STDOUT,
        )
        node.paused = False

    def kill(self, node: Node) -> None:
        if node.process is not None and node.process.poll() is None:
            if node.paused:
                node.process.send_signal(signal.SIGCONT)
            node.process.kill()
            node.process.wait()
        node.paused = False

    def pause(self, node: Node) -> None:
        if node.alive and not node.paused:
            node.process.send_signal(signal.SIGSTOP)
            node.paused = True

    def resume(self, node: Node) -> None:
        if node.alive and node.paused:
            node.process.send_signal(signal.SIGCONT)
            node.paused = False

    def stop_all(self) -> None:
        for node in self.nodes:
            self.kill(node)

    # Control ----------------------------------------------------------------------------------

    def ctl(self, node: Node, *args: str) -> subprocess.CompletedProcess:
        # -config: the node's internal-shared-secret signs the membership calls, as on a real node
        return sh("ip", "netns", "exec", node.name, f"{self.binaries}/influxd-ctl", "-bind", node.http,
                  "-config", f"{node.root}/influxdb-meta.conf", *args, check=False)

    def api(self, node: Node, path: str, timeout: float = 1.0) -> dict | None:
        """GET a JSON document from `node`, inside its namespace (curl), or None."""
        result = node.host.exec("curl", "-sf", "--max-time", str(timeout), "-H", "Accept: application/json",
                                f"http://{node.http}{path}", check=False)
        if result.returncode != 0:
            return None
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            return None

    def wait_until(self, what: str, condition, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise TimeoutError(f"timed out after {timeout}s waiting for {what}")

    def start_and_join(self) -> None:
        for node in self.nodes:
            self.start(node)
        for node in self.nodes:
            self.wait_until(f"{node.name} to answer", lambda n=node: self.api(n, "/status") is not None)
        first = self.nodes[0]
        for node in self.nodes:
            result = self.ctl(first, "join", node.http)
            if result.returncode != 0:
                raise RuntimeError(f"join {node.http}: {result.stderr.strip()}")

    def leader(self) -> Node | None:
        """The node the live nodes agree leads, if any."""
        for node in self.nodes:
            if not node.alive or node.paused:
                continue
            status = self.api(node, "/status", timeout=0.5)
            if status and status.get("leader"):
                name = status["leader"].rsplit(":", 1)[0]
                return self.node(name) if any(n.name == name for n in self.nodes) else None
        return None

    def wait_for_leader(self, timeout: float = 30.0) -> Node:
        found: list[Node] = []

        def check() -> bool:
            leader = self.leader()
            if leader is not None and leader.alive and not leader.paused:
                found.append(leader)
                return True
            return False

        self.wait_until("a leader", check, timeout)
        return found[-1]

    def members(self) -> list[Node]:
        """Nodes the metadata lists, as a live node reports it."""
        for node in self.nodes:
            data = self.api(node, "/") if node.alive else None
            if data:
                names = {m["httpAddress"] for m in data.get("metaNodes", [])}
                return [n for n in self.nodes if n.http in names]
        return []

    def converge(self, timeout: float) -> tuple[float, dict]:
        """Waits until every member reports the same metadata; returns the time it took and the data."""
        start = time.monotonic()
        seen: list[dict] = []

        def same() -> bool:
            members = self.members()
            datas = [self.api(n, "/") for n in members]
            if not datas or any(d is None for d in datas):
                return False
            first = datas[0]
            if all(d == first for d in datas):
                seen.append(first)
                return True
            return False

        self.wait_until("every member to hold the same metadata", same, timeout)
        return time.monotonic() - start, seen[-1]
