"""Check a recorded history: ``python3 -m faults.checker HISTORY.jsonl [--workload register|set]``.

HISTORY.jsonl holds one operation (a JSON object) per line, as the harness writes it.  With
``--workload auto`` (the default) the register checker runs on the ``write``/``read`` ops,
the set checker on the ``add``/``read-set`` ops and the data-node checker on the simulated data
nodes' records (``lease``, ``cache``, ``create-shard-group``, ``convergence``), whichever are
present; other records are ignored.  ``--leaders FILE.jsonl`` also checks leader observations (one per line).

Exit status: 0 no violation, 1 violation, 2 unreadable input, 3 inconclusive (the
linearizability search ran out of budget and nothing was violated).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .datanodes import check_datanodes
from .leaders import check_leaders
from .linearizability import DEFAULT_MAX_STEPS, DEFAULT_TIME_LIMIT, check_register
from .sets import check_set

REGISTER_F = ("write", "read")
SET_F = ("add", "read-set")
DATANODE_F = ("lease", "cache", "cache-error", "create-shard-group", "convergence")


def load_jsonl(path: str) -> list[dict[str, Any]]:
    """Read one JSON object per non-blank line; raise ValueError naming the bad line."""
    records: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{number}: not JSON: {e}") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    """Run the checkers on the files named in ``argv``; return the exit status."""
    parser = argparse.ArgumentParser(prog="python3 -m faults.checker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("history", help="history, one JSON operation per line")
    parser.add_argument("--workload", choices=("auto", "register", "set", "datanodes"), default="auto")
    parser.add_argument("--leaders", help="leader observations, one JSON object per line")
    parser.add_argument("--initial", type=int, default=0, help="initial register value (0)")
    parser.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS,
                        help="linearizability search steps per key (default %(default)s)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                        help="linearizability search seconds per key (default %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every key's result")
    args = parser.parse_args(argv)

    try:
        ops = load_jsonl(args.history)
        observations = load_jsonl(args.leaders) if args.leaders else []
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    register_ops = [o for o in ops if o.get("f") in REGISTER_F]
    set_ops = [o for o in ops if o.get("f") in SET_F]
    run_register = args.workload == "register" or (args.workload == "auto" and bool(register_ops))
    run_set = args.workload == "set" or (args.workload == "auto" and bool(set_ops))
    datanode_ops = [o for o in ops if o.get("f") in DATANODE_F]
    run_datanodes = args.workload == "datanodes" or (args.workload == "auto" and bool(datanode_ops))
    checked = (len(register_ops) if run_register else 0) + (len(set_ops) if run_set else 0) \
        + (len(datanode_ops) if run_datanodes else 0)
    ignored = len(ops) - checked
    print(f"{args.history}: {len(ops)} records"
          + (f" ({ignored} ignored: not part of the checked workload)" if ignored else ""))

    violated = inconclusive = False
    try:
        if run_register:
            result = check_register(register_ops, args.initial, max_steps=args.max_steps,
                                    time_limit=args.time_limit)
            print(f"register: {result.status}: {len(result.per_key)} keys, {result.checked_ops} "
                  f"ops checked, {result.steps} steps, {result.elapsed:.3f}s")
            if args.verbose:
                for r in result.per_key:
                    print(f"  {r.status}: {r.explanation.splitlines()[0]} "
                          f"({r.steps} steps, {r.elapsed:.3f}s)")
            if result.valid is not True:
                print(_indent(result.explanation))
            violated |= result.valid is False
            inconclusive |= result.valid is None
        if run_set:
            sets = check_set(set_ops)
            print(sets.summary())
            for v in sets.violations:
                print(_indent(v))
            violated |= not sets.valid
        if run_datanodes:
            problems, stats = check_datanodes(datanode_ops)
            print(f"datanodes: {'ok' if not problems else f'{len(problems)} violation(s)'}: "
                  + ", ".join(f"{k}={v}" for k, v in stats.items()))
            for p in problems:
                print(_indent(p))
            violated |= bool(problems)
    except ValueError as e:
        print(f"error: malformed history: {e}", file=sys.stderr)
        return 2
    if args.leaders:
        problems = check_leaders(observations)
        terms = len({o.get("term") for o in observations})
        print(f"leaders: {'ok' if not problems else f'{len(problems)} violation(s)'}: "
              f"{len(observations)} observations, {terms} terms")
        for p in problems:
            print(_indent(p))
        violated |= bool(problems)
    if not run_register and not run_set and not run_datanodes and not args.leaders:
        print("nothing to check")
    if violated:
        print("VIOLATION")
        return 1
    if inconclusive:
        print("INCONCLUSIVE (budget exceeded)")
        return 3
    print("OK")
    return 0


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
