"""History checkers for the fault-injection suite.

- :mod:`faults.checker.linearizability`: per-key boolean registers (Wing–Gong search with Lowe's
  memoisation, split by key using P-compositionality).
- :mod:`faults.checker.sets`: the grow-only set workload (lost, phantom and stale elements,
  reads going backwards).
- :mod:`faults.checker.leaders`: at most one leader per Raft term.
- :mod:`faults.checker.datanodes`: simulated data nodes: one lease holder at a time, fencing
  tokens that only grow, caches that converge to the leader's metadata.
- :mod:`faults.checker.synth`: synthetic histories (tests and benchmarks only).

Command line: ``python3 -m faults.checker HISTORY.jsonl [--workload register|set|datanodes]``.
"""

from __future__ import annotations

from .datanodes import LeaseResult, check_caches, check_datanodes, check_leases
from .leaders import check_leaders
from .linearizability import CheckResult, check_register
from .sets import SetResult, check_set

__all__ = ["CheckResult", "LeaseResult", "SetResult", "check_caches", "check_datanodes", "check_leaders",
           "check_leases", "check_register", "check_set"]
