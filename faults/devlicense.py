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

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "dev-license.sh")


@functools.cache
def enterprise_section(binaries: str) -> str:
    """An `[enterprise]` table (TOML) pointing a node at the development license."""
    folder = tempfile.mkdtemp(prefix="influxd-meta-dev-license-")
    atexit.register(shutil.rmtree, folder, True)
    made = subprocess.run([SCRIPT, folder, f"{binaries}/influx-license"], capture_output=True, text=True)
    if made.returncode != 0:
        raise RuntimeError(f"development license: {SCRIPT} exited {made.returncode}: {made.stderr.strip()}")
    return (f'\n[enterprise]\nlicense-path = "{folder}/license.json"\n'
            f'license-issuer-keys = ["{folder}/issuer/issuer.pub.pem"]\n')
