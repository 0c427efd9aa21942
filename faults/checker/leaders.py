"""Election safety: at most one leader per Raft term.

Input: observations polled from each node's ``/status``:
``{"node": str, "term": int, "leader": str, "time": float}`` -- "at ``time``, ``node`` said the
leader of ``term`` is ``leader``".  An empty or missing ``leader`` (no leader known) is ignored.

What is checked: no two observations name different non-empty leaders for the same term (Raft's
Election Safety property, as seen by the nodes).

What is not checked: that a node's term never decreases, that a leader exists at all (liveness),
or that the reported leader really was leader (a node may repeat a stale but correct value).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

__all__ = ["check_leaders"]

#: Observations named per leader in a violation message.
_SHOWN = 3


def check_leaders(observations: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return one violation string per term for which two different leaders were reported.

    Each string names the term and, per leader, who reported it and when (the first few
    observations in time order).  An empty list means no violation.
    """
    by_term: dict[Any, dict[str, list[Mapping[str, Any]]]] = {}
    for obs in observations:
        leader = obs.get("leader")
        if not leader:
            continue
        by_term.setdefault(obs.get("term"), {}).setdefault(str(leader), []).append(obs)
    violations: list[str] = []
    def term_order(term: Any) -> tuple[bool, int, str]:
        return not isinstance(term, int), term if isinstance(term, int) else 0, repr(term)

    for term in sorted(by_term, key=term_order):
        leaders = by_term[term]
        if len(leaders) < 2:
            continue
        parts = []
        for leader, seen in sorted(leaders.items(), key=lambda kv: min(_time(o) for o in kv[1])):
            seen = sorted(seen, key=_time)
            who = ", ".join(f"{o.get('node')} at {_fmt(_time(o))}" for o in seen[:_SHOWN])
            more = f", ... ({len(seen) - _SHOWN} more)" if len(seen) > _SHOWN else ""
            parts.append(f"{leader!r} (reported by {who}{more})")
        violations.append(f"term {term}: {len(leaders)} different leaders: " + "; ".join(parts))
    return violations


def _time(obs: Mapping[str, Any]) -> float:
    t = obs.get("time")
    return float(t) if isinstance(t, (int, float)) else math.inf


def _fmt(t: float) -> str:
    return "?" if t == math.inf else f"{t:.6f}"
