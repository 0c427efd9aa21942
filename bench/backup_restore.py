"""Metadata backup and restore with many databases: `influxd-ctl backup -strategy only-meta` and
`restore -meta-only-overwrite-force` against a three-node cluster on loopback.

    python3 bench/backup_restore.py [--bin DIR] [--databases 100000] [--conns 32]

Creates the databases through `POST /execute` (`--conns` connections), backs up, drops one
database, restores, and checks every node holds the backup's database count again. Prints the
backup's size and the wall time of each command (the whole process: configuration, transfer,
files, and for restore the Raft commit and apply on every node).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from faults.devlicense import enterprise_section  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Accept": "application/json"})
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def wait(what: str, check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(what)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"))
    parser.add_argument("--databases", type=int, default=100_000)
    parser.add_argument("--conns", type=int, default=32)
    args = parser.parse_args()
    binaries = os.path.abspath(args.bin)
    enterprise = enterprise_section(binaries)
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    procs = []
    try:
        ports = []
        for i in range(3):
            http_port, raft_port = free_port(), free_port()
            ports.append(http_port)
            node = work / f"node{i}"
            node.mkdir()
            config = node / "influxdb-meta.conf"
            config.write_text(f'hostname = "127.0.0.1"\n[meta]\ndir = "{node}/meta"\n'
                              f'bind-address = "127.0.0.1:{raft_port}"\n'
                              f'http-bind-address = "127.0.0.1:{http_port}"\n'
                              f'[logging]\nlevel = "warn"\n{enterprise}')
            procs.append(subprocess.Popen([f"{binaries}/influxd-meta", "-config", str(config)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            wait(f"{port} /ping", lambda port=port: request(port, "GET", "/ping")[0] in (200, 204))
        ctl = [f"{binaries}/influxd-ctl", "-bind", f"127.0.0.1:{ports[0]}"]
        for port in ports:
            subprocess.run(ctl + ["join", f"127.0.0.1:{port}"], check=True, capture_output=True)

        def status(port: int) -> dict:
            return json.loads(request(port, "GET", "/status")[1])

        leader_raft = wait("a leader", lambda: status(ports[0]).get("leader"))
        leader = next(p for p in ports if status(p)["raftAddr"] == leader_raft)

        started = time.monotonic()
        next_db = iter(range(args.databases))
        lock = threading.Lock()

        def creator() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", leader, timeout=60)
            while True:
                with lock:
                    n = next(next_db, None)
                if n is None:
                    break
                body = json.dumps({"type": "create-database", "name": f"db{n:06d}"})
                conn.request("POST", "/execute", body=body, headers={"Content-Type": "application/json"})
                reply = conn.getresponse()
                reply.read()
                if reply.status != 200:
                    raise RuntimeError(f"create-database: HTTP {reply.status}")
            conn.close()

        threads = [threading.Thread(target=creator) for _ in range(args.conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"created {args.databases} databases in {time.monotonic() - started:.1f} s")

        backup_dir = work / "backup"
        t0 = time.monotonic()
        out = subprocess.run(ctl + ["-timeout", "300s", "backup", "-strategy", "only-meta", str(backup_dir)],
                             check=True, capture_output=True, text=True)
        backup_s = time.monotonic() - t0
        meta = next(backup_dir.glob("*.meta"))
        print(out.stdout, end="")
        request(leader, "POST", "/execute", json.dumps({"type": "drop-database", "name": "db000000"}).encode())

        t0 = time.monotonic()
        out = subprocess.run(ctl + ["-timeout", "300s", "restore", "-meta-only-overwrite-force", str(backup_dir)],
                             check=True, capture_output=True, text=True)
        restore_s = time.monotonic() - t0
        print(out.stdout, end="")

        def restored() -> bool:
            for port in ports:
                data = json.loads(request(port, "GET", "/")[1])
                if len(data["databases"]) != args.databases:
                    return False
            return True

        wait("every node to hold the backup's databases", restored, timeout=120)
        all_s = time.monotonic() - t0
        print(f"databases {args.databases}: backup {meta.stat().st_size} bytes in {backup_s:.2f} s; "
              f"restore {restore_s:.2f} s (all three nodes hold it after {all_s:.2f} s)")
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
