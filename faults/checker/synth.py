"""Synthetic histories, for the checkers' tests and benchmarks (not used by the harness).

The histories come from simulating a correct (linearizable) service: ``processes`` clients
issue one operation at a time; every operation that takes effect does so atomically at a random
instant inside its interval (an unknown write: at a random instant after its start, possibly
long after the client gave up, or never); reads return the state at their instant.  Any history
produced here is therefore linearizable, and its set rules hold.
"""

from __future__ import annotations

import heapq
import random
from typing import Any

__all__ = ["random_register_history", "random_set_history"]


def _schedule(processes: int, rng: random.Random, mean_gap: float
              ) -> list[tuple[float, int]]:
    heap = [(rng.expovariate(1 / mean_gap), p) for p in range(processes)]
    heapq.heapify(heap)
    return heap


def random_register_history(n_ops: int, *, keys: int = 1, processes: int = 8, seed: int = 0,
                            write_ratio: float = 0.5, p_unknown: float = 0.05,
                            p_failed: float = 0.05, p_read_dropped: float = 0.02,
                            p_unknown_applied: float = 0.5, mean_latency: float = 0.01,
                            mean_gap: float = 0.002) -> list[dict[str, Any]]:
    """A linearizable register history of ``n_ops`` ops on keys ``k0..k{keys-1}``.

    Writes are acknowledged, failed (``ok: false``, never applied, probability ``p_failed``) or
    unknown (``ok: null, end: null``, applied with probability ``p_unknown_applied``,
    probability ``p_unknown``).  Reads are acknowledged, or dropped (probability
    ``p_read_dropped``; recorded as ``ok: false`` without a result).  Ops are returned in
    invocation order.
    """
    rng = random.Random(seed)
    heap = _schedule(processes, rng, mean_gap)
    ops: list[dict[str, Any]] = []
    effects: list[tuple[float, int]] = []  # (instant it takes effect, op position)
    for _ in range(n_ops):
        start, process = heapq.heappop(heap)
        latency = rng.expovariate(1 / mean_latency)
        op: dict[str, Any] = {"process": process, "key": f"k{rng.randrange(keys)}", "value": None,
                              "start": start, "end": start + latency, "ok": True, "result": None,
                              "index": None, "node": f"n{rng.randrange(3) + 1}"}
        busy_until = start + latency
        if rng.random() < write_ratio:
            op.update(f="write", value=rng.randint(0, 1))
            r = rng.random()
            if r < p_unknown:
                op.update(ok=None, end=None)
                busy_until = start + 3 * mean_latency  # the client's timeout
                if rng.random() < p_unknown_applied:
                    effects.append((start + rng.random() * 20 * mean_latency, len(ops)))
            elif r < p_unknown + p_failed:
                op.update(ok=False)
            else:
                effects.append((start + rng.random() * latency, len(ops)))
        else:
            op.update(f="read")
            if rng.random() < p_read_dropped:
                op.update(ok=False)
            else:
                effects.append((start + rng.random() * latency, len(ops)))
        ops.append(op)
        heapq.heappush(heap, (busy_until + rng.expovariate(1 / mean_gap), process))
    state: dict[str, int] = {}
    index = 0
    for _, pos in sorted(effects):
        op = ops[pos]
        if op["f"] == "write":
            state[op["key"]] = op["value"]
            index += 1
            if op["ok"]:
                op["index"] = index
        else:
            op["result"] = state.get(op["key"], 0)
            op["index"] = index
    return ops


def random_set_history(n_ops: int, *, processes: int = 8, seed: int = 0, add_ratio: float = 0.6,
                       p_unknown: float = 0.05, p_failed: float = 0.05,
                       p_unknown_applied: float = 0.5, mean_latency: float = 0.01,
                       mean_gap: float = 0.002) -> list[dict[str, Any]]:
    """A history of the set workload from a correct grow-only set (same shape as above)."""
    rng = random.Random(seed)
    heap = _schedule(processes, rng, mean_gap)
    ops: list[dict[str, Any]] = []
    effects: list[tuple[float, int]] = []
    for i in range(n_ops):
        start, process = heapq.heappop(heap)
        latency = rng.expovariate(1 / mean_latency)
        op: dict[str, Any] = {"process": process, "key": None, "value": None, "start": start,
                              "end": start + latency, "ok": True, "result": None, "index": None,
                              "node": f"n{rng.randrange(3) + 1}"}
        busy_until = start + latency
        if rng.random() < add_ratio:
            op.update(f="add", value=f"s-{process}-{i}")
            r = rng.random()
            if r < p_unknown:
                op.update(ok=None, end=None)
                busy_until = start + 3 * mean_latency
                if rng.random() < p_unknown_applied:
                    effects.append((start + rng.random() * 20 * mean_latency, i))
            elif r < p_unknown + p_failed:
                op.update(ok=False)
            else:
                effects.append((start + rng.random() * latency, i))
        else:
            op.update(f="read-set")
            effects.append((start + rng.random() * latency, i))
        ops.append(op)
        heapq.heappush(heap, (busy_until + rng.expovariate(1 / mean_gap), process))
    elements: list[str] = []
    for _, pos in sorted(effects):
        op = ops[pos]
        if op["f"] == "add":
            elements.append(op["value"])
            op["index"] = len(elements)
        else:
            op["result"] = sorted(elements)
            op["index"] = len(elements)
    return ops
