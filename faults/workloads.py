"""Workloads: what clients do, in the history format the checkers read (faults/checker)."""

from __future__ import annotations

import itertools
import threading

from .client import Client, History, now


def record_write(client: Client, history: History, f: str, key: str | None, value, command: dict) -> None:
    """Executes a write and records it (end is None when the outcome is unknown)."""
    start = now()
    ok, index, node, error = client.execute(command)
    history.add({"process": client.process, "f": f, "key": key, "value": value, "start": start,
                 "end": now() if ok is not None else None, "ok": ok, "result": None, "index": index,
                 "node": node, "error": error})


class SetWorkload:
    """Each client creates uniquely named databases; reads list them (linearizable reads)."""

    prefix = "s-"

    def __init__(self) -> None:
        self.counter = itertools.count()
        self.lock = threading.Lock()

    def step(self, client: Client, history: History) -> None:
        if client.rng.random() < 0.7:
            with self.lock:
                n = next(self.counter)
            value = f"{self.prefix}{client.process}-{n}"
            record_write(client, history, "add", None, value, {"type": "create-database", "name": value})
        else:
            start = now()
            data, node = client.read()
            end = now()
            if data is not None:
                names = [d["name"] for d in data.get("databases", []) if d["name"].startswith(self.prefix)]
                history.add({"process": client.process, "f": "read-set", "key": None, "value": None, "start": start,
                             "end": end, "ok": True, "result": names, "index": data["index"], "node": node})


class RegisterWorkload:
    """A boolean register per key: database `r-KEY` present (1) or absent (0). Writes create or
    drop it; reads are linearizable reads of the whole metadata."""

    def __init__(self, keys: int = 4) -> None:
        self.keys = [f"k{i}" for i in range(keys)]

    def step(self, client: Client, history: History) -> None:
        key = client.rng.choice(self.keys)
        if client.rng.random() < 0.5:
            value = client.rng.choice([0, 1])
            command = {"type": "create-database" if value else "drop-database", "name": f"r-{key}"}
            record_write(client, history, "write", key, value, command)
        else:
            start = now()
            data, node = client.read()
            end = now()
            if data is not None:
                present = any(d["name"] == f"r-{key}" for d in data.get("databases", []))
                history.add({"process": client.process, "f": "read", "key": key, "value": None, "start": start,
                             "end": end, "ok": True, "result": 1 if present else 0, "index": data["index"],
                             "node": node})
