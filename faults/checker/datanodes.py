"""Checks of the simulated data nodes' history (tools/datanode-sim): the `continuous_querier`
lease and the nodes' metadata caches.

Leases. A `lease` record is one `GET /lease` by node `value`: its status, the `owner`, `token`
and `expiration` (Unix seconds) of the answer, and the wall-clock times it was sent and
answered (`wall_start`, `wall_end`). A 200 gives its node the lease from the moment the answer
arrived to the expiration it carries: that is when the node may act as the holder (every
process runs on one machine, so the nodes' and the meta nodes' clocks are the same clock).
A grant that arrives already lapsed gives nothing. Then:

- a 200 names the node that asked as the owner;
- no two holding intervals of different nodes overlap;
- tokens never go backwards: in the order the grants arrived, each token is at least the one
  before, a new holder's token is bigger than every earlier holder's, and one token never
  belongs to two nodes.

Caches. The `convergence` record says whether every node's cache reached the leader's index
and content after the faults healed; `cache-error` records are answers a node could not decode.
Acknowledged `create-shard-group` records must be covered in the converged metadata (the
simulator lists those that are not in `lost_groups`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LeaseResult:
    grants: int = 0  # 200 answers
    holdings: int = 0  # grants that had not lapsed on arrival
    holders: int = 0  # distinct nodes that held it
    handovers: int = 0  # changes of holder
    violations: list[str] = field(default_factory=list)


def check_leases(ops: list[dict]) -> LeaseResult:
    """The lease rules above, on the `lease` records of `ops`."""
    result = LeaseResult()
    grants = []
    for op in ops:
        if op.get("f") != "lease" or op.get("status") != 200:
            continue
        result.grants += 1
        if op.get("owner") != op.get("value"):
            result.violations.append(f"{op.get('process')}: 200 for node {op.get('value')} names owner "
                                     f"{op.get('owner')} (token {op.get('token')})")
            continue
        if not isinstance(op.get("token"), int) or op.get("expiration") is None:
            result.violations.append(f"{op.get('process')}: 200 without a token or an expiration: {op}")
            continue
        if op["expiration"] <= op["wall_end"]:
            continue  # lapsed before it arrived: the node never held it
        grants.append(op)
    grants.sort(key=lambda o: o["wall_end"])
    result.holdings = len(grants)
    result.holders = len({o["value"] for o in grants})
    latest_end: dict[int, tuple[float, dict]] = {}  # owner -> the latest end of its holdings so far
    token_owner: dict[int, int] = {}
    highest: dict | None = None  # the grant with the highest token so far
    previous: dict | None = None
    for op in grants:
        owner, start, end, token = op["value"], op["wall_end"], op["expiration"], op["token"]
        for other, (other_end, other_op) in latest_end.items():
            if other != owner and other_end > start:
                result.violations.append(
                    f"two holders: node {other} held {op['key']} (token {other_op['token']}) until "
                    f"{other_end:.6f}, node {owner} from {start:.6f} (token {token}), overlap "
                    f"{(other_end - start) * 1000:.1f} ms")
        if token in token_owner and token_owner[token] != owner:
            result.violations.append(f"token {token} given to node {token_owner[token]} and to node {owner}")
        token_owner.setdefault(token, owner)
        if highest is not None and token < highest["token"]:
            result.violations.append(f"token went backwards: node {owner} got {token} at {start:.6f} after node "
                                     f"{highest['value']} got {highest['token']} at {highest['wall_end']:.6f}")
        if previous is not None and previous["value"] != owner:
            result.handovers += 1
            if token <= previous["token"]:
                result.violations.append(f"new holder node {owner} got token {token}, not above node "
                                         f"{previous['value']}'s {previous['token']}")
        if highest is None or token > highest["token"]:
            highest = op
        previous = op
        if end > latest_end.get(owner, (0.0, None))[0]:
            latest_end[owner] = (end, op)
    return result


def check_caches(ops: list[dict]) -> list[str]:
    """Cache problems: no convergence, differing content, undecodable answers, lost groups."""
    problems = []
    convergence = [o for o in ops if o.get("f") == "convergence"]
    if not convergence:
        problems.append("no convergence record: the simulator did not finish")
    for c in convergence:
        if c.get("seconds") is None:
            behind = {k: v for k, v in (c.get("caches") or {}).items() if v != c.get("leader_index")}
            problems.append(f"caches did not converge to the leader's index {c.get('leader_index')}: {behind}")
        if c.get("mismatched"):
            problems.append(f"caches at the leader's index with other content: {c['mismatched']}")
        for lost in c.get("lost_groups") or []:
            problems.append(f"acknowledged shard group not in the converged metadata: {lost}")
    errors = [o for o in ops if o.get("f") == "cache-error"]
    if errors:
        problems.append(f"{len(errors)} undecodable GET / answers, first: {errors[0].get('error')}")
    return problems


def check_datanodes(ops: list[dict]) -> tuple[list[str], dict]:
    """Every data-node check; returns the violations and figures for the run's summary."""
    leases = check_leases(ops)
    caches = check_caches(ops)
    creates = [o for o in ops if o.get("f") == "create-shard-group"]
    stats = {
        "lease_grants": leases.grants, "lease_holders": leases.holders, "lease_handovers": leases.handovers,
        "lease_requests": sum(1 for o in ops if o.get("f") == "lease"),
        "shard_groups_acked": sum(1 for o in creates if o.get("ok") is True),
        "cache_updates": sum(1 for o in ops if o.get("f") == "cache"),
    }
    for c in ops:
        if c.get("f") == "convergence":
            stats["cache_convergence_seconds"] = c.get("seconds")
    problems = [f"lease: {v}" for v in leases.violations[:10]] + [f"cache: {p}" for p in caches[:10]]
    if leases.grants == 0:
        problems.append("lease: never granted: the run proves nothing about leases")
    return problems, stats
