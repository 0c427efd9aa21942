"""N simulated data nodes against one meta cluster: databases to write to, joining, running,
quiescing, and the final convergence of every cache to the leader's metadata."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .metaclient import MetaClient
from .node import DataNode, ListRecorder, Options, Recorder
from .proto import Summary, decode


@dataclass
class Convergence:
    """Where every cache stood against the leader's metadata after the run."""

    leader_index: int | None
    seconds: float | None  # from the start of the wait until every cache matched; None: never
    caches: dict[str, int | None] = field(default_factory=dict)  # node -> its cache index at the end
    mismatched: list[str] = field(default_factory=list)  # nodes whose cache differs at the same index
    lost_groups: list[str] = field(default_factory=list)  # acknowledged creations the metadata lacks

    def record(self) -> dict:
        return {"f": "convergence", "process": "sim", "leader_index": self.leader_index, "seconds": self.seconds,
                "caches": self.caches, "mismatched": self.mismatched, "lost_groups": self.lost_groups}


class Simulator:
    """Runs `count` data nodes. `servers` are meta nodes' `host:port`; nodes listen on `bind`
    and advertise `advertise` (an address the meta nodes can dial)."""

    def __init__(self, servers: list[str], count: int, options: Options, recorder: Recorder | None = None,
                 bind: str = "127.0.0.1", advertise: str | None = None, seed: int = 1,
                 resolve: dict[str, str] | None = None, thread_init: Callable[[], None] | None = None):
        self.servers = servers
        self.options = options
        self.recorder = recorder or ListRecorder()
        self.resolve = resolve or {}
        self.thread_init = thread_init or (lambda: None)
        self.client = MetaClient(servers, self.resolve, seed, secret=options.secret)
        self.nodes = [DataNode(f"dn-{i + 1}", servers, bind, advertise or bind, options, self.recorder,
                               seed * 1000 + i, self.resolve, thread_init) for i in range(count)]

    def in_thread(self, work: Callable[[], object]) -> object:
        """Runs `work` on a thread that ran `thread_init` (the namespace), returning its result."""
        result: list = []
        failure: list[BaseException] = []

        def run() -> None:
            self.thread_init()
            try:
                result.append(work())
            except BaseException as e:  # re-raised on the caller's thread
                failure.append(e)

        t = threading.Thread(target=run, daemon=True)
        t.start()
        t.join()
        if failure:
            raise failure[0]
        return result[0] if result else None

    def execute(self, command: dict, deadline: float) -> int:
        """A command through `POST /execute`, retried until acknowledged; its index."""
        last = ""
        while time.monotonic() < deadline:
            answer = self.client.post_json("/execute", command)
            body = answer.json() or {}
            if answer.status == 200:
                return int(body.get("index", 0))
            last = f"HTTP {answer.status} {body.get('error', answer.error)}"
            if answer.status in (400, 401, 403):
                raise RuntimeError(f"execute {command}: {last}")
            time.sleep(0.1)
        raise TimeoutError(f"execute {command}: not acknowledged: {last}")

    def setup(self, timeout: float = 60.0) -> None:
        """Creates the databases the nodes write to, opens every listener and joins every node."""
        deadline = time.monotonic() + timeout

        def work() -> None:
            for database in self.options.databases:
                self.execute({"type": "create-database", "name": database}, deadline)
            for node in self.nodes:
                node.listen()
                node.join(deadline)

        self.in_thread(work)

    def start(self) -> None:
        for node in self.nodes:
            node.start()

    def quiesce(self) -> None:
        """Stops writes and lease requests (caches and announcements go on)."""
        for node in self.nodes:
            node.writes_stopped.set()
            node.leases_stopped.set()
        for node in self.nodes:
            for t in node.threads:
                if t.name.endswith(("write_loop", "lease_loop")):
                    t.join(timeout=15)

    def leader_summary(self) -> Summary | None:
        """The leader's metadata (a linearizable read), or None."""
        accept = "application/json" if self.options.protocol == "json" else "application/octet-stream"

        def work() -> Summary | None:
            answer = self.client.request("GET", "/?consistent=true", headers={"Accept": accept})
            return decode(answer.body, answer.content_type) if answer.status == 200 else None

        return self.in_thread(work)

    def converge(self, timeout: float) -> Convergence:
        """Waits until every cache holds the leader's metadata: the same index and content as a
        linearizable read of the leader (read again while they differ)."""
        start = time.monotonic()
        deadline = start + timeout
        target: Summary | None = None
        while True:
            try:
                target = self.leader_summary() or target
            except Exception:  # no leader yet, or undecodable: try again
                pass
            if target is not None:
                for node in self.nodes:
                    node.wait_cache(lambda c: c.index >= target.index, min(1.0, max(0.0, deadline - time.monotonic())))
                caches = [n.cache for n in self.nodes]
                if all(c is not None and c.index == target.index and c.fingerprint() == target.fingerprint()
                       for c in caches):
                    result = Convergence(target.index, round(time.monotonic() - start, 3))
                    result.caches = {n.name: target.index for n in self.nodes}
                    result.lost_groups = self.lost_groups(target)
                    return result
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        result = Convergence(target.index if target else None, None)
        result.caches = {n.name: (n.cache.index if n.cache else None) for n in self.nodes}
        if target is not None:
            result.mismatched = [n.name for n in self.nodes
                                 if n.cache is not None and n.cache.index == target.index
                                 and n.cache.fingerprint() != target.fingerprint()]
        return result

    def lost_groups(self, data: Summary) -> list[str]:
        """Acknowledged create-shard-group operations whose time `data` does not cover."""
        lost = []
        for op in list(getattr(self.recorder, "ops", [])):
            if op.get("f") == "create-shard-group" and op.get("ok") is True:
                database, policy = op["key"].split("/", 1)
                found = data.policies.get((database, policy))
                if found is None or not found.covers(op["value"]):
                    lost.append(f"{op['key']} at {op['value']} (index {op.get('index')}, by {op['process']})")
        return lost

    def close(self) -> None:
        for node in self.nodes:
            node.stop.set()
        deadline = time.monotonic() + 2.0
        for node in self.nodes:
            node.close(join=max(0.0, deadline - time.monotonic()))

    def errors(self) -> list[str]:
        return [f"{n.name}: {e}" for n in self.nodes for e in n.errors]
