"""influx-console and meta clusters that register with it, on 127.0.0.1, from the built binaries
(INFLUXD_BIN_DIR, default .build/debug): the browser tests (faults/tests/test_console_browser.py)
and the console benchmark (bench/console.py) start them through this module.

`Console` runs `influx-console -bind 127.0.0.1:0` and reads its address from the line it prints
when serving; `RegisteredCluster` runs meta nodes with a development license
(faults/devlicense.py) and `[enterprise] registration-enabled = true` pointing at the console,
joins them with `influxd-ctl join`, finds and kills the leader. `chromium()` launches Debian's
chromium headless through Playwright.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from .devlicense import enterprise_section

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SERVING = re.compile(r"influx-console: serving on (\S+):(\d+) \((https?)\)")


def bin_dir() -> Path:
    env = os.environ.get("INFLUXD_BIN_DIR")
    return Path(env).resolve() if env else REPO / ".build" / "debug"


def artifacts_dir() -> Path:
    """Where screenshots go: `$CONSOLE_ARTIFACTS`, default `.build/artifacts/console/`."""
    path = Path(os.environ.get("CONSOLE_ARTIFACTS", REPO / ".build" / "artifacts" / "console"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "no playwright (pip install playwright; scripts/install-deps.sh)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no chromium at {CHROMIUM} (apt-get install chromium; scripts/install-deps.sh)"
    return None


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium (Debian's, not Playwright's download) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def wait_until(what: str, predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Polls `predicate` until it returns something truthy; raises TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - polling: any error means "not yet"
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(addr: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 2.0) -> tuple[int, bytes]:
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Accept": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def rss_kb(pid: int) -> int:
    """VmRSS of a process, KiB (0 once it is gone)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Process:
    """A child process with its log file, killed (SIGKILL) and reaped by `kill`."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_path = root / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def spawn(self, command: list[str]) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.root, start_new_session=True)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()

    def log(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class Console(Process):
    """`influx-console -bind 127.0.0.1:0 -db <root>/console.db` plus `flags`; `url` once serving."""

    def __init__(self, root: Path, flags: list[str] | None = None, poll_interval: str = "1s"):
        super().__init__(Path(root), "influx-console")
        self.flags = flags or []
        self.poll_interval = poll_interval
        self.db = self.root / "console.db"
        self.url = ""

    def start(self, timeout: float = 30.0) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.spawn([str(bin_dir() / "influx-console"), "-bind", "127.0.0.1:0", "-db", str(self.db),
                    "-poll-interval", self.poll_interval, *self.flags])

        def serving() -> str | None:
            if not self.alive:
                raise RuntimeError(f"influx-console exited {self.proc.returncode}: {self.log()}")
            text = self.log_path.read_text(errors="replace")[offset:]
            found = SERVING.search(text)
            return found and f"{found.group(3)}://{found.group(1)}:{found.group(2)}"

        deadline = time.monotonic() + timeout
        while not (url := serving()):
            if time.monotonic() >= deadline:
                self.kill()
                raise TimeoutError(f"influx-console did not print 'serving on' within {timeout}s: {self.log()}")
            time.sleep(0.05)
        self.url = url

    @property
    def address(self) -> str:
        return self.url.split("://", 1)[1]

    def clusters(self) -> list[str]:
        """Cluster ids on the console's `/` page (its `data-testid="cluster-link"` anchors)."""
        status, body = request(self.address, "GET", "/", headers={"Accept": "text/html"})
        if status != 200:
            return []
        links = re.findall(r'<a\b[^>]*data-testid="cluster-link"[^>]*>', body.decode("utf-8", "replace"))
        return [m.group(1) for link in links if (m := re.search(r'href="/clusters/([^"/?]+)', link))]


class MetaNode(Process):
    """One influxd-meta on 127.0.0.1 with registration on, not in single-server mode."""

    def __init__(self, root: Path, enterprise_extra: str, meta_extra: str = ""):
        super().__init__(Path(root), "influxd-meta")
        self.http_port, self.raft_port = free_port(), free_port()
        while self.raft_port == self.http_port:
            self.raft_port = free_port()
        self.config_path = self.root / "influxdb-meta.conf"
        self.config_path.write_text(
            f'hostname = "127.0.0.1"\n[meta]\ndir = "{self.root / "meta"}"\n'
            f'bind-address = "127.0.0.1:{self.raft_port}"\nhttp-bind-address = "127.0.0.1:{self.http_port}"\n'
            'election-timeout = "500ms"\nheartbeat-timeout = "500ms"\nleader-lease-timeout = "250ms"\n'
            + meta_extra + '\n[logging]\nlevel = "info"\n'
            + enterprise_section(str(bin_dir())) + enterprise_extra)

    @property
    def http(self) -> str:
        return f"127.0.0.1:{self.http_port}"

    @property
    def raft(self) -> str:
        return f"127.0.0.1:{self.raft_port}"

    def start(self) -> None:
        self.spawn([str(bin_dir() / "influxd-meta"), "-config", str(self.config_path)])

    def status(self) -> dict | None:
        """`GET /status` (JSON), or None."""
        try:
            code, body = request(self.http, "GET", "/status", timeout=1.0)
            return json.loads(body) if code == 200 else None
        except (OSError, http.client.HTTPException, ValueError):
            return None

    def answers(self) -> bool:
        try:
            return request(self.http, "GET", "/ping", timeout=1.0)[0] == 200
        except (OSError, http.client.HTTPException):
            return False


class RegisteredCluster:
    """`count` meta nodes that register with the console at `console_url` every `stats_interval`.

    With `auth` (user, password) the nodes run `auth-enabled = true` and the first admin is made
    with `influxd-ctl user create` once they have joined.
    """

    def __init__(self, root: Path, console_url: str, count: int = 3, stats_interval: str = "1s",
                 token: str = "", auth: tuple[str, str] | None = None):
        self.root = Path(root)
        self.auth = auth
        self.admin_made = False  # with auth: influxd-ctl runs without credentials until the first admin exists
        extra = ('registration-enabled = true\n'
                 f'registration-server-url = "{console_url}"\n'
                 f'registration-stats-interval = "{stats_interval}"\n')
        if token:
            extra += f'registration-token = "{token}"\n'
        meta_extra = ('auth-enabled = true\ninternal-shared-secret = "console test secret"\n'
                      'shared-secret = "console test user secret"\n') if auth else ""
        self.nodes = [MetaNode(self.root / f"node{i}", extra, meta_extra) for i in range(1, count + 1)]

    def ctl(self, *args: str, via: MetaNode | None = None, check: bool = True, stdin: str = "",
            timeout: float = 30.0) -> subprocess.CompletedProcess:
        node = via or next(n for n in self.nodes if n.alive)
        credentials = (["-auth-type", "basic", "-user", self.auth[0], "-pwd", self.auth[1]]
                       if self.auth and self.admin_made else [])
        # -config: the node's internal-shared-secret signs the membership calls with auth on
        command = [str(bin_dir() / "influxd-ctl"), "-bind", node.http, "-config", str(node.config_path),
                   *credentials, *args]
        result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"influxd-ctl {' '.join(args)} exited {result.returncode}: "
                               f"{(result.stderr or result.stdout).strip()}")
        return result

    def start(self, timeout: float = 60.0) -> None:
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            wait_until(f"{node.http} to answer /ping ({node.log_path})", node.answers, timeout)
        first = self.nodes[0]
        for node in self.nodes:
            # a join may race the first election; retried until the deadline
            wait_until(f"influxd-ctl join {node.http}",
                       lambda n=node: self.ctl("join", n.http, via=first, check=False).returncode == 0, timeout, 0.5)
        if self.auth:
            name, password = self.auth
            self.ctl("user", "create", name, "-admin", via=first, stdin=f"{password}\n{password}\n")
            self.admin_made = True
        self.wait_for_leader(timeout)

    def leader(self) -> MetaNode | None:
        """The live node the live nodes say leads (by /status), if any."""
        for node in self.nodes:
            if not node.alive:
                continue
            status = self.status(node)
            leader = status and status.get("leader")
            if leader:
                found = next((n for n in self.nodes if n.raft == leader and n.alive), None)
                if found is not None:
                    return found
        return None

    def status(self, node: MetaNode) -> dict | None:
        if not self.auth:
            return node.status()
        import base64

        token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
        try:
            code, body = request(node.http, "GET", "/status", headers={"Authorization": f"Basic {token}"})
            return json.loads(body) if code == 200 else None
        except (OSError, http.client.HTTPException, ValueError):
            return None

    def wait_for_leader(self, timeout: float = 30.0, other_than: MetaNode | None = None) -> MetaNode:
        return wait_until("a leader", lambda: (l := self.leader()) is not None and l is not other_than and l, timeout)

    def databases(self) -> list[str]:
        """Database names in the metadata (`GET /` as JSON) of a live node."""
        for node in self.nodes:
            if not node.alive:
                continue
            headers = {}
            if self.auth:
                import base64

                token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
                headers["Authorization"] = f"Basic {token}"
            try:
                code, body = request(node.http, "GET", "/", headers=headers)
            except (OSError, http.client.HTTPException):
                continue
            if code == 200:
                return [db["name"] for db in json.loads(body).get("databases") or []]
        return []

    def cluster_id(self) -> str:
        """The cluster id, as /status reports it (decimal string)."""
        for node in self.nodes:
            status = self.status(node) if node.alive else None
            if status and status.get("clusterID") is not None:
                return str(status["clusterID"])
        return ""

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
