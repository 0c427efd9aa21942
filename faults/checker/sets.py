"""Checker for the set workload: clients add unique elements and read the whole set.

Operations: ``f="add"`` with a unique ``value``; ``f="read-set"`` with ``result`` (the
elements seen) and ``index`` (the metadata index the read returned).  Only ``ok: true`` reads
are used; unacknowledged reads observed nothing.

What is checked (each rule is implied by linearizability of a grow-only set):

1. **No lost acknowledged add**: an add acknowledged (``ok: true``) before a read was invoked
   (``add.end < read.start``) is in that read.
2. **No phantom element**: every element a read returns was asked for by an add invoked before
   the read completed (``add.start <= read.end``), and that add did not definitely fail
   (``ok: false``).  A read listing an element twice is reported too.
3. **Reads never go backwards**: if read R1 completed before read R2 was invoked
   (``R1.end < R2.start``), then ``R2.index >= R1.index`` (when both carry an index) and every
   element of R1 is in R2.

It also counts acknowledged, failed and unknown adds, and how many unknown (and failed) adds
appeared in some read ("of N unknown adds, M took effect").

What is not checked: a total order of all adds and reads (full linearizability of the set
history -- rules 1-3 are necessary, not sufficient), that an element appeared "soon enough",
and anything about elements removed (the workload never removes).  Equal timestamps are treated
as concurrent (lenient).  Reports are capped per rule (``max_reports``); counts are exact.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Hashable, Sequence

__all__ = ["SetResult", "check_set"]


@dataclass
class SetResult:
    """Outcome of :func:`check_set`.

    ``valid`` is True when ``violations`` is empty.  ``acknowledged``/``failed``/``unknown``
    count adds by outcome; ``unknown_appeared`` (``failed_appeared``) is how many unknown
    (failed) adds were seen in at least one read; ``lost`` is how many acknowledged adds were
    missing from at least one read invoked after the acknowledgement.
    """

    valid: bool
    violations: list[str] = field(default_factory=list)
    acknowledged: int = 0
    failed: int = 0
    unknown: int = 0
    unknown_appeared: int = 0
    failed_appeared: int = 0
    lost: int = 0
    reads: int = 0

    def summary(self) -> str:
        """One line for a report."""
        verdict = "ok" if self.valid else f"{len(self.violations)} violation(s)"
        return (f"set: {verdict}; adds: {self.acknowledged} acknowledged, {self.failed} failed, "
                f"{self.unknown} unknown (of {self.unknown} unknown, {self.unknown_appeared} took "
                f"effect); {self.reads} reads; {self.lost} acknowledged adds missing from a later "
                f"read")


@dataclass(slots=True)
class _Add:
    pos: int
    raw: dict[str, Any]
    value: Hashable
    start: float
    end: float  # math.inf when unknown
    ok: bool | None


@dataclass(slots=True)
class _Read:
    pos: int
    raw: dict[str, Any]
    elements: list[Hashable]
    members: set[Hashable]
    index: int | None
    start: float
    end: float


def _t(t: float) -> str:
    return "?" if t == math.inf else f"{t:.6f}"


def _add_str(a: _Add) -> str:
    status = {True: "ok", False: "FAILED (ok:false)", None: "unknown"}[a.ok]
    end = "?" if a.raw.get("end") is None else _t(a.raw["end"])
    return f"add {a.value!r} (#{a.pos} p{a.raw.get('process')} [{_t(a.start)}, {end}] {status})"


def _read_str(r: _Read) -> str:
    node = f" via {r.raw['node']}" if r.raw.get("node") else ""
    return (f"read #{r.pos} p{r.raw.get('process')} [{_t(r.start)}, {_t(r.end)}] "
            f"index {r.index} ({len(r.members)} elements){node}")


def _few(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


class _Reporter:
    """Collects violation strings, at most ``cap`` per rule, counting the rest."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.out: list[str] = []
        self.counts: dict[str, int] = {}

    def add(self, rule: str, text: str) -> None:
        n = self.counts.get(rule, 0) + 1
        self.counts[rule] = n
        if n <= self.cap:
            self.out.append(f"{rule}: {text}")

    def finish(self) -> list[str]:
        for rule, n in self.counts.items():
            if n > self.cap:
                self.out.append(f"{rule}: ... and {n - self.cap} more such violations")
        return self.out


def _parse(ops: Sequence[dict[str, Any]]) -> tuple[list[_Add], list[_Read]]:
    adds: list[_Add] = []
    reads: list[_Read] = []
    for pos, raw in enumerate(ops):
        f, ok = raw.get("f"), raw.get("ok")
        if f not in ("add", "read-set"):
            raise ValueError(f"op #{pos}: f={f!r} is not a set operation: {raw}")
        if ok not in (True, False, None):
            raise ValueError(f"op #{pos}: ok must be true, false or null: {raw}")
        start, end = raw.get("start"), raw.get("end")
        if not isinstance(start, (int, float)):
            raise ValueError(f"op #{pos}: no start time: {raw}")
        if ok is True and end is None:
            raise ValueError(f"op #{pos}: acknowledged but no end time: {raw}")
        if end is not None and (not isinstance(end, (int, float)) or end < start):
            raise ValueError(f"op #{pos}: bad end time (not a number, or before start): {raw}")
        if f == "add":
            if raw.get("value") is None:
                raise ValueError(f"op #{pos}: add without value: {raw}")
            finite_end = float(end) if ok is not None and end is not None else math.inf
            adds.append(_Add(pos, raw, raw["value"], float(start), finite_end, ok))
        elif ok is True:
            result = raw.get("result")
            if not isinstance(result, list):
                raise ValueError(f"op #{pos}: acknowledged read-set without a list result: {raw}")
            assert end is not None  # acknowledged: checked above
            index = raw.get("index")
            reads.append(_Read(pos, raw, result, set(result),
                               index if isinstance(index, int) else None, float(start), float(end)))
    return adds, reads


def check_set(ops: list[dict[str, Any]], *, max_reports: int = 50) -> SetResult:
    """Check a set-workload history against rules 1-3 of the module docstring.

    ``max_reports`` caps the violation strings kept per rule (a summary line says how many more
    there were).  Raises ValueError on an operation the history format does not allow.
    """
    adds, reads = _parse(ops)
    rep = _Reporter(max_reports)
    result = SetResult(valid=True, reads=len(reads))
    result.acknowledged = sum(1 for a in adds if a.ok is True)
    result.failed = sum(1 for a in adds if a.ok is False)
    result.unknown = sum(1 for a in adds if a.ok is None)

    by_value: dict[Hashable, list[_Add]] = {}
    for a in adds:
        by_value.setdefault(a.value, []).append(a)
    for value, same in by_value.items():
        if len(same) > 1:
            rep.add("duplicate add", f"{len(same)} adds of the same value {value!r} "
                    f"(values must be unique; the first non-failed one is used): "
                    f"{_few([_add_str(a) for a in same])}")

    # Which adds appeared at all.
    seen_anywhere: set[Hashable] = set()
    for r in reads:
        seen_anywhere |= r.members
    result.unknown_appeared = sum(1 for a in adds if a.ok is None and a.value in seen_anywhere)
    result.failed_appeared = sum(1 for a in adds if a.ok is False and a.value in seen_anywhere)

    _rule_acknowledged_visible(adds, reads, rep, result)
    _rule_no_phantoms(adds, by_value, reads, rep)
    _rule_monotonic(reads, rep)

    result.violations = rep.finish()
    result.valid = not result.violations
    return result


def _rule_acknowledged_visible(adds: list[_Add], reads: list[_Read], rep: _Reporter,
                               result: SetResult) -> None:
    """Rule 1: an add acknowledged before a read started is in the read."""
    acked = sorted((a for a in adds if a.ok is True), key=lambda a: a.end)
    acked_by_value = {a.value: a for a in acked}
    missing: dict[Hashable, list[_Read]] = {}  # acknowledged value -> reads missing it
    prefix: set[Hashable] = set()  # values acknowledged before the current read started
    i = 0
    for r in sorted(reads, key=lambda r: r.start):
        while i < len(acked) and acked[i].end < r.start:
            prefix.add(acked[i].value)
            i += 1
        for v in prefix - r.members:
            missing.setdefault(v, []).append(r)
    result.lost = len(missing)
    for v in sorted(missing, key=lambda v: acked_by_value[v].end):
        a, rs = acked_by_value[v], missing[v]
        later = [r for r in reads if r.start > a.end]
        seen_after = sum(1 for r in later if a.value in r.members)
        fate = ("never seen by any later read (lost)" if not seen_after else
                f"seen by {seen_after} of the {len(later)} later reads")
        rep.add("lost acknowledged add",
                f"{_add_str(a)} is missing from {len(rs)} read(s) invoked after it was "
                f"acknowledged; {fate}; first: {_read_str(rs[0])}"
                + (f"; last: {_read_str(rs[-1])}" if len(rs) > 1 else ""))


def _rule_no_phantoms(adds: list[_Add], by_value: dict[Hashable, list[_Add]],
                      reads: list[_Read], rep: _Reporter) -> None:
    """Rule 2: every element read was added (not definitely failed) before the read ended."""
    problems: dict[tuple[str, Hashable], list[_Read]] = {}
    # Values of adds that did not definitely fail, by invocation time.
    live = sorted((a for a in adds if a.ok is not False), key=lambda a: a.start)
    invoked: set[Hashable] = set()  # values of live adds invoked by the current read's end
    i = 0
    for r in sorted(reads, key=lambda r: r.end):
        while i < len(live) and live[i].start <= r.end:
            invoked.add(live[i].value)
            i += 1
        if len(r.elements) != len(r.members):
            dups = sorted(repr(v) for v, n in Counter(r.elements).items() if n > 1)
            rep.add("duplicate element", f"{_read_str(r)} lists {_few(dups)} more than once")
        for v in r.members - invoked:
            candidates = by_value.get(v)
            if not candidates:
                kind = "never added"
            elif all(a.ok is False for a in candidates):
                kind = "failed add"
            else:
                kind = "read before add"
            problems.setdefault((kind, v), []).append(r)
    for (kind, v), rs in sorted(problems.items(), key=lambda kv: kv[1][0].end):
        first = f"first: {_read_str(rs[0])}"
        if len(rs) > 1:
            first += f"; last: {_read_str(rs[-1])}"
        if kind == "never added":
            rep.add("phantom element", f"{v!r} was returned by {len(rs)} read(s) but never "
                    f"added; {first}")
        elif kind == "failed add":
            rep.add("failed add appeared",
                    f"{_add_str(by_value[v][0])} definitely failed but {v!r} was returned by "
                    f"{len(rs)} read(s); {first}")
        else:
            adds = [a for a in by_value[v] if a.ok is not False]
            rep.add("element read before its add",
                    f"{v!r} was returned by {len(rs)} read(s) that completed before "
                    f"{_add_str(adds[0])} was invoked; {first}")


def _rule_monotonic(reads: list[_Read], rep: _Reporter) -> None:
    """Rule 3: a read invoked after another completed sees a superset and an index >= it."""
    by_end = sorted(reads, key=lambda r: r.end)
    first_seen: dict[Hashable, _Read] = {}  # element -> earliest-ending earlier read with it
    top: _Read | None = None  # the earlier read with the highest index
    top_index = -math.inf
    j = 0
    for r2 in sorted(reads, key=lambda r: r.start):
        while j < len(by_end) and by_end[j].end < r2.start:
            r1 = by_end[j]
            for v in r1.members - first_seen.keys():
                first_seen[v] = r1
            if r1.index is not None and r1.index > top_index:
                top, top_index = r1, r1.index
            j += 1
        if top is not None and r2.index is not None and r2.index < top_index:
            rep.add("index went backwards",
                    f"{_read_str(r2)} returned index {r2.index} but {_read_str(top)}, which "
                    f"completed before it was invoked, returned index {top.index}")
        gone = first_seen.keys() - r2.members
        if gone:
            gone_sorted = sorted(gone, key=lambda v: (first_seen[v].end, repr(v)))
            rep.add("element disappeared",
                    f"{_read_str(r2)} is missing {len(gone)} element(s) returned by reads "
                    f"that completed before it was invoked: "
                    + _few([f"{v!r} (seen by read #{first_seen[v].pos} "
                            f"[{_t(first_seen[v].start)}, {_t(first_seen[v].end)}])"
                            for v in gone_sorted]))
