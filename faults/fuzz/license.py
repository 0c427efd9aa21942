"""License-file fuzzer: mutated license files fed to `influx-license inspect` and to node start-up.

Starts from a license that `influx-license issue` signs with an issuer made by `influx-license
keygen`, and mutates it: byte flips inside the signed `license` member and outside it,
truncations, duplicate `license` members, re-signed payloads with huge numbers, bad dates,
non-UTF-8 bytes and deep nesting, unsigned deep nesting and non-UTF-8 around the member, and a
10 MB file. Each file goes to

* `influx-license inspect FILE -issuer-keys PUB`, and
* `influxd-meta -single-server` with `[enterprise] license-path = FILE` (killed as soon as it
  answers `/ping`, or waited for when it exits).

Checks, every case: no signal, exit status 0 or 1 only; exit 1 gives exactly one stderr line
starting `influx-license: ` (inspect) or exactly one `influxd-meta: ` line (the node); a file
whose signed bytes changed is never accepted (a byte flip inside the member, a truncation
inside it and a duplicate member must be refused; any accepted file must carry the original
`license` value); inspect and the node agree; each run ends within 10 s; the largest RSS of a
child stays under 256 MB (RSS_LIMIT_KB).

    python3 -m faults.fuzz.license --seed 1 --iterations 60 [--keep DIR] [--cases A-B]
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from .common import (
    NODE_CONFIG,
    Deadline,
    FuzzReport,
    binary,
    case_rng_seed,
    describe_exit,
    free_port,
    http_request,
    main,
    parse_cases,
    save_failure,
    spawn_retrying,
)

FUZZER = "license"
TIMEOUT = 10.0
# As the other fuzzers: the reader refuses files over 64 KiB before parsing them.
RSS_LIMIT_KB = 256 * 1024


class Base:
    """The issuer and the valid license every case mutates."""

    def __init__(self, workdir: Path):
        self.dir = workdir / "issuer"
        keys = self.dir / "keys"
        run_checked([binary("influx-license"), "keygen", "-out", str(keys)])
        self.private_key = keys / "issuer.key.pem"
        self.public_key = keys / "issuer.pub.pem"
        license_path = self.dir / "license.json"
        run_checked([binary("influx-license"), "issue", "-key", str(self.private_key), "-org", "Acme",
                     "-expires", "2099-01-01", "-data-nodes", "4", "-cores", "8", "-out", str(license_path)])
        self.file = license_path.read_bytes()
        line = self.file.split(b"\n")[1]
        prefix = b'  "license": '
        assert line.startswith(prefix) and line.endswith(b","), line[:40]
        self.payload = line[len(prefix):-1]
        self.start = self.file.index(self.payload)
        self.end = self.start + len(self.payload)
        self.value = json.loads(self.payload)

    def sign(self, payload: bytes, scratch: Path) -> bytes:
        """A file with `payload` as the license member, properly signed by the issuer."""
        data, sig = scratch / "payload.bin", scratch / "signature.bin"
        data.write_bytes(payload)
        run_checked(["openssl", "pkeyutl", "-sign", "-inkey", str(self.private_key), "-rawin",
                     "-in", str(data), "-out", str(sig)])
        signature = base64.b64encode(sig.read_bytes())
        return b'{\n  "license": ' + payload + b',\n  "signature": "' + signature + b'"\n}\n'


def run_checked(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, timeout=30)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")


# --------------------------------------------------------------------------- mutations
# Each returns (description, file bytes, expectation): "refuse" when the file must be refused,
# "either" when acceptance is allowed (the accepted license must still be the original one, or,
# for re-signed payloads, anything the node considers valid).


def flip_inside(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    i = rng.randrange(base.start, base.end)
    data = bytearray(base.file)
    data[i] ^= 1 << rng.randrange(8)
    return f"flip a bit of byte {i} inside the signed member", bytes(data), "refuse"


def flip_outside(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    outside = [i for i in range(len(base.file)) if not base.start <= i < base.end]
    i = rng.choice(outside)
    data = bytearray(base.file)
    data[i] = rng.randrange(256)
    return f"replace byte {i} outside the signed member", bytes(data), "either"


def truncate(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    n = rng.randrange(len(base.file))
    return f"truncate to {n} bytes", base.file[:n], "refuse" if n < base.end else "either"


def duplicate_member(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    other = dict(base.value, entitlements={"influx_machines": "999", "influx_cores": "999", "meta_nodes": "3"})
    dup = json.dumps(other, separators=(",", ":")).encode() if rng.random() < 0.5 else base.payload
    after = rng.random() < 0.5
    member = b'  "license": ' + dup + b",\n"
    data = base.file[:base.end + 2] + member + base.file[base.end + 2:] if after else (
        base.file[:2] + member + base.file[2:])
    return f"duplicate license member ({'after' if after else 'before'}, {'same' if dup == base.payload else 'other'})", data, "refuse"


def _resigned(label: str, change: Callable[[random.Random, dict[str, Any]], Any], expect: str = "either"):
    def mutate(rng: random.Random, base: Base, scratch: Path) -> tuple[str, bytes, str]:
        value = json.loads(base.payload)
        detail = change(rng, value)
        payload = detail if isinstance(detail, bytes) else json.dumps(value, separators=(",", ":")).encode()
        return f"re-signed: {label}", base.sign(payload, scratch), expect

    return mutate


HUGE = ["99999999999999999999999999", "-1", "0", "1e999", "-0", "18446744073709551616", "9223372036854775808",
        "NaN", "", " 4", "4.5", "0x10"]


def _huge_entitlement(rng: random.Random, value: dict[str, Any]) -> None:
    key = rng.choice(["influx_machines", "influx_cores", "meta_nodes"])
    text = rng.choice(HUGE)
    value["entitlements"][key] = text if rng.random() < 0.5 else (
        float(text) if text in ("1e999",) else int(text) if text.lstrip("-").isdigit() else text)


# Refused by any RFC 3339 parser, and out-of-range times that only a lenient parser rolls over
# (hour 25, 30 February): the node reads times strictly.
BAD_DATES = ["2099-13-01T00:00:00Z", "", "yesterday", "0000-00-00T00:00:00Z",
             "2099-01-01T00:00:00+99:99", "-2099-01-01T00:00:00Z", 12345, None, [], {},
             "2099-01-01T25:00:00Z", "2099-02-30T00:00:00Z"]
# A five-digit year or a date without a time (accepted), or valid RFC 3339 that the node may
# refuse (long fractions, 1970): acceptance is noted, not failed (the file is signed by the
# issuer; see faults/fuzz/README.md).
ODD_DATES = ["99999-01-01T00:00:00Z", "2099-01-01T00:00:00.99999999999999999999Z", "1970-01-01T00:00:00Z",
             "2099-01-01"]


def _bad_date(rng: random.Random, value: dict[str, Any]) -> None:
    value[rng.choice(["expires_at", "not_before"])] = rng.choice(BAD_DATES)


def _odd_date(rng: random.Random, value: dict[str, Any]) -> None:
    value[rng.choice(["expires_at", "not_before", "issued_at"])] = rng.choice(ODD_DATES)


def _non_utf8_signed(rng: random.Random, value: dict[str, Any]) -> bytes:
    payload = json.dumps(value, separators=(",", ":")).encode()
    at = payload.index(b'"Acme"') + 2
    return payload[:at] + bytes(rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x00"])) + payload[at:]


def _deep_signed(rng: random.Random, value: dict[str, Any]) -> bytes:
    depth = rng.choice([100, 1000, 10000, 100000])
    payload = json.dumps(value, separators=(",", ":")).encode()
    return payload[:-1] + b',"deep":' + b"[" * depth + b"]" * depth + b"}"


def _wrong_types(rng: random.Random, value: dict[str, Any]) -> None:
    key = rng.choice(["entitlements", "state", "issuer_key_id", "key", "plan", "product", "id"])
    value[key] = rng.choice([None, 1, [], "x" * 100000, {"a": 1}, True])


def deep_outside(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    depth = rng.choice([100, 1000, 10000, 100000])
    member = b'  "deep": ' + b"[" * depth + b"]" * depth + b",\n"
    return f"unsigned nesting {depth} deep beside the member", base.file[:2] + member + base.file[2:], "either"


def non_utf8_outside(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    junk = bytes(rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x00"]))
    where = rng.choice(["member", "bom", "tail"])
    if where == "member":
        data = base.file[:2] + b'  "x": "' + junk + b'",\n' + base.file[2:]
    elif where == "bom":
        data = junk + base.file
    else:
        data = base.file + junk
    return f"non-UTF-8 bytes {junk.hex()} ({where}) outside the member", data, "either"


def ten_megabytes(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    size = 10 * 1024 * 1024
    kind = rng.choice(["whitespace", "string", "array"])
    if kind == "whitespace":
        return "10 MB of whitespace after the object", base.file + b" " * size, "either"
    if kind == "string":
        return "a 10 MB unsigned string member", base.file[:2] + b'  "pad": "' + b"a" * size + b'",\n' + base.file[2:], "either"
    return "a 10 MB unsigned array member", base.file[:2] + b'  "pad": [' + b"0," * (size // 2) + b"0],\n" + base.file[2:], "either"


def random_bytes(rng: random.Random, base: Base, _: Path) -> tuple[str, bytes, str]:
    return "random bytes", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))), "refuse"


MUTATIONS: list[Callable[[random.Random, Base, Path], tuple[str, bytes, str]]] = [
    flip_inside, flip_outside, truncate, duplicate_member,
    _resigned("huge or odd entitlement", _huge_entitlement),
    _resigned("bad date", _bad_date, "refuse"),
    _resigned("out-of-range date", _odd_date),
    _resigned("non-UTF-8 inside the signed member", _non_utf8_signed),
    _resigned("deep nesting inside the signed member", _deep_signed),
    _resigned("wrong field types", _wrong_types),
    deep_outside, non_utf8_outside, ten_megabytes, random_bytes,
]

# The first cases run every mutation once, so that even a short run covers all shapes.
FIXED = len(MUTATIONS)


def accepted_is_original(base: Base, data: bytes) -> bool:
    """Whether the `license` value of an accepted, unsigned-mutated file is the original one."""
    if base.payload not in data:
        return False
    try:
        top = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return True  # not plain JSON to Python: the original bytes are present, nothing more to compare
    return isinstance(top, dict) and top.get("license") == base.value


# --------------------------------------------------------------------------- running


class Child:
    """A child process waited for with wait4, so that its own peak RSS is known."""

    def __init__(self, args: list[str], stderr_path: Path):
        self.stderr_path = stderr_path
        self.err = open(stderr_path, "wb")
        self.proc = spawn_retrying(args, stdout=subprocess.DEVNULL, stderr=self.err)
        self.status: int | None = None
        self.rss_kb = 0

    def poll(self) -> int | None:
        if self.status is None:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self._finish(status, usage)
        return self.status

    def kill_and_wait(self) -> None:
        if self.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            _, status, usage = os.wait4(self.proc.pid, 0)
            self._finish(status, usage)

    def _finish(self, status: int, usage: Any) -> None:
        self.status = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.status
        self.rss_kb = usage.ru_maxrss
        self.err.close()

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


def inspect(base: Base, path: Path, scratch: Path) -> tuple[int | None, str, int]:
    """`influx-license inspect`: its exit status (None: no exit within TIMEOUT), stderr, peak RSS."""
    child = Child([binary("influx-license"), "inspect", str(path), "-issuer-keys", str(base.public_key)],
                  scratch / "inspect.stderr")
    deadline = Deadline(TIMEOUT)
    while child.poll() is None and not deadline.expired():
        time.sleep(0.005)
    hung = child.status is None
    child.kill_and_wait()
    return (None if hung else child.status), child.stderr, child.rss_kb


def start_node(base: Base, path: Path, root: Path) -> tuple[int | None, str, int]:
    """Starts a node on `path`: 0 once it answers /ping (then killed), else its exit status (None:
    neither within TIMEOUT); its stderr and peak RSS."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    http_port, raft_port = free_port(), free_port()
    config = root / "influxdb-meta.conf"
    config.write_text(NODE_CONFIG.format(dir=root / "meta", raft=raft_port, http=http_port)
                      + f'\n[enterprise]\nlicense-path = "{path}"\nlicense-issuer-keys = ["{base.public_key}"]\n')
    child = Child([binary("influxd-meta"), "-config", str(config), "-single-server"], root / "stderr.log")
    deadline = Deadline(TIMEOUT)
    code: int | None = None
    while not deadline.expired():
        code = child.poll()
        if code is not None:
            break
        try:
            if http_request(http_port, "GET", "/ping", timeout=0.5).status in (200, 204):
                code = 0
                break
        except OSError:
            pass
        time.sleep(0.02)
    child.kill_and_wait()
    return code, child.stderr, child.rss_kb


def run(seed: int, iterations: int, workdir: str, keep: str | None = None, cases: str | None = None,
        max_seconds: float = 600.0, node_every: int = 1) -> FuzzReport:
    report = FuzzReport(FUZZER, seed, iterations)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    keep_root = Path(keep) if keep else work / "failures"
    started = time.monotonic()
    base = Base(work)
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    overall = Deadline(max_seconds)
    outcomes = {"node started": 0, "node refused": 0}
    for case in parse_cases(cases, iterations):
        if overall.expired():
            report.stopped_early = f"--max-seconds {max_seconds} reached"
            break
        rng = random.Random(case_rng_seed(FUZZER, seed, case))
        mutate = MUTATIONS[case] if case < FIXED else rng.choice(MUTATIONS)
        label, data, expect = mutate(rng, base, scratch)
        resigned = label.startswith("re-signed")
        path = scratch / f"case-{case}.json"
        path.write_bytes(data)
        problems: list[str] = []

        code, stderr, rss = inspect(base, path, scratch)
        report.observe_rss(rss)
        lines = stderr.splitlines()
        if code is None:
            problems.append(f"inspect: no exit within {TIMEOUT} s")
        elif code not in (0, 1):
            problems.append(f"inspect: {describe_exit(code)}; stderr: {stderr[-400:]!r}")
        elif code == 1 and (len(lines) != 1 or not lines[0].startswith("influx-license: ")):
            problems.append(f"inspect: exit 1 with {len(lines)} stderr lines: {stderr[:400]!r}")
        elif code == 0 and expect == "refuse":
            problems.append("inspect accepted a file whose signed bytes changed (or that must be refused)")
        elif code == 0 and not resigned and not accepted_is_original(base, data):
            problems.append("inspect accepted a file whose license value differs from the signed one")

        if code == 0 and label == "re-signed: out-of-range date":
            report.note(f"accepted an out-of-range date (lenient parsing), e.g. case {case}: "
                        + next(v for v in ODD_DATES if v.encode() in data))
        if case % node_every == 0:
            ncode, nerr, nrss = start_node(base, path, work / "node")
            report.observe_rss(nrss)
            rss = max(rss, nrss)
            own = [line for line in nerr.splitlines()
                   if line.startswith("influxd-meta: ") and not line.startswith("influxd-meta: warning: ")]
            if ncode is None:
                problems.append(f"node: neither answered /ping nor exited within {TIMEOUT} s")
            elif ncode not in (0, 1):
                problems.append(f"node: {describe_exit(ncode)}; stderr tail: {nerr[-400:]!r}")
            elif ncode == 1 and len(own) != 1:
                problems.append(f"node: exit 1 with {len(own)} 'influxd-meta: ' lines: {nerr[-400:]!r}")
            elif ncode == 0 and expect == "refuse":
                problems.append("node started with a file whose signed bytes changed (or that must be refused)")
            if code in (0, 1) and ncode in (0, 1) and code != ncode:
                problems.append(f"inspect exit {code} but node {'started' if ncode == 0 else 'refused'}: {nerr[-300:]!r}")
            if ncode in (0, 1):
                outcomes["node started" if ncode == 0 else "node refused"] += 1

        if rss >= RSS_LIMIT_KB:
            problems.append(f"peak RSS {rss} kB (limit {RSS_LIMIT_KB} kB)")
        report.executed += 1
        if problems:
            report.failed += 1
            kind = re.sub(r"\d+", "N", f"{label.split(':')[0]}: {problems[0][:60]}")
            first = report.add(kind, f"case {case} ({label}): {'; '.join(problems)}")
            if first:
                save_failure(report, keep_root, f"case{case}", problems,
                             [{"case": case, "description": label, "bytes": data[:1 << 20]}], None, str(case))
        else:
            report.passed += 1
        if label.startswith("a 10 MB") or label.startswith("10 MB"):
            report.note(f"10 MB file peak RSS ({label}): {rss // 1024} MB")
        path.unlink(missing_ok=True)
    report.note(", ".join(f"{k}: {v}" for k, v in outcomes.items()))
    report.duration_s = time.monotonic() - started
    report.finalize()
    return report


if __name__ == "__main__":
    raise SystemExit(main(FUZZER, run, default_iterations=60))
