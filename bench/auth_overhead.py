#!/usr/bin/env python3
"""What `auth-enabled` costs: write throughput of a three-node cluster with authentication as a
ratio of the same cluster without, and the cost of one password check.

Starts two three-node clusters on 127.0.0.1 (free ports), one after the other: plain, then with
`auth-enabled`, `shared-secret`, `internal-shared-secret` and an admin. Drives each leader with
bench/httpload.py (POST /execute create-database, keep-alive) and prints rps and the ratios:
basic auth (verified passwords are cached), bearer JWT (HS256 per request). Then times requests
that each need a full password check (a wrong password is never cached) against cached ones.
With `--tls` the secured cluster also runs HTTPS and Raft over TLS (`https-enabled`, a
self-signed certificate made with openssl for 127.0.0.1), so the ratios are those of the whole
secured path against the plain one. It also prints the CPU the three nodes and the load client
spent per write (from /proc and the client's rusage), steadier than throughput on a busy machine.

    python3 bench/auth_overhead.py --bin .build/release [--quick] [--tls] [--password-hash bcrypt]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from clusters import dev_license  # noqa: E402
SHARED = "bench users' secret"
INTERNAL = "bench nodes' secret"
ADMIN = ("bench", "bench password")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The CA file of the secured cluster's certificate when it runs TLS (set by main).
TLS_CA: str | None = None
TLS_PORTS: set[int] = set()


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    if port in TLS_PORTS:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                           context=ssl.create_default_context(cafile=TLS_CA))
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def token(secret: str, user: str, lifetime: int = 3600) -> str:
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    claims = b64(json.dumps({"username": user, "exp": int(time.time()) + lifetime}).encode())
    sig = hmac.new(secret.encode(), f"{head}.{claims}".encode(), hashlib.sha256).digest()
    return f"{head}.{claims}.{b64(sig)}"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Cluster:
    def __init__(self, binaries: str, root: str, auth: bool, password_hash: str, tls: tuple[str, str] | None = None):
        self.binaries, self.root, self.auth, self.tls = binaries, root, auth, tls
        self.nodes = [(free_port(), free_port()) for _ in range(3)]
        self.procs: list[subprocess.Popen] = []
        for n, (http_port, raft_port) in enumerate(self.nodes):
            os.makedirs(f"{root}/{n}", exist_ok=True)
            extra = (f'auth-enabled = true\nshared-secret = "{SHARED}"\ninternal-shared-secret = "{INTERNAL}"\n'
                     f'password-hash = "{password_hash}"\n') if auth else ""
            if tls:
                extra += f'https-enabled = true\nhttps-certificate = "{tls[0]}"\nhttps-private-key = "{tls[1]}"\n'
                TLS_PORTS.add(http_port)
            with open(self.config(n), "w") as f:
                f.write(f'hostname = "127.0.0.1"\n[meta]\ndir = "{root}/{n}/meta"\n'
                        f'bind-address = "127.0.0.1:{raft_port}"\nhttp-bind-address = "127.0.0.1:{http_port}"\n'
                        f'{extra}[logging]\nlevel = "warn"\n' + dev_license(binaries))

    def config(self, n: int) -> str:
        return f"{self.root}/{n}/m.conf"

    def start(self) -> int:
        for n in range(3):
            log = open(f"{self.root}/{n}/log", "w")
            self.procs.append(subprocess.Popen([f"{self.binaries}/influxd-meta", "-config", self.config(n)],
                                               stdout=log, stderr=subprocess.STDOUT))
        for http_port, _ in self.nodes:
            wait(lambda: request(http_port, "GET", "/ping")[0] == 200)
        first = f"127.0.0.1:{self.nodes[0][0]}"
        for http_port, _ in self.nodes:
            subprocess.run([f"{self.binaries}/influxd-ctl", "-bind", first, "-config", self.config(0)]
                           + (["-bind-tls"] if self.tls else []) + ["join", f"127.0.0.1:{http_port}"],
                           check=True, capture_output=True, timeout=60)
        leader = wait(lambda: request(self.nodes[0][0], "GET", "/ping")[1].decode())
        port = next(h for h, r in self.nodes if leader == f"127.0.0.1:{r}")
        if self.auth:
            body = json.dumps({"action": "create", "user": {"name": ADMIN[0], "password": ADMIN[1], "admin": True}})
            status, text = request(port, "POST", "/user", body.encode())
            assert status == 200, text
        return port

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
            p.wait()


def self_signed_certificate(root: str) -> tuple[str, str]:
    """A P-256 certificate for 127.0.0.1 and its key, made with openssl in `root`; requests
    to TLS ports trust it from now on."""
    global TLS_CA
    cert, key = f"{root}/cert.pem", f"{root}/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    TLS_CA = cert
    return cert, key


def wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for the cluster")


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the processes `pids`, in seconds."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def load(port: int, conns: int, per: int, prefix: str, header: str | None,
         cpu: list[tuple[float, float]] | None = None, pids: list[int] | None = None) -> float:
    """Runs bench/httpload.py and returns its rps. Appends to `cpu` the pair (CPU the processes
    `pids` spent, CPU the load client spent), each in microseconds per request."""
    before = (cpu_seconds(pids or []), os.times())
    scheme = "https://" if port in TLS_PORTS else ""
    args = [sys.executable, f"{HERE}/httpload.py", f"{scheme}127.0.0.1:{port}", "POST", "/execute",
            '{"type":"create-database","name":"' + prefix + '-{i}"}', str(conns), str(per)]
    if header:
        args.append(f"Authorization: {header}")
    env = dict(os.environ, HTTPLOAD_CAFILE=TLS_CA) if scheme and TLS_CA else None
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600, env=env).stdout
    servers = cpu_seconds(pids or []) - before[0]
    after = os.times()
    client = after.children_user + after.children_system - before[1].children_user - before[1].children_system
    if cpu is not None:
        cpu.append((servers * 1e6 / (conns * per), client * 1e6 / (conns * per)))
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+|nan)", out)}
    print(f"    {prefix} x{conns}: {out.strip()}", flush=True)
    if figures["errors"]:
        raise RuntimeError(f"{prefix}: {figures['errors']:.0f} errors")
    return figures["rps"]


def timed(port: int, header: str, count: int) -> float:
    """Median milliseconds of sequential GET /status with `header`."""
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        request(port, "GET", "/status", headers={"Authorization": header})
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--password-hash", default="bcrypt")
    ap.add_argument("--tls", action="store_true", help="the secured cluster also runs HTTPS and Raft over TLS")
    ap.add_argument("--repeat", type=int, default=3, help="rounds, alternating the three setups; medians are printed")
    args = ap.parse_args()
    shapes = [(1, 100), (16, 20)] if args.quick else [(1, 500), (16, 200)]
    root = tempfile.mkdtemp(prefix="bench-auth-")
    samples: dict[str, dict[int, list[float]]] = {k: {c: [] for c, _ in shapes} for k in ("plain", "basic", "jwt")}
    cpu: dict[str, dict[int, list[tuple[float, float]]]] = {k: {c: [] for c, _ in shapes} for k in samples}
    clusters: list[Cluster] = []
    try:
        plain = Cluster(args.bin, f"{root}/plain", False, args.password_hash)
        clusters.append(plain)
        plain_port = plain.start()
        credentials = self_signed_certificate(root) if args.tls else None
        secured = Cluster(args.bin, f"{root}/auth", True, args.password_hash, credentials)
        clusters.append(secured)
        port = secured.start()
        bearer = "Bearer " + token(SHARED, ADMIN[0])
        # Both clusters run throughout; the setups alternate within each round, so that a busy
        # moment of the machine falls on all three alike.
        for round_ in range(args.repeat):
            for c, per in shapes:
                plain_pids, pids = [p.pid for p in plain.procs], [p.pid for p in secured.procs]
                samples["plain"][c].append(
                    load(plain_port, c, per, f"plain{round_}-{c}", None, cpu["plain"][c], plain_pids))
                samples["basic"][c].append(
                    load(port, c, per, f"basic{round_}-{c}", basic(*ADMIN), cpu["basic"][c], pids))
                samples["jwt"][c].append(load(port, c, per, f"jwt{round_}-{c}", bearer, cpu["jwt"][c], pids))
        cached = timed(port, basic(*ADMIN), 50)
        uncached = timed(port, basic(ADMIN[0], "wrong"), 20)
        none = timed(port, bearer, 50)
    finally:
        for cluster in clusters:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    results = {k: {c: statistics.median(v) for c, v in by.items()} for k, by in samples.items()}
    secured_is = "auth + TLS (HTTPS, Raft over TLS)" if args.tls else "auth"
    print(f"\nwrite throughput (POST /execute), {secured_is} against plain, password-hash = {args.password_hash}, "
          f"median of {args.repeat} rounds")
    print(f"{'connections':>12} {'plain rps':>10} {'basic rps':>10} {'ratio':>6} {'jwt rps':>10} {'ratio':>6}")
    for c, _ in shapes:
        p, b, j = results["plain"][c], results["basic"][c], results["jwt"][c]
        print(f"{c:>12} {p:>10.0f} {b:>10.0f} {b / p:>6.2f} {j:>10.0f} {j / p:>6.2f}")
    print("\nCPU per write, median µs: the three nodes together / the load client (its start-up included)")
    print(f"{'connections':>12} {'plain':>13} {'basic':>13} {'ratio':>6} {'jwt':>13} {'ratio':>6}")
    for c, _ in shapes:
        p, b, j = ((statistics.median(x[0] for x in cpu[k][c]), statistics.median(x[1] for x in cpu[k][c]))
                   for k in ("plain", "basic", "jwt"))
        print(f"{c:>12} {p[0]:>6.0f} / {p[1]:>4.0f} {b[0]:>6.0f} / {b[1]:>4.0f} {p[0] / b[0]:>6.2f} "
              f"{j[0]:>6.0f} / {j[1]:>4.0f} {p[0] / j[0]:>6.2f}")
    print("  (ratio: plain nodes' CPU per write over the secured nodes', comparable to the throughput ratio)")
    print("\nGET /status, median ms per request (sequential, new connection each)")
    print(f"  bearer JWT                 {none:7.2f}")
    print(f"  basic, cached password     {cached:7.2f}")
    print(f"  basic, full password check {uncached:7.2f}  (a wrong password is never cached)")
    print(f"  one password check costs about {uncached - cached:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
