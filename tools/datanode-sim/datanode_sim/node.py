"""One simulated data node: a real TCP listener (its RPC address), `POST /add-data`,
announcements every gossip period, a metadata cache kept by long poll across leader changes,
shard groups created as simulated writes cross group boundaries, and the `continuous_querier`
lease. Everything it does is recorded (see `Recorder`) for the checkers in faults/checker."""

from __future__ import annotations

import dataclasses
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Protocol

from .metaclient import MetaClient
from .proto import Summary, decode

LEASE = "continuous_querier"
#: Simulated writes start here (2026-01-01T00:00:00Z), so runs are repeatable.
EPOCH_NS = 1_767_225_600 * 1_000_000_000


class Recorder(Protocol):
    def add(self, op: dict) -> None: ...


class ListRecorder:
    """Records into a list (thread-safe)."""

    def __init__(self) -> None:
        self.ops: list[dict] = []
        self.lock = threading.Lock()

    def add(self, op: dict) -> None:
        with self.lock:
            self.ops.append(op)


def parse_time(text: str) -> float:
    """RFC 3339 (with up to nine fraction digits) to Unix seconds; the zero time gives 0."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    whole = datetime.fromisoformat(m.group(1) + zone)
    if whole.year <= 1:
        return 0.0
    return whole.timestamp() + (float("0." + m.group(2)) if m.group(2) else 0.0)


@dataclass
class Options:
    """What every simulated data node does, and how often."""

    gossip: float = 1.0  # seconds between announcements
    lease_interval: float = 0.25  # seconds between lease requests (a CQ run-interval)
    lease_rest: float = 0.0  # after a grant, chance of stopping to ask for a while (forces handovers)
    lease_rest_seconds: float = 3.0
    write_interval: float | None = 0.2  # seconds between simulated write batches; None: no writes
    databases: list[str] = field(default_factory=list)  # where it writes (their default policy)
    poll_timeout: float = 10.0  # seconds a long poll may hang before it is sent again
    protocol: str = "protobuf"  # or "json": what `GET /` is asked for
    cache: bool = True  # keep a metadata cache by long poll
    leases: bool = True
    request_timeout: float = 2.0
    secret: str = ""  # the meta nodes' internal-shared-secret: requests carry a node token


class DataNode:
    """A simulated data node. `start()` runs it on threads; `thread_init` runs first on each of
    them (the fault suite enters its client network namespace there)."""

    def __init__(self, name: str, servers: list[str], bind: str, advertise: str, options: Options,
                 recorder: Recorder, seed: int, resolve: dict[str, str] | None = None,
                 thread_init: Callable[[], None] | None = None):
        self.name = name
        self.bind = bind
        self.advertise = advertise
        self.options = options
        self.recorder = recorder
        self.rng = random.Random(seed)
        self.client = MetaClient(servers, resolve, seed, options.request_timeout, options.secret)
        self.thread_init = thread_init or (lambda: None)
        self.stop = threading.Event()
        self.writes_stopped = threading.Event()
        self.leases_stopped = threading.Event()
        self.id: int | None = None
        self.listener: socket.socket | None = None
        self.tcp_addr = ""
        self.cache: Summary | None = None
        self.cache_changed = threading.Condition()
        self.threads: list[threading.Thread] = []
        self.announcements = 0
        self.errors: list[str] = []

    # Set-up -----------------------------------------------------------------------------------

    def listen(self) -> str:
        """Opens the RPC listener (call from a thread in the right namespace); its address."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.bind, 0))
        sock.listen(64)
        self.listener = sock
        self.tcp_addr = f"{self.advertise}:{sock.getsockname()[1]}"
        return self.tcp_addr

    @property
    def http_addr(self) -> str:
        return f"{self.advertise}:{self.listener.getsockname()[1] + 1 if self.listener else 8086}"

    def join(self, deadline: float) -> int:
        """`POST /add-data` until it answers; the node's id (found in `/show-cluster` when an
        earlier try of ours was applied but its answer lost)."""
        last = ""
        while time.monotonic() < deadline:
            answer = self.client.form("/add-data", {"addr": self.tcp_addr, "httpAddr": self.http_addr})
            body = answer.json() or {}
            if answer.status == 200 and "id" in body:
                self.id = int(body["id"])
                return self.id
            if answer.status == 409 or answer.status == 0:
                found = self.lookup_id()
                if found is not None:
                    self.id = found
                    return found
            last = f"HTTP {answer.status} {body.get('error', answer.error)}"
            if answer.status in (400, 401, 403, 404):
                raise RuntimeError(f"{self.name}: add-data {self.tcp_addr}: {last}")
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: add-data {self.tcp_addr} not acknowledged: {last}")

    def lookup_id(self) -> int | None:
        body = self.client.request("GET", "/show-cluster").json() or {}
        for node in body.get("data") or []:
            if node.get("tcpAddr") == self.tcp_addr:
                return int(node["id"])
        return None

    def start(self) -> None:
        """Starts the listener, announcer, cache, lease and writer threads (after `join`)."""
        loops = [self.accept_loop, self.announce_loop]
        if self.options.cache:
            loops.append(self.cache_loop)
        if self.options.leases:
            loops.append(self.lease_loop)
        if self.options.write_interval is not None and self.options.databases:
            loops.append(self.write_loop)
        for loop in loops:
            t = threading.Thread(target=self._run, args=(loop,), name=f"{self.name}-{loop.__name__}", daemon=True)
            t.start()
            self.threads.append(t)

    def start_cache(self) -> None:
        """Starts following the metadata now (for a node started without a cache)."""
        self.options = dataclasses.replace(self.options, cache=True)
        t = threading.Thread(target=self._run, args=(self.cache_loop,), name=f"{self.name}-cache_loop", daemon=True)
        t.start()
        self.threads.append(t)

    def _run(self, loop: Callable[[], None]) -> None:
        self.thread_init()
        try:
            loop()
        except Exception as e:  # a loop that dies is a simulator bug: keep it for the report
            self.errors.append(f"{loop.__name__}: {e.__class__.__name__}: {e}")

    def close(self, join: float = 0.5) -> None:
        """Stops every loop and closes the listener; waits up to `join` s for the threads (a
        long poll in flight ends with its timeout; the threads are daemons)."""
        self.stop.set()
        self.writes_stopped.set()
        self.leases_stopped.set()
        with self.cache_changed:
            self.cache_changed.notify_all()
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
        deadline = time.monotonic() + join
        for t in self.threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))

    # Loops ------------------------------------------------------------------------------------

    def accept_loop(self) -> None:
        """Accepts and closes connections: enough for the meta node's TCP probe."""
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            conn.close()

    def announce_loop(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.5, 1.0) * self.options.gossip if self.announcements else 0):
            server = self.rng.choice(self.client.servers)
            now = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
            answer = self.client.once(server, "POST", "/announce", json_bytes({
                "tcpAddr": self.tcp_addr, "httpAddr": self.http_addr, "httpScheme": "http", "time": now,
                "nodeType": "data", "status": "joined", "version": "1.11.8-sim"}),
                {"Content-Type": "application/json"})
            if answer.status in (200, 204):
                self.announcements += 1

    def cache_loop(self) -> None:
        """Long polls `GET /?index=N` on any meta node, moving on when one fails."""
        accept = "application/json" if self.options.protocol == "json" else "application/octet-stream"
        index = 0
        while not self.stop.is_set():
            start = time.monotonic()
            answer = self.client.request("GET", f"/?index={index}", headers={"Accept": accept},
                                         timeout=self.options.poll_timeout)
            if self.stop.is_set():
                return
            if answer.status != 200:
                with self.client.lock:
                    self.client.preferred = (self.client.preferred + 1) % len(self.client.servers)
                self.stop.wait(self.rng.uniform(0.05, 0.2))
                continue
            try:
                summary = decode(answer.body, answer.content_type)
            except Exception as e:  # undecodable metadata: record it, the checker reports it
                self.recorder.add({"process": self.name, "f": "cache-error", "time": time.monotonic(),
                                   "node": answer.server, "error": f"{e.__class__.__name__}: {e}"})
                self.stop.wait(0.2)
                continue
            self.recorder.add({"process": self.name, "f": "cache", "key": None, "value": None, "start": start,
                               "end": time.monotonic(), "ok": True, "index": summary.index,
                               "previous": index, "node": answer.server, "bytes": summary.size,
                               "format": "json" if answer.content_type.startswith("application/json") else "protobuf"})
            if summary.index > index or self.cache is None:
                with self.cache_changed:
                    self.cache = summary
                    self.cache_changed.notify_all()
                index = max(index, summary.index)

    def wait_cache(self, condition: Callable[[Summary], bool], timeout: float) -> bool:
        """Waits until the cache satisfies `condition`."""
        deadline = time.monotonic() + timeout
        with self.cache_changed:
            while not (self.cache is not None and condition(self.cache)):
                left = deadline - time.monotonic()
                if left <= 0 or self.stop.is_set():
                    return False
                self.cache_changed.wait(left)
            return True

    def lease_loop(self) -> None:
        while not self.leases_stopped.wait(self.options.lease_interval * self.rng.uniform(0.8, 1.2)):
            if self.id is None:
                continue
            wall_start, start = time.time(), time.monotonic()
            answer = self.client.request("GET", f"/lease?name={LEASE}&node_id={self.id}", retry_unsent=True)
            wall_end, end = time.time(), time.monotonic()
            body = answer.json() or {}
            op = {"process": self.name, "f": "lease", "key": LEASE, "value": self.id, "start": start, "end": end,
                  "wall_start": wall_start, "wall_end": wall_end, "status": answer.status, "node": answer.server,
                  "ok": answer.status == 200, "owner": body.get("owner"), "token": body.get("token"),
                  "expiration": None, "error": body.get("error", answer.error)}
            if "expiration" in body:
                try:
                    op["expiration"] = parse_time(str(body["expiration"]))
                except ValueError as e:
                    op["error"] = str(e)
            self.recorder.add(op)
            if answer.status == 200 and self.options.lease_rest and self.rng.random() < self.options.lease_rest:
                self.leases_stopped.wait(self.options.lease_rest_seconds)

    def write_loop(self) -> None:
        """Simulated writes, one batch per interval, each at the next step of a simulated clock:
        a write whose time no shard group of the cache covers makes the node create one."""
        step = 0
        while not self.writes_stopped.wait(self.options.write_interval * self.rng.uniform(0.5, 1.5)):
            cache = self.cache
            if cache is None:
                continue
            database = self.options.databases[step % len(self.options.databases)]
            policy_name = cache.default_policy.get(database)
            policy = cache.policies.get((database, policy_name)) if policy_name else None
            if policy is None or policy.shard_group_duration <= 0:
                continue
            timestamp = EPOCH_NS + (step // len(self.options.databases)) * policy.shard_group_duration \
                + self.rng.randrange(policy.shard_group_duration)
            step += 1
            if policy.covers(timestamp):
                continue
            self.create_shard_group(database, policy_name, timestamp)

    def create_shard_group(self, database: str, policy: str, timestamp: int) -> tuple[bool | None, int | None]:
        """`POST /execute` create-shard-group, then waits for the cache to cover `timestamp`."""
        start = time.monotonic()
        answer = self.client.post_json("/execute", {"type": "create-shard-group", "database": database,
                                                    "policy": policy, "timestamp": timestamp},
                                       retry_unsent=False)
        end = time.monotonic()
        body = answer.json() or {}
        if answer.status == 200:
            ok: bool | None = True
        elif answer.status == 0:
            ok = None if answer.sent else False
        elif answer.status in (400, 404, 409) or body.get("error") == "no leader":
            ok = False
        else:
            ok = None
        index = body.get("index")
        op = {"process": self.name, "f": "create-shard-group", "key": f"{database}/{policy}", "value": timestamp,
              "start": start, "end": end if ok is not None else None, "ok": ok, "index": index,
              "node": answer.server, "error": body.get("error", answer.error) if ok is not True else ""}
        if ok and self.options.cache:
            seen = self.wait_cache(lambda c: c.index >= (index or 0)
                                   and c.policies.get((database, policy), None) is not None
                                   and c.policies[(database, policy)].covers(timestamp), 10.0)
            op["cache_seconds"] = round(time.monotonic() - end, 4) if seen else None
        self.recorder.add(op)
        return ok, index


def json_bytes(value: dict) -> bytes:
    import json

    return json.dumps(value).encode()
