"""influx-console with many registered clusters: its memory, page load times in a real browser,
and how long a leader change takes to reach an open page.

    python3 bench/console.py [--bin DIR] [--clusters 10] [--loads 20] [--rounds 3]

Starts one influx-console (`-poll-interval 1s`) and `--clusters` clusters of three real
influxd-meta nodes on 127.0.0.1 (development license, `registration-enabled = true`, stats every
second), waits until the console lists them all and has polled them, then prints:

- console RSS (`VmRSS` from /proc) once every cluster is registered and polled, and again
  after the page loads and the leader kills;
- page load time of `/` and of a cluster page in headless chromium (Debian's, driven by
  Playwright): median of `--loads` navigations, from the navigation timing entry
  (`responseEnd` = the document received, `loadEventEnd` = the page and its assets loaded);
- leader kill to the page showing the new leader: with a cluster page open, SIGKILL the
  cluster's leader and time until the page's `data-testid="leader"` names another node
  (no reload); median of `--rounds` rounds, each on another cluster.

Every process is killed (SIGKILL) and reaped on the way out, also on failure, Ctrl-C, SIGTERM
or SIGHUP; the work folder (`--dir`, default a fresh /tmp/bench-console-*) is removed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {response: n.responseEnd - n.startTime, load: n.loadEventEnd - n.startTime}; }"""
LEADER_IS = """(addresses) => { const e = document.querySelector('[data-testid="leader"]');
  return e !== null && addresses.some(a => e.textContent.includes(a)); }"""


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ms" if values else "n/a"


def page_loads(browser, url: str, count: int) -> tuple[list[float], list[float]]:
    """`count` fresh navigations to `url` in one page: (responseEnd, loadEventEnd) in ms."""
    page = browser.new_page()
    responses, loads = [], []
    try:
        page.goto(url)  # warm-up: the first navigation also starts the browser's own machinery
        for _ in range(count):
            page.goto(url, wait_until="load")
            timing = page.evaluate(NAVIGATION)
            responses.append(timing["response"])
            loads.append(timing["load"])
    finally:
        page.close()
    return responses, loads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"),
                        help="where influx-console, influxd-meta, influxd-ctl and influx-license are")
    parser.add_argument("--clusters", type=int, default=10)
    parser.add_argument("--loads", type=int, default=20, help="navigations per page for the median")
    parser.add_argument("--rounds", type=int, default=3, help="leader kills (one per cluster)")
    parser.add_argument("--dir", default="", help="work folder (default: a fresh /tmp/bench-console-*)")
    args = parser.parse_args()
    if args.rounds > args.clusters:
        parser.error(f"--rounds {args.rounds}: at most one round per cluster (--clusters {args.clusters})")
    bin_dir = Path(args.bin).resolve()
    for name in ("influx-console", "influxd-meta", "influxd-ctl", "influx-license"):
        if not (bin_dir / name).exists():
            parser.error(f"--bin {bin_dir}: no {name} there (build it, or point --bin at the build's bin folder)")
    os.environ["INFLUXD_BIN_DIR"] = str(bin_dir)

    from faults.console import Console, RegisteredCluster, browser_missing, chromium, rss_kb, wait_until

    if (missing := browser_missing()) is not None:
        print(f"bench/console.py: {missing}", file=sys.stderr)
        return 1

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-console-"))
    console = Console(work / "console")
    clusters: list = []

    def stop(*_):
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    rows: list[tuple[str, str]] = []
    try:
        console.start()
        started = time.monotonic()
        for i in range(args.clusters):
            cluster = RegisteredCluster(work / f"cluster{i + 1}", console.url, count=3)
            clusters.append(cluster)
            cluster.start()
        print(f"{args.clusters} clusters × 3 nodes started in {time.monotonic() - started:.1f}s", file=sys.stderr)
        wait_until(f"{args.clusters} clusters on the console's / page",
                   lambda: len(console.clusters()) == args.clusters, 120, 0.5)
        ids = console.clusters()
        # every cluster polled: each cluster page names its leader
        from faults.console import request

        def polled(cid: str, cluster: RegisteredCluster) -> bool:
            leader = cluster.leader()
            status, body = request(console.address, "GET", f"/clusters/{cid}", headers={"Accept": "text/html"})
            return status == 200 and leader is not None and leader.http in body.decode("utf-8", "replace")

        by_id = {}
        for cluster in clusters:
            cid = cluster.cluster_id()
            assert cid in ids, f"cluster {cid} not listed by the console ({ids})"
            by_id[cid] = cluster
            wait_until(f"cluster {cid} polled", lambda c=cid, k=cluster: polled(c, k), 60, 0.5)
        rows.append(("console RSS, all registered and polled", f"{rss_kb(console.pid) / 1024:.1f} MB"))
        nodes_rss = sum(rss_kb(n.pid) for c in clusters for n in c.nodes)
        rows.append(("meta nodes RSS (sum of 3 × clusters)", f"{nodes_rss / 1024:.0f} MB"))

        with chromium() as browser:
            responses, loads = page_loads(browser, console.url + "/", args.loads)
            rows.append((f"GET / document (median of {args.loads})", median_ms(responses)))
            rows.append((f"GET / load event (median of {args.loads})", median_ms(loads)))
            first = ids[0]
            responses, loads = page_loads(browser, f"{console.url}/clusters/{first}", args.loads)
            rows.append((f"cluster page document (median of {args.loads})", median_ms(responses)))
            rows.append((f"cluster page load event (median of {args.loads})", median_ms(loads)))

            shown: list[float] = []
            for cid in ids[-args.rounds:]:
                cluster = by_id[cid]
                old = cluster.wait_for_leader()
                page = browser.new_page()
                try:
                    page.goto(f"{console.url}/clusters/{cid}")
                    page.wait_for_function(LEADER_IS, arg=[old.http], timeout=30_000)
                    page.wait_for_function(
                        "() => (document.querySelector('[data-testid=\"live\"]')?.textContent || '').trim() === 'live'",
                        timeout=30_000)
                    survivors = [n.http for n in cluster.nodes if n is not old]
                    killed = time.perf_counter()
                    old.kill()
                    page.wait_for_function(LEADER_IS, arg=survivors, timeout=30_000, polling=10)
                    shown.append((time.perf_counter() - killed) * 1000)
                finally:
                    page.close()
            spread = f" (range {min(shown):.0f}–{max(shown):.0f})" if shown else ""
            rows.append((f"leader SIGKILL → page shows new leader (median of {len(shown)})",
                         median_ms(shown) + spread))
        rows.append(("console RSS, after the page loads and kills", f"{rss_kb(console.pid) / 1024:.1f} MB"))
    except KeyboardInterrupt:
        print("bench/console.py: interrupted", file=sys.stderr)
        return 130
    finally:
        for cluster in clusters:
            cluster.stop()
        console.kill()
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"\ninflux-console, {args.clusters} clusters × 3 meta nodes, -poll-interval 1s, stats every 1s; "
          f"bins {bin_dir} (commit {commit})\n")
    width = max(len(k) for k, _ in rows)
    print(f"| {'figure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
