"""Adversarial-input fuzzers for influxd-meta ("bad input on every port").

Modules:
    http    -- the HTTP API (http-bind-address)
    raft    -- the Raft listener (bind-address): our preamble, then libraft's wire format
    config  -- `influxd-meta config -config <file>` and INFLUXDB_* environment variables
    license -- mutated license files to `influx-license inspect` and node start-up (license-path)

Each exposes ``run(seed, iterations, workdir) -> FuzzReport`` and a CLI:
``python3 -m faults.fuzz.<name> --seed S --iterations N [--keep DIR]``.
Standard library only.
"""

from .common import FuzzReport

__all__ = ["FuzzReport"]
