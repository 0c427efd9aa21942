"""The two clusters the benchmark runs side by side on loopback: three influxd-meta nodes on
127.0.0.1–3 (:8091 HTTP, :8089 Raft) and three etcd members (127.0.0.1:12379/22379/32379,
started through etcd3.sh). Both classes have the same small interface, so run.py measures
them the same way: bootstrap, leader, write, applied index, kill -9, restart, RSS, stop."""

from __future__ import annotations

import atexit
import base64
import functools
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
NODES = (1, 2, 3)


def private_kb(pid: int) -> int:
    """Memory only this process holds (USS: private clean + private dirty pages, from
    smaps_rollup), in KiB; file pages it shares with other processes, such as a binary three
    members map, are not counted (0 once it is gone)."""
    total = 0
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    except OSError:
        pass
    return total


def rss_kb(pid: int) -> int:
    """Resident set size of a process, in KiB (0 once it is gone)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def request(addr: str, method: str, path: str, body: bytes | None = None,
            timeout: float = 1.0) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request on a fresh connection: status, lower-cased headers, body. Raises on
    connection errors and timeouts."""
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json", "Accept": "application/json"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def call(addr: str, method: str, path: str, payload: dict | None = None, timeout: float = 1.0) -> dict | None:
    """The JSON answer of a 200 response, or None for any other outcome."""
    body = json.dumps(payload).encode() if payload is not None else None
    try:
        status, _, data = request(addr, method, path, body, timeout)
        return json.loads(data) if status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return None


def wait_since(t0: float, ready: Callable[[], bool], timeout: float, interval: float = 0.005) -> float:
    """Seconds from `t0` (a perf_counter time) until `ready()` first holds; nan on timeout."""
    while time.perf_counter() - t0 < timeout:
        if ready():
            return time.perf_counter() - t0
        time.sleep(interval)
    return float("nan")


def port_in_use(host: str, port: int) -> bool:
    """Whether something accepts connections at host:port."""
    try:
        socket.create_connection((host, port), timeout=0.2).close()
        return True
    except OSError:
        return False


class Cluster:
    """What both systems share: child processes, one per member, killed and reaped at stop."""

    name = ""
    ping_path = ""  # a GET that answers 200 once the member serves requests

    def __init__(self, root: str):
        self.root = root
        self.procs: dict[int, subprocess.Popen] = {}
        self.launched: dict[int, float] = {}
        os.makedirs(root, exist_ok=True)

    def command(self, i: int) -> list[str]:
        raise NotImplementedError

    def addr(self, i: int) -> str:
        raise NotImplementedError

    def answering(self, i: int) -> bool:
        try:
            return request(self.addr(i), "GET", self.ping_path, timeout=1.0)[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    def write(self, i: int, name: str, timeout: float = 0.5) -> int | None:
        """Writes one item through member i; the index it was committed at, or None."""
        raise NotImplementedError

    def applied(self, i: int) -> int | None:
        raise NotImplementedError

    def leader(self) -> int | None:
        raise NotImplementedError

    def launch(self, i: int) -> float:
        """Starts member i (its log goes to ROOT/i.log); returns the perf_counter time of the exec."""
        log = open(f"{self.root}/{i}.log", "ab")
        self.launched[i] = time.perf_counter()
        self.procs[i] = subprocess.Popen(self.command(i), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        log.close()
        return self.launched[i]

    def bootstrap(self) -> tuple[list[float], float]:
        """Starts the three members at once. Returns each member's exec-to-answering time and the
        time from the first exec to the first acknowledged write on the formed cluster."""
        t0 = time.perf_counter()
        for i in NODES:
            self.launch(i)
        ready = [wait_since(self.launched[i], lambda: self.answering(i), 60) for i in NODES]
        self.form()
        n = 0
        while time.perf_counter() - t0 < 60:
            n += 1
            if self.write(1, f"first-{n}", timeout=1.0) is not None:
                return ready, time.perf_counter() - t0
            time.sleep(0.005)
        raise RuntimeError(f"{self.name}: no write acknowledged within 60 s of start-up")

    def form(self) -> None:
        """Whatever turns three started members into a cluster (nothing for a static one)."""

    def pid(self, i: int) -> int:
        return self.procs[i].pid

    def rss_mb(self) -> float:
        """Mean RSS of the three members, in MiB."""
        return sum(rss_kb(self.pid(i)) for i in NODES) / len(NODES) / 1024

    def private_mb(self) -> float:
        """Mean private memory (USS) of the three members, in MiB."""
        return sum(private_kb(self.pid(i)) for i in NODES) / len(NODES) / 1024

    def kill(self, i: int) -> None:
        """kill -9 of member i, reaped."""
        self.procs[i].send_signal(signal.SIGKILL)
        self.procs[i].wait()

    def freeze(self, i: int) -> None:
        """SIGSTOP of member i: a hung process, or a host cut off, with its connections open."""
        self.procs[i].send_signal(signal.SIGSTOP)

    def thaw(self, i: int) -> None:
        self.procs[i].send_signal(signal.SIGCONT)

    def restart(self, i: int) -> float:
        """Starts member i again on its data; returns the perf_counter time of the exec."""
        return self.launch(i)

    def caught_up(self, i: int) -> bool:
        """Whether there is a leader and member i has applied what the leader has."""
        leader = self.leader()
        if leader is None:
            return False
        mine, theirs = self.applied(i), self.applied(leader)
        return mine is not None and theirs is not None and mine >= theirs

    def stop(self) -> None:
        """kill -9 of every member still running, reaped."""
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.send_signal(signal.SIGCONT)
        for p in self.procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


@functools.cache
def dev_license(binaries: str) -> str:
    """An `[enterprise]` table pointing a node at a development license (influxd-meta does not
    start without one), made once per process by scripts/dev-license.sh; removed at exit."""
    folder = tempfile.mkdtemp(prefix="influxd-meta-dev-license-")
    atexit.register(shutil.rmtree, folder, True)
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "dev-license.sh")
    made = subprocess.run([script, folder, f"{binaries}/influx-license"], capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"development license: {script} exited {made.returncode}: {made.stderr.strip()}")
    return (f'[enterprise]\nlicense-path = "{folder}/license.json"\n'
            f'license-issuer-keys = ["{folder}/issuer/issuer.pub.pem"]\n')


class Meta(Cluster):
    """Three influxd-meta nodes, joined with influxd-ctl."""

    name = "influxd-meta"
    ping_path = "/ping"

    def __init__(self, binaries: str, root: str, snapshot_threshold: int):
        super().__init__(root)
        self.binaries = binaries
        for i in NODES:
            os.makedirs(f"{root}/{i}", exist_ok=True)
            with open(self.config(i), "w") as f:
                f.write(f'hostname = "127.0.0.{i}"\n[meta]\ndir = "{root}/{i}/meta"\n'
                        f'bind-address = "127.0.0.{i}:8089"\nhttp-bind-address = "127.0.0.{i}:8091"\n'
                        f'raft-snapshot-threshold = {snapshot_threshold}\n'
                        '[logging]\nlevel = "warn"\n' + dev_license(binaries))

    def config(self, i: int) -> str:
        return f"{self.root}/{i}/m.conf"

    def raft_dir(self, i: int) -> str:
        return f"{self.root}/{i}/meta/raft"

    def command(self, i: int) -> list[str]:
        return [f"{self.binaries}/influxd-meta", "-config", self.config(i)]

    def addr(self, i: int) -> str:
        return f"127.0.0.{i}:8091"

    def form(self) -> None:
        for i in NODES:
            subprocess.run([f"{self.binaries}/influxd-ctl", "-bind", self.addr(1), "join", self.addr(i)],
                           capture_output=True, check=True, timeout=60)

    def execute(self, i: int, command: dict, timeout: float = 1.0) -> int | None:
        """POST /execute on node i, following one redirect to the leader; the committed index."""
        body = json.dumps(command).encode()
        addr = self.addr(i)
        for _ in range(2):
            try:
                status, headers, data = request(addr, "POST", "/execute", body, timeout)
            except (OSError, http.client.HTTPException):
                return None
            if status == 200:
                return int(json.loads(data)["index"])
            location = re.match(r"https?://([^/]+)", headers.get("location", ""))
            if status != 307 or not location:
                return None
            addr = location.group(1)
        return None

    def write(self, i: int, name: str, timeout: float = 0.5) -> int | None:
        return self.execute(i, {"type": "create-database", "name": name}, timeout)

    def status(self, i: int) -> dict | None:
        return call(self.addr(i), "GET", "/status")

    def applied(self, i: int) -> int | None:
        status = self.status(i)
        return int(status["index"]) if status else None

    def leader(self) -> int | None:
        for i in NODES:
            if i in self.procs and self.procs[i].poll() is None:
                status = self.status(i)
                if status and status.get("leader"):
                    return int(status["leader"].split(":")[0].rsplit(".", 1)[1])
        return None

    def snapshots(self, i: int) -> list[tuple[int, int, str]]:
        """Complete snapshots in node i's raft directory: (index, libraft timestamp in ms of
        CLOCK_MONOTONIC, file name), oldest first. libraft writes `snapshot-T-I-TS.meta`, then
        the data to `tmp-snapshot-T-I-TS`, fsyncs it and renames it to `snapshot-T-I-TS`."""
        found = []
        try:
            names = os.listdir(self.raft_dir(i))
        except OSError:
            return []
        for name in names:
            m = re.fullmatch(r"snapshot-(\d+)-(\d+)-(\d+)", name)
            if m:
                found.append((int(m.group(2)), int(m.group(3)), name))
        return sorted(found)

    def database_count(self, i: int) -> int:
        data = call(self.addr(i), "GET", "/", timeout=30)
        return len(data["databases"]) if data else -1


class Etcd(Cluster):
    """Three etcd members, bootstrapped statically (etcd3.sh member DIR N, which execs etcd)."""

    name = "etcd"
    ping_path = "/version"

    def __init__(self, root: str):
        super().__init__(root)
        self.member_ids: dict[str, int] = {}

    def command(self, i: int) -> list[str]:
        return [f"{HERE}/etcd3.sh", "member", self.root, str(i)]

    def addr(self, i: int) -> str:
        return f"127.0.0.1:{i}2379"

    def write(self, i: int, name: str, timeout: float = 0.5) -> int | None:
        answer = call(self.addr(i), "POST", "/v3/kv/put",
                      {"key": base64.b64encode(name.encode()).decode(), "value": "dmFsdWU="}, timeout)
        return int(answer["header"]["revision"]) if answer else None

    def status(self, i: int) -> dict | None:
        status = call(self.addr(i), "POST", "/v3/maintenance/status", {})
        if status:
            self.member_ids[status["header"]["member_id"]] = i
        return status

    def applied(self, i: int) -> int | None:
        status = self.status(i)
        return int(status["raftAppliedIndex"]) if status else None

    def leader(self) -> int | None:
        for i in NODES:
            if i in self.procs and self.procs[i].poll() is None:
                status = self.status(i)
                leader = self.member_ids.get(status.get("leader", "")) if status else None
                if leader is not None and self.procs[leader].poll() is None:
                    return leader
        return None

    def snapshot_save(self, i: int, path: str) -> float:
        """Seconds `etcdctl snapshot save` takes against member i (process start included)."""
        t0 = time.perf_counter()
        subprocess.run(["etcdctl", f"--endpoints={self.addr(i)}", "snapshot", "save", path],
                       capture_output=True, check=True, timeout=300, env={**os.environ, "ETCDCTL_API": "3"})
        return time.perf_counter() - t0
