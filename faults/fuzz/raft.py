"""Raft port fuzzer: bad input on `[meta] bind-address`.

Our transport runs a handshake (docs/ARCHITECTURE.md): the dialer sends a preamble (magic
`IMETARFT`, version UInt32 BE = 2, sender id UInt64 BE, a 32-byte nonce, address length
UInt16 BE <= 1024, address), the node answers with its nonce and proof (65 bytes), the dialer
sends a proof flag and 32 proof bytes (an HMAC-SHA256 under `internal-shared-secret`). Then
libraft reads its own little-endian frames: type (u64), header length (u64), header, payload.

By default the target cluster has `internal-shared-secret` and `raft-portal-auth-required`,
and the fuzzer does not know the secret, as an attacker would not: every handshake it
completes must be refused before libraft sees a byte, and nothing it sends may depose the
leader. With `--no-auth` the cluster runs without a secret and the fuzzer impersonates a member
(its id and address are public), so its frames reach libraft: that mode documents the known
limit (libraft trusts its peers; see docs/RELIABILITY.md) and is expected to find crashes.

Cases: garbage and broken preambles (the node must hang up), bad proof flags, truncated,
missing, wrong and reflected proofs, and after a member's preamble random bytes, truncated
frames and structure-aware libraft messages with fields drawn around the node's term and
index. After every case it checks that the node is alive and that stored data did not change;
after every batch, /ping, a legitimate write, RSS.

    python3 -m faults.fuzz.raft --seed 1 --iterations 300 [--keep DIR] [--cases A-B] [--no-auth]
"""

from __future__ import annotations

import dataclasses
import errno
import json
import random
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from .common import (
    Deadline,
    FuzzReport,
    Health,
    Node,
    NodeStartError,
    wait_until,
    case_rng_seed,
    hexdump,
    hs256_token,
    http_request,
    main,
    parse_cases,
    raise_nofile,
    save_failure,
)

FUZZER = "raft"
BATCH = 20
MAGIC = b"IMETARFT"
VERSION = 2
MAX_ADDRESS = 1024
NONCE = 32
HELLO = NONCE + 1 + 32  # the node's answer to a preamble
SECRET = "the cluster's secret, unknown to the fuzzer"
AUTH_CONFIG = f'internal-shared-secret = "{SECRET}"\nraft-portal-auth-required = true\n'
PREAMBLE_TIMEOUT = 10.0
REFUSE_WITHIN = 3.0
LEADER_WAIT = 6.0  # election timeout is 500 ms: a deposed single-server leader is back within about 1 s  # seconds within which a refused preamble must be hung up on

# libraft 0.15 wire format (src/uv_encoding.c)
AE, AE_RESULT, RV, RV_RESULT, SNAPSHOT, TIMEOUT_NOW = 1, 2, 3, 4, 5, 6
RAFT_COMMAND, RAFT_BARRIER, RAFT_CHANGE = 1, 2, 3
U64 = 2**64 - 1


def preamble(node_id: int, address: bytes, version: int = VERSION, length: int | None = None, magic: bytes = MAGIC,
             nonce: bytes = b"\x5a" * NONCE) -> bytes:
    n = len(address) if length is None else length
    return (magic + struct.pack(">I", version & 0xFFFFFFFF) + struct.pack(">Q", node_id & U64) + nonce
            + struct.pack(">H", n & 0xFFFF) + address)


def proof(flag: int = 0, body: bytes = b"\0" * 32) -> bytes:
    """The dialer's proof message: a flag (0 none, 1 HMAC) and 32 bytes."""
    return bytes([flag & 0xFF]) + body


def le64(v: int) -> bytes:
    return struct.pack("<Q", v & U64)


def frame(msg_type: int, header: bytes, payload: bytes = b"", header_len: int | None = None) -> bytes:
    return le64(msg_type) + le64(len(header) if header_len is None else header_len) + header + payload


def pad8(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 8)


def encode_configuration(servers: list[tuple[int, bytes, int]], version: int = 1) -> bytes:
    out = bytes([version]) + le64(len(servers))
    for sid, addr, role in servers:
        out += le64(sid) + addr + b"\0" + bytes([role & 0xFF])
    return pad8(out)


@dataclasses.dataclass
class CaseResult:
    kind: str
    description: str
    data: bytes = b""
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    node: Node | None = None  # a case that used a node of its own
    cluster: "Cluster | None" = None

    def fail(self, text: str, sig: str) -> None:
        self.problems.append((sig, text))


class Cluster:
    """Two meta nodes on loopback: A (the target, bootstrapped with -single-server) and B, joined to it.

    The node only accepts Raft connections from the other members of its configuration, under the
    id and address they advertise (GET /show-cluster publishes both); the fuzzer impersonates B.
    """

    def __init__(self, root: Path, auth: bool = True):
        extra = AUTH_CONFIG if auth else ""
        self.auth = auth
        self.a = Node(root / "a", meta_extra=extra)
        self.b = Node(root / "b", single_server=False, meta_extra=extra)
        self.peer_id = 2

    def start(self) -> None:
        self.a.start()
        self.b.start()
        body = json.dumps({"addr": f"127.0.0.1:{self.b.http_port}"}).encode()
        headers = {"Content-Type": "application/json"}
        if self.auth:  # /join needs a meta node's token once internal-shared-secret is set
            headers["Authorization"] = f"Bearer {hs256_token(SECRET)}"
        r = http_request(self.a.http_port, "POST", "/join", body, headers, timeout=30)
        if r.status != 200:
            raise NodeStartError(f"join of the second node failed: {r.status} {r.body[:200]!r}")
        self.peer_id = int(r.json().get("id", 2))

        def joined() -> bool:
            st = http_request(self.a.http_port, "GET", "/status", timeout=2).json()
            sb = http_request(self.b.http_port, "GET", "/status", timeout=2).json()
            return len(st.get("peers") or []) == 2 and bool(st.get("leader")) and sb.get("leader") == st.get("leader")

        if not wait_until(joined, 20, 0.05):
            raise NodeStartError("the two-node cluster did not settle within 20 s")

    def stop(self) -> int | None:
        code = self.a.stop()
        self.b.stop()
        return code

    def kill(self) -> None:
        self.a.kill()
        self.b.kill()


class Ctx:
    def __init__(self, node: Node, health: Health, report: FuzzReport, peer: Node | None = None, peer_id: int = 2,
                 auth: bool = True):
        self.auth = auth
        self.node = node
        self.peer = peer
        self.peer_id = peer_id
        self.health = health
        self.health.write_timeout = 4.0
        self.report = report
        self.term = 1
        self.index = 1
        self.refresh()

    @property
    def peer_address(self) -> bytes:
        return f"127.0.0.1:{self.peer.raft_port}".encode() if self.peer else self.address

    def refresh(self) -> None:
        try:
            r = http_request(self.node.http_port, "GET", "/", timeout=5)
            d = r.json()
            self.term, self.index = int(d.get("term", 1)), int(d.get("index", 1))
        except Exception:  # noqa: BLE001
            pass

    @property
    def port(self) -> int:
        return self.node.raft_port

    @property
    def address(self) -> bytes:
        return f"127.0.0.1:{self.node.raft_port}".encode()


# --------------------------------------------------------------------------- socket helpers


def send_and_read(port: int, data: bytes, wait: float, half_close: bool = False,
                  pieces: list[tuple[bytes, float]] | None = None) -> tuple[str, float, bytes]:
    """Sends, then waits up to `wait` s for the node to hang up.

    Returns (how: "closed" | "reset" | "open", seconds until it ended, bytes the node sent).
    """
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    t0 = time.monotonic()
    got = bytearray()
    how = "open"
    try:
        try:
            for piece, pause in pieces or [(data, 0.0)]:
                s.sendall(piece)
                if pause:
                    time.sleep(pause)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return "reset", time.monotonic() - t0, bytes(got)
        except OSError as e:
            if e.errno != errno.ENOTCONN:  # shutdown() after the node reset the connection
                raise
            return "reset", time.monotonic() - t0, bytes(got)
        deadline = Deadline(wait)
        while not deadline.expired():
            s.settimeout(max(0.01, deadline.remaining()))
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                how = "reset"
                break
            if not b:
                how = "closed"
                break
            got += b
    finally:
        s.close()
    return how, time.monotonic() - t0, bytes(got)


# --------------------------------------------------------------------------- generators


def interesting_term(ctx: Ctx, rng: random.Random) -> int:
    t = ctx.term
    return rng.choice([0, 1, max(0, t - 1), t, t + 1, t + 2, t + 1000, 2**32, 2**63, U64 - 1, U64, rng.randrange(2**64)])


def interesting_index(ctx: Ctx, rng: random.Random) -> int:
    i = ctx.index
    return rng.choice([0, 1, max(0, i - 1), i, i + 1, i + 2, i + 100, 2**32, 2**63, U64, rng.randrange(2**64)])


def entry_payload(ctx: Ctx, rng: random.Random, etype: int) -> bytes:
    if etype == RAFT_CHANGE:
        servers = [(rng.choice([1, 2, 3, 0, U64]), rng.choice([ctx.address, b"127.0.0.1:1", b"", b"x" * 300]),
                    rng.choice([0, 1, 2, 3, 255])) for _ in range(rng.choice([0, 1, 2, 3]))]
        return encode_configuration(servers, rng.choice([1, 1, 1, 0, 2]))
    r = rng.random()
    if r < 0.4:  # a command our state machine would decode
        cmd = {"type": rng.choice(["create-database", "drop-database"]), "name": f"fz-forged-{rng.randrange(10**6)}"}
        return pad8(json.dumps({"version": 1, "term": ctx.term, "command": cmd}, sort_keys=True).encode())
    if r < 0.6:
        return b""
    return bytes(rng.randrange(256) for _ in range(rng.choice([1, 7, 8, 16, 100, 1000])))


def libraft_message(ctx: Ctx, rng: random.Random) -> tuple[str, bytes]:
    """A structure-aware libraft frame with fields around the node's term and index."""
    kind = rng.choice([AE, AE, AE, AE_RESULT, RV, RV, RV_RESULT, SNAPSHOT, SNAPSHOT, TIMEOUT_NOW])
    t = interesting_term(ctx, rng)
    if kind == RV:
        header = le64(t) + le64(rng.choice([1, 2, 3, 0, U64])) + le64(interesting_index(ctx, rng)) + \
            le64(interesting_term(ctx, rng)) + le64(rng.choice([0, 1, 2, 3, U64]))
        header = header[: rng.choice([32, 40, 40, 40, 8, 1])]
        return f"RequestVote term={t}", frame(RV, header)
    if kind == RV_RESULT:
        header = le64(t) + le64(rng.choice([0, 1, U64])) + le64(rng.choice([0, 1, 3]))
        return f"RequestVoteResult term={t}", frame(RV_RESULT, header[: rng.choice([16, 24, 24, 4])])
    if kind == AE_RESULT:
        header = le64(t) + le64(interesting_index(ctx, rng)) + le64(interesting_index(ctx, rng))
        return f"AppendEntriesResult term={t}", frame(AE_RESULT, header[: rng.choice([24, 24, 8])])
    if kind == TIMEOUT_NOW:
        header = le64(t) + le64(interesting_index(ctx, rng)) + le64(interesting_term(ctx, rng))
        return f"TimeoutNow term={t}", frame(TIMEOUT_NOW, header)
    if kind == AE:
        n = rng.choice([0, 1, 1, 2, 3])
        entries = []
        for _ in range(n):
            etype = rng.choice([RAFT_COMMAND, RAFT_COMMAND, RAFT_BARRIER, RAFT_CHANGE, 0, 4, 255])
            entries.append((interesting_term(ctx, rng) if rng.random() < 0.3 else t, etype, entry_payload(ctx, rng, etype)))
        prev_index = interesting_index(ctx, rng)
        prev_term = rng.choice([ctx.term, interesting_term(ctx, rng)])
        commit = rng.choice([prev_index + n, interesting_index(ctx, rng), 0])
        declared_n = n if rng.random() < 0.85 else rng.choice([n + 1, 2**20, 2**32 - 1, U64])
        header = le64(t) + le64(prev_index) + le64(prev_term) + le64(commit) + le64(declared_n)
        payload = b""
        for eterm, etype, data in entries:
            declared_len = len(data) if rng.random() < 0.9 else rng.choice([0, len(data) + 8, 2**31, 2**32 - 1])
            header += le64(eterm) + bytes([etype & 0xFF]) + b"\0\0\0" + struct.pack("<I", declared_len & 0xFFFFFFFF)
            payload += pad8(data)
        header_len = None if rng.random() < 0.85 else rng.choice([8, 16, 40, len(header) - 8, len(header) + 8])
        desc = (f"AppendEntries term={t} prev=({prev_index},{prev_term}) commit={commit} n={declared_n} "
                f"entries={[(e[0], e[1], len(e[2])) for e in entries]}")
        return desc, frame(AE, header, payload, header_len)
    # InstallSnapshot
    servers = [(1, ctx.address, 1)] if rng.random() < 0.5 else \
        [(rng.choice([0, 1, 2, U64]), rng.choice([ctx.address, b"", b"x"]), rng.choice([0, 1, 2, 9])) for _ in range(rng.choice([0, 1, 2]))]
    conf = encode_configuration(servers, rng.choice([1, 1, 0, 7]))
    conf_len = len(conf) if rng.random() < 0.8 else rng.choice([0, 1, len(conf) + 64, 2**40, U64])
    data = rng.choice([b"", b"garbage!", pad8(b'{"version":1}'), bytes(rng.randrange(256) for _ in range(64))])
    data_len = len(data) if rng.random() < 0.85 else rng.choice([0, len(data) + 8, 2**31])
    last_index = interesting_index(ctx, rng)
    header = le64(t) + le64(last_index) + le64(interesting_term(ctx, rng)) + le64(interesting_index(ctx, rng)) + \
        le64(conf_len) + conf + le64(data_len)
    return f"InstallSnapshot term={t} last_index={last_index} conf_len={conf_len} data_len={data_len}", \
        frame(SNAPSHOT, header, data)


def random_bytes(rng: random.Random, lo: int = 1, hi: int = 4096) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randint(lo, hi)))


# --------------------------------------------------------------------------- cases


def refused(ctx: Ctx, res: CaseResult, data: bytes, why: str) -> CaseResult:
    how, took, _ = send_and_read(ctx.port, data, REFUSE_WITHIN)
    if how == "open":
        res.fail(f"{why}: the node kept the connection open for {REFUSE_WITHIN:.0f}s instead of hanging up "
                 f"(input {hexdump(data, 96)})", f"preamble-not-refused:{res.kind}")
    return res


def case_garbage(ctx: Ctx, rng: random.Random) -> CaseResult:
    data = random_bytes(rng)
    if data[:1] == MAGIC[:1]:
        data = b"\xff" + data
    return refused(ctx, CaseResult("garbage", f"{len(data)} random bytes", data), data, "garbage")


def case_wrong_version(ctx: Ctx, rng: random.Random) -> CaseResult:
    version = rng.choice([0, 1, 3, 0xFFFFFFFF, 0x01000000, rng.randrange(3, 2**32)])
    data = preamble(rng.choice([1, 2, 7]), ctx.address, version) + random_bytes(rng, 0, 64)
    return refused(ctx, CaseResult("wrong-version", f"magic with version {version}", data), data, f"version {version}")


def case_bad_magic(ctx: Ctx, rng: random.Random) -> CaseResult:
    magic = bytearray(MAGIC)
    magic[rng.randrange(8)] ^= 1 << rng.randrange(8)
    data = preamble(2, ctx.address, magic=bytes(magic))
    return refused(ctx, CaseResult("bad-magic", f"magic {bytes(magic)!r}", data), data, "bad magic")


def case_oversized_address(ctx: Ctx, rng: random.Random) -> CaseResult:
    length = rng.choice([MAX_ADDRESS + 1, 4096, 65535, 0])
    addr = b"a" * min(length, rng.choice([0, 10, length]))
    data = preamble(2, addr, length=length)
    return refused(ctx, CaseResult("address-length", f"address length {length}", data), data, f"address length {length}")


def case_id_zero(ctx: Ctx, rng: random.Random) -> CaseResult:
    data = preamble(0, rng.choice([ctx.address, b"127.0.0.1:1", b"x"])) + random_bytes(rng, 0, 32)
    return refused(ctx, CaseResult("id-zero", "sender id 0", data), data, "id 0")


def case_bad_utf8_address(ctx: Ctx, rng: random.Random) -> CaseResult:
    addr = rng.choice([b"\xff\xfe", b"127.0.0.1:\xc3", b"\xed\xa0\x80", b"a\xc0\xafb"])
    data = preamble(2, addr)
    return refused(ctx, CaseResult("address-utf8", f"address {addr!r}", data), data, "invalid UTF-8 address")


def case_truncated_preamble(ctx: Ctx, rng: random.Random) -> CaseResult:
    full = preamble(rng.choice([1, 2, 3]), ctx.address)
    cut = rng.randrange(1, len(full))
    data = full[:cut]
    res = CaseResult("truncated-preamble", f"first {cut} of {len(full)} preamble bytes, then close", data)
    how, _, _ = send_and_read(ctx.port, data, rng.choice([0.0, 0.2]), half_close=rng.random() < 0.5)
    return res


def case_slow_preamble(ctx: Ctx, rng: random.Random) -> CaseResult:
    full = preamble(rng.choice([2, 3]), ctx.address) + frame(RV, le64(ctx.term) + le64(2) + le64(0) + le64(0) + le64(2))
    pause = rng.choice([0.005, 0.02])
    res = CaseResult("slow-preamble", f"valid preamble + pre-vote, one byte every {pause * 1000:.0f} ms", full)
    send_and_read(ctx.port, b"", 0.2, pieces=[(full[i:i + 1], pause) for i in range(len(full))])
    return res


def sender_preamble(ctx: Ctx, rng: random.Random) -> tuple[int, bytes]:
    """Mostly impersonate member 1 (the node only accepts members of its configuration); sometimes a stranger."""
    if rng.random() < 0.7:
        return ctx.peer_id, member(ctx)
    sender = rng.choice([1, 2, 3, 1000, U64])
    return sender, preamble(sender, rng.choice([ctx.address, b"127.0.0.1:1", b"peer:8089"])) + proof()


def case_valid_then_random(ctx: Ctx, rng: random.Random) -> CaseResult:
    _, pre = sender_preamble(ctx, rng)
    body = random_bytes(rng, 1, rng.choice([16, 64, 4096]))
    if rng.random() < 0.3:  # a plausible libraft frame header followed by garbage
        body = le64(rng.choice([1, 2, 3, 4, 5, 6, 0, 7, U64])) + le64(rng.choice([0, 8, 40, 4096, 2**20, 2**40, U64])) + body
    data = pre + body
    res = CaseResult("valid-then-random", f"valid preamble + {len(body)} random bytes", data)
    how, took, _ = send_and_read(ctx.port, data, rng.choice([0.1, 0.5]) if not ctx.auth else REFUSE_WITHIN,
                                 half_close=rng.random() < 0.5)
    expect_refused(ctx, res, how)
    return res


def case_libraft_message(ctx: Ctx, rng: random.Random) -> CaseResult:
    sender, pre = sender_preamble(ctx, rng)
    frames = []
    descs = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        d, f = libraft_message(ctx, rng)
        frames.append(f)
        descs.append(d)
    data = pre + b"".join(frames)
    if rng.random() < 0.15:  # truncated frame
        data = data[: rng.randrange(len(pre) + 1, len(data))] if len(data) > len(pre) + 1 else data
        descs.append("(truncated)")
    res = CaseResult("libraft-message", f"from id {sender}: " + "; ".join(descs), data)
    how, _, _ = send_and_read(ctx.port, data, rng.choice([0.1, 0.3]) if not ctx.auth else REFUSE_WITHIN,
                              half_close=rng.random() < 0.3)
    expect_refused(ctx, res, how)
    return res


def case_truncated_frame(ctx: Ctx, rng: random.Random) -> CaseResult:
    d, f = libraft_message(ctx, rng)
    cut = rng.randrange(1, len(f)) if len(f) > 1 else 1
    data = member(ctx) + f[:cut]
    res = CaseResult("truncated-frame", f"{d}: first {cut} of {len(f)} bytes", data)
    how, _, _ = send_and_read(ctx.port, data, 0.05 if not ctx.auth else REFUSE_WITHIN)
    expect_refused(ctx, res, how)
    return res


def expect_refused(ctx: Ctx, res: CaseResult, how: str) -> None:
    """With raft-portal-auth-required, a handshake without the secret's proof must end in a hang-up."""
    if ctx.auth and how == "open":
        res.fail(f"the node kept a connection without a valid proof open for {REFUSE_WITHIN:.0f}s",
                 f"unproven-not-refused:{res.kind}")


def case_bad_proof_flag(ctx: Ctx, rng: random.Random) -> CaseResult:
    flag = rng.choice([2, 3, 0x7F, 0x80, 0xFF, rng.randrange(2, 256)])
    pre = preamble(ctx.peer_id, ctx.peer_address) if ctx.peer else preamble(1, ctx.address)
    data = pre + proof(flag, random_bytes(rng, 32, 32)) + random_bytes(rng, 0, 64)
    return refused(ctx, CaseResult("proof-flag", f"proof flag {flag}", data), data, f"proof flag {flag}")


def case_truncated_proof(ctx: Ctx, rng: random.Random) -> CaseResult:
    full = member(ctx)
    cut = rng.randrange(len(full) - 32, len(full))
    data = full[:cut]
    res = CaseResult("truncated-proof", f"a member's preamble and {cut - len(full) + 33} of 33 proof bytes, then close",
                     data)
    send_and_read(ctx.port, data, rng.choice([0.0, 0.2]), half_close=rng.random() < 0.5)
    return res


def case_no_proof(ctx: Ctx, rng: random.Random) -> CaseResult:
    """A member's preamble, no proof, then a message that would depose the leader."""
    pre = preamble(ctx.peer_id, ctx.peer_address) if ctx.peer else preamble(1, ctx.address)
    data = pre + proof() + frame(RV, le64(ctx.term + 5) + le64(ctx.peer_id) + le64(ctx.index + 10) + le64(ctx.term + 5)
                                 + le64(0))
    res = CaseResult("no-proof", "a member's preamble without a proof, then RequestVote with a higher term", data)
    if ctx.auth:
        return refused(ctx, res, data, "no proof")
    send_and_read(ctx.port, data, 0.3)
    return res


def case_reflected_proof(ctx: Ctx, rng: random.Random) -> CaseResult:
    """Sends the node's own proof (from its hello) back as the dialer's."""
    pre = preamble(ctx.peer_id, ctx.peer_address) if ctx.peer else preamble(1, ctx.address)
    res = CaseResult("reflected-proof", "the node's own hello proof sent back as the dialer's proof", pre)
    with socket.create_connection(("127.0.0.1", ctx.port), timeout=REFUSE_WITHIN) as s:
        s.sendall(pre)
        hello = b""
        while len(hello) < HELLO:
            chunk = s.recv(HELLO - len(hello))
            if not chunk:
                res.fail("the node hung up before its hello", "hello-missing")
                return res
            hello += chunk
        if ctx.auth and hello[NONCE] != 1:
            res.fail(f"a node with a secret sent no proof in its hello (flag {hello[NONCE]})", "hello-without-proof")
        s.sendall(proof(1, hello[NONCE + 1:]) + frame(AE, _ae_header(ctx.term + 5, 0, 0, 0, [])))
        res.data = pre + proof(1, hello[NONCE + 1:])
        try:
            got = s.recv(1)
            how = "closed" if not got else "open"
        except socket.timeout:
            how = "open"
        except ConnectionResetError:
            how = "reset"
    if ctx.auth and how == "open":
        res.fail("the node accepted its own proof reflected back as a dialer's", "reflected-proof-accepted")
    return res


def case_many_connections(ctx: Ctx, rng: random.Random) -> CaseResult:
    n = rng.choice([100, 300, 600])
    res = CaseResult("many-connections", f"{n} connections at once (mixed garbage, valid preambles, silence)", b"")
    socks = []
    err = ""
    for k in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", ctx.port), timeout=3)
            choice = rng.randrange(4)
            if choice == 0:
                s.sendall(random_bytes(rng, 1, 64))
            elif choice == 1:
                s.sendall(preamble(2 + k, b"127.0.0.1:%d" % (k + 1)))
            elif choice == 2:
                s.sendall(preamble(2 + k, ctx.address)[: rng.randrange(1, 20)])
            socks.append(s)
        except OSError as e:
            err = repr(e)
            break
    fds = ctx.node.fd_count()
    ping = ctx.health.ping(timeout=5)
    for s in socks:
        s.close()
    if err:
        res.fail(f"only {len(socks)} of {n} connections could be opened: {err}", "many-connections-refused")
    if ping:
        res.fail(f"while {n} Raft connections were open: {ping}", "many-connections-ping")
    res.notes.append(f"{n} simultaneous Raft connections: node fds peaked at about {fds}")
    return res


def case_hold_silent(ctx: Ctx, rng: random.Random) -> CaseResult:
    n = rng.choice([10, 50, 200])
    hold = rng.choice([0.5, 1.0])
    res = CaseResult("hold-silent", f"{n} connections that send nothing, held {hold}s", b"")
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", ctx.port), timeout=3))
        except OSError:
            break
    time.sleep(hold)
    p = ctx.health.ping()
    for s in socks:
        s.close()
    if p:
        res.fail(f"while {n} silent Raft connections were held: {p}", "hold-silent-ping")
    return res


def case_preamble_timeout(ctx: Ctx, rng: random.Random) -> CaseResult:
    """Long mode: silent, partial-preamble and proof-less connections must be dropped after about 10 s (the
    handshake timeout); without auth a member's complete handshake is kept (libraft's reader has no timeout)."""
    res = CaseResult("preamble-timeout", "silent / partial-preamble / unfinished-handshake connections held 13 s", b"")
    conns = {}
    pre = preamble(ctx.peer_id, ctx.peer_address) if ctx.peer else preamble(1, ctx.address)
    held = [("silent", b""), ("partial", pre[:11]), ("no proof", pre)]
    if not ctx.auth:
        held.append(("valid", member(ctx)))
    for label, data in held:
        s = socket.create_connection(("127.0.0.1", ctx.port), timeout=3)
        if data:
            s.sendall(data)
        conns[label] = s
    t0 = time.monotonic()
    ended: dict[str, float] = {}
    deadline = Deadline(PREAMBLE_TIMEOUT + 3)
    while not deadline.expired() and len(ended) < len(conns):
        for label, s in conns.items():
            if label in ended:
                continue
            s.setblocking(False)
            try:
                if s.recv(4096) == b"":
                    ended[label] = time.monotonic() - t0
            except BlockingIOError:
                pass
            except OSError:
                ended[label] = time.monotonic() - t0
        time.sleep(0.1)
    for s in conns.values():
        s.close()
    for label in ("silent", "partial", "no proof"):
        t = ended.get(label)
        if t is None:
            res.fail(f"a {label} Raft connection was still open after {PREAMBLE_TIMEOUT + 3:.0f}s (documented: dropped after 10 s)",
                     "preamble-timeout-missing")
        elif t < PREAMBLE_TIMEOUT - 1.5:
            res.fail(f"a {label} Raft connection was dropped after {t:.1f}s (documented: 10 s)", "preamble-timeout-early")
    res.notes.append(
        "preamble timeout: " + ", ".join(f"{k} {'closed after %.1fs' % ended[k] if k in ended else 'still open'}" for k in conns)
        + f" after {PREAMBLE_TIMEOUT + 3:.0f}s (\"valid\": a member's preamble, then silence: libraft's own reader has no timeout)"
    )
    return res


# --------------------------------------------------------------------------- per-case checks


def leader_ok(ctx: Ctx) -> bool:
    """A has a leader, and it is A (or the real B)."""
    try:
        st = http_request(ctx.node.http_port, "GET", "/status", timeout=2).json()
        return st.get("leader") in (ctx.address.decode(), ctx.peer_address.decode())
    except Exception:  # noqa: BLE001
        return False


def crashed(ctx: Ctx, res: CaseResult) -> bool:
    """If the node is dying (the Swift backtracer may take seconds), waits for it and reports the crash."""
    if ctx.peer is not None and not ctx.peer.alive():
        ctx.peer.wait_exit(15)
        sig = ctx.peer.crash_signature()
        res.fail(f"the peer node B {sig} after {res.description} was sent to A; input (hex) {res.data.hex()[:1200]}",
                 f"peer-died:{sig}")
        return True
    if ctx.node.alive() and not ctx.node.wait_exit(0):
        return False
    ctx.node.wait_exit(15)
    sig = ctx.node.crash_signature()
    res.fail(f"node {sig} after {res.description}; input (hex) {res.data.hex()[:1200]}",
             f"node-died:{sig}")
    return True


def after_case(ctx: Ctx, res: CaseResult, write: bool = True) -> None:
    """Per case: alive, a leader (re-elected within 10 s if a forged message deposed it), a write, data unchanged."""
    if crashed(ctx, res):
        return
    if not leader_ok(ctx):
        t0 = time.monotonic()
        back = False
        deadline = Deadline(LEADER_WAIT)
        while not deadline.expired() and ctx.node.alive():
            if leader_ok(ctx):
                back = True
                break
            time.sleep(0.05)
        if not ctx.node.alive() or (not back and not ctx.node.wait_exit(0) and ctx.node.wait_exit(10)):
            crashed(ctx, res)
            return
        if back and ctx.auth:
            res.fail(f"an unauthenticated connection made the leader step down (back after "
                     f"{time.monotonic() - t0:.1f}s): {res.description[:200]}", "leader-deposed-without-secret")
        elif back:
            ctx.report.counts["raft/leadership-lost-and-regained(note)"] = ctx.report.counts.get("raft/leadership-lost-and-regained(note)", 0) + 1
            res.notes.append(
                f"an unauthenticated Raft message made the leader step down (back after {time.monotonic() - t0:.1f}s): "
                f"{res.description[:200]}"
            )
        else:
            res.fail(f"the node has had no leader for {LEADER_WAIT:.0f} s after {res.description}; input (hex) {res.data.hex()[:1200]}",
                     "raft-leaderless")
            return
    if write:
        p, took = ctx.health.legit_write()
        if p:
            if crashed(ctx, res):
                return
            res.fail(f"{p} after {res.description}; input (hex) {res.data.hex()[:1200]}",
                     "write-fails-after-input")
            return
    for p in ctx.health.compare(settle=1.5 if ctx.peer else 0.0):
        sig = "data-changed" if p.startswith("database") else "index-changed" if p.startswith("index") else "state-check"
        res.fail(f"{p} after {res.description}; input (hex) {res.data.hex()[:1200]}", sig)
    crashed(ctx, res)
    ctx.refresh()


def node_healthy(ctx: Ctx) -> bool:
    if not ctx.node.alive() or ctx.health.ping(timeout=2):
        return False
    p, _ = ctx.health.legit_write()
    return p is None


# --------------------------------------------------------------------------- schedule

def forged(name: str, build: Callable[[Ctx], bytes]) -> Callable[[Ctx, random.Random], CaseResult]:
    """A fixed, hand-built libraft message (shapes random generation found), sent to a fresh node of its own so
    that the outcome does not depend on earlier cases; the case's checks run against that node."""
    def case(ctx: Ctx, rng: random.Random) -> CaseResult:
        sub = Cluster(ctx.node.root.parent / f"forged-{rng.randrange(10**6)}", ctx.auth)
        res = CaseResult("libraft-message", name, b"")
        res.cluster = sub
        res.node = sub.a
        sub.start()
        sub_ctx = Ctx(sub.a, Health(sub.a, ctx.report), ctx.report, sub.b, sub.peer_id, sub.auth)
        sub_ctx.health.sync()
        res.data = build(sub_ctx)
        how, _, _ = send_and_read(sub.a.raft_port, res.data, REFUSE_WITHIN if sub.auth else 0.3)
        expect_refused(sub_ctx, res, how)
        after_case(sub_ctx, res)
        return res
    return case


def member(ctx: Ctx) -> bytes:
    """A handshake impersonating the other member (B) under the id and Raft address it advertises.

    Without the secret the best an attacker can send is no proof (accepted only by a cluster
    without raft-portal-auth-required) or a guessed one."""
    pre = preamble(ctx.peer_id, ctx.peer_address) if ctx.peer else preamble(1, ctx.address)
    return pre + (proof(1, b"\xab" * 32) if ctx.auth else proof())


def _ae_header(term: int, prev_index: int, prev_term: int, commit: int, entries: list[tuple[int, int, int]]) -> bytes:
    h = le64(term) + le64(prev_index) + le64(prev_term) + le64(commit) + le64(len(entries))
    for eterm, etype, length in entries:
        h += le64(eterm) + bytes([etype]) + b"\0\0\0" + struct.pack("<I", length)
    return h


def _forged_command(ctx: Ctx) -> bytes:
    t, i = ctx.term, ctx.index
    data = pad8(json.dumps({"version": 1, "term": t + 1, "command": {"type": "create-database", "name": "fz-forged"}},
                           sort_keys=True).encode())
    return member(ctx) + frame(AE, _ae_header(t + 1, i, t, i + 1, [(t + 1, RAFT_COMMAND, len(data))]), data)


def _forged_conf_change(ctx: Ctx) -> bytes:
    t, i = ctx.term, ctx.index
    conf = encode_configuration([(2, b"127.0.0.1:1", 1)])
    return member(ctx) + frame(AE, _ae_header(t + 1, i, t, i + 1, [(t + 1, RAFT_CHANGE, len(conf))]), conf)


def _snapshot(ctx: Ctx, conf_len: int | None, data: bytes) -> bytes:
    t, i = ctx.term, ctx.index
    conf = encode_configuration([(1, ctx.address, 1)])
    header = le64(t + 1) + le64(i + 5) + le64(t + 1) + le64(1) + le64(len(conf) if conf_len is None else conf_len) + \
        conf + le64(len(data))
    return member(ctx) + frame(SNAPSHOT, header, data)


FORGED = [
    ("AppendEntries declaring 2^32-1 entries in a 40-byte header",
     lambda c: member(c) + frame(AE, le64(0) * 4 + le64(0xFFFFFFFF))),
    ("AppendEntries with one zero-length command entry",
     lambda c: member(c) + frame(AE, _ae_header(c.term + 1, c.index, c.term, c.index + 1, [(c.term + 1, RAFT_COMMAND, 0)]))),
    ("InstallSnapshot declaring a 2^40-byte configuration", lambda c: _snapshot(c, 2**40, b"x" * 16)),
    ("InstallSnapshot whose data is not an influxd-meta snapshot", lambda c: _snapshot(c, None, b"garbage!")),
    ("AppendEntries from an unknown leader carrying a create-database command", _forged_command),
    ("AppendEntries from an unknown leader carrying a configuration without this node", _forged_conf_change),
    ("AppendEntries (no entries) carrying the leader's own current term",
     lambda c: member(c) + frame(AE, _ae_header(c.term, 0, 0, 0, []))),
    ("message type 0", lambda c: member(c) + frame(0, le64(0) * 4)),
    ("RequestVote with term 2^64-1", lambda c: member(c) + frame(RV, le64(U64) + le64(2) + le64(c.index + 10) + le64(U64) + le64(1))),
]


def must_refuse(name: str, build: Callable[[Ctx], bytes]) -> Callable[[Ctx, random.Random], CaseResult]:
    """A valid-looking preamble the node must hang up on (a stranger, or an impostor claiming to be the node)."""
    def case(ctx: Ctx, rng: random.Random) -> CaseResult:
        data = build(ctx)
        return refused(ctx, CaseResult("impostor", name, data), data, name)
    return case


IMPOSTORS = [
    ("a stranger (id 7) sending AppendEntries with the leader's term",
     lambda c: preamble(7, b"127.0.0.1:1") + proof() + frame(AE, _ae_header(c.term, 0, 0, 0, []))),
    ("B's id with another address",
     lambda c: preamble(c.peer_id, b"127.0.0.1:1") + proof() + frame(AE, _ae_header(c.term, 0, 0, 0, []))),
    ("an impostor claiming to be the node itself (its id and address)",
     lambda c: preamble(1, c.address) + proof() + frame(AE, _ae_header(c.term, 0, 0, 0, []))),
]

FIXED: list[tuple[str, Callable[[Ctx, random.Random], CaseResult]]] = [
    ("garbage", case_garbage),
    ("wrong-version", case_wrong_version),
    ("bad-magic", case_bad_magic),
    ("address-length", lambda c, r: case_oversized_address(c, random.Random(1))),
    ("address-length-0", lambda c, r: refused(c, CaseResult("address-length", "address length 0", preamble(2, b"")), preamble(2, b""), "address length 0")),
    ("id-zero", case_id_zero),
    ("address-utf8", case_bad_utf8_address),
    ("truncated-preamble", case_truncated_preamble),
    ("slow-preamble", case_slow_preamble),
    ("proof-flag", case_bad_proof_flag),
    ("truncated-proof", case_truncated_proof),
    ("no-proof", case_no_proof),
    ("reflected-proof", case_reflected_proof),
    ("valid-then-random", case_valid_then_random),
    ("truncated-frame", case_truncated_frame),
    ("many-connections", case_many_connections),
    ("hold-silent", case_hold_silent),
] + [(name, must_refuse(name, build)) for name, build in IMPOSTORS] + [(name, forged(name, build)) for name, build in FORGED]

RANDOM: list[tuple[float, str, Callable[[Ctx, random.Random], CaseResult]]] = [
    (8, "garbage", case_garbage),
    (4, "wrong-version", case_wrong_version),
    (3, "bad-magic", case_bad_magic),
    (3, "address-length", case_oversized_address),
    (2, "id-zero", case_id_zero),
    (2, "address-utf8", case_bad_utf8_address),
    (6, "truncated-preamble", case_truncated_preamble),
    (1, "slow-preamble", case_slow_preamble),
    (3, "proof-flag", case_bad_proof_flag),
    (3, "truncated-proof", case_truncated_proof),
    (2, "no-proof", case_no_proof),
    (2, "reflected-proof", case_reflected_proof),
    (20, "valid-then-random", case_valid_then_random),
    (40, "libraft-message", case_libraft_message),
    (8, "truncated-frame", case_truncated_frame),
    (0.5, "many-connections", case_many_connections),
    (0.5, "hold-silent", case_hold_silent),
]


def pick_case(i: int, rng: random.Random) -> tuple[str, Callable[[Ctx, random.Random], CaseResult]]:
    if i < len(FIXED):
        return FIXED[i]
    total = sum(w for w, _, _ in RANDOM)
    x = rng.random() * total
    for w, name, fn in RANDOM:
        x -= w
        if x <= 0:
            return name, fn
    return RANDOM[0][1], RANDOM[0][2]


# --------------------------------------------------------------------------- runner


def run(seed: int, iterations: int, workdir: str, keep: str | None = None, cases: str | None = None,
        max_seconds: float = 900.0, batch: int = BATCH, preamble_timeout_check: bool | None = None,
        auth: bool = True) -> FuzzReport:
    report = FuzzReport(FUZZER, seed, iterations)
    if not auth:
        report.flags.append("--no-auth")
    started = time.monotonic()
    deadline = Deadline(max_seconds)
    raise_nofile(4096)
    work = Path(workdir)
    keep_root = Path(keep) if keep else work / "failures"
    generation = 0

    def fresh() -> Ctx:
        nonlocal generation
        cluster = Cluster(work / f"cluster-{generation}", auth)
        generation += 1
        cluster.start()
        health = Health(cluster.a, report)
        health.sync()
        ctx = Ctx(cluster.a, health, report, cluster.b, cluster.peer_id, auth)
        ctx.cluster = cluster
        return ctx

    ctx = fresh()
    selected = list(parse_cases(cases, iterations))
    long_run = iterations >= 300 if preamble_timeout_check is None else preamble_timeout_check
    background: dict = {}
    if long_run and not cases:
        # the 10 s preamble timeout is checked in the background while the other cases run
        bg_cluster = Cluster(work / "preamble-timeout", auth)
        bg_cluster.start()
        bg_ctx = Ctx(bg_cluster.a, Health(bg_cluster.a, report), report, bg_cluster.b, bg_cluster.peer_id, auth)

        def bg() -> None:
            try:
                background["res"] = case_preamble_timeout(bg_ctx, random.Random(case_rng_seed(FUZZER, seed, -1)))
            finally:
                bg_cluster.stop()
        background["thread"] = threading.Thread(target=bg, daemon=True)
        background["thread"].start()
    batch_inputs: list[dict] = []
    batch_start = None
    try:
        for n, i in enumerate(selected):
            if deadline.expired():
                report.stopped_early = f"time limit {max_seconds:.0f}s reached after {report.executed} cases"
                break
            rng = random.Random(case_rng_seed(FUZZER, seed, i))
            name, fn = pick_case(i, rng)
            batch_start = i if batch_start is None else batch_start
            try:
                res = fn(ctx, rng)
            except Exception as e:  # noqa: BLE001
                res = CaseResult(name, f"harness error: {e!r}")
                res.fail(f"case raised {e!r}", f"harness:{type(e).__name__}")
            if res.node is None:
                after_case(ctx, res)
            report.executed += 1
            for note in res.notes:
                if "step down" in note:
                    if sum(1 for x in report.notes if "step down" in x) < 5:
                        report.note(note)
                else:
                    report.note(note)
            record = {"case": i, "kind": res.kind, "description": res.description, "bytes": res.data,
                      "hex": res.data.hex()}
            batch_inputs.append(record)
            if res.problems:
                report.failed += 1
                new = [report.add(f"{FUZZER}/{sig}", f"[case {i} {res.kind}: {res.description[:160]}] {text}")
                       for sig, text in res.problems]
                if any(new):
                    save_failure(report, keep_root, f"case{i}", [t for _, t in res.problems], [record],
                                 res.node or ctx.node, str(i))
                if res.node is not None:
                    pass
                elif not node_healthy(ctx):
                    ctx.cluster.stop()
                    ctx = fresh()
                else:
                    ctx.health.sync()
            else:
                report.passed += 1
            if res.cluster is not None:
                res.cluster.kill()
            elif res.node is not None:
                res.node.kill()
            last = n == len(selected) - 1
            if (i + 1) % batch == 0 or last:
                problems = ctx.health.check(settle=1.5)  # A may still be applying what the leader acknowledged
                if problems:
                    report.failed += 1
                    for p in problems:
                        report.add(f"{FUZZER}/batch-check:{''.join('#' if c.isdigit() else c for c in p[:60])}",
                                   f"[batch {batch_start}-{i} check] {p}")
                    save_failure(report, keep_root, f"batch{batch_start}-{i}", problems, batch_inputs, ctx.node,
                                 f"{batch_start}-{i}")
                    ctx.cluster.stop()
                    ctx = fresh()
                batch_inputs = []
                batch_start = None
                print(f"[{FUZZER}] {report.executed}/{len(selected)} cases, {report.failed} failed, "
                      f"max RSS {report.max_rss_mb:.1f} MB", file=sys.stderr)
        if "thread" in background:
            background["thread"].join(PREAMBLE_TIMEOUT + 10)
            bres: CaseResult | None = background.get("res")
            if bres is not None:
                for note in bres.notes:
                    report.note(note)
                for sig, text in bres.problems:
                    report.failed += 1
                    report.add(f"{FUZZER}/{sig}", text)
        lost = report.counts.pop("raft/leadership-lost-and-regained(note)", 0)
        if lost:
            report.note(f"{lost} cases made the leader step down (it was re-elected each time); the Raft port is "
                        "unauthenticated, so anyone who reaches it can disrupt leadership")
        report.note(f"node log size at the end: {ctx.node.log_size()} bytes")
    finally:
        code = ctx.cluster.stop()
        if code != 0:
            report.failed += 1
            report.add(f"{FUZZER}/unclean-shutdown",
                       f"the node did not shut down cleanly on SIGTERM after fuzzing ({'killed' if code is None else f'exit {code}'})")
        report.duration_s = time.monotonic() - started
        report.finalize()
    return report


if __name__ == "__main__":
    sys.exit(main(FUZZER, run, default_iterations=300, switches={
        "--no-auth": ("auth", False, "target a cluster without internal-shared-secret and impersonate a member "
                                     "(documents the known limit: expected to find crashes)")}))
