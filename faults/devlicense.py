"""The development license every node of the suite runs with (influxd-meta does not start without
one): an issuer and a license made once per process by scripts/dev-license.sh with the built
influx-license, in a temporary folder removed at exit."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import time

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "dev-license.sh")


@functools.cache
def enterprise_section(binaries: str, data_nodes: int | None = None) -> str:
    """An `[enterprise]` table (TOML) pointing a node at the development license; with
    `data_nodes`, at one of the same issuer that allows that many data nodes (the script's
    allows 4)."""
    folder = tempfile.mkdtemp(prefix="influxd-meta-dev-license-")
    atexit.register(shutil.rmtree, folder, True)
    made = subprocess.run([SCRIPT, folder, f"{binaries}/influx-license"], capture_output=True, text=True)
    if made.returncode != 0:
        raise RuntimeError(f"development license: {SCRIPT} exited {made.returncode}: {made.stderr.strip()}")
    license = f"{folder}/license.json"
    if data_nodes is not None:
        license = f"{folder}/license-{data_nodes}-data-nodes.json"
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 365 * 86400))
        made = subprocess.run([f"{binaries}/influx-license", "issue", "-key", f"{folder}/issuer/issuer.key.pem",
                               "-org", "development (fault suite)", "-plan", "development", "-expires", expires,
                               "-data-nodes", str(data_nodes), "-cores", "16", "-meta-nodes", "5", "-out", license],
                              capture_output=True, text=True)
        if made.returncode != 0:
            raise RuntimeError(f"development license for {data_nodes} data nodes: influx-license issue exited "
                               f"{made.returncode}: {made.stderr.strip()}")
    return (f'\n[enterprise]\nlicense-path = "{license}"\n'
            f'license-issuer-keys = ["{folder}/issuer/issuer.pub.pem"]\n')
