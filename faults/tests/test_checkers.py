"""Tests of the history checkers (faults/checker): register linearizability, set rules,
leader uniqueness and the command line.

Run: ``cd /work/main && python3 -m pytest -q faults/tests/test_checkers.py``
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path
from typing import Any

import pytest

import faults.checker.linearizability as linearizability
from faults.checker import CheckResult, SetResult, check_leaders, check_register, check_set
from faults.checker.__main__ import main as cli_main
from faults.checker.synth import random_register_history, random_set_history


# --------------------------------------------------------------------------- helpers

def w(p: int, start: float, end: float | None, value: int, ok: bool | None = True,
      key: str = "k") -> dict[str, Any]:
    """A register write."""
    return {"process": p, "f": "write", "key": key, "value": value, "start": start,
            "end": None if ok is None and end is None else end, "ok": ok, "result": None,
            "index": None, "node": "n1"}


def r(p: int, start: float, end: float | None, result: int | None, ok: bool | None = True,
      key: str = "k") -> dict[str, Any]:
    """A register read."""
    return {"process": p, "f": "read", "key": key, "value": None, "start": start, "end": end,
            "ok": ok, "result": result, "index": None, "node": "n2"}


def add(p: int, start: float, end: float | None, value: str, ok: bool | None = True
        ) -> dict[str, Any]:
    """A set add."""
    return {"process": p, "f": "add", "key": None, "value": value, "start": start, "end": end,
            "ok": ok, "result": None, "index": None, "node": "n1"}


def rs(p: int, start: float, end: float, result: list[str], index: int | None = None
       ) -> dict[str, Any]:
    """An acknowledged set read."""
    return {"process": p, "f": "read-set", "key": None, "value": None, "start": start, "end": end,
            "ok": True, "result": result, "index": index, "node": "n2"}


def brute_force_linearizable(ops: list[dict[str, Any]], initial: int = 0) -> bool:
    """Reference oracle: try every order (tiny histories only), key by key."""
    items = []
    for o in ops:
        if o["ok"] is False or (o["f"] == "read" and o["ok"] is not True):
            continue
        unknown = o["ok"] is None
        items.append((o["key"], o["f"] == "write", o["value"] if o["f"] == "write" else o["result"],
                      o["start"], math.inf if unknown else o["end"], unknown))

    def search(its: list[tuple[Any, ...]], state: int, remaining: frozenset[int]) -> bool:
        if all(its[i][5] for i in remaining):
            return True
        for i in remaining:
            _, is_write, value, start, _, _ = its[i]
            if any(its[j][4] < start for j in remaining if j != i):
                continue  # some op still to place completed before this one started
            if not is_write and value != state:
                continue
            if search(its, value if is_write else state, remaining - {i}):
                return True
        return False

    for key in {it[0] for it in items}:
        its = [it for it in items if it[0] == key]
        if not search(its, initial, frozenset(range(len(its)))):
            return False
    return True


def random_small_history(rng: random.Random, n: int, keys: int = 1) -> list[dict[str, Any]]:
    """Arbitrary (mostly not linearizable) small history with every kind of outcome."""
    ops = []
    for p in range(n):
        start = rng.uniform(0, 10)
        end = start + rng.uniform(0, 4)
        key = f"k{rng.randrange(keys)}"
        if rng.random() < 0.5:
            ok = rng.choice([True, True, False, None])
            ops.append(w(p, start, None if ok is None else end, rng.randint(0, 1), ok, key))
        else:
            ok = rng.choice([True, True, True, False, None])
            ops.append(r(p, start, None if ok is None else end,
                         rng.randint(0, 1) if ok else None, ok, key))
    return ops


def hard_history(n: int = 14, key: str = "k") -> list[dict[str, Any]]:
    """2n fully concurrent ops then an impossible read: the search space is exponential in n."""
    ops = [w(i, i * 0.01, 100.0, i % 2, key=key) for i in range(n)]
    ops += [r(100 + i, i * 0.01, 100.0, i % 2, key=key) for i in range(n)]
    ops.append(r(999, 101.0, 102.0, 2, key=key))
    return ops


def unambiguous_flip(ops: list[dict[str, Any]], i: int) -> bool:
    """True if read ``i`` (already flipped) can only ever have returned the other value:
    an acknowledged write of that value (or the initial 0) certainly precedes it and no write
    of the flipped value can be ordered between the two."""
    read = ops[i]
    flipped, original = read["result"], 1 - read["result"]
    writes = [o for o in ops
              if o["f"] == "write" and o["key"] == read["key"] and o["ok"] is not False]

    def end(o: dict[str, Any]) -> float:
        return math.inf if o["ok"] is None else o["end"]

    rivals = [x for x in writes if x["value"] == flipped]
    if original == 0 and all(x["start"] > read["end"] for x in rivals):
        return True
    for anchor in writes:
        if anchor["value"] == original and anchor["ok"] is True and anchor["end"] < read["start"]:
            if all(end(x) < anchor["start"] or x["start"] > read["end"] for x in rivals):
                return True
    return False


# --------------------------------------------------------------------------- register

def test_empty_history_is_linearizable() -> None:
    result = check_register([])
    assert isinstance(result, CheckResult)
    assert result.valid is True and result.checked_ops == 0


def test_sequential_history_is_linearizable() -> None:
    ops = [r(1, 0, 1, 0), w(1, 2, 3, 1), r(2, 4, 5, 1), w(2, 6, 7, 0), r(1, 8, 9, 0)]
    result = check_register(ops)
    assert result.valid is True, result.explanation
    assert result.checked_ops == 5


def test_stale_read_after_acknowledged_write() -> None:
    ops = [w(1, 0, 1, 1), w(2, 2, 3, 0), r(3, 4, 5, 1)]
    result = check_register(ops)
    assert result.valid is False
    assert result.key == "k"
    assert "#2 p3 read -> 1" in result.explanation
    assert "{0}" in result.explanation  # the register value at that point
    assert "#1 p2 write 0" in result.explanation  # the write that made it stale


def test_read_of_one_before_every_write() -> None:
    ops = [r(1, 0, 1, 1), w(2, 2, 3, 1), r(1, 4, 5, 1)]
    result = check_register(ops)
    assert result.valid is False
    assert "#0 p1 read -> 1" in result.explanation
    assert "starts at 0" in result.explanation


@pytest.mark.parametrize("seen", [0, 1])
def test_read_concurrent_with_write_may_see_either_value(seen: int) -> None:
    ops = [w(1, 0, 10, 1), r(2, 1, 2, seen), r(2, 11, 12, 1)]
    assert check_register(ops).valid is True


def test_concurrent_reads_cannot_see_new_then_old_value() -> None:
    # The write is still in flight, but once a read saw 1 a later read cannot see 0.
    ops = [w(1, 0, 10, 1), r(2, 1, 2, 1), r(3, 3, 4, 0)]
    result = check_register(ops)
    assert result.valid is False
    assert "#2 p3 read -> 0" in result.explanation


def test_touching_intervals_count_as_concurrent() -> None:
    ops = [w(1, 0, 1, 1), r(2, 1, 2, 0)]
    assert check_register(ops).valid is True


def test_unknown_write_that_took_effect() -> None:
    ops = [w(1, 0, None, 1, ok=None), r(2, 5, 6, 1), r(3, 7, 8, 1)]
    result = check_register(ops)
    assert result.valid is True, result.explanation
    assert "places 1 of the unknown writes" in result.per_key[0].explanation


def test_unknown_write_that_never_took_effect() -> None:
    ops = [w(1, 0, None, 1, ok=None), r(2, 5, 6, 0), r(3, 7, 8, 0)]
    result = check_register(ops)
    assert result.valid is True, result.explanation
    assert "places 0 of the unknown writes" in result.per_key[0].explanation


def test_unknown_write_may_take_effect_long_after_it_was_given_up() -> None:
    # ok null with an end time: still "at any time after start".
    ops = [w(1, 0, 1, 1, ok=None), r(2, 2, 3, 0), r(2, 50, 51, 1)]
    assert check_register(ops).valid is True


def test_unknown_write_seen_cannot_be_unseen() -> None:
    ops = [w(1, 0, None, 1, ok=None), r(2, 1, 2, 1), r(3, 3, 4, 0)]
    assert check_register(ops).valid is False


def test_unknown_write_cannot_take_effect_before_it_started() -> None:
    ops = [r(2, 0, 1, 1), w(1, 2, None, 1, ok=None)]
    assert check_register(ops).valid is False


def test_each_unknown_write_takes_effect_at_most_once() -> None:
    one = [w(1, 0, None, 1, ok=None), r(2, 1, 2, 1), w(3, 3, 4, 0), r(2, 5, 6, 1)]
    assert check_register(one).valid is False
    two = one + [w(4, 0.5, None, 1, ok=None)]
    assert check_register(two).valid is True


def test_failed_write_is_ignored() -> None:
    assert check_register([w(1, 0, 1, 1, ok=False), r(2, 2, 3, 0)]).valid is True
    assert check_register([w(1, 0, 1, 1, ok=False), r(2, 2, 3, 1)]).valid is False


def test_unacknowledged_reads_are_ignored() -> None:
    ops = [w(1, 0, 1, 1), r(2, 2, 3, None, ok=False), r(3, 4, None, None, ok=None),
           r(4, 5, 6, 1)]
    result = check_register(ops)
    assert result.valid is True
    assert result.checked_ops == 2


def test_lost_acknowledged_write() -> None:
    ops = [w(1, 0, 1, 1), r(2, 2, 3, 0), r(3, 4, 5, 0)]
    result = check_register(ops)
    assert result.valid is False
    assert "#0 p1 write 1" in result.explanation
    assert "#1 p2 read -> 0" in result.explanation


def test_keys_are_checked_independently() -> None:
    ops = [w(1, 0, 1, 1, key="a"), r(2, 2, 3, 1, key="a"),
           r(3, 2, 3, 1, key="b")]  # b was never written: the write on a does not count
    result = check_register(ops)
    assert result.valid is False
    assert result.key == "b"
    assert {res.key: res.valid for res in result.per_key} == {"a": True, "b": False}


def test_initial_value_is_a_parameter() -> None:
    assert check_register([r(1, 0, 1, 1)], initial=1).valid is True
    assert check_register([r(1, 0, 1, 0)], initial=1).valid is False


@pytest.mark.parametrize("bad", [
    {"f": "add"},
    {"ok": "yes"},
    {"start": None},
    {"end": None},  # acknowledged without an end
    {"end": -1.0},
    {"result": None},
])
def test_malformed_operations_are_rejected(bad: dict[str, Any]) -> None:
    op = {**r(1, 0, 1, 0), **bad}
    with pytest.raises(ValueError):
        check_register([op])


def test_budget_exceeded_returns_unknown() -> None:
    result = check_register(hard_history(14), max_steps=5_000)
    assert result.valid is None
    assert result.explanation.startswith("unknown (budget exceeded)")
    assert result.key == "k"
    started = time.monotonic()
    result = check_register(hard_history(18), max_steps=None, time_limit=0.2)
    assert result.valid is None
    assert time.monotonic() - started < 2.0
    assert "unknown (budget exceeded)" in result.explanation


def test_hard_history_is_decided_with_enough_budget() -> None:
    result = check_register(hard_history(10))
    assert result.valid is False
    assert "#20 p999 read -> 2" in result.explanation


def test_budget_on_one_key_does_not_hide_a_violation_on_another() -> None:
    ops = hard_history(key="slow") + [w(1, 0, 1, 1, key="bad"), r(2, 2, 3, 0, key="bad")]
    result = check_register(ops, max_steps=5_000)
    assert result.valid is False
    assert result.key == "bad"
    assert {res.key: res.valid for res in result.per_key} == {"bad": False, "slow": None}


def test_many_unknown_writes_stay_cheap() -> None:
    # Pending unknown writes of the same value are interchangeable: the search counts them
    # instead of trying every subset.
    ops = [w(i, i * 0.001, None, i % 2, ok=None) for i in range(400)]
    ops += [r(1000 + i, 1 + i, 1.5 + i, (i // 3) % 2) for i in range(300)]  # 100 flips
    started = time.monotonic()
    result = check_register(ops, max_steps=2_000_000)
    assert result.valid is True, result.explanation
    # 40 unknown writes (20 of each value) cannot explain 100 alternations: a violation that
    # has to rule out every way of spending them.
    ops = [w(i, i * 0.001, None, i % 2, ok=None) for i in range(40)]
    ops += [r(1000 + i, 1 + i, 1.5 + i, i % 2) for i in range(100)]
    result = check_register(ops, max_steps=2_000_000)
    assert result.valid is False, result.explanation
    assert time.monotonic() - started < 5.0


def test_matches_brute_force_on_small_random_histories() -> None:
    rng = random.Random(2024)
    outcomes = {True: 0, False: 0}
    for _ in range(3000):
        ops = random_small_history(rng, rng.randint(1, 7), keys=rng.choice([1, 1, 2]))
        expected = brute_force_linearizable(ops)
        result = check_register(ops)
        assert result.valid is expected, (ops, result.explanation)
        outcomes[expected] += 1
    assert min(outcomes.values()) > 500  # both verdicts well exercised


def unknown_heavy_history(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Small history, a third of it unknown writes: exercises the counting of unknown writes."""
    ops = []
    for p in range(n):
        start = rng.uniform(0, 10)
        end = start + rng.uniform(0, 2)
        x = rng.random()
        if x < 0.3:
            ops.append(w(p, start, None, rng.randint(0, 1), ok=None))
        elif x < 0.45:
            ops.append(w(p, start, end, rng.randint(0, 1)))
        else:
            ops.append(r(p, start, end, rng.randint(0, 1)))
    return ops


def test_sweep_matches_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without a probe budget the depth-first search gives up at once and the sweep decides.
    rng = random.Random(77)
    cases = [random_small_history(rng, rng.randint(1, 7), keys=2) for _ in range(1000)]
    cases += [unknown_heavy_history(rng, rng.randint(1, 8)) for _ in range(1500)]
    expected = [brute_force_linearizable(ops) for ops in cases]
    assert [check_register(ops).valid for ops in cases] == expected
    monkeypatch.setattr(linearizability, "_PROBE_STEPS_PER_OP", 0)
    monkeypatch.setattr(linearizability, "_PROBE_STEPS_BASE", 0)
    for ops, exp in zip(cases, expected):
        result = check_register(ops)
        assert result.valid is exp, (ops, result.explanation)


def test_violation_that_needs_counting_unknown_writes_late_in_a_long_history() -> None:
    # 1500 ops with ~40 unknown writes of both values, then more alternations between 0 and 1
    # than there are unknown writes: only "each takes effect at most once" rules it out.
    ops = random_register_history(1500, keys=1, seed=1)
    unknown = sum(1 for o in ops if o["ok"] is None)
    assert unknown >= 20
    flips = [r(99, 1e5 + 2 * i, 1e5 + 2 * i + 1, i % 2, key="k0") for i in range(unknown + 3)]
    assert check_register(ops).valid is True
    started = time.monotonic()
    result = check_register(ops + flips)
    assert result.valid is False, result.explanation
    assert time.monotonic() - started < 20
    assert "p99 read" in result.explanation


CONFIGS: list[dict[str, Any]] = [
    {"keys": 1},
    {"keys": 3, "mean_latency": 0.05},  # long ops: high concurrency
    {"keys": 2, "p_unknown": 0.3},  # many timeouts
    {"keys": 5, "processes": 16, "p_failed": 0.2},
]


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("seed", range(5))
def test_random_linearizable_histories_pass(config: dict[str, Any], seed: int) -> None:
    ops = random_register_history(600, seed=seed, **config)
    result = check_register(ops, time_limit=20)
    assert result.valid is True, result.explanation


def test_random_corrupted_read_is_detected() -> None:
    rng = random.Random(99)
    detected = unambiguous = 0
    trials = 150
    for seed in range(trials):
        ops = random_register_history(300, keys=5, seed=1000 + seed, write_ratio=0.3,
                                      p_unknown=0.01)
        assert check_register(ops).valid is True
        reads = [i for i, o in enumerate(ops) if o["f"] == "read" and o["ok"] is True]
        i = rng.choice(reads)
        ops[i]["result"] = 1 - ops[i]["result"]
        result = check_register(ops)
        assert result.valid is not None
        if unambiguous_flip(ops, i):
            unambiguous += 1
            assert result.valid is False, (seed, i)
            # Everything else can be ordered, so the furthest dead end is the corrupted read.
            assert f"places #{i} p" in result.explanation, result.explanation
        detected += result.valid is False
    assert unambiguous > trials // 3
    assert detected > trials // 2, f"only {detected} of {trials} corruptions detected"


def test_speed_5_keys_2000_ops_8_processes() -> None:
    ops = random_register_history(2000, keys=5, processes=8, seed=7)
    started = time.perf_counter()
    result = check_register(ops)
    elapsed = time.perf_counter() - started
    assert result.valid is True
    assert elapsed < 2.0, f"{elapsed:.3f}s"


# --------------------------------------------------------------------------- sets

def test_set_valid_history() -> None:
    ops = [add(1, 0, 1, "a"), rs(2, 2, 3, ["a"], 1), add(1, 4, 5, "b"),
           rs(2, 6, 7, ["a", "b"], 2)]
    result = check_set(ops)
    assert isinstance(result, SetResult)
    assert result.valid is True, result.violations
    assert (result.acknowledged, result.failed, result.unknown, result.reads) == (2, 0, 0, 2)


def test_set_acknowledged_add_must_be_visible() -> None:
    # Concurrent with the read: may be missing.
    assert check_set([add(1, 0, 5, "a"), rs(2, 1, 2, [])]).valid is True
    # Acknowledged before the read started: must be there.
    result = check_set([add(1, 0, 1, "a"), rs(2, 2, 3, []), rs(2, 4, 5, [])])
    assert result.valid is False
    assert result.lost == 1
    (v,) = result.violations
    assert v.startswith("lost acknowledged add")
    assert "'a'" in v and "#0 p1" in v and "read #1 p2" in v and "missing from 2 read(s)" in v
    assert "never seen" in v


def test_set_element_must_have_been_added() -> None:
    # Added concurrently with the read (invoked before it ended): fine.
    assert check_set([add(1, 2, 9, "a"), rs(2, 1, 3, ["a"])]).valid is True
    # Never added.
    result = check_set([rs(2, 1, 3, ["ghost"])])
    assert result.valid is False and result.violations[0].startswith("phantom element")
    # Returned before its add was invoked.
    result = check_set([rs(2, 1, 3, ["a"]), add(1, 4, 5, "a")])
    assert result.valid is False and "before" in result.violations[0]
    assert "#1 p1" in result.violations[0]


def test_set_failed_add_must_not_appear() -> None:
    assert check_set([add(1, 0, 1, "a", ok=False), rs(2, 2, 3, [])]).valid is True
    result = check_set([add(1, 0, 1, "a", ok=False), rs(2, 2, 3, ["a"])])
    assert result.valid is False
    assert result.violations[0].startswith("failed add appeared")
    assert result.failed == 1 and result.failed_appeared == 1


def test_set_reads_never_go_backwards_in_index() -> None:
    assert check_set([rs(1, 0, 2, [], 5), rs(2, 1, 3, [], 4)]).valid is True  # concurrent
    result = check_set([rs(1, 0, 1, [], 5), rs(2, 2, 3, [], 4)])
    assert result.valid is False
    assert result.violations[0].startswith("index went backwards")
    assert "index 4" in result.violations[0] and "index 5" in result.violations[0]


def test_set_reads_never_lose_elements() -> None:
    ops = [add(1, 0, None, "a", ok=None), rs(2, 1, 2, ["a"], 3), rs(3, 1.5, 2.5, [], 3)]
    assert check_set(ops).valid is True  # concurrent reads may disagree
    result = check_set(ops + [rs(3, 3, 4, [], 3)])
    assert result.valid is False
    (v,) = result.violations
    assert v.startswith("element disappeared") and "'a'" in v and "read #1" in v


def test_set_counts_unknown_adds_that_took_effect() -> None:
    ops = [add(1, 0, None, "a", ok=None), add(2, 0, None, "b", ok=None),
           add(3, 0, 1, "c", ok=None), add(4, 0, 1, "d"), rs(5, 2, 3, ["a", "d"], 7)]
    result = check_set(ops)
    assert result.valid is True, result.violations
    assert (result.acknowledged, result.unknown, result.unknown_appeared) == (1, 3, 1)
    assert "of 3 unknown, 1 took effect" in result.summary()


def test_set_duplicates_are_reported() -> None:
    result = check_set([add(1, 0, 1, "a"), rs(2, 2, 3, ["a", "a"])])
    assert result.valid is False and result.violations[0].startswith("duplicate element")


def test_set_reports_are_capped_but_counted() -> None:
    ops = [add(1, 0, 1, f"x{i}") for i in range(30)] + [rs(2, 2, 3, [])]
    result = check_set(ops, max_reports=5)
    assert result.lost == 30
    assert len(result.violations) == 6
    assert "25 more" in result.violations[-1]


@pytest.mark.parametrize("seed", range(5))
def test_set_random_correct_histories_pass(seed: int) -> None:
    result = check_set(random_set_history(1500, seed=seed))
    assert result.valid is True, result.violations[:3]
    assert result.unknown_appeared <= result.unknown


def test_set_random_history_with_dropped_element_fails() -> None:
    ops = random_set_history(800, seed=3)
    acked = [o for o in ops if o["f"] == "add" and o["ok"] is True]
    victim = acked[len(acked) // 2]
    for o in ops:
        if o["f"] == "read-set" and o["start"] > victim["end"] + 0.05:
            o["result"] = [v for v in o["result"] if v != victim["value"]]
    result = check_set(ops)
    assert result.valid is False
    assert any(v.startswith("lost acknowledged add") and repr(victim["value"]) in v
               for v in result.violations)


# --------------------------------------------------------------------------- leaders

def test_leaders_one_per_term() -> None:
    obs = [{"node": n, "term": t, "leader": l, "time": float(i)}
           for i, (n, t, l) in enumerate([("n1", 1, "n1"), ("n2", 1, "n1"), ("n3", 1, ""),
                                          ("n1", 2, "n2"), ("n2", 2, "n2"), ("n3", 3, "n3")])]
    assert check_leaders(obs) == []


def test_leaders_two_in_one_term() -> None:
    obs = [{"node": "n1", "term": 4, "leader": "n1", "time": 1.0},
           {"node": "n2", "term": 4, "leader": "n2", "time": 1.5},
           {"node": "n3", "term": 4, "leader": "n1", "time": 2.0},
           {"node": "n3", "term": 5, "leader": "n3", "time": 3.0}]
    (v,) = check_leaders(obs)
    assert v.startswith("term 4: 2 different leaders")
    assert "'n1' (reported by n1 at 1.000000, n3 at 2.000000)" in v
    assert "'n2' (reported by n2 at 1.500000)" in v


def test_leaders_empty_or_missing_leader_is_ignored() -> None:
    obs = [{"node": "n1", "term": 2, "leader": "n1", "time": 1.0},
           {"node": "n2", "term": 2, "leader": None, "time": 1.0},
           {"node": "n3", "term": 2, "leader": "", "time": 1.0}]
    assert check_leaders(obs) == []


# --------------------------------------------------------------------------- command line

def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(rec) + "\n" for rec in records))
    return str(path)


def test_cli_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write_jsonl(tmp_path / "good.jsonl", random_register_history(200, keys=2, seed=1))
    assert cli_main([good, "--workload", "register"]) == 0
    assert "OK" in capsys.readouterr().out
    bad = _write_jsonl(tmp_path / "bad.jsonl", [w(1, 0, 1, 1), r(2, 2, 3, 0)])
    assert cli_main([bad]) == 1
    out = capsys.readouterr().out
    assert "VIOLATION" in out and "not linearizable" in out
    slow = _write_jsonl(tmp_path / "slow.jsonl", hard_history())
    assert cli_main([slow, "--max-steps", "5000"]) == 3


def test_cli_set_and_leaders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write_jsonl(tmp_path / "set.jsonl", random_set_history(200, seed=2))
    assert cli_main([good, "--workload", "set"]) == 0
    bad = _write_jsonl(tmp_path / "bad.jsonl", [add(1, 0, 1, "a"), rs(2, 2, 3, [])])
    assert cli_main([bad, "--workload", "set"]) == 1
    assert "lost acknowledged add" in capsys.readouterr().out
    leaders = _write_jsonl(tmp_path / "leaders.jsonl",
                           [{"node": "n1", "term": 1, "leader": "n1", "time": 0.0},
                            {"node": "n2", "term": 1, "leader": "n2", "time": 0.1}])
    assert cli_main([good, "--leaders", leaders]) == 1


def test_cli_malformed_input(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"f": "read"\n')
    assert cli_main([str(path)]) == 2
    assert cli_main([str(tmp_path / "missing.jsonl")]) == 2
