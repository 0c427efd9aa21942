"""Clients that drive the cluster through its HTTP API and record every operation: what was
asked, when it was invoked and completed, and what came back. They run in the client
namespace (each thread enters it), talk to a random meta node and follow 307 redirects."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import netns

TIMEOUT = 2.0


@dataclass
class Reply:
    status: int  # 0 when no answer
    body: dict | None
    sent: bool  # whether the request may have reached a server
    error: str = ""


class History:
    """Operations recorded by all clients, in completion order."""

    def __init__(self) -> None:
        self.ops: list[dict] = []
        self.lock = threading.Lock()

    def add(self, op: dict) -> None:
        with self.lock:
            self.ops.append(op)

    def dump(self, path: str) -> None:
        with self.lock, open(path, "w") as f:
            for op in self.ops:
                f.write(json.dumps(op) + "\n")


class Client:
    """One client process: a thread in the client namespace."""

    def __init__(self, process: int, addresses: dict[str, str], nodes: list[str], seed: int):
        self.process = process
        self.addresses = addresses  # host name -> IP (the client namespace has no resolver for them)
        self.nodes = nodes
        self.rng = random.Random(seed)

    def request(self, method: str, node: str, path: str, body: dict | None = None) -> tuple[Reply, str]:
        """One request, following up to three redirects; returns the reply and the node that answered."""
        host, port = node, 8091
        payload = json.dumps(body).encode() if body is not None else None
        sent = False
        for _ in range(4):
            sent = False  # a node that redirected did not apply the request
            conn = http.client.HTTPConnection(self.addresses[host], port, timeout=TIMEOUT)
            try:
                conn.connect()
            except OSError as e:
                conn.close()
                return Reply(0, None, sent, f"connect {host}: {e}"), host
            try:
                sent = True
                # GET / answers protobuf unless JSON is asked for.
                headers = {"Accept": "application/json"}
                if payload is not None:
                    headers["Content-Type"] = "application/json"
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as e:
                return Reply(0, None, True, f"{host}: {e.__class__.__name__} {e}"), host
            finally:
                conn.close()
            if response.status in (307, 308):
                location = urlsplit(response.getheader("Location", ""))
                if not location.hostname:
                    return Reply(response.status, None, sent, "redirect without location"), host
                host, port = location.hostname, location.port or 8091
                path = location.path + (f"?{location.query}" if location.query else "")
                continue
            try:
                parsed = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                parsed = None
            return Reply(response.status, parsed if isinstance(parsed, dict) else None, sent), host
        return Reply(0, None, sent, "too many redirects"), host

    def execute(self, command: dict) -> tuple[bool | None, int | None, str, str]:
        """A write. ok True: acknowledged; False: definitely not applied; None: unknown.
        Also returns the index, the node that answered, and the error text."""
        node = self.rng.choice(self.nodes)
        reply, answered = self.request("POST", node, "/execute", command)
        if reply.status == 200 and reply.body:
            return True, reply.body.get("index"), answered, ""
        if reply.status == 0:
            return (None if reply.sent else False), None, answered, reply.error
        error = (reply.body or {}).get("error", "")
        detail = f"HTTP {reply.status} {error}"
        if reply.status in (400, 413) or error == "no leader" or "not part of a cluster" in error:
            return False, None, answered, detail
        return None, None, answered, detail

    #: Self-test of the checkers: read whatever the chosen node holds (stale on a cut-off
    #: follower) instead of a linearizable read. Runs with it must be reported as failures.
    unsafe_reads = False

    def read(self) -> tuple[dict | None, str]:
        """A linearizable read of the whole metadata (leader, after a Raft barrier)."""
        node = self.rng.choice(self.nodes)
        reply, answered = self.request("GET", node, "/" if Client.unsafe_reads else "/?consistent=true")
        if reply.status == 200 and reply.body and "index" in reply.body:
            return reply.body, answered
        return None, answered


def now() -> float:
    return time.monotonic()


def run_clients(workload, count: int, addresses: dict[str, str], nodes: list[str], seed: int,
                history: History, stop: threading.Event) -> list[threading.Thread]:
    """Starts `count` client threads running `workload.step(client, history)` until `stop`."""

    def loop(process: int) -> None:
        netns.enter("fi-client")
        client = Client(process, addresses, nodes, seed * 1000 + process)
        while not stop.is_set():
            workload.step(client, history)

    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in range(count)]
    for t in threads:
        t.start()
    return threads
