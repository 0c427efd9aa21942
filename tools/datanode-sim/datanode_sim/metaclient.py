"""HTTP to the meta nodes as a data node talks to them: a request goes to one meta node,
follows 307 redirects to the leader, and moves on to the next meta node when one does not
answer. Standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset, timeout)
    body: bytes
    content_type: str
    server: str  # the meta node (host:port) that answered, or the last one tried
    sent: bool  # whether the request may have reached a server (outcome unknown when status is 0)
    error: str = ""

    def json(self) -> dict | None:
        try:
            value = json.loads(self.body) if self.body else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def node_token(secret: str, lifetime: float = 300.0) -> str:
    """A node-to-node bearer token: HS256 JWT `{"username":"","exp":…}` signed with the meta
    nodes' `internal-shared-secret` (a data node's `meta-internal-shared-secret`)."""
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing = part(b'{"alg":"HS256","typ":"JWT"}') + "." + part(
        json.dumps({"username": "", "exp": int(time.time() + lifetime)}, separators=(",", ":")).encode())
    return signing + "." + part(hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest())


class MetaClient:
    """Requests to a set of meta nodes (`host:port`). `resolve` maps host names (as meta nodes
    advertise them in redirects) to addresses, for hosts this process cannot resolve. With
    `secret` (the cluster's `internal-shared-secret`) every request carries a node token."""

    def __init__(self, servers: list[str], resolve: dict[str, str] | None = None, seed: int = 0,
                 timeout: float = 2.0, secret: str = ""):
        if not servers:
            raise ValueError("MetaClient: no meta node address given")
        self.servers = list(servers)
        self.resolve = resolve or {}
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.lock = threading.Lock()
        self.preferred = self.rng.randrange(len(self.servers))
        self.secret = secret
        self.token = ("", 0.0)  # (token, monotonic time made): reused for a minute

    def authorization(self) -> dict[str, str]:
        if not self.secret:
            return {}
        with self.lock:
            token, made = self.token
            if not token or time.monotonic() - made > 60:
                self.token = (node_token(self.secret), time.monotonic())
            return {"Authorization": f"Bearer {self.token[0]}"}

    def _connect(self, server: str, timeout: float) -> http.client.HTTPConnection:
        host, port = server.rsplit(":", 1)
        return http.client.HTTPConnection(self.resolve.get(host, host), int(port), timeout=timeout)

    def once(self, server: str, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, timeout: float | None = None) -> Answer:
        """One request to `server`, following up to three redirects."""
        sent = False
        for _ in range(4):
            conn = self._connect(server, timeout or self.timeout)
            try:
                try:
                    conn.connect()
                except OSError as e:
                    return Answer(0, b"", "", server, sent, f"connect {server}: {e}")
                sent = True
                conn.request(method, path, body=body, headers={**self.authorization(), **(headers or {})})
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as e:
                return Answer(0, b"", "", server, True, f"{server}: {e.__class__.__name__} {e}")
            finally:
                conn.close()
            if response.status in (307, 308):
                location = urlsplit(response.getheader("Location", ""))
                if not location.hostname:
                    return Answer(response.status, raw, "", server, sent, "redirect without a Location")
                server = f"{location.hostname}:{location.port or 8091}"
                path = location.path + (f"?{location.query}" if location.query else "")
                sent = False  # the node that redirected did not act on it
                continue
            return Answer(response.status, raw, response.getheader("Content-Type", ""), server, sent)
        return Answer(0, b"", "", server, sent, "too many redirects")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float | None = None, retry_unsent: bool = True) -> Answer:
        """A request to the preferred meta node; on no answer, the next ones in turn (only while
        the request surely did not reach a server, unless `retry_unsent` is False)."""
        answer = None
        for attempt in range(len(self.servers)):
            with self.lock:
                server = self.servers[(self.preferred + attempt) % len(self.servers)]
            answer = self.once(server, method, path, body, headers, timeout)
            if answer.status != 0 and answer.status != 503:
                return answer
            if answer.sent and not retry_unsent:
                return answer
            with self.lock:
                self.preferred = (self.preferred + 1) % len(self.servers)
        return answer

    def form(self, path: str, fields: dict[str, str], **kw) -> Answer:
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def post_json(self, path: str, payload: dict, **kw) -> Answer:
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}, **kw)
