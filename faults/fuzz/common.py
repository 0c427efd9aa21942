"""Shared harness for the fuzzers: a single-server node, health checks, reports, artifacts.

Nothing here sends traffic anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from ..devlicense import enterprise_section

REPO_ROOT = Path(__file__).resolve().parents[2]
RSS_LIMIT_KB = 256 * 1024
CANARY_PREFIX = "fuzz-canary-"


# --------------------------------------------------------------------------- report


@dataclasses.dataclass
class FuzzReport:
    """What one fuzzer run did and found."""

    fuzzer: str
    seed: int
    iterations: int
    executed: int = 0
    passed: int = 0
    failed: int = 0
    max_rss_kb: int = 0
    duration_s: float = 0.0
    findings: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    artifacts: list[str] = dataclasses.field(default_factory=list)
    replay: list[str] = dataclasses.field(default_factory=list)
    flags: list[str] = dataclasses.field(default_factory=list)  # extra command-line flags a replay needs
    stopped_early: str = ""
    counts: dict[str, int] = dataclasses.field(default_factory=dict)  # finding signature -> occurrences

    @property
    def max_rss_mb(self) -> float:
        return self.max_rss_kb / 1024.0

    def finding(self, text: str) -> None:
        if text not in self.findings:
            self.findings.append(text)

    def add(self, signature: str, text: str) -> bool:
        """Records a problem under `signature`; True the first time the signature is seen.

        Only the first occurrence is kept verbatim (with its reproducer); later ones are counted.
        """
        first = signature not in self.counts
        self.counts[signature] = self.counts.get(signature, 0) + 1
        if first:
            self.findings.append(f"{{{signature}}} {text}")
        return first

    def finalize(self) -> None:
        """Appends occurrence counts to the findings."""
        out = []
        for f in self.findings:
            if f.startswith("{") and "} " in f:
                sig = f[1:f.index("} ")]
                n = self.counts.get(sig, 1)
                if n > 1 and "(seen " not in f:
                    f = f"{f} (seen {n} times)"
            out.append(f)
        self.findings = out

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def observe_rss(self, kb: int | None) -> None:
        if kb is not None and kb > self.max_rss_kb:
            self.max_rss_kb = kb

    def summary(self) -> str:
        lines = [
            f"fuzzer={self.fuzzer} seed={self.seed} iterations={self.iterations} executed={self.executed} "
            f"passed={self.passed} failed={self.failed} max_rss={self.max_rss_mb:.1f}MB "
            f"duration={self.duration_s:.1f}s" + (f" stopped_early={self.stopped_early!r}" if self.stopped_early else "")
        ]
        for f in self.findings:
            lines.append(f"FINDING: {f}")
        for n in self.notes:
            lines.append(f"note: {n}")
        for a in self.artifacts:
            lines.append(f"artifacts: {a}")
        for r in self.replay:
            lines.append(f"replay: {r}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["max_rss_mb"] = round(self.max_rss_mb, 1)
        return d


# --------------------------------------------------------------------------- small helpers


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.end


def hs256_token(secret: str, username: str = "", lifetime: float = 60.0) -> str:
    """An HS256 JWT as the meta API takes it; an empty username is a meta node's token
    (signed with internal-shared-secret), a named one a user's (signed with shared-secret)."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(b'{"alg":"HS256","typ":"JWT"}')
    claims = b64(json.dumps({"username": username, "exp": int(time.time() + lifetime)}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Polls `predicate` until it returns something truthy or `timeout` passes; returns the last value."""
    deadline = Deadline(timeout)
    value = None
    while True:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - polling: any error means "not yet"
            value = None
        if value or deadline.expired():
            return value
        time.sleep(min(interval, deadline.remaining()) or interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bin_dir() -> Path:
    env = os.environ.get("INFLUXD_BIN_DIR")
    return Path(env) if env else REPO_ROOT / ".build" / "debug"


def binary(name: str, wait: float = 120.0) -> str:
    """Path of a built binary; waits (deadline) while it is briefly missing during a rebuild."""
    path = bin_dir() / name
    ok = wait_until(lambda: path.is_file() and os.access(path, os.X_OK), wait, 0.25)
    if not ok:
        raise FileNotFoundError(f"{path} not found (set INFLUXD_BIN_DIR or build the package)")
    return str(path)


def spawn_retrying(args: list[str], wait: float = 120.0, **kwargs: Any) -> subprocess.Popen:
    """Popen, retried while the binary is being rebuilt (missing, or "Text file busy")."""
    import errno

    deadline = Deadline(wait)
    while True:
        try:
            return subprocess.Popen(args, **kwargs)
        except OSError as e:
            if e.errno not in (errno.ETXTBSY, errno.ENOENT, errno.EACCES, errno.ENOEXEC) or deadline.expired():
                raise
            time.sleep(0.25)


def hexdump(data: bytes, limit: int = 256) -> str:
    shown = data[:limit].hex()
    return shown + (f"... ({len(data)} bytes)" if len(data) > limit else f" ({len(data)} bytes)")


def signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


def describe_exit(code: int | None) -> str:
    if code is None:
        return "running"
    if code < 0:
        return f"killed by {signal_name(-code)}"
    return f"exited with status {code}"


def raise_nofile(target: int) -> int:
    """Raises this process's RLIMIT_NOFILE soft limit towards `target`; returns the new soft limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(target, hard) if hard != resource.RLIM_INFINITY else target
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def case_rng_seed(fuzzer: str, seed: int, case: int) -> str:
    """Each case draws from its own generator, so one case can be replayed alone."""
    return f"{fuzzer}:{seed}:{case}"


# --------------------------------------------------------------------------- HTTP client


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        # GET / answers protobuf unless JSON is asked for; the checkers read JSON.
        conn.request(method, path, body=body, headers={"Accept": "application/json", **(headers or {})})
        resp = conn.getresponse()
        data = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


# --------------------------------------------------------------------------- the node


class NodeStartError(RuntimeError):
    pass


NODE_CONFIG = """hostname = "127.0.0.1"
[meta]
dir = "{dir}"
bind-address = "127.0.0.1:{raft}"
http-bind-address = "127.0.0.1:{http}"
election-timeout = "500ms"
heartbeat-timeout = "500ms"
leader-lease-timeout = "250ms"
"""


class Node:
    """A single-server influxd-meta node in `root` (config, log, meta dir)."""

    def __init__(self, root: Path, nofile: int | None = None, single_server: bool = True, meta_extra: str = ""):
        self.single_server = single_server
        self.meta_extra = meta_extra
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.nofile = nofile
        self.proc: subprocess.Popen | None = None
        self.http_port = 0
        self.raft_port = 0
        self.config_path = self.root / "influxdb-meta.conf"
        self.log_path = self.root / "node.log"
        self.meta_dir = self.root / "meta"
        self._log = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def command(self) -> list[str]:
        return [binary("influxd-meta"), "-config", str(self.config_path)] + (["-single-server"] if self.single_server else [])

    def start(self, timeout: float = 40.0) -> None:
        last = ""
        for _attempt in range(4):
            self.http_port, self.raft_port = free_port(), free_port()
            while self.raft_port == self.http_port:
                self.raft_port = free_port()
            self.config_path.write_text(
                NODE_CONFIG.format(dir=self.meta_dir, raft=self.raft_port, http=self.http_port) + self.meta_extra
                + enterprise_section(str(bin_dir()))
            )
            if self.meta_dir.exists():
                shutil.rmtree(self.meta_dir, ignore_errors=True)
            self._log = open(self.log_path, "ab")
            preexec = None
            if self.nofile:
                limit = self.nofile

                def preexec() -> None:  # runs in the child
                    import resource

                    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
                    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))

            env = dict(os.environ)
            # a crash report with the crashed thread only: quicker, and enough for a signature
            env.setdefault("SWIFT_BACKTRACE", "enable=yes,interactive=no,threads=crashed,registers=crashed,"
                                              "images=mentioned,symbolicate=fast")
            self.proc = spawn_retrying(
                self.command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                cwd=str(self.root),
                start_new_session=True,
                preexec_fn=preexec,
            )
            ready = self.leader if self.single_server else self.answers
            if wait_until(lambda: self.proc.poll() is not None or ready(), timeout, 0.05) and self.alive():
                if ready():
                    return
            last = f"{describe_exit(self.proc.poll())}; log tail:\n{self.log_tail()}"
            self.kill()
            if "in use" not in last.lower() and "bind" not in last.lower():
                break
        raise NodeStartError(f"node did not start: {last}")

    def answers(self) -> bool:
        try:
            return http_request(self.http_port, "GET", "/ping", timeout=2).status == 200
        except Exception:  # noqa: BLE001
            return False

    def leader(self) -> str:
        try:
            # /ping answers with the leader's Raft address, and needs no credentials when auth is on
            r = http_request(self.http_port, "GET", "/ping", timeout=2)
            return r.body.decode("utf-8", "replace").strip() if r.status == 200 else ""
        except Exception:  # noqa: BLE001
            return ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self) -> str:
        return describe_exit(self.proc.poll() if self.proc else None)

    def rss_kb(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            return None
        return None

    def fd_count(self) -> int | None:
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def thread_count(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            return None
        return None

    def log_tail(self, lines: int = 30) -> str:
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return "(no log)"
        return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def crash_signature(self) -> str:
        """A stable one-line description of how the node died, from its exit status and the Swift backtrace."""
        import re

        code = self.proc.poll() if self.proc else None
        text = ""
        try:
            text = self.log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            pass
        parts = [describe_exit(code)]
        m = re.search(r"\*\*\* Program crashed: (.*?) \*\*\*", text)
        if m:
            what = m.group(1)
            if what.startswith("Aborted at"):
                what = "Aborted"
            parts.append(re.sub(r"0x0+([0-9a-f])", r"0x\1", what))
        lines = text.splitlines()
        for k, line in enumerate(lines):
            if line.startswith("*** Signal") or line.startswith("Fatal error"):
                if line.startswith("Fatal error"):
                    parts.append(line.strip()[:200])
                    break
                for prev in reversed(lines[max(0, k - 3):k]):
                    if prev.strip() and not re.match(r"^\d{4}-\d\d-\d\dT", prev):
                        parts.append(prev.strip()[:200])
                        break
                break
        m = re.search(r'crashed:\s*\n\s*\n?\s*0\s+(0x[0-9a-f]+)\s+(.*?) in (\S+)', text)
        if m:
            addr, what, module = int(m.group(1), 16), m.group(2).strip(), m.group(3)
            base = re.search(r"(0x[0-9a-f]+)\S*\s+\S+\s+" + re.escape(module) + r"\s", text)
            where = f"{module}+{addr - int(base.group(1), 16):#x}" if base else module
            if what and what != "<unknown>":
                where = f"{what.split(' + ')[0]} ({where})"
            parts.append(f"in {where}")
        return "; ".join(parts)

    def wait_exit(self, timeout: float) -> bool:
        """Waits for the process to end (e.g. while the Swift backtracer writes a crash report)."""
        if self.proc is None:
            return True
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM and wait; returns the exit status (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        code = self.proc.returncode
        self._close_log()
        return code

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# --------------------------------------------------------------------------- health and data checks


class Health:
    """Tracks what the metadata should be and checks the node after each batch.

    The model is byte-exact (as InfluxDB, which compares names as Go strings): the set of database
    names and the index only change through writes the fuzzer saw acknowledged.
    """

    def __init__(self, node: Node, report: FuzzReport, write_timeout: float = 10.0):
        self.write_port: int | None = None  # where writes go (a follower redirects to the leader)
        self.node = node
        self.report = report
        self.write_timeout = write_timeout
        self.databases: set[str] = set()
        self.index = 0
        self.acked_index = 0  # highest index any acknowledged write returned since the last sync
        self.canary = 0
        self.meta_nodes: list = []
        self.last_diff: tuple[list[str], list[str], set[str]] | None = None  # (extra, missing, model before)
        self.headers: dict[str, str] = {}  # credentials of the checker's own requests (an admin's, with auth)

    # -- state

    def fetch(self, timeout: float = 5.0) -> tuple[int, list[str]]:
        index, names, _ = self.fetch_all(timeout)
        return index, names

    def fetch_all(self, timeout: float = 5.0) -> tuple[int, list[str], list]:
        r = http_request(self.node.http_port, "GET", "/", headers=self.headers, timeout=timeout)
        if r.status != 200:
            raise RuntimeError(f"GET / answered {r.status}: {r.body[:200]!r}")
        data = r.json()
        return int(data["index"]), [d["name"] for d in data.get("databases") or []], data.get("metaNodes") or []

    def sync(self) -> None:
        """Adopts the node's current state as the model (after start, or after a reported divergence)."""
        self.index, names, self.meta_nodes = self.fetch_all()
        self.databases = set(names)
        self.acked_index = self.index

    def acknowledged(self, index: int) -> None:
        self.acked_index = max(self.acked_index, index)

    def compare(self, settle: float = 0.0) -> list[str]:
        """Problems between the model and the node's state; adopts the node's state afterwards.

        `settle`: seconds to keep re-reading while the node may still be applying replicated writes.
        """
        problems: list[str] = []
        self.last_diff = None
        deadline = Deadline(settle)
        while True:
            try:
                index, names, meta_nodes = self.fetch_all()
            except Exception as e:  # noqa: BLE001
                return [f"GET / failed: {e!r}"]
            if deadline.expired() or (set(names) == self.databases and index == max(self.index, self.acked_index)
                                      and meta_nodes == self.meta_nodes):
                break
            time.sleep(0.05)
        if len(names) != len(set(names)):
            problems.append(f"database list has duplicates: {names!r}")
        actual = set(names)
        if actual != self.databases:
            extra = sorted(actual - self.databases)
            missing = sorted(self.databases - actual)
            self.last_diff = (extra, missing, set(self.databases))
            problems.append(f"database list changed unexpectedly: extra={extra!r} missing={missing!r}")
        if meta_nodes != self.meta_nodes:
            problems.append(f"meta nodes changed: {self.meta_nodes!r} -> {meta_nodes!r}")
            self.meta_nodes = meta_nodes
        expected_index = max(self.index, self.acked_index)
        if index != expected_index:
            problems.append(
                f"index is {index}, expected {expected_index} (last check {self.index}, highest acknowledged write {self.acked_index})"
            )
        self.index, self.databases, self.acked_index = index, actual, index
        return problems

    # -- checks

    def legit_write(self) -> tuple[str | None, float]:
        """Creates a canary database and drops the previous one; returns (problem, seconds taken)."""
        start = time.monotonic()
        name = f"{CANARY_PREFIX}{self.canary}"
        previous = f"{CANARY_PREFIX}{self.canary - 1}"
        self.canary += 1
        for command, apply in (
            ({"type": "create-database", "name": name}, lambda: self.databases.add(name)),
            ({"type": "drop-database", "name": previous}, lambda: self.databases.discard(previous)),
        ):
            problem = self._write(command)
            if problem:
                return problem, time.monotonic() - start
            apply()
        return None, time.monotonic() - start

    def _write(self, command: dict) -> str | None:
        deadline = Deadline(self.write_timeout)
        last = ""
        body = json.dumps(command).encode()
        port = self.write_port or self.node.http_port
        while True:
            try:
                r = http_request(port, "POST", "/execute", body, {"Content-Type": "application/json", **self.headers},
                                 timeout=max(1.0, deadline.remaining()))
                if r.status == 200:
                    self.acknowledged(int(r.json()["index"]))
                    return None
                last = f"{r.status} {r.body[:200]!r}"
                loc = r.headers.get("location", "")
                m = __import__("re").match(r"https?://127\.0\.0\.1:(\d+)/", loc)
                if r.status == 307 and m and int(m.group(1)) != port:
                    port = int(m.group(1))  # the leader, on loopback
                    continue
                if r.status not in (307, 503, 504):
                    return f"legitimate write {command} answered {last}"
            except Exception as e:  # noqa: BLE001
                last = repr(e)
            if deadline.expired() or not self.node.alive():
                return f"legitimate write {command} did not succeed within {self.write_timeout:.0f}s (last: {last})"
            time.sleep(0.1)

    def ping(self, timeout: float = 5.0) -> str | None:
        try:
            r = http_request(self.node.http_port, "GET", "/ping", timeout=timeout)
            if r.status != 200:
                return f"/ping answered {r.status}"
            return None
        except Exception as e:  # noqa: BLE001
            return f"/ping failed: {e!r}"

    def check(self, write: bool = True, settle: float = 0.0) -> list[str]:
        """The per-batch checks: alive, /ping, a legitimate write, RSS bound, data untouched."""
        problems: list[str] = []
        if not self.node.alive():
            return [f"node {self.node.exit_description()}"]
        p = self.ping()
        if p:
            problems.append(p)
        if write:
            p, took = self.legit_write()
            if p:
                problems.append(p)
            elif took > 3.0:
                self.report.note(f"a legitimate write once took {took:.1f}s")
        rss = self.node.rss_kb()
        self.report.observe_rss(rss)
        if rss is not None and rss > RSS_LIMIT_KB:
            problems.append(f"RSS {rss // 1024} MB exceeds {RSS_LIMIT_KB // 1024} MB")
        problems.extend(self.compare(settle))
        if not self.node.alive():
            problems.append(f"node {self.node.exit_description()}")
        return problems


# --------------------------------------------------------------------------- artifacts


def replay_command(fuzzer: str, seed: int, iterations: int, cases: str | None = None,
                   flags: list[str] | None = None) -> str:
    parts = [f"cd {shlex.quote(str(REPO_ROOT))} &&"]
    if os.environ.get("INFLUXD_BIN_DIR"):
        parts.append(f"INFLUXD_BIN_DIR={shlex.quote(os.environ['INFLUXD_BIN_DIR'])}")
    parts += ["python3", "-m", f"faults.fuzz.{fuzzer}", "--seed", str(seed), "--iterations", str(iterations)]
    if cases:
        parts += ["--cases", cases]
    parts += (flags or []) + ["--keep", "/tmp/fuzz-replay"]
    return " ".join(parts)


def save_failure(
    report: FuzzReport,
    keep_root: Path,
    label: str,
    problems: Iterable[str],
    inputs: list[dict[str, Any]],
    node: Node | None,
    cases: str | None,
) -> Path:
    """Keeps the node's log, config and dir plus the failing inputs; prints how to replay."""
    folder = Path(keep_root) / f"{report.fuzzer}-seed{report.seed}-{label}"
    n = 1
    while folder.exists():
        n += 1
        folder = Path(keep_root) / f"{report.fuzzer}-seed{report.seed}-{label}-{n}"
    folder.mkdir(parents=True)
    problems = list(problems)
    if node is not None:
        for src in (node.log_path, node.config_path):
            if src.exists():
                shutil.copy2(src, folder / src.name)
        if node.meta_dir.exists():
            shutil.copytree(node.meta_dir, folder / "meta", dirs_exist_ok=True, ignore_dangling_symlinks=True)
    for i, item in enumerate(inputs):
        raw = item.get("bytes")
        if isinstance(raw, (bytes, bytearray)):
            (folder / f"input-{item.get('case', i)}.bin").write_bytes(raw)
    serialisable = [{k: (hexdump(v, 1 << 16) if isinstance(v, (bytes, bytearray)) else v) for k, v in item.items()} for item in inputs]
    (folder / "inputs.json").write_text(json.dumps(serialisable, indent=2, default=str))
    replay_all = replay_command(report.fuzzer, report.seed, report.iterations, flags=report.flags)
    replay_cases = replay_command(report.fuzzer, report.seed, report.iterations, cases, report.flags) if cases else None
    text = ["problems:"] + [f"  - {p}" for p in problems]
    text += ["", f"replay the seed:   {replay_all}"]
    if replay_cases:
        text.append(f"replay the cases:  {replay_cases}")
    if node is not None:
        text += ["", f"node command: {' '.join(map(shlex.quote, node.command))}", "", "node log tail:", node.log_tail(40)]
    (folder / "README.txt").write_text("\n".join(text) + "\n")
    report.artifacts.append(str(folder))
    for r in (replay_cases, replay_all):
        if r and r not in report.replay:
            report.replay.append(r)
    print(f"[{report.fuzzer}] FAILURE kept in {folder}", file=sys.stderr)
    for p in problems:
        print(f"[{report.fuzzer}]   {p}", file=sys.stderr)
    print(f"[{report.fuzzer}] replay: {replay_cases or replay_all}", file=sys.stderr)
    return folder


# --------------------------------------------------------------------------- CLI


def parse_cases(text: str | None, iterations: int) -> range:
    if not text:
        return range(iterations)
    if "-" in text:
        a, b = text.split("-", 1)
        return range(int(a), int(b) + 1)
    return range(int(text), int(text) + 1)


def main(fuzzer: str, run: Callable[..., FuzzReport], argv: list[str] | None = None, default_iterations: int = 200,
         switches: dict[str, tuple[str, Any, str]] | None = None) -> int:
    """Parses the common flags and runs the fuzzer. `switches` maps a flag to (run() keyword, value when given, help)."""
    ap = argparse.ArgumentParser(prog=f"python3 -m faults.fuzz.{fuzzer}", description=f"influxd-meta {fuzzer} fuzzer")
    for flag, (_, _, text) in (switches or {}).items():
        ap.add_argument(flag, action="store_true", help=text)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=default_iterations)
    ap.add_argument("--keep", help="directory for failure artifacts (and the scratch dir is kept)")
    ap.add_argument("--cases", help="replay only case I or cases A-B of this seed (the checks still run)")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop after this long (default: per fuzzer)")
    ap.add_argument("--batch", type=int, default=None, help="run the health checks every N cases (1 to bisect)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"influxd-meta-fuzz-{fuzzer}-"))
    kwargs: dict[str, Any] = {"keep": args.keep, "cases": args.cases}
    if args.max_seconds is not None:
        kwargs["max_seconds"] = args.max_seconds
    if args.batch is not None:
        kwargs["batch"] = args.batch
    for flag, (name, value, _) in (switches or {}).items():
        if getattr(args, flag.lstrip("-").replace("-", "_")):
            kwargs[name] = value
    report = run(args.seed, args.iterations, str(workdir), **kwargs)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    if not report.failed and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    elif not args.keep:
        print(f"scratch directory kept: {workdir}", file=sys.stderr)
    return 1 if report.failed else 0
