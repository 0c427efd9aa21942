#!/usr/bin/env python3
"""The secured path under wrk: writes to a three-node cluster with TLS on the API and on Raft
and `auth-enabled`, with basic auth and with a bearer JWT, against the same cluster shape with
neither. Issue 20, item 4: each secured figure as a ratio of the plain one (target >= 0.8).

Starts two three-node clusters on 127.0.0.1 (free ports; bench/auth_overhead.py's setup): plain,
and secured (`https-enabled` with a self-signed certificate made here by openssl, Raft over TLS,
`auth-enabled`, an admin user). wrk drives each leader with bench/wrk/meta_write.lua (a unique
create-database per request) at 1, 16, 64 and 256 connections; within a round the three setups
alternate at each concurrency. Prints medians of --repeat rounds. Timings are printed, never
asserted.

    python3 bench/wrk_secured.py --bin .build/release            # about 5 minutes
    python3 bench/wrk_secured.py --bin .build/release --no-tls   # auth only
    python3 bench/wrk_secured.py --bin .build/release --quick    # 2 s per run, one round
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile

from auth_overhead import ADMIN, SHARED, Cluster, basic, self_signed_certificate, token
from wrk import CONNECTIONS, FIGURES, add_run_arguments, missing_wrk, wrk

SETUPS = ("plain", "basic", "jwt")


def table(rounds: list[dict], repeat: int, secured: str) -> str:
    """Medians per concurrency; the secured setups as ratios of plain."""
    lines = ["| conns | plain writes/s | basic writes/s | ratio | jwt writes/s | ratio "
             "| plain p50 / p99 / p99.9 ms | basic p50 / p99 / p99.9 ms | jwt p50 / p99 / p99.9 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for c in CONNECTIONS:
        med = {s: {f: statistics.median(r[s][c][f] for r in rounds) for f in FIGURES} for s in SETUPS}
        p, b, j = med["plain"], med["basic"], med["jwt"]
        lines.append(
            f"| {c} | {p['rps']:,.0f} | {b['rps']:,.0f} | {b['rps'] / p['rps']:.2f} "
            f"| {j['rps']:,.0f} | {j['rps'] / p['rps']:.2f} "
            + " ".join(f"| {m['p50']:.2f} / {m['p99']:.2f} / {m['p999']:.2f}" for m in (p, b, j)) + " |")
    lines.append(f"\nsecured = {secured}; medians of {repeat} round(s); ratio = secured / plain writes/s")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(ap)
    ap.add_argument("--no-tls", action="store_true", help="the secured cluster runs auth without TLS")
    ap.add_argument("--password-hash", default="bcrypt")
    args = ap.parse_args()
    if missing_wrk():
        return 2
    if args.quick:
        args.repeat, args.seconds = 1, 2
    root = tempfile.mkdtemp(prefix="bench-wrk-secured-")
    clusters: list[Cluster] = []
    rounds: list[dict] = []
    try:
        plain = Cluster(args.bin, f"{root}/plain", False, args.password_hash)
        clusters.append(plain)
        plain_port = plain.start()
        credentials = None if args.no_tls else self_signed_certificate(root)
        secured = Cluster(args.bin, f"{root}/secured", True, args.password_hash, credentials)
        clusters.append(secured)
        port = secured.start()
        scheme = "http" if args.no_tls else "https"
        bearer = "Bearer " + token(SHARED, ADMIN[0], lifetime=86_400)
        for n in range(args.repeat):
            result: dict = {s: {} for s in SETUPS}
            for c in CONNECTIONS:
                result["plain"][c] = wrk(f"127.0.0.1:{plain_port}", "meta_write.lua", c, args.seconds,
                                         f"plain-r{n}c{c}")
                result["basic"][c] = wrk(f"127.0.0.1:{port}", "meta_write.lua", c, args.seconds,
                                         f"basic-r{n}c{c}", authorization=basic(*ADMIN), scheme=scheme)
                result["jwt"][c] = wrk(f"127.0.0.1:{port}", "meta_write.lua", c, args.seconds,
                                       f"jwt-r{n}c{c}", authorization=bearer, scheme=scheme)
                p, b, j = (result[s][c] for s in SETUPS)
                print(f"round {n + 1}, {c:>3} conns: plain {p['rps']:>8,.0f}/s p99 {p['p99']:6.2f} ms | "
                      f"basic {b['rps']:>8,.0f}/s p99 {b['p99']:6.2f} ms | "
                      f"jwt {j['rps']:>8,.0f}/s p99 {j['p99']:6.2f} ms", flush=True)
            rounds.append(result)
    finally:
        for cluster in clusters:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    print()
    print(table(rounds, args.repeat, "auth" if args.no_tls else "auth + TLS (HTTPS, Raft over TLS)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
