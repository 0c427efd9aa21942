"""Smoke test of the adversarial-input fuzzers (faults/fuzz): a fixed seed, a few iterations each.

Every fuzzer must finish with no failure: no crash, no hang, no leak, no bad input accepted,
stored data untouched. The whole file takes about a minute. Longer runs:
``python3 -m faults.fuzz.<http|raft|config|license|licenseserver> --seed S --iterations N`` (see faults/fuzz/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from faults.fuzz import config as config_fuzz  # noqa: E402
from faults.fuzz import http as http_fuzz  # noqa: E402
from faults.fuzz import license as license_fuzz  # noqa: E402
from faults.fuzz import licenseserver as licenseserver_fuzz  # noqa: E402
from faults.fuzz import raft as raft_fuzz  # noqa: E402
from faults.fuzz.common import FuzzReport, bin_dir  # noqa: E402

SEED = 20261127


def _binary_present() -> bool:
    return (bin_dir() / "influxd-meta").exists()


pytestmark = pytest.mark.skipif(not _binary_present(), reason=f"no influxd-meta in {bin_dir()} (set INFLUXD_BIN_DIR)")


def _check(report: FuzzReport) -> None:
    print(report.summary())
    assert report.executed > 0, "the fuzzer ran no case"
    assert report.failed == 0, f"{report.fuzzer} fuzzer: {report.failed} failed\n" + "\n".join(report.findings)
    assert report.max_rss_kb < (license_fuzz.RSS_LIMIT_KB if report.fuzzer == "license" else 256 * 1024)


def test_http_fuzzer(tmp_path: Path) -> None:
    # the fixed scenarios (every route x method, 10 MB bodies, slow and idle clients, 2,000 idle
    # connections, abandoned long polls, unicode names, /reset) plus a few random cases
    _check(http_fuzz.run(SEED, len(http_fuzz.FIXED) + 10, str(tmp_path), keep=str(tmp_path / "failures"),
                         max_seconds=60, fd_limit_scenario=False))


def test_http_fuzzer_authenticated(tmp_path: Path) -> None:
    # auth-enabled: every route and method, 10 MB bodies, raw HTTP, membership and /execute bodies
    # and forged credentials (guessed secrets, expired tokens, alg none, wrong passwords) without
    # valid credentials: only /ping may succeed, and nothing may change
    _check(http_fuzz.run(SEED, len(http_fuzz.FIXED_AUTH) + 30, str(tmp_path), keep=str(tmp_path / "failures"),
                         max_seconds=60, auth=True))


def test_raft_fuzzer(tmp_path: Path) -> None:
    # the cluster requires internal-shared-secret on its Raft port and the fuzzer does not know it:
    # every handshake must be refused before libraft, and no case may depose the leader
    _check(raft_fuzz.run(SEED, len(raft_fuzz.FIXED) + 10, str(tmp_path), keep=str(tmp_path / "failures"),
                         max_seconds=60, preamble_timeout_check=False))


def test_config_fuzzer(tmp_path: Path) -> None:
    _check(config_fuzz.run(SEED, len(config_fuzz.FIXED_CASES) + 30, str(tmp_path), keep=str(tmp_path / "failures"),
                           max_seconds=45))


def test_license_fuzzer(tmp_path: Path) -> None:
    # every mutation once (flips inside and outside the signed member, truncation, duplicate
    # members, re-signed odd payloads, deep nesting, non-UTF-8, a 10 MB file) plus a few random
    _check(license_fuzz.run(SEED, license_fuzz.FIXED + 15, str(tmp_path), keep=str(tmp_path / "failures"),
                            max_seconds=60))


def test_license_server_fuzzer(tmp_path: Path) -> None:
    # every answer once (the right license, tampered, another key, untrusted, expired, 403s,
    # 5xx, redirects, broken and 10 MB bodies, a hang) plus a few random
    _check(licenseserver_fuzz.run(SEED, licenseserver_fuzz.FIXED + 9, str(tmp_path), keep=str(tmp_path / "failures"),
                                  max_seconds=90))
