"""HTTP API fuzzer: bad input on `http-bind-address`.

Sends malformed and adversarial requests to a single-server node and checks, after every case,
that stored data only changed through requests a correct node must accept, and after every
batch, that the node is alive, answers /ping, takes a legitimate write and stays under the RSS
bound. See faults/fuzz/README.md.

    python3 -m faults.fuzz.http --seed 1 --iterations 300 [--keep DIR] [--cases A-B] [--auth]

With `--auth` the node runs with `auth-enabled`, an admin made by the harness (whose checks use
its credentials), and the cases send no credentials or forged ones: every answer but /ping's
must refuse (401/400/403), and nothing may change.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import random
import select
import selectors
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from . import jsonoracle
from .common import (
    Deadline,
    FuzzReport,
    Health,
    Node,
    NodeStartError,
    case_rng_seed,
    hexdump,
    http_request,
    main,
    parse_cases,
    raise_nofile,
    save_failure,
)

FUZZER = "http"
BATCH = 20
MAX_BODY = 1 << 20
BIG_BODY = 10 * 1024 * 1024
IDLE_CONNECTIONS = 2000
ROUTES = [
    ("GET", "/ping"), ("GET", "/status"), ("GET", "/show-cluster"), ("GET", "/peers"), ("GET", "/"),
    ("POST", "/execute"), ("POST", "/join"), ("POST", "/add-meta"), ("POST", "/remove"),
    ("POST", "/accept-join"), ("POST", "/reset"),
]
POST_ROUTES = [p for m, p in ROUTES if m == "POST"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]
AUTH_SECRET = "the users' secret, unknown to the fuzzer"
AUTH_CONFIG = (f'auth-enabled = true\nshared-secret = "{AUTH_SECRET}"\n'
               'internal-shared-secret = "the nodes\' secret, unknown to the fuzzer"\npassword-hash = "bcrypt;cost=4"\n')
AUTH_ADMIN = ("fuzz-admin", "fuzz-admin's password")
AUTH_MODE = False  # set by run(auth=True): the cases run without valid credentials
NORMAL_LATENCY_LIMIT = 2.0  # seconds a normal client may wait while the node is under a slow/idle load


@dataclasses.dataclass
class CaseResult:
    kind: str
    description: str
    data: bytes = b""
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (signature, text)
    notes: list[str] = dataclasses.field(default_factory=list)

    def fail(self, text: str, sig: str | None = None) -> None:
        self.problems.append((sig or default_signature(self.kind, text), text))


def default_signature(kind: str, text: str) -> str:
    out = []
    for ch in text[:70]:
        out.append("#" if ch.isdigit() else ch)
    return kind + ":" + "".join(out)


class Ctx:
    def __init__(self, node: Node, health: Health, report: FuzzReport):
        self.node = node
        self.health = health
        self.report = report
        self.last_poll = -1e9  # monotonic time of the last long poll left pending

    @property
    def port(self) -> int:
        return self.node.http_port


# --------------------------------------------------------------------------- raw HTTP


def parse_responses(data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Splits pipelined HTTP/1.x responses; stops at the first unparsable or incomplete one."""
    out = []
    pos = 0
    while pos < len(data):
        head_end = data.find(b"\r\n\r\n", pos)
        if head_end < 0:
            break
        lines = data[pos:head_end].split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            break
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        pos = head_end + 4
        if "content-length" in headers and headers["content-length"].isdigit():
            n = int(headers["content-length"])
            if pos + n > len(data):
                break
            body = data[pos:pos + n]
            pos += n
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                le = data.find(b"\r\n", pos)
                if le < 0:
                    return out
                try:
                    size = int(data[pos:le].split(b";")[0], 16)
                except ValueError:
                    return out
                pos = le + 2
                if size == 0:
                    te = data.find(b"\r\n\r\n", pos - 2)
                    pos = te + 4 if te >= 0 else len(data)
                    break
                body += data[pos:pos + size]
                pos += size + 2
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = data[pos:]
            pos = len(data)
        out.append((status, headers, body))
    return out


def exchange(port: int, data: bytes, timeout: float = 5.0, half_close: bool = True, read_limit: int = 4 << 20,
             chunks: list[tuple[bytes, float]] | None = None, until_answered: bool = False) -> tuple[bytes, str]:
    """Sends `data` (or `chunks` with pauses), then reads until the server closes or `timeout`.

    Returns (bytes received, how it ended: "closed" | "timeout" | "reset" | "error: ...").
    """
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    received = bytearray()
    how = "closed"
    try:
        try:
            if chunks is not None:
                for piece, pause in chunks:
                    s.sendall(piece)
                    if pause:
                        time.sleep(pause)
            else:
                s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            how = "reset"
        deadline = Deadline(timeout)
        while len(received) < read_limit:
            s.settimeout(max(0.01, deadline.remaining()))
            try:
                b = s.recv(65536)
            except socket.timeout:
                how = "timeout"
                break
            except ConnectionResetError:
                how = "reset"
                break
            if not b:
                break
            received += b
            if until_answered and parse_responses(bytes(received)):
                how = "answered"
                break
    except OSError as e:
        how = f"error: {e!r}"
    finally:
        s.close()
    return bytes(received), how


def send_body(port: int, head: bytes, body: bytes, timeout: float = 20.0) -> tuple[bytes, int, str, int]:
    """Streams a (big) body while reading whatever the server answers, like a real client.

    Returns (response bytes, body bytes sent, how it ended, body bytes sent when the first answer byte came).
    """
    first = -1
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setblocking(False)
    data = head + body
    sent = 0
    received = bytearray()
    deadline = Deadline(timeout)
    how = "timeout"
    try:
        while not deadline.expired():
            want_write = [s] if sent < len(data) else []
            r, w, _ = select.select([s], want_write, [], min(0.5, deadline.remaining()))
            if r:
                try:
                    b = s.recv(65536)
                except (ConnectionResetError, BlockingIOError) as e:
                    how = "reset" if isinstance(e, ConnectionResetError) else how
                    if how == "reset":
                        break
                    b = None
                if b == b"":
                    how = "closed"
                    break
                if b:
                    if first < 0:
                        first = max(0, sent - len(head))
                    received += b
                    if parse_responses(bytes(received)) and sent >= len(data):
                        how = "answered"
                        break
            if w:
                try:
                    sent += s.send(data[sent:sent + 262144])
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    how = "reset"
                    break
            if sent >= len(data) and not r and parse_responses(bytes(received)):
                how = "answered"
                break
    finally:
        s.close()
    return bytes(received), max(0, sent - len(head)), how, first


def request_bytes(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    hdrs = dict(headers or {})
    if body or method in ("POST", "PUT", "PATCH"):
        hdrs.setdefault("Content-Length", str(len(body)))
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# --------------------------------------------------------------------------- oracles


def check_execute_reply(ctx: Ctx, res: CaseResult, body: bytes, status: int, reply_body: bytes) -> None:
    """Compares the node's answer to a /execute body with the independent oracle; updates the model."""
    if AUTH_MODE:
        check_unauthenticated(res, f"/execute {body[:80]!r}", "/execute", status, reply_body)
        return
    exp = jsonoracle.expect_execute(body)
    index = None
    try:
        parsed = json.loads(reply_body.decode("utf-8")) if reply_body else None
        if isinstance(parsed, dict) and isinstance(parsed.get("index"), int):
            index = parsed["index"]
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if index is not None:
        ctx.health.acknowledged(index)
    if status >= 500 and status != 503:
        res.fail(f"/execute answered {status} {reply_body[:200]!r} to {hexdump(body, 120)}", f"execute-{status}")
        return
    if status == 200:
        if exp.verdict == "reject":
            res.fail(f"/execute accepted bad input ({exp.reason}): body {body[:200]!r} ({len(body)} bytes) -> 200 {reply_body[:200]!r}",
                     f"execute-accepted-bad:{exp.reason[:40]}")
        ops = exp.ops
        if len(ops) == 1 or (ops and all(o == ops[0] for o in ops)):
            apply_op(ctx, ops[0])
        elif ops:  # ambiguous (duplicate keys): find out which interpretation the node took
            res.notes.append(f"/execute accepted JSON with duplicate keys ({exp.reason}); possible outcomes {ops!r}")
            resolve_ambiguous(ctx, res, ops, body)
        return
    if status == 400:
        if exp.verdict == "accept":
            res.fail(f"/execute refused valid input {exp.ops!r}: body {body[:200]!r} -> 400 {reply_body[:200]!r}",
                     "execute-refused-valid")
        if not (isinstance(parsed, dict) and isinstance(parsed.get("error"), str)):
            res.fail(f"/execute 400 without a JSON error body: {reply_body[:200]!r}", "execute-400-no-json")
        return
    if status == 413:
        if len(body) <= MAX_BODY:
            res.fail(f"/execute answered 413 to a {len(body)}-byte body (limit {MAX_BODY})", "execute-413-small")
        return
    res.fail(f"/execute answered unexpected {status} {reply_body[:200]!r} to {hexdump(body, 120)}", f"execute-unexpected-{status}")


def apply_op(ctx: Ctx, op: tuple[str, str]) -> None:
    t, name = op
    if t == "create-database":
        ctx.health.databases.add(name)
    elif t == "drop-database":
        ctx.health.databases.discard(name)


def resolve_ambiguous(ctx: Ctx, res: CaseResult, ops: list[tuple[str, str]], body: bytes) -> None:
    try:
        _, names = ctx.health.fetch()
    except Exception as e:  # noqa: BLE001
        res.fail(f"GET / failed: {e!r}")
        return
    actual = set(names)
    for op in ops:
        trial = set(ctx.health.databases)
        (trial.add if op[0] == "create-database" else trial.discard)(op[1])
        if trial == actual:
            ctx.health.databases = trial
            which = "first" if op == ops[0] else "last"
            res.notes.append(
                f"duplicate JSON keys: the node took the {which} value ({op!r}); Go's encoding/json takes the last, "
                f"so a proxy or client validating the body sees a different command (body {body[:120]!r})"
            )
            return


def check_unauthenticated(res: CaseResult, what: str, path: str, status: int, body: bytes) -> None:
    """Auth mode: a request without valid credentials may only succeed on /ping."""
    if 200 <= status < 300 and path.split("?")[0] != "/ping":
        res.fail(f"{what} answered {status} without valid credentials: {body[:200]!r}", f"auth-bypass:{path[:40]}")
    elif status >= 500 and status not in (503, 504):
        res.fail(f"{what} answered {status} {body[:200]!r}", f"{res.kind}-{status}")


def request_path(data: bytes) -> str:
    """The path of a raw request's first line, or "" when there is none."""
    parts = data.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("latin-1") if len(parts) >= 2 else ""


def check_generic_reply(res: CaseResult, what: str, status: int, body: bytes) -> None:
    if status >= 500 and status not in (503, 504):
        res.fail(f"{what} answered {status} {body[:200]!r}", f"{res.kind}-{status}")


def after_case(ctx: Ctx, res: CaseResult) -> None:
    """Per case: the node is alive and stored data changed only as the model says."""
    if not ctx.node.alive() or (ctx.health.ping(timeout=3) and ctx.node.wait_exit(15)):
        ctx.node.wait_exit(15)
        sig = ctx.node.crash_signature()
        res.fail(f"node {sig}; input {hexdump(res.data, 400)}", f"node-died:{sig}")
        return
    problems = ctx.health.compare()
    for p in problems:
        if p.startswith("database list changed") and ctx.health.last_diff:
            extra, missing, model = ctx.health.last_diff
            msg = jsonoracle.nfc_collision_message(extra, missing, model | set(extra))
            if msg:
                res.fail(f"{msg} [{p}]", "names-canonical-equivalence")
            elif any(sig.startswith("execute-accepted-bad") or sig.startswith("raw-accepted") for sig, _ in res.problems):
                pass  # the same acceptance, already reported
            else:
                res.fail(p, "data-changed")
        elif p.startswith("index is"):
            res.fail(p, "index-changed")
        else:
            res.fail(p)


# --------------------------------------------------------------------------- cases


def case_execute_json(ctx: Ctx, rng: random.Random) -> CaseResult:
    label, body = jsonoracle.execute_body(rng)
    res = CaseResult("execute-json", f"POST /execute ({label})", body)
    headers = {"Content-Type": rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"])}
    try:
        r = http_request(ctx.port, "POST", "/execute", body, headers, timeout=15)
    except Exception as e:  # noqa: BLE001
        res.fail(f"POST /execute failed: {e!r} (body {hexdump(body, 120)})")
        return res
    check_execute_reply(ctx, res, body, r.status, r.body)
    return res


EQUIVALENT_PAIRS = [
    ("caf\u00e9", "cafe\u0301"),        # precomposed vs combining acute
    ("\u00c5", "\u212b"),               # LATIN CAPITAL A WITH RING vs ANGSTROM SIGN
    ("\u03a9", "\u2126"),               # GREEK CAPITAL OMEGA vs OHM SIGN
    ("\u1e69", "s\u0323\u0307"),        # s with dot below and dot above, composed vs decomposed
    ("\uac00", "\u1100\u1161"),         # Hangul syllable vs conjoining jamo
]


def case_unicode_equivalence(ctx: Ctx, rng: random.Random) -> CaseResult:
    """Two names that differ in bytes but are canonically equivalent are two databases in InfluxDB."""
    a, b = rng.choice(EQUIVALENT_PAIRS)
    if rng.random() < 0.5:
        a, b = b, a
    tag = f"fz-eq-{rng.randrange(10**6)}-"
    steps = [("create-database", tag + a), ("create-database", tag + b), ("drop-database", tag + b)]
    bodies = [json.dumps({"type": t, "name": n}, ensure_ascii=False).encode() for t, n in steps]
    res = CaseResult("unicode-equivalence", f"create {a!r}, create {b!r}, drop {b!r} (prefix {tag})", b"\n".join(bodies))
    for body in bodies:
        try:
            r = http_request(ctx.port, "POST", "/execute", body, {"Content-Type": "application/json"}, timeout=15)
        except Exception as e:  # noqa: BLE001
            res.fail(f"POST /execute failed: {e!r}")
            return res
        check_execute_reply(ctx, res, body, r.status, r.body)
        after_case(ctx, res)
        if res.problems:
            break
    return res


def membership_body(ctx: Ctx, rng: random.Random, route: str) -> bytes:
    addrs = [
        "127.0.0.1:1", f"127.0.0.1:{ctx.node.http_port}", f"127.0.0.1:{ctx.node.raft_port}", "localhost:8091",
        "", ":8091", "[::1]:1", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:-1", "0.0.0.0:1",
        "a" * 2000 + ":1", "host name:1", "\u00e9:1", "127.0.0.1:1/path", "http://127.0.0.1:1",
        "[::1", "::1:1", "127.0.0.1:99999999999999999999",
    ]
    fields = {
        "/join": {"addr": lambda: rng.choice(addrs)},
        "/add-meta": {"addr": lambda: rng.choice(addrs)},
        "/remove": {"httpAddr": lambda: rng.choice(addrs), "force": lambda: rng.choice([True, False, "yes", 1, None]),
                    "tcpAddr": lambda: rng.choice(addrs + [None])},
        # never the real cluster id: a correct /reset for this node would legitimately wipe it
        "/accept-join": {"id": lambda: rng.choice([0, 1, 2, -1, 2**64, "1", None]),
                         "clusterID": lambda: rng.choice([0, 1, 2**64 - 1, 2**64, -5, "x", None]),
                         "raftAddr": lambda: rng.choice(addrs), "httpAddr": lambda: rng.choice(addrs)},
        "/reset": {"id": lambda: rng.choice([0, 1, 2, 2**64 - 1, 2**64, -1, "1", None, 1.5]),
                   "clusterID": lambda: rng.choice([1, 2, 2**63, 2**64, -1, "0", None])},
    }[route]
    r = rng.random()
    if r < 0.6:
        obj = {k: gen() for k, gen in fields.items() if rng.random() < 0.85}
        return jsonoracle.dumps(obj, rng)
    if r < 0.8:
        obj = {k: gen() for k, gen in fields.items()}
        return jsonoracle.mutate_bytes(jsonoracle.dumps(obj, rng), rng)
    if r < 0.9:
        return jsonoracle.dumps(jsonoracle.random_json_value(rng), rng)
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))


def case_membership(ctx: Ctx, rng: random.Random) -> CaseResult:
    route = rng.choice(["/join", "/add-meta", "/remove", "/accept-join", "/reset"])
    body = membership_body(ctx, rng, route)
    res = CaseResult("membership", f"POST {route}", body)
    try:
        r = http_request(ctx.port, "POST", route, body, {"Content-Type": "application/json"}, timeout=20)
    except Exception as e:  # noqa: BLE001
        res.fail(f"POST {route} failed: {e!r} (body {hexdump(body, 120)})")
        return res
    check_generic_reply(res, f"POST {route} {body[:120]!r}", r.status, r.body)
    if AUTH_MODE:
        check_unauthenticated(res, f"POST {route} {body[:120]!r}", route, r.status, r.body)
    if r.status == 200 and route in ("/reset", "/accept-join"):
        res.notes.append(f"POST {route} {body[:160]!r} answered 200 {r.body[:160]!r}")
    try:
        j = json.loads(r.body)
        if isinstance(j, dict) and isinstance(j.get("index"), int):
            ctx.health.acknowledged(j["index"])
    except ValueError:
        pass
    return res


def case_random_body(ctx: Ctx, rng: random.Random) -> CaseResult:
    method, path = rng.choice(ROUTES)
    method = rng.choice([method, "POST"])
    body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096)))
    res = CaseResult("random-body", f"{method} {path} with {len(body)} random bytes", body)
    try:
        r = http_request(ctx.port, method, path, body, {"Content-Type": "application/octet-stream"}, timeout=15)
    except Exception as e:  # noqa: BLE001
        res.fail(f"{method} {path} failed: {e!r}")
        return res
    if (method, path) == ("POST", "/execute") and not AUTH_MODE:
        # application/octet-stream selects the protobuf form: the bytes are a (bad) Command
        check_protobuf_execute_reply(res, r.status, r.body)
    else:
        check_generic_reply(res, f"{method} {path}", r.status, r.body)
        if AUTH_MODE:
            check_unauthenticated(res, f"{method} {path}", path, r.status, r.body)
    return res


def protobuf_response_error(data: bytes) -> str | None:
    """The Error of a protobuf `Response{OK: false, Error}` (meta.proto), or None if `data` is not one."""
    if not data.startswith(b"\x08\x00\x12"):
        return None
    length, shift, i = 0, 0, 3
    while i < len(data):
        byte = data[i]
        i += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    try:
        return data[i:i + length].decode()
    except UnicodeDecodeError:
        return None


def check_protobuf_execute_reply(res: CaseResult, status: int, reply_body: bytes) -> None:
    """Random bytes sent as a protobuf Command: refused with 400 and a protobuf Response whose
    Error is one line (stored data is checked after every case)."""
    check_generic_reply(res, "POST /execute (protobuf)", status, reply_body)
    if status == 200:
        res.fail(f"/execute accepted random bytes as a protobuf Command: {reply_body[:200]!r}",
                 "execute-accepted-bad-protobuf")
    elif status == 400:
        error = protobuf_response_error(reply_body)
        if error is None or "\n" in error:
            res.fail(f"/execute 400 without a one-line protobuf Response error: {reply_body[:200]!r}",
                     "execute-400-no-protobuf")
    elif status < 500:
        res.fail(f"/execute answered unexpected {status} {reply_body[:200]!r} to a bad protobuf Command",
                 f"execute-protobuf-unexpected-{status}")


def route_expectation(method: str, path: str) -> set[int]:
    if (method, path) in ROUTES:
        if path == "/execute":
            return {400}
        if method == "POST":
            return {400}
        return {200}
    if method == "HEAD" and ("GET", path) in ROUTES:
        return {200, 404, 405}
    return {404, 405}


def do_route_method(ctx: Ctx, method: str, path: str, body: bytes) -> CaseResult:
    res = CaseResult("route-method", f"{method} {path} ({len(body)}-byte body)", body)
    if path == "/" and method == "GET":
        path = "/?index=0"  # never a 60 s long poll
    try:
        r = http_request(ctx.port, method, path, body if method != "GET" or body else None, timeout=15)
    except Exception as e:  # noqa: BLE001
        res.fail(f"{method} {path} failed: {e!r}")
        return res
    allowed = route_expectation(method, path.split("?")[0])
    if AUTH_MODE:
        check_unauthenticated(res, f"{method} {path}", path, r.status, r.body)
        return res
    if r.status not in allowed:
        if r.status >= 500 and r.status not in (503,):
            res.fail(f"{method} {path} answered {r.status} {r.body[:200]!r}")
        elif method in ("POST",) and path in POST_ROUTES and r.status in (409, 503):
            pass
        else:
            res.notes.append(f"{method} {path} answered {r.status} (expected one of {sorted(allowed)})")
    if method == "HEAD" and r.status == 404 and ("GET", path.split("?")[0]) in ROUTES:
        res.notes.append("HEAD on GET routes answers 404 (RFC 9110 expects HEAD wherever GET works)")
    return res


def case_route_method(ctx: Ctx, rng: random.Random) -> CaseResult:
    method = rng.choice(METHODS)
    path = rng.choice([p for _, p in ROUTES] + ["/debug/pprof", "/execute/", "//execute", "/EXECUTE", "/%65xecute", "/ping?x=1"])
    body = rng.choice([b"", b"{}", b"null", jsonoracle.dumps(jsonoracle.random_json_value(rng), rng)])
    return do_route_method(ctx, method, path, body)


INDEX_VALUES = ["-1", "99999999999999999999", "18446744073709551616", "", "abc", "1e3", " 1", "+1", "0x10", "1.0",
                "%00", "%FF", "0" * 1000, "1" * 5000, "１", "١", "-0", "9" * 20, "NaN", "\u00e9"]


def go_parse_uint(text: str) -> int | None:
    """strconv.ParseUint(text, 10, 64) as InfluxDB (Go) reads ?index=: ASCII digits only, < 2^64."""
    if not text or len(text) > 4000 or not all("0" <= c <= "9" for c in text):
        return None
    v = int(text)
    return v if v < 2**64 else None


def case_query(ctx: Ctx, rng: random.Random) -> CaseResult:
    current = ctx.health.index
    r0 = rng.random()
    values: list[str]
    if r0 < 0.6:
        values = [rng.choice(INDEX_VALUES)]
    elif r0 < 0.8:
        values = [str(rng.choice([0, max(0, current - 1), current, current + 1, 2**64 - 1]))]
    else:
        values = [rng.choice(INDEX_VALUES), rng.choice(["1", "-1", str(2**64 - 1)])]
    parsed = [go_parse_uint(v) for v in values]
    # a long poll answers only once the index passes N; we hang up after a moment
    may_poll = any(p is not None and p >= current for p in parsed)
    must_poll = all(p is not None and p >= current for p in parsed)
    extra = rng.choice(["", "&consistent=true", "&consistent=false", "&consistent=%00", "&x=" + "y" * rng.choice([10, 9000, 70000])])

    def enc(v: str) -> str:
        return "".join(c if (c.isascii() and c.isalnum()) or c in "-+%." else "".join(f"%{b:02X}" for b in c.encode()) for c in v)

    path = "/?" + "&".join("index=" + enc(v) for v in values) + extra
    data = request_bytes("GET", path)
    res = CaseResult("query", f"GET {path[:120]}", data)
    if may_poll:
        ctx.last_poll = time.monotonic()
    received, how = exchange(ctx.port, data, timeout=0.5 if may_poll else 8.0, half_close=not may_poll)
    responses = parse_responses(received)
    if not responses:
        if not may_poll:
            res.fail(f"GET {path[:120]}: no HTTP response (connection {how})", "query-no-response")
        return res
    status, _, body = responses[0]
    check_generic_reply(res, f"GET {path[:120]}", status, body)
    if len(path) > 60000:
        if status not in (400, 414, 431) and not (200 <= status < 300):
            res.fail(f"GET with a {len(path)}-byte URI answered {status}", "query-long-uri")
        return res
    if must_poll and status == 200 and len(values) == 1:
        res.fail(f"GET {path[:120]} answered at once although the index ({current}) has not passed {values[0]}",
                 "query-poll-returned-early")
    if all(p is None for p in parsed) and status == 200:
        first = values[0]
        res.fail(
            f"GET /?index={first!r} answered 200 with the metadata: the index is not a decimal UInt64 "
            f"(Go's strconv.ParseUint, which InfluxDB uses, refuses it; Swift's UInt64(String) accepts a sign)",
            "query-accepts-signed-index" if first[:1] in "+-" else "query-accepts-bad-index",
        )
    if any(p is not None and p < current for p in parsed) and status == 400 and len(values) == 1:
        res.fail(f"GET {path[:120]} refused a valid index: {status} {body[:120]!r}", "query-refuses-valid-index")
    return res


def raw_http_inputs(rng: random.Random) -> tuple[str, bytes, bool]:
    """(label, bytes, whether a correct server must refuse the first request)."""
    label, data = _raw_http_inputs(rng)
    return label, data, label.startswith("reject:")


def _raw_http_inputs(rng: random.Random) -> tuple[str, bytes]:
    good = request_bytes("POST", "/execute", b'{"type":"create-database","name":"fz-raw"}', {"Content-Type": "application/json"})
    r = rng.random()
    if r < 0.15:
        return "garbage request line", bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))) + b"\r\n\r\n"
    if r < 0.35:
        return "mutated request", jsonoracle.mutate_bytes(good, rng, rng.randint(1, 6))
    if r < 0.45:
        size = rng.choice([8 * 1024, 80 * 1024, 81 * 1024, 200 * 1024, 1024 * 1024])
        return f"{size}-byte header", b"GET /ping HTTP/1.1\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
    if r < 0.5:
        n = rng.choice([100, 1001, 5000])
        return f"{n} headers", b"GET /ping HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(n)) + b"\r\n"
    if r < 0.7:
        body = b'{"type":"create-database","name":"fz-chunk"}'
        chunked = [
            ("reject:chunk size not hex", b"zz\r\n" + body + b"\r\n0\r\n\r\n"),
            ("reject:chunk size too big", b"%x\r\n" % (len(body) + 5) + body + b"\r\n0\r\n\r\n"),
            ("reject:negative chunk size", b"-1\r\n" + body + b"\r\n0\r\n\r\n"),
            ("reject:overflowing chunk size", b"ffffffffffffffffffff\r\n" + body + b"\r\n0\r\n\r\n"),
            ("reject:NUL in chunk extension", b"%x;ext=\x00\r\n" % len(body) + body + b"\r\n0\r\n\r\n"),
            ("chunked with bare LF", b"%x\n" % len(body) + body + b"\n0\n\n"),
            ("reject:no CRLF after chunk data", b"%x\r\n" % len(body) + body + b"0\r\n\r\n"),
            ("reject:no last chunk", b"%x\r\n" % len(body) + body + b"\r\n"),
            ("100 KB trailer", b"%x\r\n" % len(body) + body + b"\r\n0\r\nX-Trailer: " + b"t" * 100000 + b"\r\n\r\n"),
            ("reject:space before chunk size", b" %x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"),
            ("chunked then garbage (second request)", b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\nGARBAGE"),
        ]
        label, tail = rng.choice(chunked)
        return label, b"POST /execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + tail
    if r < 0.85:
        body = b'{"type":"create-database","name":"fz-framing"}'
        framing = [
            ("reject:Content-Length and Transfer-Encoding", b"Content-Length: %d\r\nTransfer-Encoding: chunked" % len(body)),
            ("reject:two different Content-Lengths", b"Content-Length: %d\r\nContent-Length: %d" % (len(body), len(body) + 1)),
            ("Content-Length list of equal values", b"Content-Length: %d, %d" % (len(body), len(body))),
            ("reject:negative Content-Length", b"Content-Length: -1"),
            ("reject:Content-Length 1e2", b"Content-Length: 1e2"),
            ("reject:overflowing Content-Length", b"Content-Length: 99999999999999999999999"),
            ("Content-Length with whitespace", b"Content-Length:  %d " % len(body)),
            ("reject:Content-Length with plus sign", b"Content-Length: +%d" % len(body)),
            ("reject:Transfer-Encoding chunked, identity", b"Transfer-Encoding: chunked, identity"),
            ("reject:Transfer-Encoding gzip", b"Transfer-Encoding: gzip"),
            ("reject:Transfer-Encoding with VT", b"Transfer-Encoding:\x0bchunked"),
            ("reject:Transfer-Encoding chunked twice", b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"),
            ("obs-fold header", b"X-Folded: a\r\n  continued"),
            ("reject:header name split by CRLF", b"Content-Length\r\n : 5"),
        ]
        label, header = rng.choice(framing)
        return label, b"POST /execute HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n\r\n" + body
    lines = [
        b"GET / HTTP/1.1\r\n\r\n".replace(b"/ ", b"/?index=0 "), b"GET /\r\n", b"GET /ping HTTP/0.9\r\n\r\n",
        b"GET /ping HTTP/2.0\r\n\r\n", b"GET /ping HTTP/1.1\n\n", b"GET  /ping  HTTP/1.1\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"\r\n\r\nGET /ping HTTP/1.1\r\n\r\n",
        b"GET " + b"/" * 100000 + b" HTTP/1.1\r\n\r\n", b"GET /ping?" + b"a=" * 50000 + b" HTTP/1.1\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(32),
        b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n", b"GET http://example.invalid/ping HTTP/1.1\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"GET /ping HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
        b"POST /execute HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n",
        b"GET /ping HTTP/1.1\r\n\xff\xfe: \xff\r\n\r\n", b"GET /ping HTTP/1.1\r\nX: a\x00b\r\n\r\n",
        b"GET /ping HTTP/1.1\r\n" * 50 + b"\r\n",
        b"GET /ping HTTP/1.1\r\n\r\n" * 100,
    ]
    return "odd request", rng.choice(lines)


def case_raw_http(ctx: Ctx, rng: random.Random) -> CaseResult:
    label, data, must_refuse = raw_http_inputs(rng)
    label = label.removeprefix("reject:")
    res = CaseResult("raw-http", label, data)
    received, how = exchange(ctx.port, data, timeout=8.0)
    if how == "timeout":
        res.fail(f"{label}: the node neither answered nor closed within 8 s after the client's EOF "
                 f"({len(received)} bytes received)", f"raw-hang:{label}")
    responses = parse_responses(received)
    if received and not responses:
        res.fail(f"{label}: unparsable response {received[:200]!r}", "raw-unparsable-response")
    for status, _, body in responses:
        check_generic_reply(res, label, status, body)
        if AUTH_MODE:
            check_unauthenticated(res, label, request_path(data), status, body)
    if data.startswith(b"POST /execute") and responses:
        status, _, body = responses[0]
        if status == 200:
            try:
                ctx.health.acknowledged(int(json.loads(body)["index"]))
            except (ValueError, KeyError, TypeError):
                pass
            if must_refuse:
                res.fail(f"{label}: request accepted with 200 {body[:120]!r}: {data[:300]!r}", f"raw-accepted:{label}")
            # a (mutated) raw request may legitimately create one of our fz- databases: adopt exactly those
            try:
                _, names = ctx.health.fetch()
                for name in set(names) - ctx.health.databases:
                    if name.startswith("fz-"):
                        ctx.health.databases.add(name)
            except Exception:  # noqa: BLE001 - the per-case comparison reports it
                pass
        if label == "chunk size not hex" and status == 413:
            res.notes.append(
                "a malformed chunked body (chunk size 'zz') gets 413 'request body is larger than 1048576 bytes' "
                "instead of 400: the routes map every body-collection error to 413"
            )
    return res


def forged_authorization(ctx: Ctx, rng: random.Random) -> str:
    """An Authorization header a correct node must refuse."""
    from .common import hs256_token
    user, password = AUTH_ADMIN
    r = rng.random()
    if r < 0.2:
        return "Basic " + __import__("base64").b64encode(f"{user}:{password}x".encode()).decode()
    if r < 0.3:
        return "Basic " + __import__("base64").b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))).decode()
    if r < 0.45:  # a token signed with a guessed secret, for the admin or for a meta node
        return "Bearer " + hs256_token(rng.choice(["", "secret", AUTH_SECRET + "x"]), rng.choice([user, ""]))
    if r < 0.55:  # the right secret, but expired
        return "Bearer " + hs256_token(AUTH_SECRET, user, lifetime=-rng.randint(1, 3600))
    if r < 0.65:  # the right secret for a user that does not exist
        return "Bearer " + hs256_token(AUTH_SECRET, "nobody-" + str(rng.randrange(1000)))
    if r < 0.8:  # alg none, or a signature stripped
        b64 = lambda b: __import__("base64").urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
        claims = b64(json.dumps({"username": rng.choice([user, ""]), "exp": int(time.time()) + 600}).encode())
        header = b64(json.dumps({"alg": rng.choice(["none", "HS512", "RS256", "hs256"]), "typ": "JWT"}).encode())
        return f"Bearer {header}.{claims}." + rng.choice(["", "AAAA", b64(bytes(32))])
    return rng.choice(["Bearer", "Basic", "Bearer ", "Digest x", "Basic ====", "Bearer a.b", "Bearer ...", "x" * 5000])


def case_forged_credentials(ctx: Ctx, rng: random.Random) -> CaseResult:
    method, path = rng.choice(ROUTES)
    if path == "/ping":
        method, path = "POST", "/execute"
    body = b""
    if method == "POST":
        body = (membership_body(ctx, rng, path) if path != "/execute"
                else json.dumps({"type": rng.choice(["create-database", "drop-database"]), "name": "fz-auth"}).encode())
    header = forged_authorization(ctx, rng)
    res = CaseResult("forged-credentials", f"{method} {path} with Authorization {header[:80]!r}", body)
    if path == "/" and method == "GET":
        path = "/?index=0"
    try:
        r = http_request(ctx.port, method, path, body or None, {"Authorization": header, "Content-Type": "application/json"},
                         timeout=15)
    except Exception as e:  # noqa: BLE001
        res.fail(f"{method} {path} failed: {e!r}")
        return res
    check_unauthenticated(res, f"{method} {path} with {header[:60]!r}", path, r.status, r.body)
    if r.status not in (400, 401, 403):
        res.notes.append(f"{method} {path} with forged credentials answered {r.status}")
    return res


def case_route_matrix(ctx: Ctx, rng: random.Random) -> CaseResult:
    """Every route with every method (fixed phase)."""
    res = CaseResult("route-matrix", "every route x every method", b"")
    paths = sorted({p for _, p in ROUTES})
    for path in paths:
        for method in METHODS:
            for body in (b"", b"{}"):
                sub = do_route_method(ctx, method, path, body)
                res.problems += sub.problems
                res.notes += sub.notes
    return res


def case_huge_body(ctx: Ctx, rng: random.Random, route: str | None = None, chunked: bool | None = None) -> CaseResult:
    route = route or rng.choice(POST_ROUTES + ["/ping"])
    chunked = rng.random() < 0.3 if chunked is None else chunked
    method = "GET" if route == "/ping" else "POST"
    body = (b'{"type":"create-database","name":"' + b"A" * BIG_BODY + b'"}')[:BIG_BODY]
    if chunked:
        head = f"{method} {route} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)]
        wire = b"".join(b"%x\r\n" % len(p) + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"
    else:
        head = f"{method} {route} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        wire = body
    res = CaseResult("huge-body", f"{method} {route} with a 10 MB {'chunked ' if chunked else ''}body", head)
    rss_before = ctx.node.rss_kb() or 0
    received, sent, how, first = send_body(ctx.port, head, wire)
    rss_after = ctx.node.rss_kb() or 0
    ctx.report.observe_rss(rss_after)
    responses = parse_responses(received)
    if method == "POST":
        if not responses:
            res.fail(f"{method} {route} 10 MB body: no response (connection {how} after {sent} body bytes)")
        elif responses[0][0] != 413 and not (AUTH_MODE and responses[0][0] == 401):
            res.fail(f"{method} {route} 10 MB body answered {responses[0][0]} {responses[0][2][:160]!r}, expected 413")
    elif responses and responses[0][0] >= 500:
        res.fail(f"{method} {route} with a 10 MB body answered {responses[0][0]}")
    grew = (rss_after - rss_before) // 1024
    if grew > 12:
        res.fail(f"RSS grew by {grew} MB while refusing a 10 MB body on {route} (buffered?)")
    res.notes.append(
        f"10 MB {'chunked ' if chunked else ''}body to {method} {route}: "
        f"{responses[0][0] if responses else 'no response'}; first response byte after {first // 1024} KiB of body, "
        f"{sent // 1024} KiB sent in all (connection {how}); RSS {rss_before // 1024}->{rss_after // 1024} MB"
    )
    return res


def normal_probe(ctx: Ctx, stop: threading.Event, latencies: list[float], errors: list[str]) -> None:
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            r = http_request(ctx.port, "GET", "/status", timeout=5)
            if r.status != 200:
                errors.append(f"normal client got {r.status}")
        except Exception as e:  # noqa: BLE001
            errors.append(f"normal client failed: {e!r}")
        latencies.append(time.monotonic() - t0)
        stop.wait(0.05)


def with_normal_client(ctx: Ctx, res: CaseResult, body: Callable[[], None]) -> None:
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    t = threading.Thread(target=normal_probe, args=(ctx, stop, latencies, errors), daemon=True)
    t.start()
    try:
        body()
        p, took = ctx.health.legit_write()
        if p:
            res.fail(f"while {res.description}: {p}")
    finally:
        stop.set()
        t.join(10)
    if errors:
        res.fail(f"while {res.description}: {errors[0]} ({len(errors)} errors)")
    if not latencies:
        res.fail(f"while {res.description}: the normal client got no answer at all")
    elif max(latencies) > NORMAL_LATENCY_LIMIT:
        res.fail(f"while {res.description}: a normal /status took {max(latencies):.2f}s")


def case_slow_client(ctx: Ctx, rng: random.Random) -> CaseResult:
    body = json.dumps({"type": "create-database", "name": f"fz-slow-{rng.randrange(10**6)}"}).encode()
    data = request_bytes(*rng.choice([("GET", "/status"), ("POST", "/execute")]), body=b"") if rng.random() < 0.5 else \
        request_bytes("POST", "/execute", body, {"Content-Type": "application/json"})
    pause = min(rng.choice([0.005, 0.01, 0.02]), 3.0 / len(data))
    res = CaseResult("slow-client", f"one request, one byte every {pause * 1000:.0f} ms ({len(data)} bytes)", data)
    out: dict = {}

    def go() -> None:
        out["received"], out["how"] = exchange(ctx.port, b"", timeout=10, half_close=False, until_answered=True,
                                               chunks=[(data[i:i + 1], pause) for i in range(len(data))])

    def body_fn() -> None:
        t = threading.Thread(target=go, daemon=True)
        t.start()
        t.join(len(data) * pause + 15)

    with_normal_client(ctx, res, body_fn)
    responses = parse_responses(out.get("received", b""))
    if not responses:
        res.fail(f"slow client got no response ({out.get('how')})")
    elif data.startswith(b"POST /execute") and b'"name"' in data:
        status, _, rb = responses[0]
        check_execute_reply(ctx, res, data.split(b"\r\n\r\n", 1)[1], status, rb)
    return res


def open_connections(port: int, n: int, prefix: bytes = b"", timeout: float = 20.0) -> tuple[list[socket.socket], str]:
    """Opens `n` connections in parallel (non-blocking connects), optionally sending `prefix` on each."""
    pending: list[socket.socket] = []
    conns: list[socket.socket] = []
    err = ""
    for _ in range(n):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            pending.append(s)
        except OSError as e:
            err = repr(e)
            break
    deadline = Deadline(timeout)
    sel = selectors.DefaultSelector()
    for s in pending:
        sel.register(s, selectors.EVENT_WRITE)
    waiting = set(pending)
    while waiting and not deadline.expired():
        for key, _ in sel.select(min(0.5, deadline.remaining())):
            s = key.fileobj
            sel.unregister(s)
            waiting.discard(s)
            code = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                err = err or f"connect failed: {os.strerror(code)}"
                s.close()
                continue
            s.setblocking(True)
            s.settimeout(3)
            if prefix:
                try:
                    s.sendall(prefix)
                except OSError as e:
                    err = err or repr(e)
            conns.append(s)
    sel.close()
    if waiting:
        err = err or f"{len(waiting)} connects did not complete within {timeout:.0f}s"
        close_all(list(waiting))
    return conns, err


def close_all(conns: list[socket.socket]) -> None:
    for s in conns:
        try:
            s.close()
        except OSError:
            pass


def case_partial_hold(ctx: Ctx, rng: random.Random) -> CaseResult:
    n = rng.choice([20, 100, 300])
    hold = rng.choice([0.5, 1.5, 3.0])
    partials = [b"GET /ping HTTP/1.1\r\nHost: x\r\n", b"POST /execute HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{\"type\":",
                b"POST /join HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"ad", b"GE"]
    prefix = rng.choice(partials)
    res = CaseResult("partial-hold", f"{n} partial requests held open {hold}s", prefix)
    fds_before = ctx.node.fd_count() or 0
    held: dict = {}

    def body_fn() -> None:
        held["conns"], held["err"] = open_connections(ctx.port, n, prefix)
        time.sleep(hold)
        alive = 0
        for s in held["conns"]:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    continue
                alive += 1
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        held["alive"] = alive

    try:
        with_normal_client(ctx, res, body_fn)
    finally:
        close_all(held.get("conns", []))
    if held.get("err"):
        res.fail(f"could only open {len(held.get('conns', []))} of {n} connections: {held['err']}")
    res.notes.append(
        f"partial requests ({prefix[:30]!r}...) are kept open indefinitely: {held.get('alive')} of {n} still open "
        f"after {hold}s (HTTP server has no read/idle timeout)"
    )
    if not wait_fds(ctx, fds_before + 5, 10):
        res.fail(f"node fds did not return to ~{fds_before} after closing {n} partial connections (now {ctx.node.fd_count()})")
    return res


def wait_fds(ctx: Ctx, limit: int, timeout: float) -> bool:
    deadline = Deadline(timeout)
    while True:
        c = ctx.node.fd_count()
        if c is None or c <= limit:
            return True
        if deadline.expired():
            return False
        time.sleep(0.1)


def case_idle_connections(ctx: Ctx, rng: random.Random, n: int = IDLE_CONNECTIONS) -> CaseResult:
    res = CaseResult("idle-connections", f"{n} idle connections held open", b"")
    fds_before = ctx.node.fd_count() or 0
    rss_before = ctx.node.rss_kb() or 0
    held: dict = {}
    t0 = time.monotonic()

    def body_fn() -> None:
        held["conns"], held["err"] = open_connections(ctx.port, n)
        held["open_s"] = time.monotonic() - t0
        time.sleep(1.0)
        held["fds"] = ctx.node.fd_count()
        held["rss"] = ctx.node.rss_kb()
        held["threads"] = ctx.node.thread_count()

    try:
        with_normal_client(ctx, res, body_fn)
        still = 0
        for s in held.get("conns", []):
            s.setblocking(False)
            try:
                if s.recv(1) != b"":
                    still += 1
            except BlockingIOError:
                still += 1
            except OSError:
                pass
    finally:
        close_all(held.get("conns", []))
    ctx.report.observe_rss(held.get("rss"))
    if held.get("err"):
        res.fail(f"only {len(held.get('conns', []))} of {n} idle connections could be opened: {held['err']}")
    res.notes.append(
        f"{n} idle connections: {len(held.get('conns', []))} TCP handshakes completed in {held.get('open_s', 0):.1f}s; "
        f"1 s later the node held {held.get('fds')} fds (was {fds_before}; the rest waited in the listen backlog), "
        f"RSS {rss_before // 1024}->{(held.get('rss') or 0) // 1024} MB, threads {held.get('threads')}; "
        f"{still} connections still open after the checks (the node closes none: no idle timeout); "
        "normal clients kept getting answers"
    )
    if not wait_fds(ctx, fds_before + 5, 15):
        res.fail(f"node fds did not return to ~{fds_before} after closing the idle connections (now {ctx.node.fd_count()})")
    return res


def case_abandoned_polls(ctx: Ctx, rng: random.Random) -> CaseResult:
    n = rng.choice([200, 500, 1000])
    res = CaseResult("abandoned-polls", f"{n} long polls (GET /?index=<current>) abandoned by their clients", b"")
    fds_before = ctx.node.fd_count() or 0
    rss_before = ctx.node.rss_kb() or 0
    idx = ctx.health.index
    conns, err = open_connections(ctx.port, n, request_bytes("GET", f"/?index={idx}"))
    ctx.last_poll = time.monotonic()
    time.sleep(0.5)
    close_all(conns)
    time.sleep(0.5)
    rss_mid = ctx.node.rss_kb() or 0
    p, _ = ctx.health.legit_write()  # wakes every poller
    if p:
        res.fail(p)
    if err:
        res.fail(f"only {len(conns)} of {n} long polls could be opened: {err}")
    if not wait_fds(ctx, fds_before + 5, 15):
        res.fail(f"node fds did not return to ~{fds_before} after {n} abandoned long polls (now {ctx.node.fd_count()})")
    rss_after = ctx.node.rss_kb() or 0
    ctx.report.observe_rss(max(rss_mid, rss_after))
    res.notes.append(f"{n} abandoned long polls: RSS {rss_before // 1024}->{rss_mid // 1024} MB while pending, "
                     f"{rss_after // 1024} MB after a write woke them")
    return res


def case_fd_exhaustion(ctx: Ctx, rng: random.Random) -> CaseResult:
    """A second node started with RLIMIT_NOFILE 1024 (a common default soft limit) and 2,000 idle connections."""
    res = CaseResult("fd-exhaustion", "idle connections against a node whose soft RLIMIT_NOFILE is 1024", b"")
    node = Node(ctx.node.root.parent / f"fd-limit-{rng.randrange(10**6)}", nofile=1024)
    try:
        node.start()
    except NodeStartError as e:
        res.fail(str(e))
        return res
    try:
        rep = FuzzReport(FUZZER, 0, 0)
        health = Health(node, rep, write_timeout=3)
        health.sync()
        keep = http.client.HTTPConnection("127.0.0.1", node.http_port, timeout=5)
        keep.request("GET", "/ping")
        keep.getresponse().read()
        conns, err = open_connections(node.http_port, IDLE_CONNECTIONS)
        time.sleep(1)
        ping = health.ping(timeout=3)
        try:
            keep.request("POST", "/execute", b'{"type":"create-database","name":"fz-keepalive"}')
            kr = keep.getresponse()
            keep_status = f"{kr.status} {kr.read()[:80]!r}"
            if kr.status == 200:
                health.databases.add("fz-keepalive")
        except Exception as e:  # noqa: BLE001
            keep_status = repr(e)
        fds = node.fd_count()
        close_all(conns)
        keep.close()
        recovered = wait_until_ok(lambda: health.ping(timeout=2) is None, 20)
        after = health.check() if recovered else ["the node did not answer /ping within 20 s after the connections closed"]
        import re as _re
        limit = _re.search(r"open-files=(\d+)", node.log_path.read_text(errors="replace"))
        try:
            soft = next(line.split()[3] for line in open(f"/proc/{node.pid}/limits") if line.startswith("Max open files"))
        except (OSError, StopIteration, IndexError):
            soft = "?"
        res.notes.append(
            f"node started with soft RLIMIT_NOFILE=1024 (its own soft limit is now {soft}"
            f"{', log says open-files=' + limit.group(1) if limit else ''}) and {IDLE_CONNECTIONS} idle connections: "
            f"{len(conns)} handshakes completed ({err or 'no error'}), node fds {fds}; /ping during: {ping or 'ok'}; "
            f"write over an existing keep-alive connection during: {keep_status}; after closing: "
            f"{'recovered' if not after else after}"
        )
        if ping:
            res.fail(f"with {IDLE_CONNECTIONS} idle connections and a soft fd limit of 1024 the API stops answering "
                     f"({ping}); idle connections are never timed out", "fd-exhaustion-dos")
        if after:
            res.fail(f"after fd exhaustion the node did not recover: {after}")
        if not node.alive():
            res.fail(f"fd-limited node {node.exit_description()}")
    finally:
        node.stop()
    return res


def case_reset_with_public_ids(ctx: Ctx, rng: random.Random) -> CaseResult:
    """POST /reset with the id and cluster id that GET /status publishes, on a throwaway node."""
    res = CaseResult("reset-public-ids", "POST /reset {id, clusterID} copied from GET /status (throwaway node)", b"")
    node = Node(ctx.node.root.parent / f"reset-{rng.randrange(10**6)}")
    try:
        node.start()
    except NodeStartError as e:
        res.fail(str(e), "reset-node-start")
        return res
    try:
        http_request(node.http_port, "POST", "/execute", b'{"type":"create-database","name":"precious"}', timeout=10)
        st = http_request(node.http_port, "GET", "/status", timeout=5).json()
        body = json.dumps({"id": st.get("id"), "clusterID": st.get("clusterID")}).encode()
        res.data = body
        r = http_request(node.http_port, "POST", "/reset", body, {"Content-Type": "application/json"}, timeout=15)
        after = http_request(node.http_port, "GET", "/", timeout=5).json()
        names = [d["name"] for d in after.get("databases") or []]
        if "precious" not in names:
            res.fail(
                f"an unauthenticated POST /reset {body.decode()} (both values published by GET /status) answered "
                f"{r.status} {r.body[:80]!r} and wiped the node: databases now {names}, metaNodes "
                f"{after.get('metaNodes')}, node.json and raft/ deleted; a single-server cluster loses everything",
                "reset-wipes-with-public-ids",
            )
    finally:
        node.stop()
    return res


def case_shutdown_with_poll(ctx: Ctx, rng: random.Random) -> CaseResult:
    """SIGTERM while one long poll (abandoned by its client) is pending, on a throwaway node."""
    res = CaseResult("shutdown-poll", "SIGTERM with one abandoned GET /?index=<future> pending (throwaway node)", b"")
    node = Node(ctx.node.root.parent / f"shutdown-{rng.randrange(10**6)}")
    try:
        node.start()
    except NodeStartError as e:
        res.fail(str(e), "shutdown-node-start")
        return res
    s = socket.create_connection(("127.0.0.1", node.http_port), timeout=3)
    s.sendall(request_bytes("GET", "/?index=999999999"))
    time.sleep(0.3)
    s.close()
    t0 = time.monotonic()
    code = node.stop(timeout=75)
    took = time.monotonic() - t0
    res.notes.append(f"SIGTERM with one abandoned long poll pending: exit {code} after {took:.1f}s")
    if took > 10:
        res.fail(f"graceful shutdown waited {took:.0f}s for a long poll whose client had already hung up "
                 "(HTTP stops first and waits for in-flight requests; a poll lasts up to 60 s and is not cancelled "
                 "when its client disconnects)", "shutdown-waits-for-abandoned-poll")
    return res


def wait_until_ok(pred: Callable[[], bool], timeout: float) -> bool:
    deadline = Deadline(timeout)
    while not deadline.expired():
        if pred():
            return True
        time.sleep(0.2)
    return False


# --------------------------------------------------------------------------- schedule

FIXED: list[tuple[str, Callable[[Ctx, random.Random], CaseResult]]] = [
    ("route-matrix", case_route_matrix),
    ("huge-body /execute", lambda c, r: case_huge_body(c, r, "/execute", False)),
    ("huge-body /join", lambda c, r: case_huge_body(c, r, "/join", False)),
    ("huge-body /remove", lambda c, r: case_huge_body(c, r, "/remove", True)),
    ("huge-body /accept-join", lambda c, r: case_huge_body(c, r, "/accept-join", False)),
    ("huge-body /reset", lambda c, r: case_huge_body(c, r, "/reset", False)),
    ("huge-body /add-meta", lambda c, r: case_huge_body(c, r, "/add-meta", False)),
    ("huge-body /execute chunked", lambda c, r: case_huge_body(c, r, "/execute", True)),
    ("huge-body GET /ping", lambda c, r: case_huge_body(c, r, "/ping", False)),
    ("slow-client", case_slow_client),
    ("partial-hold", case_partial_hold),
    ("idle-connections", case_idle_connections),
    ("abandoned-polls", case_abandoned_polls),
    ("unicode-equivalence", case_unicode_equivalence),
    ("reset-public-ids", case_reset_with_public_ids),
]

RANDOM: list[tuple[float, str, Callable[[Ctx, random.Random], CaseResult]]] = [
    (40, "execute-json", case_execute_json),
    (2, "unicode-equivalence", case_unicode_equivalence),
    (8, "membership", case_membership),
    (8, "random-body", case_random_body),
    (8, "route-method", case_route_method),
    (10, "query", case_query),
    (20, "raw-http", case_raw_http),
    (0.6, "huge-body", case_huge_body),
    (0.6, "slow-client", case_slow_client),
    (0.6, "partial-hold", case_partial_hold),
    (0.15, "idle-connections", case_idle_connections),
    (0.3, "abandoned-polls", case_abandoned_polls),
]


# With --auth: the cases whose oracles know that nothing may succeed without credentials.
FIXED_AUTH = [c for c in FIXED if c[0] == "route-matrix" or c[0].startswith("huge-body")]
RANDOM_AUTH: list[tuple[float, str, Callable[[Ctx, random.Random], CaseResult]]] = [
    (30, "forged-credentials", case_forged_credentials),
    (20, "execute-json", case_execute_json),
    (10, "membership", case_membership),
    (8, "random-body", case_random_body),
    (8, "route-method", case_route_method),
    (20, "raw-http", case_raw_http),
]


def pick_case(i: int, rng: random.Random, long_run: bool) -> tuple[str, Callable[[Ctx, random.Random], CaseResult]]:
    if AUTH_MODE:
        if i < len(FIXED_AUTH):
            return FIXED_AUTH[i]
        total = sum(w for w, _, _ in RANDOM_AUTH)
        x = rng.random() * total
        for w, name, fn in RANDOM_AUTH:
            x -= w
            if x <= 0:
                return name, fn
        return RANDOM_AUTH[0][1], RANDOM_AUTH[0][2]
    if i < len(FIXED):
        return FIXED[i]
    if long_run and i == len(FIXED):
        return ("fd-exhaustion", case_fd_exhaustion)
    if long_run and i == len(FIXED) + 1:
        return ("shutdown-poll", case_shutdown_with_poll)
    total = sum(w for w, _, _ in RANDOM)
    x = rng.random() * total
    for w, name, fn in RANDOM:
        x -= w
        if x <= 0:
            return name, fn
    return RANDOM[0][1], RANDOM[0][2]


# --------------------------------------------------------------------------- runner


def make_admin(node: Node, health: Health) -> None:
    """Creates the first admin (allowed without credentials until one exists); the checks use it."""
    import base64
    user, password = AUTH_ADMIN
    body = json.dumps({"action": "create", "user": {"name": user, "password": password, "admin": True}}).encode()
    if not wait_until_ok(lambda: http_request(node.http_port, "POST", "/user", body, timeout=10).status == 200, 20):
        raise NodeStartError("could not create the first admin on the authenticated node")
    health.headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def run(seed: int, iterations: int, workdir: str, keep: str | None = None, cases: str | None = None,
        max_seconds: float = 900.0, batch: int = BATCH, fd_limit_scenario: bool | None = None,
        auth: bool = False) -> FuzzReport:
    """Runs `iterations` cases (the fixed scenarios first, then random ones) against a fresh node;
    with `auth`, against a node with auth-enabled, without valid credentials."""
    global AUTH_MODE
    AUTH_MODE = auth
    report = FuzzReport(FUZZER + ("-auth" if auth else ""), seed, iterations)
    started = time.monotonic()
    deadline = Deadline(max_seconds)
    raise_nofile(IDLE_CONNECTIONS * 2 + 1024)
    work = Path(workdir)
    keep_root = Path(keep) if keep else work / "failures"
    long_run = iterations >= 400 if fd_limit_scenario is None else fd_limit_scenario
    generation = 0

    def fresh_node() -> tuple[Node, Health]:
        nonlocal generation
        node = Node(work / f"node-{generation}", meta_extra=AUTH_CONFIG if auth else "")
        generation += 1
        node.start()
        health = Health(node, report)
        if auth:
            make_admin(node, health)
        health.sync()
        return node, health

    node, health = fresh_node()
    ctx = Ctx(node, health, report)
    batch_inputs: list[dict] = []
    batch_start = None
    selected = list(parse_cases(cases, iterations))
    try:
        for n, i in enumerate(selected):
            if deadline.expired():
                report.stopped_early = f"time limit {max_seconds:.0f}s reached after {report.executed} cases"
                break
            rng = random.Random(case_rng_seed(FUZZER, seed, i))
            name, fn = pick_case(i, rng, long_run)
            batch_start = i if batch_start is None else batch_start
            try:
                res = fn(ctx, rng)
            except Exception as e:  # noqa: BLE001 - a harness error is reported, not hidden
                res = CaseResult(name, f"harness error: {e!r}")
                res.fail(f"case raised {e!r}")
            after_case(ctx, res)
            report.executed += 1
            for note in res.notes:
                report.note(note)
            record = {"case": i, "kind": res.kind, "description": res.description, "bytes": res.data}
            batch_inputs.append(record)
            if res.problems:
                report.failed += 1
                new = [report.add(f"{FUZZER}/{sig}", f"[case {i} {res.kind}: {res.description[:80]!r}] {text}")
                       for sig, text in res.problems]
                if any(new):
                    save_failure(report, keep_root, f"case{i}", [t for _, t in res.problems], [record], ctx.node, str(i))
                if not ctx.node.alive():
                    node, health = fresh_node()
                    ctx = Ctx(node, health, report)
                else:
                    ctx.health.sync()
            else:
                report.passed += 1
            last = n == len(selected) - 1
            if (i + 1) % batch == 0 or last:
                problems = ctx.health.check()
                if problems:
                    report.failed += 1
                    for p in problems:
                        report.add(f"{FUZZER}/batch-check:{default_signature('', p)}", f"[batch {batch_start}-{i} check] {p}")
                    save_failure(report, keep_root, f"batch{batch_start}-{i}", problems, batch_inputs, ctx.node,
                                 f"{batch_start}-{i}")
                    if not ctx.node.alive():
                        node, health = fresh_node()
                        ctx = Ctx(node, health, report)
                    else:
                        ctx.health.sync()
                batch_inputs = []
                batch_start = None
                print(f"[{FUZZER}] {report.executed}/{len(selected)} cases, {report.failed} failed, "
                      f"max RSS {report.max_rss_mb:.1f} MB", file=sys.stderr)
        report.note(f"node log size at the end: {ctx.node.log_size()} bytes")
    finally:
        t0 = time.monotonic()
        code = ctx.node.stop()
        if code != 0:
            report.failed += 1
            why = ""
            if code is None and time.monotonic() - ctx.last_poll < 70:
                why = ("; long polls the fuzzer abandoned less than 60 s earlier were still pending, and graceful "
                       "shutdown waits for them (see shutdown-waits-for-abandoned-poll)")
            report.add(f"{FUZZER}/unclean-shutdown",
                       f"the node did not exit within {time.monotonic() - t0:.0f}s of SIGTERM after fuzzing "
                       f"({'killed' if code is None else f'exit {code}'}){why}")
        report.duration_s = time.monotonic() - started
        report.finalize()
    return report


if __name__ == "__main__":
    sys.exit(main(FUZZER, run, default_iterations=300, switches={
        "--auth": ("auth", True, "fuzz a node with auth-enabled, without valid credentials"),
    }))
