"""License-server fuzzer: a node in key mode (`[enterprise] license-key`) against a server that lies.

A raw-socket server on loopback answers the node's `POST` to `license-server-url` with one
mutated answer per case: the right license, that license with a bit flipped inside the signed
member, a license for another key, from an untrusted issuer, expired, not yet valid; 403s with
JSON, non-JSON, multi-line and 100 KB reasons; 5xx, 404 and redirects; bodies that are empty,
random, truncated, 10 MB, chunked or closed early; a malformed status line, a 100 KB header,
a connection closed at once, one never answered, and a slow answer valid only from the moment
it is sent.

Checks, every case: no signal; the node either answers `/ping` (exit status 0 here) or exits 1
with exactly one `influxd-meta: ` line; a license whose signed bytes changed, for another key,
from an untrusted issuer or outside its validity never makes `/status` say `valid` (the node
refuses to start, as for a rejected key); the right license always does; an answer that is not
a license and not a 403 starts the node in its grace period; each case ends within TIMEOUT
(the node's fetch timeout is 10 s); the node's peak RSS stays under 256 MB.

    python3 -m faults.fuzz.licenseserver --seed 1 --iterations 40 [--keep DIR] [--cases A-B]
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Callable

from .common import (
    NODE_CONFIG,
    Deadline,
    FuzzReport,
    binary,
    case_rng_seed,
    describe_exit,
    free_port,
    http_request,
    main,
    parse_cases,
    save_failure,
)
from .license import Base, Child, run_checked

FUZZER = "licenseserver"
# The node gives the server 10 s; a case that hangs the fetch ends within this.
TIMEOUT = 16.0
RSS_LIMIT_KB = 256 * 1024
PATH = "/api/v1/licenses"

# What a case must end in: the node's license `valid`; refused at start (exit 1); started but
# not valid (grace); started or refused, but never valid.
VALID, REFUSED, GRACE, NOT_VALID = "valid", "refused", "grace", "not valid"

Answer = Callable[[socket.socket], None]


class Issued:
    """The licenses the answers are made from: for the node's key, another key, another issuer."""

    def __init__(self, work: Path):
        self.work = work
        self.base = Base(work)
        self.key = self.base.value["key"]
        issuer = self.base.private_key
        self.good = self.base.file
        self.other_key = self._issue(work, issuer, "other-key", ["-key-id", "11111111-2222-3333-4444-555555555555"])
        other = work / "other-issuer"
        run_checked([binary("influx-license"), "keygen", "-out", str(other)])
        self.untrusted = self._issue(work, other / "issuer.key.pem", "untrusted", ["-key-id", self.key])
        self.expired = self._issue(work, issuer, "expired",
                                   ["-key-id", self.key, "-not-before", "2020-01-01", "-expires", "2021-01-01"])
        self.future = self._issue(work, issuer, "future",
                                  ["-key-id", self.key, "-not-before", "2098-01-01", "-expires", "2099-01-01"])

    def fresh(self) -> bytes:
        """The node's license, valid from this very second (as a server without a skew allowance makes it)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return self._issue(self.work, self.base.private_key, "fresh", ["-key-id", self.key, "-not-before", now])

    @staticmethod
    def _issue(work: Path, issuer: Path, name: str, extra: list[str]) -> bytes:
        out = work / f"{name}.json"
        args = [binary("influx-license"), "issue", "-key", str(issuer), "-org", "Acme", "-data-nodes", "4",
                "-cores", "8", "-out", str(out)]
        if "-expires" not in extra:
            args += ["-expires", "2099-01-01"]
        run_checked(args + extra)
        return out.read_bytes()


def reply(status: str, body: bytes, headers: list[str] | None = None, length: int | None = None) -> Answer:
    def answer(conn: socket.socket) -> None:
        head = [f"HTTP/1.1 {status}", "Content-Type: application/json",
                f"Content-Length: {len(body) if length is None else length}", "Connection: close"]
        conn.sendall(("\r\n".join(head + (headers or [])) + "\r\n\r\n").encode() + body)

    return answer


def raw(data: bytes) -> Answer:
    return lambda conn: conn.sendall(data)


def chunked(body: bytes) -> Answer:
    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(0, len(body), 97):
            part = body[i:i + 97]
            conn.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    return answer


def until_close(body: bytes) -> Answer:
    """HTTP/1.0 style: no length, the body ends when the connection closes."""
    return raw(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)


def hang(conn: socket.socket) -> None:
    conn.settimeout(TIMEOUT)
    try:
        conn.recv(1)  # until the node gives up and closes
    except OSError:
        pass


def slow_fresh(issued: Issued) -> Answer:
    """Waits 1.5 s, then answers a license valid from that moment: the node must check it
    against the time the answer arrived, not the time it asked."""
    def answer(conn: socket.socket) -> None:
        time.sleep(1.5)
        reply("200 OK", issued.fresh())(conn)

    return answer


def flip(data: bytes, rng: random.Random, lo: int, hi: int) -> bytes:
    out = bytearray(data)
    i = rng.randrange(lo, hi)
    out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def reason_text(rng: random.Random) -> str:
    return rng.choice([
        "license key revoked",
        "line one\nline two\r\nline three",
        "é" * 20 + " \u202e reversed \x00 nul",
        "x" * 3000,
        "y" * 100_000,
        "",
    ])


def answer_makers(issued: Issued) -> list[Callable[[random.Random], tuple[str, Answer, str]]]:
    good, base = issued.good, issued.base
    return [
        lambda r: ("the right license", reply("200 OK", good), VALID),
        lambda r: ("a bit flipped inside the signed member",
                   reply("200 OK", flip(good, r, base.start, base.end)), REFUSED),
        lambda r: ("a license for another key", reply("200 OK", issued.other_key), REFUSED),
        lambda r: ("a license from an untrusted issuer", reply("200 OK", issued.untrusted), REFUSED),
        lambda r: ("an expired license", reply("200 OK", issued.expired), REFUSED),
        lambda r: ("a license not valid before 2098", reply("200 OK", issued.future), REFUSED),
        lambda r: ("403 with a JSON reason",
                   reply("403 Forbidden", json.dumps({"error": reason_text(r)}).encode()), REFUSED),
        lambda r: ("403 with a non-JSON body", reply("403 Forbidden", os.urandom(r.randrange(0, 2048))), REFUSED),
        lambda r: (f"status {(s := r.choice(['500 Internal Server Error', '502 Bad Gateway', '404 Not Found', '418 Teapot']))}",
                   reply(s, b'{"error":"nope"}'), GRACE),
        lambda r: ("a redirect", reply("302 Found", b"", [f"Location: http://127.0.0.1:1{PATH}"]), GRACE),
        lambda r: ("200 with an empty body", reply("200 OK", b""), REFUSED),
        lambda r: ("200 with random bytes", reply("200 OK", os.urandom(r.randrange(1, 4096))), REFUSED),
        lambda r: ("200 with the license truncated",
                   reply("200 OK", good[:r.randrange(1, len(good))]), REFUSED),
        lambda r: ("200 claiming more bytes than it sends, then closing",
                   reply("200 OK", good[:len(good) // 2], length=len(good)), NOT_VALID),
        # The signed member is intact, but no license is over 64 KiB (as for files): refused.
        lambda r: ("200 with a 10 MB body", reply("200 OK", good[:-2] + b',"pad":"' + b"a" * (10 << 20) + b'"}\n'),
                   REFUSED),
        lambda r: ("the right license, chunked", chunked(good), VALID),
        lambda r: ("the right license, HTTP/1.0 until close", until_close(good), VALID),
        lambda r: ("a malformed status line", raw(b"HTTP/1.1 abc\r\n\r\n" + good), GRACE),
        lambda r: ("a 100 KB header", reply("200 OK", good, ["X-Pad: " + "p" * 100_000]), NOT_VALID),
        lambda r: ("the connection closed at once", raw(b""), GRACE),
        lambda r: ("no answer at all (the node's fetch times out)", hang, GRACE),
        lambda r: ("after 1.5 s, a license valid from the moment it is sent", slow_fresh(issued), VALID),
    ]


class Server:
    """Answers each connection with the current case's answer, after reading the request."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.answer: Answer = raw(b"")
        self.requests: list[bytes] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = self._read_request(conn)
                with self.lock:
                    self.requests.append(request)
                    answer = self.answer
                answer(conn)
            except OSError:
                pass

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
        want = int(m.group(1)) if m else 0
        while len(body) < want:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body


def start_node(issued: Issued, server: Server, root: Path) -> tuple[int | None, str, int, str | None]:
    """A key-mode node against `server`: 0 once it answers /ping (its license status read, then
    killed), else its exit status (None: neither within TIMEOUT); stderr, peak RSS, status."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    http_port, raft_port = free_port(), free_port()
    config = root / "influxdb-meta.conf"
    config.write_text(NODE_CONFIG.format(dir=root / "meta", raft=raft_port, http=http_port)
                      + f'\n[enterprise]\nlicense-key = "{issued.key}"\n'
                      + f'license-server-url = "http://127.0.0.1:{server.port}{PATH}"\n'
                      + f'license-issuer-keys = ["{issued.base.public_key}"]\n')
    child = Child([binary("influxd-meta"), "-config", str(config), "-single-server"], root / "stderr.log")
    deadline = Deadline(TIMEOUT)
    code: int | None = None
    status: str | None = None
    while not deadline.expired():
        code = child.poll()
        if code is not None:
            break
        try:
            reply_ = http_request(http_port, "GET", "/status", timeout=0.5)
            if reply_.status == 200:
                code = 0
                status = (json.loads(reply_.body).get("license") or {}).get("status")
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    child.kill_and_wait()
    return code, child.stderr, child.rss_kb, status


def run(seed: int, iterations: int, workdir: str, keep: str | None = None, cases: str | None = None,
        max_seconds: float = 600.0, **_: object) -> FuzzReport:
    report = FuzzReport(FUZZER, seed, iterations)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    keep_root = Path(keep) if keep else work / "failures"
    started = time.monotonic()
    issued = Issued(work)
    answers = answer_makers(issued)
    server = Server()
    overall = Deadline(max_seconds)
    outcomes: dict[str, int] = {}
    for case in parse_cases(cases, iterations):
        if overall.expired():
            report.stopped_early = f"--max-seconds {max_seconds} reached"
            break
        rng = random.Random(case_rng_seed(FUZZER, seed, case))
        make = answers[case] if case < len(answers) else rng.choice(answers)
        label, answer, expect = make(rng)
        with server.lock:
            server.answer = answer
            server.requests.clear()
        t0 = time.monotonic()
        code, stderr, rss, status = start_node(issued, server, work / "node")
        took = time.monotonic() - t0
        report.observe_rss(rss)
        own = [line for line in stderr.splitlines()
               if line.startswith("influxd-meta: ") and not line.startswith("influxd-meta: warning: ")]
        problems: list[str] = []
        if code is None:
            problems.append(f"neither answered /status nor exited within {TIMEOUT} s")
        elif code not in (0, 1):
            problems.append(f"{describe_exit(code)}; stderr tail: {stderr[-400:]!r}")
        elif code == 1 and len(own) != 1:
            problems.append(f"exit 1 with {len(own)} 'influxd-meta: ' lines: {stderr[-400:]!r}")
        elif code == 1 and expect in (VALID, GRACE):
            problems.append(f"refused to start (expected {expect}): {own[0][:300]!r}")
        elif code == 0 and expect == REFUSED:
            problems.append(f"started with license status {status!r} (expected a refusal)")
        elif code == 0 and expect == VALID and status != "valid":
            problems.append(f"license status {status!r} (expected valid)")
        elif code == 0 and expect == GRACE and status != "grace":
            problems.append(f"license status {status!r} (expected grace)")
        elif code == 0 and expect == NOT_VALID and status == "valid":
            problems.append("a broken answer made the license valid")
        if code == 1 and own and len(own[0]) > 700:
            problems.append(f"a refusal line of {len(own[0])} bytes (the server's reason should be cut at 300)")
        with server.lock:
            asked = list(server.requests)
        if not asked:
            problems.append("the node never asked the license server")
        elif issued.key.encode() not in asked[0]:
            problems.append("the node's request does not carry its license key")
        if rss >= RSS_LIMIT_KB:
            problems.append(f"peak RSS {rss} kB (limit {RSS_LIMIT_KB} kB)")
        outcome = "refused" if code == 1 else f"started ({status})" if code == 0 else "hung"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        report.executed += 1
        if problems:
            report.failed += 1
            kind = re.sub(r"\d+", "N", f"{label}: {problems[0][:60]}")
            if report.add(kind, f"case {case} ({label}): {'; '.join(problems)}"):
                save_failure(report, keep_root, f"case{case}", problems,
                             [{"case": case, "description": label}], None, str(case))
        else:
            report.passed += 1
        if "10 MB" in label:
            report.note(f"10 MB answer: node peak RSS {rss // 1024} MB, {took:.1f} s")
    report.note(", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    report.duration_s = time.monotonic() - started
    report.finalize()
    return report


# The first cases give every answer once, so that even a short run covers all shapes.
FIXED = 22

if __name__ == "__main__":
    raise SystemExit(main(FUZZER, run, default_iterations=40))
