"""Linearizability checker for the register workload (one boolean register per key).

What is checked
---------------
That the history of every key, taken alone, is linearizable with respect to a register whose
initial value is ``initial`` (0: the database is absent): there is a total order of the
operations that (a) respects real time -- if A completed before B was invoked, A comes first --
and (b) is a legal sequential register history -- every read returns the value of the latest
write before it.  Registers on different keys are independent objects, so by locality
(P-compositionality, Horn & Kroening 2015) the whole history is linearizable iff every per-key
sub-history is; each key is checked on its own.

How operations are treated
--------------------------
- ``ok: true`` write: happened, at some instant in ``[start, end]``.
- ``ok: false`` write: definitely did not happen -- dropped.
- ``ok: null`` write (whatever its ``end``): may have happened at any instant after ``start``,
  or never.  Its end is taken as +infinity and the search may leave it out: the search succeeds
  once every operation with a finite end is placed.  Each takes effect at most once.
- ``ok: true`` read: observed ``result`` at some instant in ``[start, end]``.
- any other read: dropped (it observed nothing).
- Two intervals that merely touch (``a.end == b.start``) are treated as concurrent (lenient:
  the clock cannot order them).

What is not checked
-------------------
Anything across keys (multi-key atomicity), the ``index`` and ``node`` fields, and whether
unknown writes *should* have happened.  Clock skew between client hosts is not modelled: times
must come from one monotonic clock.  Note that once unknown writes of both values are pending,
a later read can often be explained by one of them taking effect late; only the "at most once"
rule then constrains the history, so such histories detect fewer anomalies.

Algorithm
---------
Two exact searches over the same space of configurations *(finite ops linearized, register
value, unknown writes used)*, both in the style of Wing & Gong as improved by Lowe ("Testing for
linearizability", 2017) and used by Porcupine.  At a configuration the candidates are the
unlinearized ops invoked before the first pending return, plus the unknown writes invoked by
then; the first pending op must be linearized before anything returning later.

1. A depth-first search (:func:`_dfs`): the call and return events form a doubly linked list
   in time order; a candidate is lifted out of it when linearized and put back on
   backtracking; Lowe's cache stops any configuration from being explored twice.  It goes
   straight through a linearizable history in a few steps per op, so it runs first, with a
   small step budget (``_PROBE_STEPS_*``).
2. If that does not settle the key, a level-by-level sweep (:func:`_sweep`): the set of all
   configurations with L finite ops linearized, for L = 0, 1, ...; the history is
   linearizable iff the last level is reached.  It never revisits a level, so its cost is
   ``n`` times the configurations per level, whatever order they are found in; it settles
   violations and heavy concurrency that make the depth-first search thrash.

Both apply these rules, each of which keeps the search exact (sound and complete):

- *Reads go first.*  A candidate read that returns the current value is linearized at once
  and is the only successor of its configuration: moving such a read to the front of any valid
  completion keeps it valid.  Only writes branch.
- *Unknown writes by count.*  Invoked unknown writes of the same value are interchangeable,
  so the ones used are always the earliest of their value: 2^u subsets of u unknown writes
  become (u0 + 1) * (u1 + 1) counts.  The depth-first search tries them after the finite ops.
- *Dominance.*  A configuration is dropped if one with the same finite ops and value and no
  more unknown writes of each value used was explored (unknown writes are optional: fewer used
  means more options).
- *Compact keys.*  Finite ops are numbered in return order; every op that returned before the
  frontier is linearized, so the depth-first cache stores the mask as (mask >> ones, ones).

Complexity
----------
With ``n`` ops on a key, at most ``c`` finite ops concurrent at any instant and ``u0``/``u1``
unknown writes of each value, there are at most ``2^c * 2 * (u0 + 1) * (u1 + 1)``
configurations per level (fewer after dominance: the unknown-write counts kept form an
antichain, at most ``min(u0, u1) + 1`` of them), so the sweep is
``O(n * c * 2^c * (min(u0, u1) + 1))``.  Only writes branch, so in practice ``c`` is the number
of concurrent *writes*, bounded by the number of client processes.  Measured in CPython (on a
loaded 2-CPU machine): a linearizable 3000-op key with 8 client processes takes ~35 ms
(depth-first, ~1.7 steps per op); the same key followed by a violation that can only be found
by counting its 72 unknown writes takes ~1.1 s (sweep, ~60 configurations per level).  A step
budget (per search) and a time budget per key stop the search; the result is then "unknown
(budget exceeded)".
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable, Sequence

__all__ = ["CheckResult", "check_register", "DEFAULT_MAX_STEPS", "DEFAULT_TIME_LIMIT"]

#: Default step budget of each search of a key (a step is about a microsecond).
DEFAULT_MAX_STEPS = 5_000_000
#: Default time budget per key, in seconds.
DEFAULT_TIME_LIMIT = 30.0
#: Step budget of the depth-first search, which runs first: per op, plus a constant.
_PROBE_STEPS_PER_OP = 20
_PROBE_STEPS_BASE = 10_000
#: How many trailing ops of the longest partial linearization an explanation shows.
_CONTEXT_OPS = 6
#: How many pending ops an explanation lists at most.
_MAX_PENDING_LISTED = 12


@dataclass
class CheckResult:
    """Outcome of a linearizability check.

    ``valid`` is True (linearizable), False (violation) or None (unknown: the budget ran out).
    ``key`` is the offending key (for an aggregate result: the first key that failed, else the
    first key whose check was inconclusive, else None).  ``explanation`` is meant for a person;
    for a violation it names the operation that could not be linearized, the ops still
    pending at that point and the possible register values.  ``checked_ops`` counts the
    operations the search considered (failed writes and unacknowledged reads excluded).
    An aggregate result lists the per-key results in ``per_key``.
    """

    valid: bool | None
    key: Any
    explanation: str
    checked_ops: int
    steps: int = 0
    elapsed: float = 0.0
    per_key: list["CheckResult"] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``"ok"``, ``"VIOLATION"`` or ``"unknown"``."""
        return {True: "ok", False: "VIOLATION", None: "unknown"}[self.valid]


@dataclass(slots=True)
class _Op:
    """One operation of a key's sub-history, normalised."""

    idx: int  # position in the key's list
    pos: int  # position in the caller's list: how the op is named in explanations
    raw: dict[str, Any]
    is_write: bool
    value: Any  # written value, or the value read
    start: float
    end: float  # math.inf for unknown writes
    unknown: bool


@dataclass
class _Outcome:
    """What a search found for one key."""

    status: str  # "ok", "fail", "budget"
    steps: int = 0
    witness: list[int] = field(default_factory=list)  # op idx, in linearization order
    blocking: int = -1  # op idx that could not be linearized at the furthest point
    states: set[Hashable] = field(default_factory=set)  # register values at that point
    prefix: list[int] = field(default_factory=list)  # one partial linearization reaching it


class _KeyHistory:
    """One key's ops, arranged for the searches.

    Finite ops (acknowledged writes and reads) are numbered by *rank*, their return order.
    Unknown writes are grouped by value into *classes*, each in invocation order; the bits of
    a class's writes are contiguous, so "no more of each class" is "subset of the bits".
    """

    def __init__(self, ops: Sequence[_Op]) -> None:
        self.ops = ops
        finite = sorted((o for o in ops if not o.unknown), key=lambda o: (o.end, o.start, o.pos))
        self.n_finite = len(finite)
        self.f_idx = [o.idx for o in finite]
        self.f_start = [o.start for o in finite]
        self.f_end = [o.end for o in finite]
        self.f_write = [o.is_write for o in finite]
        self.f_value = [o.value for o in finite]
        classes: dict[Any, list[_Op]] = {}
        for o in sorted((o for o in ops if o.unknown), key=lambda o: (o.start, o.pos)):
            classes.setdefault(o.value, []).append(o)
        self.n_cls = len(classes)
        self.cls_value = list(classes)
        self.cls_idx = [[o.idx for o in c] for c in classes.values()]
        # start times, with +inf once a class is used up
        self.cls_start = [[o.start for o in c] + [math.inf] for c in classes.values()]
        self.cls_bits: list[list[int]] = []
        offset = 0
        for c in classes.values():
            self.cls_bits.append([1 << (offset + i) for i in range(len(c))])
            offset += len(c)


def _over_budget(steps: int, step_limit: int, deadline: float | None) -> bool:
    return steps > step_limit or (steps & 1023 == 0 and deadline is not None
                                  and time.monotonic() > deadline)


# Depth-first search modes, and stack entry kinds besides "class + 1" (>= 1).
_ENTER, _WALK, _UNKNOWN, _BACKTRACK = range(4)
_FINITE, _GREEDY = -1, -2


def _dfs(h: _KeyHistory, initial: Hashable, max_steps: int | None,
         deadline: float | None) -> _Outcome:
    """Wing–Gong/Lowe depth-first search (see the module docstring)."""
    n_f, f_write, f_value, n_cls = h.n_finite, h.f_write, h.f_value, h.n_cls
    cls_start, cls_bits, cls_value = h.cls_start, h.cls_bits, h.cls_value

    # Call and return events of the finite ops, a doubly linked list in time order (a call
    # sorts before a return at the same instant); 0 and n_ev + 1 are sentinels.
    order = sorted([(h.f_start[r], 0, r) for r in range(n_f)] +
                   [(h.f_end[r], 1, r) for r in range(n_f)])
    n_ev = len(order)
    head, tail = 0, n_ev + 1
    ev_op = [-1] * (n_ev + 2)  # rank
    ev_call = [False] * (n_ev + 2)
    ev_time = [0.0] * (n_ev + 2)
    ev_match = [0] * (n_ev + 2)
    call_of = [0] * n_f
    for ev, (t, kind, r) in enumerate(order, start=1):
        ev_op[ev], ev_call[ev], ev_time[ev] = r, kind == 0, t
        if kind == 0:
            call_of[r] = ev
        else:
            ev_match[call_of[r]], ev_match[ev] = ev, call_of[r]
    ev_time[tail] = math.inf
    nxt = list(range(1, n_ev + 2)) + [tail]
    prv = [head] + list(range(0, n_ev + 1))
    bits = [1 << r for r in range(n_f)]

    # Lowe's cache: (finite mask, value) -> unknown masks explored with them.
    cache: dict[tuple[int, int, Hashable], list[int]] = {}

    def visit(mask: int, umask: int, state: Hashable) -> bool:
        """Record a configuration; False if it, or one dominating it, was explored."""
        ones = (~mask & (mask + 1)).bit_length() - 1
        key = (mask >> ones, ones, state)
        seen = cache.get(key)
        if seen is None:
            cache[key] = [umask]
            return True
        for old in seen:
            if old & ~umask == 0:
                return False
        seen[:] = [old for old in seen if umask & ~old]
        seen.append(umask)
        return True

    def placed() -> list[int]:
        """The ops linearized on the current path, in order."""
        counts = [0] * n_cls
        result = []
        for ce, cu, _ in stack:
            if cu > 0:
                result.append(h.cls_idx[cu - 1][counts[cu - 1]])
                counts[cu - 1] += 1
            else:
                result.append(h.f_idx[ev_op[ce]])
        return result

    state: Hashable = initial
    mask = 0  # finite ops linearized (by rank)
    umask = 0  # unknown writes linearized
    used = [0] * n_cls  # unknown writes of each class linearized
    remaining = n_f
    # (call event, _FINITE or _GREEDY, value before) or (first return event, class + 1,
    # value before): the ops linearized, in order, are those of the stack.
    stack: list[tuple[int, int, Hashable]] = []
    steps = 0
    step_limit = sys.maxsize if max_steps is None else max_steps
    best_e = -1
    out = _Outcome(status="fail")
    mode = _ENTER
    e = head  # _WALK: next event to look at; _UNKNOWN: the first return in the list
    limit = 0.0  # _UNKNOWN: time of that return
    u = 0  # _UNKNOWN: next class of unknown writes to try
    while remaining:
        steps += 1
        if _over_budget(steps, step_limit, deadline):
            out.status, out.steps = "budget", steps
            return out
        if mode == _ENTER:
            # Reads go first: a candidate read of the current value is the only branch.
            g = nxt[head]
            while ev_call[g] and (f_write[ev_op[g]] or f_value[ev_op[g]] != state):
                g = nxt[g]
            if not ev_call[g]:
                mode, e = _WALK, nxt[head]
                continue
            if not visit(mask | bits[ev_op[g]], umask, state):
                mode = _BACKTRACK  # explored already, and failed
                continue
            stack.append((g, _GREEDY, state))
            mask |= bits[ev_op[g]]
            prv[nxt[g]], nxt[prv[g]] = prv[g], nxt[g]
            r = ev_match[g]
            prv[nxt[r]], nxt[prv[r]] = prv[r], nxt[r]
            remaining -= 1
            continue
        if mode == _WALK:
            if ev_call[e]:
                rank = ev_op[e]
                # A read here does not match the value (_ENTER would have taken it).
                if f_write[rank] and visit(mask | bits[rank], umask, f_value[rank]):
                    stack.append((e, _FINITE, state))
                    state = f_value[rank]
                    mask |= bits[rank]
                    prv[nxt[e]], nxt[prv[e]] = prv[e], nxt[e]
                    r = ev_match[e]
                    prv[nxt[r]], nxt[prv[r]] = prv[r], nxt[r]
                    remaining -= 1
                    mode = _ENTER
                    continue
                e = nxt[e]
                continue
            # e is the first return in the list: no finite candidate left; try unknown writes.
            mode, limit, u = _UNKNOWN, ev_time[e], 0
            continue
        if mode == _UNKNOWN:
            if u < n_cls:
                k = used[u]
                if cls_start[u][k] <= limit and cls_value[u] != state and \
                        visit(mask, umask | cls_bits[u][k], cls_value[u]):
                    stack.append((e, u + 1, state))
                    state = cls_value[u]
                    umask |= cls_bits[u][k]
                    used[u] = k + 1
                    mode = _ENTER
                    continue
                u += 1
                continue
            # Dead end: the op returning at e cannot be linearized from here.
            if e > best_e:
                best_e = e
                out.blocking = h.f_idx[ev_op[e]]
                out.states = {state}
                out.prefix = placed()
            elif e == best_e:
                out.states.add(state)
            mode = _BACKTRACK
        # _BACKTRACK: undo the last choice.
        if not stack:
            out.steps = steps
            return out
        ce, cu, state = stack.pop()
        if cu > 0:
            u = cu - 1
            used[u] -= 1
            umask ^= cls_bits[u][used[u]]
            mode, e, limit, u = _UNKNOWN, ce, ev_time[ce], u + 1
            continue
        mask ^= bits[ev_op[ce]]
        r = ev_match[ce]
        nxt[prv[r]] = prv[nxt[r]] = r
        nxt[prv[ce]] = prv[nxt[ce]] = ce
        remaining += 1
        if cu == _FINITE:
            mode, e = _WALK, nxt[ce]  # try the next candidate
        # _GREEDY: the only branch of that node failed, so the node failed: keep backtracking.
    out.status, out.steps = "ok", steps
    out.witness = placed()
    return out


# A path: the ops linearized so far, newest first, as a linked list (op idx, previous path).
_Path = tuple[int, Any] | None
# A configuration of the sweep, beyond its key (finite mask, value): (unknown bits, counts of
# unknown writes used per class, path).
_Entry = tuple[int, tuple[int, ...], _Path]
_Level = dict[tuple[int, Hashable], list[_Entry]]


def _sweep(h: _KeyHistory, initial: Hashable, max_steps: int | None,
           deadline: float | None) -> _Outcome:
    """Level-by-level search (see the module docstring); a step is one configuration."""
    n_f, f_write, f_value, f_idx, f_end = h.n_finite, h.f_write, h.f_value, h.f_idx, h.f_end
    n_cls, cls_start, cls_bits, cls_value = h.n_cls, h.cls_start, h.cls_bits, h.cls_value
    # cands[r]: the finite ops open when op r returns (r included), i.e. the candidates of
    # any configuration whose first pending op is r.  At most the concurrency.
    cands: list[list[int]] = [[] for _ in range(n_f)]
    open_ranks: set[int] = set()
    for _, kind, r in sorted([(h.f_start[r], 0, r) for r in range(n_f)] +
                             [(f_end[r], 1, r) for r in range(n_f)]):
        if kind == 0:
            open_ranks.add(r)
        else:
            cands[r] = sorted(open_ranks)
            open_ranks.discard(r)

    def add(level: _Level, key: tuple[int, Hashable], entry: _Entry) -> None:
        """Add a configuration unless one with a subset of its unknown writes is there."""
        entries = level.get(key)
        if entries is None:
            level[key] = [entry]
            return
        umask = entry[0]
        for old in entries:
            if old[0] & ~umask == 0:
                return
        entries[:] = [old for old in entries if umask & ~old[0]]
        entries.append(entry)

    def unroll(path: _Path) -> list[int]:
        result = []
        while path is not None:
            result.append(path[0])
            path = path[1]
        return result[::-1]

    out = _Outcome(status="fail")
    step_limit = sys.maxsize if max_steps is None else max_steps
    steps = 0
    level: _Level = {(0, initial): [(0, (0,) * n_cls, None)]}
    for _ in range(n_f):
        following: _Level = {}
        for (mask, state), entries in level.items():
            ones = (~mask & (mask + 1)).bit_length() - 1
            limit = f_end[ones]
            pending = [r for r in cands[ones] if not mask >> r & 1]
            for umask, used, path in entries:
                steps += 1
                if _over_budget(steps, step_limit, deadline):
                    out.status, out.steps = "budget", steps
                    return out
                # This configuration, and those an unknown write placed now leads to (two in
                # a row are never needed: the second overwrites the first).
                sources = [(state, umask, used, path)]
                for c in range(n_cls):
                    k = used[c]
                    if cls_value[c] != state and cls_start[c][k] <= limit:
                        sources.append((cls_value[c], umask | cls_bits[c][k],
                                        used[:c] + (k + 1,) + used[c + 1:],
                                        (h.cls_idx[c][k], path)))
                for value, src_umask, src_used, src_path in sources:
                    greedy = next((r for r in pending if not f_write[r] and f_value[r] == value),
                                  None)
                    if greedy is not None:  # reads go first
                        add(following, (mask | 1 << greedy, value),
                            (src_umask, src_used, (f_idx[greedy], src_path)))
                        continue
                    for r in pending:
                        if f_write[r]:
                            add(following, (mask | 1 << r, f_value[r]),
                                (src_umask, src_used, (f_idx[r], src_path)))
        if not following:
            # Dead end: report the configurations of the last level that got furthest.
            frontier = {key: (~key[0] & (key[0] + 1)).bit_length() - 1 for key in level}
            best = max(frontier.values())
            out.blocking = f_idx[best]
            for key, entries in level.items():
                if frontier[key] == best:
                    out.states.add(key[1])
                    if not out.prefix:
                        out.prefix = unroll(entries[0][2])
            out.steps = steps
            return out
        level = following
    out.status, out.steps = "ok", steps
    out.witness = unroll(next(iter(level.values()))[0][2])
    return out


def _fmt_time(t: float | None) -> str:
    return "?" if t is None or t == math.inf else f"{t:.6f}"


def _describe(o: _Op) -> str:
    """A one-line, human-readable description of an op: ``#12 p3 write 1 [1.0, 1.2] ok``."""
    raw = o.raw
    what = f"write {o.value!r}" if o.is_write else f"read -> {o.value!r}"
    status = "unknown (may or may not have happened)" if o.unknown else "ok"
    node = f" via {raw['node']}" if raw.get("node") else ""
    return (f"#{o.pos} p{raw.get('process')} {what} "
            f"[{_fmt_time(raw.get('start'))}, {_fmt_time(raw.get('end'))}] {status}{node}")


def _normalise(ops: Sequence[dict[str, Any]]) -> tuple[dict[Any, list[_Op]], int, int]:
    """Group ops by key; drop failed writes and unacknowledged reads; validate the rest.

    Returns ``(ops by key, failed writes dropped, reads dropped)``.  Raises ValueError on an
    operation the history format does not allow.
    """
    by_key: dict[Any, list[_Op]] = {}
    failed = dropped_reads = 0
    for pos, raw in enumerate(ops):
        f, ok = raw.get("f"), raw.get("ok")
        if f not in ("write", "read"):
            raise ValueError(f"op #{pos}: f={f!r} is not a register operation: {raw}")
        if ok not in (True, False, None):
            raise ValueError(f"op #{pos}: ok must be true, false or null: {raw}")
        start, end = raw.get("start"), raw.get("end")
        if not isinstance(start, (int, float)):
            raise ValueError(f"op #{pos}: no start time: {raw}")
        if end is not None and (not isinstance(end, (int, float)) or end < start):
            raise ValueError(f"op #{pos}: bad end time (not a number, or before start): {raw}")
        if ok is True and end is None:
            raise ValueError(f"op #{pos}: acknowledged but no end time: {raw}")
        if f == "read":
            if ok is not True:
                dropped_reads += 1
                continue
            if raw.get("result") is None:
                raise ValueError(f"op #{pos}: acknowledged read without result: {raw}")
            is_write, value = False, raw["result"]
        else:
            if ok is False:
                failed += 1
                continue
            if raw.get("value") is None:
                raise ValueError(f"op #{pos}: write without value: {raw}")
            is_write, value = True, raw["value"]
        unknown = ok is None
        key_ops = by_key.setdefault(raw.get("key"), [])
        key_ops.append(_Op(idx=len(key_ops), pos=pos, raw=raw, is_write=is_write, value=value,
                           start=float(start),
                           end=math.inf if unknown or end is None else float(end),
                           unknown=unknown))
    return by_key, failed, dropped_reads


def _max_concurrency(ops: Iterable[_Op]) -> int:
    """Largest number of finite-ended ops open at one instant (touching intervals overlap)."""
    events = sorted([(o.start, 0) for o in ops if not o.unknown] +
                    [(o.end, 1) for o in ops if not o.unknown])
    open_ops = best = 0
    for _, kind in events:
        open_ops += 1 if kind == 0 else -1
        best = max(best, open_ops)
    return best


def _explain_violation(key: Any, ops: Sequence[_Op], out: _Outcome, initial: Any) -> str:
    """Render the furthest dead end of the search for a person."""
    x = ops[out.blocking]
    placed = out.prefix
    values = ", ".join(repr(s) for s in sorted(out.states, key=repr))
    lines = [f"key {key!r}: not linearizable. No legal order of the operations places "
             f"{_describe(x)} within its interval."]
    if placed:
        lines.append(f"The longest partial linearization places {len(placed)} of {len(ops)} ops "
                     f"(including every op that completed before {_fmt_time(x.end)}); "
                     f"it ends with:")
        state: Any = initial
        trace: list[tuple[_Op, Any]] = []
        for oi in placed:
            o = ops[oi]
            if o.is_write:
                state = o.value
            trace.append((o, state))
        if len(trace) > _CONTEXT_OPS:
            lines.append(f"  ... {len(trace) - _CONTEXT_OPS} earlier ops")
        for o, s in trace[-_CONTEXT_OPS:]:
            lines.append(f"  {_describe(o)}   => register {s!r}")
    else:
        lines.append(f"No op can be placed before it; the register starts at {initial!r}.")
    lines.append(f"Possible register values at that point, over every partial linearization "
                 f"the search reached there: {{{values}}}.")
    placed_set = set(placed)
    pending = sorted((o for o in ops if o.idx not in placed_set and o.start <= x.end),
                     key=lambda o: (o.start, o.pos))
    lines.append(f"Ops that could not be linearized ({len(pending)}: all invoked before #{x.pos} "
                 f"returned; no order of them is legal from those values):")
    for o in pending[:_MAX_PENDING_LISTED]:
        lines.append(f"  {_describe(o)}")
    if len(pending) > _MAX_PENDING_LISTED:
        lines.append(f"  ... and {len(pending) - _MAX_PENDING_LISTED} more")
    return "\n".join(lines)


def _check_key(key: Any, ops: list[_Op], initial: Any, max_steps: int | None,
               time_limit: float | None) -> CheckResult:
    """Check one key's sub-history: depth-first with a small budget, then the sweep."""
    started = time.monotonic()
    deadline = None if time_limit is None else started + time_limit
    h = _KeyHistory(ops)
    probe = _PROBE_STEPS_PER_OP * len(ops) + _PROBE_STEPS_BASE
    out = _dfs(h, initial, probe if max_steps is None else min(probe, max_steps), deadline)
    steps = out.steps
    if out.status == "budget":
        out = _sweep(h, initial, max_steps, deadline)
        steps += out.steps
    elapsed = time.monotonic() - started
    n_unknown = sum(1 for o in ops if o.unknown)
    shape = (f"{len(ops)} ops, {n_unknown} unknown writes, "
             f"max concurrency {_max_concurrency(ops)}")
    valid: bool | None
    if out.status == "ok":
        used = sum(1 for oi in out.witness if ops[oi].unknown)
        explanation = (f"key {key!r}: linearizable ({shape}; the linearization found "
                       f"places {used} of the unknown writes)")
        valid = True
    elif out.status == "budget":
        explanation = (f"unknown (budget exceeded): key {key!r} ({shape}): search stopped after "
                       f"{steps} steps, {elapsed:.2f}s")
        valid = None
    else:
        explanation = _explain_violation(key, ops, out, initial)
        valid = False
    return CheckResult(valid=valid, key=key, explanation=explanation, checked_ops=len(ops),
                       steps=steps, elapsed=elapsed)


def check_register(ops: list[dict[str, Any]], initial: Any = 0, *,
                   max_steps: int | None = DEFAULT_MAX_STEPS,
                   time_limit: float | None = DEFAULT_TIME_LIMIT) -> CheckResult:
    """Check that a register history is linearizable, key by key.

    ``ops`` are history operations with ``f`` "write" or "read" (see the module docstring for
    how ``ok``/``end`` are interpreted); every key starts at ``initial``.  ``max_steps`` bounds
    each search of a key and ``time_limit`` (seconds) all the searches of a key; None disables
    a bound.

    Returns an aggregate :class:`CheckResult`: ``valid`` is False if any key is not
    linearizable, else None if any key's search ran out of budget, else True.  ``key`` and
    ``explanation`` describe the first failing (else inconclusive) key; ``per_key`` holds one
    result per key.  Raises ValueError on an operation the history format does not allow.
    """
    started = time.monotonic()
    by_key, failed, dropped_reads = _normalise(ops)
    results = [_check_key(k, key_ops, initial, max_steps, time_limit)
               for k, key_ops in sorted(by_key.items(), key=lambda kv: repr(kv[0]))]
    checked = sum(r.checked_ops for r in results)
    steps = sum(r.steps for r in results)
    elapsed = time.monotonic() - started
    bad = [r for r in results if r.valid is False]
    unsure = [r for r in results if r.valid is None]
    if bad:
        explanation = "\n\n".join(r.explanation for r in bad + unsure)
        return CheckResult(False, bad[0].key, explanation, checked, steps, elapsed, results)
    if unsure:
        keys = ", ".join(repr(r.key) for r in unsure)
        others = "; the other keys are linearizable" if len(unsure) < len(results) else ""
        explanation = (f"unknown (budget exceeded) for {len(unsure)} of {len(results)} keys "
                       f"({keys}){others}\n" + "\n".join(r.explanation for r in unsure))
        return CheckResult(None, unsure[0].key, explanation, checked, steps, elapsed, results)
    explanation = (f"linearizable: {len(results)} keys, {checked} ops checked ({failed} failed "
                   f"writes and {dropped_reads} unacknowledged reads dropped), {steps} search "
                   f"steps, {elapsed:.3f}s")
    return CheckResult(True, None, explanation, checked, steps, elapsed, results)
