"""History checkers for the fault-injection suite.

- :mod:`faults.checker.linearizability`: per-key boolean registers (Wing–Gong search with Lowe's
  memoisation, split by key using P-compositionality).
- :mod:`faults.checker.sets`: the grow-only set workload (lost, phantom and stale elements,
  reads going backwards).
- :mod:`faults.checker.leaders`: at most one leader per Raft term.
- :mod:`faults.checker.synth`: synthetic histories (tests and benchmarks only).

Command line: ``python3 -m faults.checker HISTORY.jsonl [--workload register|set]``.
"""

from __future__ import annotations

from .leaders import check_leaders
from .linearizability import CheckResult, check_register
from .sets import SetResult, check_set

__all__ = ["CheckResult", "SetResult", "check_leaders", "check_register", "check_set"]
