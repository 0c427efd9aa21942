"""Start-up time of one node by licensing mode: exec to the first 200 on /ping, median of N.

    python3 bench/license_startup.py [--bin DIR] [--runs 20]

Modes: `license-path` (a file made with `influx-license keygen` and `issue`, verified offline),
`license-key` (fetched from an `influx-license serve` on loopback, the server already warm),
`license-key, server down` (nothing listens at the URL: the grace period begins at once), and
`none` (no licensing: only builds from before the "no license, no start" rule start so; later
builds refuse, and the time to that refusal is printed instead). The issue's bound: a license
file adds well under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "0f5d7de6-f5f9-4e96-9611-5ee3212cae34"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ping(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=0.2)
    try:
        conn.request("GET", "/ping")
        return conn.getresponse().status in (200, 204)
    except OSError:
        return False
    finally:
        conn.close()


def one_start(meta: str, work: Path, enterprise: str) -> tuple[float, bool]:
    """Seconds from exec to /ping answering (True), or to the process exiting (False)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    http_port, raft_port = free_port(), free_port()
    config = work / "influxdb-meta.conf"
    config.write_text(f'hostname = "127.0.0.1"\n[meta]\ndir = "{work}/meta"\n'
                      f'bind-address = "127.0.0.1:{raft_port}"\nhttp-bind-address = "127.0.0.1:{http_port}"\n'
                      f"[logging]\nlevel = \"warn\"\n{enterprise}")
    started = time.monotonic()
    proc = subprocess.Popen([meta, "-config", str(config), "-single-server"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                return time.monotonic() - started, False
            if ping(http_port):
                return time.monotonic() - started, True
            time.sleep(0.001)
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=str(ROOT / ".build/release"), help="folder with influxd-meta")
    parser.add_argument("--tools", default=None, help="folder with influx-license (default: --bin, else .build/debug)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    meta = str(Path(args.bin) / "influxd-meta")
    tools = Path(args.tools or (args.bin if (Path(args.bin) / "influx-license").exists() else ROOT / ".build/debug"))
    license_tool = str(tools / "influx-license")
    scratch = Path(tempfile.mkdtemp(prefix="license-startup-"))
    keys = scratch / "keys"
    subprocess.run([license_tool, "keygen", "-out", str(keys)], check=True, capture_output=True)
    subprocess.run([license_tool, "issue", "-key", str(keys / "issuer.key.pem"), "-org", "Bench", "-expires",
                    "2099-01-01", "-data-nodes", "4", "-cores", "8", "-key-id", KEY, "-out",
                    str(scratch / "license.json")], check=True, capture_output=True)
    (scratch / "keys.json").write_text(f'{{"keys": [{{"key": "{KEY}", "organization": "Bench", '
                                       '"data-nodes": 4, "cores": 8}]}')
    serve_port = free_port()
    server = subprocess.Popen([license_tool, "serve", "-bind", f"127.0.0.1:{serve_port}", "-keys",
                               str(scratch / "keys.json"), "-key", str(keys / "issuer.key.pem")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f'license-issuer-keys = ["{keys}/issuer.pub.pem"]\n'
    modes = {
        "none": "",
        "license-path": f'[enterprise]\nlicense-path = "{scratch}/license.json"\n{issuer}',
        "license-key": f'[enterprise]\nlicense-key = "{KEY}"\n'
                       f'license-server-url = "http://127.0.0.1:{serve_port}/api/v1/licenses"\n{issuer}',
        "license-key, server down": f'[enterprise]\nlicense-key = "{KEY}"\n'
                                    f'license-server-url = "http://127.0.0.1:{free_port()}/api/v1/licenses"\n{issuer}',
    }
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", serve_port)) == 0:
                    break
            time.sleep(0.01)
        print(f"influxd-meta: {meta}; {args.runs} starts per mode, interleaved")
        times: dict[str, list[float]] = {m: [] for m in modes}
        answered: dict[str, bool] = {}
        for i in range(args.runs + 1):
            for mode, enterprise in modes.items():
                seconds, ok = one_start(meta, scratch / "node", enterprise)
                if i > 0:  # the first round warms the page cache
                    times[mode].append(seconds)
                    answered[mode] = ok
        for mode, values in times.items():
            what = "to /ping" if answered[mode] else "to its refusal (exit)"
            q = statistics.quantiles(values, n=10)
            print(f"{mode:26} median {statistics.median(values) * 1000:6.1f} ms  p90 {q[-1] * 1000:6.1f} ms  ({what})")
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
