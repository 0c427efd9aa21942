"""`influxd-ctl backup` draws its progress bar on a terminal only.

A node holds a little over 1 MiB of metadata (the bar's threshold), and the backup runs twice:
once under a pseudo-terminal, where the bar is drawn, and once with standard output a pipe,
where it is not. Both must write the same complete backup line.
"""

from __future__ import annotations

import http.client
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from faults.fuzz.common import Node, bin_dir  # noqa: E402

pytestmark = pytest.mark.skipif(not (bin_dir() / "influxd-ctl").exists(),
                                reason=f"no influxd-ctl in {bin_dir()} (set INFLUXD_BIN_DIR)")

# 4,300 databases with 250-byte names: about 1.1 MB of protobuf `Data`.
DATABASES = 4_300


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = Node(tmp_path_factory.mktemp("node"))
    n.start()
    conn = http.client.HTTPConnection("127.0.0.1", n.http_port, timeout=30)
    try:
        for i in range(DATABASES):
            body = json.dumps({"type": "create-database", "name": f"{i:06d}" + "x" * 244}).encode()
            conn.request("POST", "/execute", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, i
    finally:
        conn.close()
    yield n
    n.stop()


def backup_command(node: Node, directory: Path) -> list[str]:
    return [str(bin_dir() / "influxd-ctl"), "-bind", f"127.0.0.1:{node.http_port}", "backup", str(directory)]


def run_on_terminal(command: list[str]) -> tuple[int, str]:
    """Runs `command` with a pseudo-terminal as standard output; returns its exit code and output."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=terminal, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    os.close(terminal)
    output = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.wait(timeout=60), output.decode(errors="replace")


def test_bar_on_a_terminal_only(node, tmp_path):
    code, shown = run_on_terminal(backup_command(node, tmp_path / "tty"))
    assert code == 0, shown
    assert "[" in shown and "% of 1." in shown and "MiB" in shown, shown
    assert "100% of" in shown, shown
    assert "Backed up to" in shown

    piped = subprocess.run(backup_command(node, tmp_path / "pipe"), capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert "MiB" not in piped.stdout and "\r" not in piped.stdout, piped.stdout
    assert piped.stdout.startswith("Backing up meta data... Done."), piped.stdout
    assert "Backed up to" in piped.stdout
