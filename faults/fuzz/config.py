"""Configuration fuzzer: `influxd-meta config -config <file>` with mutated files and INFLUXDB_* variables.

Starts from valid configurations (the installation guide's, the built-in defaults, the fuzzing
node's) and mutates them structurally (value types, huge integers, bad ports, weird durations,
unicode, duplicate keys, dotted keys, unknown sections) and textually (insert/delete/replace
bytes, NUL, very long lines, empty file). Every run must end within 5 s with:

* exit 0: stdout is TOML (Python's tomllib parses it) that `influxd-meta config` accepts again and
  prints identically; the printed values are the ones the file/environment asked for; the values
  obey the documented rules; stderr holds only `influxd-meta: warning: ...` lines; or
* exit 1: stderr is exactly one line starting with `influxd-meta: `;

never a signal, never a hang. An independent oracle (tomllib plus the documented value rules) says
whether the input is valid; accepting what it rejects is a finding.

    python3 -m faults.fuzz.config --seed 1 --iterations 500 [--keep DIR] [--cases A-B]
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import time
import tomllib
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

from .common import (
    Deadline,
    FuzzReport,
    binary,
    case_rng_seed,
    describe_exit,
    hexdump,
    main,
    parse_cases,
    save_failure,
    signal_name,
    spawn_retrying,
)

FUZZER = "config"
TIMEOUT = 5.0
BATCH = 50
MAX_NS = 2**63 - 1

# --------------------------------------------------------------------------- the schema (docs/CONFIGURATION.md)

BOOL, STR, ADDR, ADDR_OR_EMPTY, DUR, INT, CHOICE, OPTCHOICE, STRINGS, PWHASH = (
    "bool", "str", "addr", "addr?", "dur", "int", "choice", "optchoice", "strings", "pwhash")


@dataclasses.dataclass(frozen=True)
class Key:
    section: str  # "" for top level
    name: str
    kind: str
    rule: Any = None  # duration: minimum ns (exclusive 0 for "positive"); int: minimum; choice: values

    @property
    def env(self) -> str:
        sec = f"{self.section.upper()}_" if self.section else ""
        return f"INFLUXDB_{sec}{self.name.upper().replace('-', '_')}"

    @property
    def qualified(self) -> str:
        return f"[{self.section}] {self.name}" if self.section else self.name


POSITIVE = 1  # ns
KEYS = [
    Key("", "reporting-disabled", BOOL), Key("", "bind-address", ADDR_OR_EMPTY), Key("", "hostname", STR),
    Key("enterprise", "license-key", STR), Key("enterprise", "license-path", STR),
    Key("enterprise", "license-issuer-keys", STRINGS), Key("enterprise", "license-server-url", STR),
    Key("enterprise", "license-refresh-interval", DUR, POSITIVE), Key("enterprise", "license-grace-period", DUR, POSITIVE),
    Key("enterprise", "registration-enabled", BOOL), Key("enterprise", "registration-server-url", STR),
    Key("enterprise", "registration-token", STR), Key("enterprise", "registration-stats-interval", DUR, 100_000_000),
    Key("meta", "dir", STR), Key("meta", "bind-address", ADDR), Key("meta", "http-bind-address", ADDR),
    Key("meta", "https-enabled", BOOL), Key("meta", "https-certificate", STR), Key("meta", "https-private-key", STR),
    Key("meta", "https-insecure-certificate", BOOL), Key("meta", "https-insecure-tls", BOOL),
    Key("meta", "data-use-tls", BOOL), Key("meta", "data-insecure-tls", BOOL),
    Key("meta", "gossip-frequency", DUR, 250_000_000), Key("meta", "announcement-expiration", DUR, POSITIVE),
    Key("meta", "retention-autocreate", BOOL), Key("meta", "election-timeout", DUR, POSITIVE),
    Key("meta", "heartbeat-timeout", DUR, POSITIVE), Key("meta", "leader-lease-timeout", DUR, POSITIVE),
    Key("meta", "commit-timeout", DUR, POSITIVE), Key("meta", "consensus-timeout", DUR, POSITIVE),
    Key("meta", "cluster-tracing", BOOL), Key("meta", "logging-enabled", BOOL), Key("meta", "pprof-enabled", BOOL),
    Key("meta", "lease-duration", DUR, POSITIVE), Key("meta", "auth-enabled", BOOL), Key("meta", "ldap-allowed", BOOL),
    Key("meta", "shared-secret", STR), Key("meta", "internal-shared-secret", STR), Key("meta", "password-hash", PWHASH),
    Key("meta", "ensure-fips", BOOL), Key("meta", "raft-portal-auth-required", BOOL),
    Key("meta", "raft-dialer-auth-required", BOOL), Key("meta", "raft-promotion-enabled", BOOL),
    Key("meta", "debug-pprof-enabled", BOOL), Key("meta", "raft-snapshot-threshold", INT, 16),
    Key("meta", "raft-snapshot-trailing", INT, 0),
    Key("logging", "format", CHOICE, ("auto", "logfmt", "json")),
    Key("logging", "level", CHOICE, ("debug", "info", "warn", "error")), Key("logging", "suppress-logo", BOOL),
    Key("tls", "ciphers", STRINGS), Key("tls", "min-version", OPTCHOICE, ("tls1.0", "tls1.1", "tls1.2", "tls1.3")),
    Key("tls", "max-version", OPTCHOICE, ("tls1.0", "tls1.1", "tls1.2", "tls1.3")),
    Key("tls", "advanced-expiration", DUR, 0),
    Key("discovery", "mode", CHOICE, ("hosts", "dns")), Key("discovery", "hosts-file", STR),
]
BY_NAME = {(k.section, k.name): k for k in KEYS}
SECTIONS = ["enterprise", "meta", "logging", "tls", "discovery"]
DEFAULTS: dict[tuple[str, str], Any] = {
    ("", "reporting-disabled"): False, ("", "bind-address"): "", ("", "hostname"): "",
    ("enterprise", "license-key"): "", ("enterprise", "license-path"): "", ("enterprise", "registration-enabled"): False,
    ("enterprise", "license-issuer-keys"): [],
    ("enterprise", "license-server-url"): "http://license.influxdata.invalid/api/v1/licenses",
    ("enterprise", "license-refresh-interval"): "4h0m0s", ("enterprise", "license-grace-period"): "4h0m0s",
    ("enterprise", "registration-server-url"): "", ("enterprise", "registration-token"): "",
    ("enterprise", "registration-stats-interval"): "1m0s", ("meta", "dir"): "/var/lib/influxdb/meta",
    ("meta", "bind-address"): ":8089", ("meta", "http-bind-address"): ":8091", ("meta", "https-enabled"): False,
    ("meta", "https-certificate"): "", ("meta", "https-private-key"): "", ("meta", "https-insecure-certificate"): False,
    ("meta", "https-insecure-tls"): False, ("meta", "data-use-tls"): False, ("meta", "data-insecure-tls"): False,
    ("meta", "gossip-frequency"): "5s", ("meta", "announcement-expiration"): "30s", ("meta", "retention-autocreate"): True,
    ("meta", "election-timeout"): "1s", ("meta", "heartbeat-timeout"): "1s", ("meta", "leader-lease-timeout"): "500ms",
    ("meta", "commit-timeout"): "50ms", ("meta", "consensus-timeout"): "30s", ("meta", "cluster-tracing"): False,
    ("meta", "logging-enabled"): True, ("meta", "pprof-enabled"): True, ("meta", "lease-duration"): "1m0s",
    ("meta", "auth-enabled"): False, ("meta", "ldap-allowed"): False, ("meta", "shared-secret"): "",
    ("meta", "internal-shared-secret"): "", ("meta", "password-hash"): "bcrypt", ("meta", "ensure-fips"): False,
    ("meta", "raft-portal-auth-required"): False, ("meta", "raft-dialer-auth-required"): False,
    ("meta", "raft-promotion-enabled"): True, ("meta", "debug-pprof-enabled"): False,
    ("meta", "raft-snapshot-threshold"): 8192, ("meta", "raft-snapshot-trailing"): 2048,
    ("logging", "format"): "auto", ("logging", "level"): "info", ("logging", "suppress-logo"): False,
    ("tls", "ciphers"): [], ("tls", "min-version"): "", ("tls", "max-version"): "", ("tls", "advanced-expiration"): "120h0m0s",
    ("discovery", "mode"): "hosts", ("discovery", "hosts-file"): "/etc/hosts",
}

# --------------------------------------------------------------------------- value rules


UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "\u03bcs": 1000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
         "h": 3600 * 10**9, "d": 86400 * 10**9, "w": 7 * 86400 * 10**9}


def parse_duration(text: str) -> int | None:
    """Go's time.ParseDuration (plus d and w), in ns; None when invalid or out of range."""
    s = text
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = Fraction(0)
    while s:
        m = re.match(r"([0-9]*)(\.([0-9]*))?", s)
        whole, frac = m.group(1), m.group(3)
        if not whole and not frac:
            return None
        if m.group(2) and not whole and not frac:
            return None
        s = s[m.end():]
        u = re.match(r"[^0-9.]+", s)
        if not u or u.group(0) not in UNITS:
            return None
        s = s[u.end():]
        value = Fraction(int(whole or "0"))
        if frac:
            value += Fraction(int(frac), 10 ** len(frac))
        total += value * UNITS[u.group(0)]
        if total > MAX_NS + 1:
            return None
    ns = int(total)  # Go truncates below a nanosecond
    if neg:
        ns = -ns
    if ns > MAX_NS or ns < -MAX_NS - 1:
        return None
    return ns


def address_problem(text: str, allow_empty: bool) -> str | None:
    if text == "":
        return None if allow_empty else "empty address"
    if text.startswith("["):
        m = re.fullmatch(r"\[([^\]]*)\]:([0-9]+)", text)
        if not m:
            return "bad [ipv6]:port"
        port = m.group(2)
    else:
        if text.count(":") != 1:
            return "needs exactly one colon"
        port = text.split(":")[1]
    if not port or not port.isascii() or not port.isdigit() or len(port) > 6 or int(port) > 65535:
        return f"bad port {port!r}"
    return None


def value_problem(key: Key, value: Any) -> str | None:
    """Why `value` (already typed as TOML gives it) breaks the documented rules for `key`; None if fine."""
    k = key.kind
    if k == BOOL:
        return None if isinstance(value, bool) else "not a boolean"
    if k == INT:
        if not isinstance(value, int) or isinstance(value, bool):
            return "not an integer"
        return None if value >= key.rule else f"below {key.rule}"
    if k == STRINGS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "not a list of strings"
        return None
    if not isinstance(value, str):
        return "not a string"
    if "\x00" in value:
        return "NUL character in a string"
    if key.name == "hostname" and not key.section and value and not HOSTNAME_OK.match(value):
        return "not a host name or IP address"
    if k in (ADDR, ADDR_OR_EMPTY):
        return address_problem(value, k == ADDR_OR_EMPTY)
    if k == DUR:
        ns = parse_duration(value)
        if ns is None:
            return "not a Go duration"
        if ns < 0:
            return "negative duration"
        if ns < key.rule:
            return f"duration below the minimum {key.rule}ns"
        return None
    if k == CHOICE:
        return None if value in key.rule else "not one of the allowed values"
    if k == OPTCHOICE:
        return None if value == "" or value in key.rule else "not one of the allowed values"
    if k == PWHASH:
        return password_hash_problem(value)
    return None  # STR: no documented per-value rule


def password_hash_problem(text: str) -> str | None:
    """`scheme[;key=value...]`: bcrypt (cost 4-31), pbkdf2-sha256/-sha512 (rounds, salt_len >= 1)."""
    parts = text.split(";")
    allowed = {"bcrypt": ("cost",), "pbkdf2-sha256": ("rounds", "salt_len"), "pbkdf2-sha512": ("rounds", "salt_len")}
    if parts[0] not in allowed:
        return "unknown password-hash scheme"
    seen = set()
    for part in parts[1:]:
        k, eq, v = part.partition("=")
        if not eq or k not in allowed[parts[0]] or k in seen:
            return "bad password-hash parameter"
        seen.add(k)
        if not v or not (v.isascii() and v.isdigit()) or len(v) > 18:
            return "password-hash parameter is not a whole number"
        n = int(v)
        if (k == "cost" and not 4 <= n <= 31) or n < 1:
            return "password-hash parameter out of range"
    return None


def cross_problems(cfg: dict[tuple[str, str], Any]) -> list[str]:
    """The documented rules between keys, on a complete configuration (values as printed)."""
    out = []

    def d(name):
        return parse_duration(cfg[("meta", name)]) if isinstance(cfg.get(("meta", name)), str) else None

    e, h, lease = d("election-timeout"), d("heartbeat-timeout"), d("leader-lease-timeout")
    if None not in (e, h) and e < h:
        out.append("election-timeout shorter than heartbeat-timeout")
    if None not in (h, lease) and lease > h:
        out.append("leader-lease-timeout longer than heartbeat-timeout")
    if cfg.get(("meta", "dir")) == "":
        out.append("empty [meta] dir")
    if cfg.get(("meta", "https-enabled")) is True and not cfg.get(("meta", "https-certificate")):
        out.append("https-enabled without https-certificate")
    secret = cfg.get(("meta", "internal-shared-secret"))
    for flag in ("auth-enabled", "raft-portal-auth-required", "raft-dialer-auth-required"):
        if cfg.get(("meta", flag)) is True and not secret:
            out.append(f"{flag} without internal-shared-secret")
    if cfg.get(("enterprise", "license-key")) and cfg.get(("enterprise", "license-path")):
        out.append("license-key and license-path both set")
    if cfg.get(("enterprise", "license-key")) and not re.match(
            r"(?i)^https?://[^/\s:?#]+", str(cfg.get(("enterprise", "license-server-url"), ""))):
        out.append("license-key with a license-server-url that is not a full URL")
    if cfg.get(("enterprise", "registration-enabled")) is True:
        url = cfg.get(("enterprise", "registration-server-url"), "")
        if not re.match(r"(?i)^https?://[^/\s:?#]+", str(url)):
            out.append("registration enabled without a full URL")
    order = ["tls1.0", "tls1.1", "tls1.2", "tls1.3"]
    mn, mx = cfg.get(("tls", "min-version")), cfg.get(("tls", "max-version"))
    if mn in order and mx in order and order.index(mn) > order.index(mx):
        out.append("tls min-version newer than max-version")
    if cfg.get(("discovery", "mode")) == "hosts" and cfg.get(("discovery", "hosts-file")) == "":
        out.append("hosts mode without hosts-file")
    return out


# a DNS name (RFC 1123 letters, digits, '-', plus '_' and '.'), an IPv4 or a bare IPv6 address; at most 253 bytes
HOSTNAME_OK = re.compile(r"^(?=.{1,253}$)(?![-.])[A-Za-z0-9._:-]+$")


def accepted_value_smells(cfg: dict[tuple[str, str], Any]) -> list[tuple[str, str]]:
    """Accepted values no node could use: control characters in names and paths, an impossible hostname."""
    out = []
    for (sec, name), value in cfg.items():
        if not isinstance(value, str):
            continue
        key = BY_NAME.get((sec, name))
        if key is None or name in ("license-key", "shared-secret", "internal-shared-secret", "registration-token"):
            continue
        bad = [c for c in value if unicodedata.category(c) == "Cc"]
        if bad and name in ("hostname", "registration-server-url"):
            out.append((f"control-char:{key.qualified}", f"{key.qualified} accepted with control character(s) {bad[:3]!r}: {value[:80]!r}"))
    host = cfg.get(("", "hostname"))
    if isinstance(host, str) and host and not HOSTNAME_OK.match(host):
        out.append(("hostname-not-validated", f"hostname {host[:80]!r} accepted although no resolver can resolve it "
                    "(spaces, control or non-hostname characters)"))
    return out


# --------------------------------------------------------------------------- TOML writing and the seeds


def toml_str(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{o:04X}"))
        elif 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04X}")  # invalid in TOML on purpose
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, RawToml):
        return v.text
    raise TypeError(type(v))


@dataclasses.dataclass(frozen=True)
class RawToml:
    text: str


def toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_str(k)


GUIDE = [  # the Enterprise installation guide's meta configuration
    ("", "reporting-disabled", False), ("", "bind-address", ":8091"), ("", "hostname", "enterprise-meta-01"),
    ("enterprise", "registration-enabled", False), ("enterprise", "registration-server-url", ""),
    ("enterprise", "license-key", "0e2b4d6f-1234-5678-9abc-def012345678"), ("enterprise", "license-path", ""),
    ("meta", "dir", "/var/lib/influxdb/meta"), ("meta", "bind-address", ":8089"), ("meta", "pprof-enabled", True),
    ("meta", "lease-duration", "1m0s"),
]
GUIDE_PATH = [(s, k, ("" if k == "license-key" else "/etc/influxdb/license.json" if k == "license-path" else v)) for s, k, v in GUIDE]
NODE = [("", "hostname", "127.0.0.1"), ("meta", "dir", "/tmp/fuzz-meta"), ("meta", "bind-address", "127.0.0.1:8089"),
        ("meta", "http-bind-address", "127.0.0.1:8091"), ("meta", "election-timeout", "500ms"),
        ("meta", "heartbeat-timeout", "500ms"), ("meta", "leader-lease-timeout", "250ms")]
ALL_DEFAULTS = [(s, k, v) for (s, k), v in DEFAULTS.items()]
SEEDS = {"guide": GUIDE, "guide-license-path": GUIDE_PATH, "node": NODE, "defaults": ALL_DEFAULTS}


@dataclasses.dataclass
class Doc:
    entries: list[tuple[str, str, Any]]  # (section, key, value or RawToml)
    style: str = "sections"  # "sections" | "dotted" | "inline"
    extra_text: str = ""

    def render(self) -> str:
        if self.style == "dotted":
            lines = []
            for s, k, v in self.entries:
                lines.append(f"{s + '.' if s else ''}{toml_key(k)} = {toml_value(v)}")
            return "\n".join(lines) + "\n" + self.extra_text
        if self.style == "inline":
            top = [f"{toml_key(k)} = {toml_value(v)}" for s, k, v in self.entries if not s]
            for sec in SECTIONS + sorted({s for s, _, _ in self.entries if s and s not in SECTIONS}):
                items = [(k, v) for s, k, v in self.entries if s == sec]
                if items:
                    top.append(f"{toml_key(sec)} = {{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in items) + " }")
            return "\n".join(top) + "\n" + self.extra_text
        out = [f"{toml_key(k)} = {toml_value(v)}" for s, k, v in self.entries if not s]
        seen = []
        for s, _, _ in self.entries:
            if s and s not in seen:
                seen.append(s)
        for sec in seen:
            out.append("")
            out.append(f"[{toml_key(sec) if not sec.startswith('[') else sec}]")
            out += [f"  {toml_key(k)} = {toml_value(v)}" for s, k, v in self.entries if s == sec]
        return "\n".join(out) + "\n" + self.extra_text


# --------------------------------------------------------------------------- mutations

WEIRD_DURATIONS = ["-1s", "0", "0s", "-0", "+1s", "1", "1.5h", "1e3s", "1ns", ".5s", "1.s", "1s1s", "1h-1m", "",
                   " 1s", "1s ", "1 s", "1S", "1Ms", "1µs", "1μs", "1us", "1d", "1w", "5d12h", "0x10s", "NaN", "inf",
                   "9223372036854775807ns", "9223372036854775808ns", "2562047h47m16.854775807s", "2562048h", "106751d",
                   "106752d", "15250w", "15251w", "99999999999999999999s", "1" * 400 + "s", "249ms", "250ms",
                   "0.0000000001s", "1.9ns", "1h\u00a0", "１s", "1ｓ", "1m0s", "-0s"]
WEIRD_ADDRESSES = [":-1", ":65536", ":65535", ":0", ":99999999999999999999", "host:", ":", "", "host", "[::1]",
                   "[::1]:8089", "::1:8089", "[::1:8089", "127.0.0.1:8089:1", "127.0.0.1: 8089", "127.0.0.1:+80",
                   "127.0.0.1:0x50", "127.0.0.1:http", ":08089", ":000080", "h\u00e9:80", "a b:80", "\u0000:80",
                   "localhost:8089", "x" * 3000 + ":1", "[fe80::1%eth0]:8089", "0.0.0.0:8089", "[]:80"]
WEIRD_STRINGS = ["", " ", "\u202eevil", "\U0001f680", "e\u0301", "a\nb", "tab\there", "nul\u0000x", "\u007f", "\u0085",
                 "x" * 100000, "/tmp/../etc", "relative/dir", "http://10.0.0.5:3000", "1.2.3.4", "ftp://x",
                 "http://", "https://[::1]:3000", "\ud800", "bcrypt;cost=3", "bcrypt;cost=31", "bcrypt;cost=32",
                 "pbkdf2-sha256;rounds=0", "pbkdf2-sha512;salt_len=-1", "scrypt", "bcrypt;", "bcrypt;cost",
                 "tls1.3", "TLS1.2", "json", "JSON", "dns", "hosts", "debug", "loud", "auto "]
HUGE_INTS = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**30, -1, 0, 15, 16, 17]
ODD_VALUES = [RawToml("1979-05-27T07:32:00Z"), RawToml("07:32:00"), RawToml("1979-05-27"), 1.5, float("inf"), float("nan"),
              RawToml("0x10"), RawToml("0o17"), RawToml("0b101"), RawToml("1_000"), RawToml("+5"), RawToml("01"),
              RawToml("'literal'"), RawToml("'''multi\nline'''"), RawToml('"""multi\nline"""'), RawToml("[1, 'a']"),
              RawToml("{}"), RawToml("[]"), RawToml("TRUE"), RawToml('"\\x41"'), RawToml('"\\U0010FFFF"'),
              RawToml('"\\U00110000"'), RawToml('"\\uD800"'), RawToml("1e400"), RawToml("-0.0"), RawToml("nan")]


def random_value(rng: random.Random, key: Key | None) -> Any:
    r = rng.random()
    kind = key.kind if key else rng.choice([STR, DUR, ADDR, INT, BOOL])
    if r < 0.45:  # a weird value of the right TOML type
        if kind == DUR:
            return rng.choice(WEIRD_DURATIONS)
        if kind in (ADDR, ADDR_OR_EMPTY):
            return rng.choice(WEIRD_ADDRESSES)
        if kind == INT:
            return rng.choice(HUGE_INTS)
        if kind == BOOL:
            return rng.choice([True, False])
        if kind == STRINGS:
            return rng.choice([[], ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], [""], ["a", 1], [[]], ["x" * 5000]])
        if kind in (CHOICE, OPTCHOICE):
            return rng.choice(list(key.rule) + ["", "AUTO", "Json", " json", "tls1.4", "tls1", "info\n"])
        return rng.choice(WEIRD_STRINGS)
    if r < 0.7:  # a value of another type
        return rng.choice([True, 0, -1, 8091, 1.5, "1s", ":8089", [], ["a"], {"a": 1}] + HUGE_INTS)
    if r < 0.85:
        return rng.choice(ODD_VALUES)
    return rng.choice(WEIRD_STRINGS + WEIRD_DURATIONS + WEIRD_ADDRESSES)


def mutate_doc(doc: Doc, rng: random.Random) -> list[str]:
    """Structural mutations in place; returns a description."""
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.randrange(9)
        if op <= 2 and doc.entries:  # replace a value
            i = rng.randrange(len(doc.entries))
            s, k, _ = doc.entries[i]
            v = random_value(rng, BY_NAME.get((s, k)))
            doc.entries[i] = (s, k, v)
            done.append(f"{s}.{k}={toml_value(v)[:60]}")
        elif op == 3:  # add a known key (maybe duplicating one)
            key = rng.choice(KEYS)
            v = random_value(rng, key) if rng.random() < 0.7 else DEFAULTS[(key.section, key.name)]
            doc.entries.append((key.section, key.name, v))
            done.append(f"+{key.section}.{key.name}={toml_value(v)[:60]}")
        elif op == 4 and doc.entries:  # delete a key
            i = rng.randrange(len(doc.entries))
            done.append(f"-{doc.entries[i][0]}.{doc.entries[i][1]}")
            del doc.entries[i]
        elif op == 5:  # unknown sections / keys
            sec = rng.choice(["data", "meta", "Meta", "meta.sub", "", "\u00e9", "a b", "x" * 300, "hinted-handoff"])
            name = rng.choice(["electon-timeout", "dir2", "\u00e9", "a\nb", "x" * 300, "", "bind_address"])
            doc.entries.append((sec, name, random_value(rng, None)))
            done.append(f"unknown {sec!r}.{name!r}")
        elif op == 6:
            doc.style = rng.choice(["sections", "dotted", "inline"])
            done.append(f"style={doc.style}")
        elif op == 7:
            doc.extra_text += rng.choice([
                "[meta]\n", "[[meta]]\ndir = \"x\"\n", "[ meta ]\n", "[\"meta\"]\n", "meta = 5\n", "[meta.dir]\n",
                "[tls]\nciphers = [\"A\",]\n", "# comment \u0000\n", "[logging]\nlevel = \"debug\"\n", "\n" * 1000,
                "a = 1 # " + "c" * 200000 + "\n", "[" * 1000 + "\n", "x = " + "[" * 5000 + "]" * 5000 + "\n",
                "x = " + "{a=" * 2000 + "1" + "}" * 2000 + "\n", "reporting-disabled = true\n", "hostname = \"dup\"\n",
            ])
            done.append("extra text")
        else:
            if doc.entries:
                rng.shuffle(doc.entries)
                done.append("shuffled")
    return done


def mutate_text(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Byte-level mutations of the rendered file."""
    buf = bytearray(data)
    done = []
    for _ in range(rng.choice([1, 1, 2, 4])):
        op = rng.randrange(10)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:
            del buf[pos:pos + rng.randint(1, 10)]
            done.append("delete")
        elif op == 1:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
            done.append("insert random bytes")
        elif op == 2 and buf:
            p = min(pos, len(buf) - 1)
            buf[p] = rng.choice(b"\x00\"'[]=.#\\\n\r\t {}\xff\xc3\xed,")
            done.append("replace byte")
        elif op == 3:
            buf[pos:pos] = rng.choice(["\u00e9", "\U0001f680", "\u202e", "\ufeff", "\u2028", "\u0000"]).encode()
            done.append("insert unicode")
        elif op == 4:
            buf[pos:pos] = b"\x00"
            done.append("insert NUL")
        elif op == 5:
            buf[pos:pos] = b"#" + b"y" * rng.choice([10000, 1000000]) + b"\n"
            done.append("very long line")
        elif op == 6:
            del buf[pos:]
            done.append("truncate")
        elif op == 7:
            buf = bytearray(bytes(buf).replace(b"\n", b"\r\n"))
            done.append("CRLF")
        elif op == 8:
            buf[0:0] = b"\xef\xbb\xbf"
            done.append("BOM")
        else:
            lines = bytes(buf).split(b"\n")
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])
                buf = bytearray(b"\n".join(lines))
                done.append("duplicate line")
    return bytes(buf), done


# --------------------------------------------------------------------------- environment

ENV_EXTRA = ["INFLUXDB_META_ELECTON_TIMEOUT", "INFLUXDB_TLS_CIPHERS_0", "INFLUXDB_TLS_CIPHERS_1", "INFLUXDB_TLS_CIPHERS_10",
             "INFLUXDB_TLS_CIPHERS_x", "INFLUXDB_DATA_DIR", "INFLUXDB_LOGGING_", "INFLUXDB_META_", "INFLUXDB_HTTP_BIND_ADDRESS"]


def env_value(rng: random.Random, key: Key | None) -> bytes:
    r = rng.random()
    if key is not None and r < 0.25:
        v = DEFAULTS[(key.section, key.name)]
        v = ",".join(v) if isinstance(v, list) else ("true" if v is True else "false" if v is False else str(v))
        return v.encode()
    if r < 0.8:
        v = random_value(rng, key)
        if isinstance(v, bool):
            return rng.choice([b"true", b"TRUE", b"True", b"t", b"1", b"0", b"yes", b"on", b"tRuE", b" true"]) if v else \
                rng.choice([b"false", b"F", b"0", b"no", b"off", b""])
        if isinstance(v, list):
            return ",".join(str(x) for x in v).encode("utf-8", "surrogatepass")
        if isinstance(v, RawToml):
            return v.text.encode()
        return str(v).replace("\x00", "").encode("utf-8", "surrogatepass")
    return bytes(rng.randrange(1, 256) for _ in range(rng.randint(1, 20)))


def random_env(rng: random.Random, p: float) -> dict[bytes, bytes]:
    env: dict[bytes, bytes] = {}
    if rng.random() >= p:
        return env
    for _ in range(rng.choice([1, 1, 2, 3])):
        if rng.random() < 0.85:
            key = rng.choice(KEYS)
            env[key.env.encode()] = env_value(rng, key)
        else:
            env[rng.choice(ENV_EXTRA).encode()] = env_value(rng, None)
    return env


# --------------------------------------------------------------------------- running the binary


@dataclasses.dataclass
class Outcome:
    code: int | None  # None: timed out
    stdout: bytes
    stderr: bytes
    seconds: float
    maxrss_kb: int = 0


def run_config(args: list[str], env: dict[bytes, bytes], cwd: str) -> Outcome:
    """Runs `influxd-meta config -show-secrets ARGS` with only `env` (plus PATH, HOME, LANG); at most TIMEOUT
    seconds. Secrets are shown so that every printed value can be compared with the input (masking has tests of
    its own)."""
    import threading

    base = {b"PATH": b"/usr/bin:/bin", b"HOME": cwd.encode(), b"LANG": b"C.UTF-8"}
    full = {**base, **env}
    t0 = time.monotonic()
    p = spawn_retrying([binary("influxd-meta"), "config", "-show-secrets", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=full, cwd=cwd, start_new_session=True)
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def pump(stream, name: str) -> None:
        for block in iter(lambda: stream.read(65536), b""):
            chunks[name].append(block)

    readers = [threading.Thread(target=pump, args=(p.stdout, "out"), daemon=True),
               threading.Thread(target=pump, args=(p.stderr, "err"), daemon=True)]
    for t in readers:
        t.start()
    code: int | None = None
    rusage = None
    deadline = Deadline(TIMEOUT)
    while True:
        pid, status, rusage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            break
        if deadline.expired():
            os.killpg(p.pid, 9)
            _, status, rusage = os.wait4(p.pid, 0)
            break
        time.sleep(0.005)
    p.returncode = code if code is not None else -9  # reaped here; keep Popen from waiting again
    for t in readers:
        t.join(5)
    p.stdout.close()
    p.stderr.close()
    return Outcome(code, b"".join(chunks["out"]), b"".join(chunks["err"]), time.monotonic() - t0,
                   rusage.ru_maxrss if rusage else 0)


# --------------------------------------------------------------------------- the oracle


@dataclasses.dataclass
class Case:
    kind: str
    description: str
    args: list[str]
    file_bytes: bytes | None
    env: dict[bytes, bytes]
    problems: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def fail(self, sig: str, text: str) -> None:
        self.problems.append((sig, text))


def expected_config(file_bytes: bytes | None, env: dict[bytes, bytes]) -> tuple[str, str, dict | None]:
    """(verdict "accept"|"reject"|"either", reason, expected effective config or None)."""
    cfg = dict(DEFAULTS)
    verdict, reason = "accept", "valid"
    either = []
    if file_bytes is not None:
        if b"\x00" in file_bytes:
            return "reject", "NUL byte in the file", None
        try:
            text = file_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return "reject", "file is not UTF-8", None
        if text.startswith("\ufeff"):
            either.append("byte-order mark")
            text = text[1:]
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
            msg = str(e)
            return "reject", f"tomllib: {re.sub(r'[(]at .*[)]', '', msg)[:60]}", None
        bad_int = find_out_of_range_int(doc)
        if bad_int is not None:
            return "reject", f"integer {bad_int} outside TOML's 64-bit range", None
        for name, value in doc.items():
            if name in SECTIONS:
                if not isinstance(value, dict):
                    return "reject", f"[{name}] is not a table", None
                for k, v in value.items():
                    key = BY_NAME.get((name, k))
                    if key is None:
                        continue
                    p = value_problem(key, v)
                    if p:
                        return "reject", f"{key.qualified}: {p}", None
                    cfg[(name, k)] = v
            else:
                key = BY_NAME.get(("", name))
                if key is None:
                    continue
                p = value_problem(key, value)
                if p:
                    return "reject", f"{key.qualified}: {p}", None
                cfg[("", name)] = value
    for key in KEYS:
        raw = env.get(key.env.encode())
        if key.kind == STRINGS:
            numbered = sorted(((int(n[len(key.env) + 1:]), v) for n, v in ((k.decode("latin-1"), v) for k, v in env.items())
                               if n.startswith(key.env + "_") and n[len(key.env) + 1:].isdigit()), key=lambda x: x[0])
            if raw:
                try:
                    cfg[(key.section, key.name)] = [x.strip(" ") for x in raw.decode("utf-8").split(",") if x.strip(" ")]
                except UnicodeDecodeError:
                    either.append("non-UTF-8 environment value")
                    cfg[(key.section, key.name)] = NON_UTF8
            elif any(v for _, v in numbered):
                try:
                    cfg[(key.section, key.name)] = [v.decode("utf-8").strip(" ") for _, v in numbered if v]
                except UnicodeDecodeError:
                    either.append("non-UTF-8 environment value")
                    cfg[(key.section, key.name)] = NON_UTF8
            continue
        if not raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            either.append(f"non-UTF-8 value in {key.env}")
            cfg[(key.section, key.name)] = NON_UTF8
            continue
        if key.kind == BOOL:
            if text not in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"):
                return "reject", f"environment {key.env}: not a Go boolean", None
            cfg[(key.section, key.name)] = text in ("1", "t", "T", "TRUE", "true", "True")
        elif key.kind == INT:
            if not re.fullmatch(r"[+-]?[0-9]+", text) or not -(2**63) <= int(text) < 2**63:
                return "reject", f"environment {key.env}: not an integer", None
            v = int(text)
            if v < key.rule:
                return "reject", f"environment {key.env}: below minimum", None
            cfg[(key.section, key.name)] = v
        else:
            p = value_problem(key, text)
            if p:
                return "reject", f"environment {key.env}: {p}", None
            cfg[(key.section, key.name)] = text
    cross = cross_problems({k: v for k, v in cfg.items() if v is not NON_UTF8})
    if cross:
        return "reject", cross[0], None
    if either:
        return "either", ", ".join(either), cfg
    return verdict, reason, cfg


NON_UTF8 = object()  # marker: an environment value that is not UTF-8


def find_out_of_range_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if not -(2**63) <= v < 2**63 else None
    if isinstance(v, dict):
        for x in v.values():
            r = find_out_of_range_int(x)
            if r is not None:
                return r
    if isinstance(v, list):
        for x in v:
            r = find_out_of_range_int(x)
            if r is not None:
                return r
    return None


def flatten(doc: dict) -> dict[tuple[str, str], Any]:
    out = {}
    for name, value in doc.items():
        if name in SECTIONS and isinstance(value, dict):
            for k, v in value.items():
                out[(name, k)] = v
        else:
            out[("", name)] = value
    return out


def same_value(key: Key, a: Any, b: Any) -> bool:
    if key.kind == DUR and isinstance(a, str) and isinstance(b, str):
        return parse_duration(a) == parse_duration(b)
    return a == b


def judge(case: Case, out: Outcome, workdir: Path) -> None:
    """Checks one run against the rules; records problems on the case."""
    file_bytes = case.file_bytes if case.kind != "path" else None
    if out.code is None:
        case.fail("hang", f"did not finish within {TIMEOUT:.0f}s")
        return
    if out.code < 0 or out.code == 134:
        text = out.stderr.decode("utf-8", "replace")
        m = re.search(r"(Assertion .*? failed|Fatal error: [^\n]*|\*\*\* Program crashed: [^*]*)", text)
        where = re.sub(r"0x[0-9a-f]+|/\S*/", "", m.group(1))[:120] if m else ""
        name = signal_name(-out.code) if out.code < 0 else "SIGABRT"
        case.fail(f"crash:{name}:{where}", f"{describe_exit(out.code)}: {m.group(1)[:300] if m else ''}")
        return
    err_lines = out.stderr.decode("utf-8", "replace").split("\n")
    if err_lines and err_lines[-1] == "":
        err_lines.pop()
    if out.code == 1:
        if len(err_lines) != 1:
            case.fail("error-not-one-line", f"exit 1 with {len(err_lines)} stderr lines: {out.stderr[:300]!r}")
        elif not err_lines[0].startswith("influxd-meta: "):
            case.fail("error-prefix", f"exit 1 with stderr {out.stderr[:300]!r}")
        if out.stdout:
            case.fail("error-with-stdout", f"exit 1 but printed {len(out.stdout)} bytes on stdout")
        if len(out.stderr) > 4096:
            case.notes.append(f"an error message of {len(out.stderr)} bytes (the offending value is echoed in full)")
    elif out.code != 0:
        case.fail(f"exit-{out.code}", f"exit {out.code}; stderr {out.stderr[:300]!r}")
        return
    else:
        for line in err_lines:
            if not line.startswith("influxd-meta: warning: "):
                case.fail("warning-format", f"exit 0 with a stderr line that is not a warning: {line[:200]!r} "
                          f"(a key or value with a newline breaks a warning into several lines)")
                break
    if case.kind == "path":
        return
    verdict, reason, expected = expected_config(file_bytes, case.env)
    if out.code == 1:
        if verdict == "accept":
            msg = err_lines[0] if err_lines else ""
            case.notes.append(f"refused input the oracle considers valid: {msg[:200]} (oracle: {reason})")
        return
    # exit 0
    if verdict == "reject":
        kind = "accepts-invalid-toml" if reason.startswith("tomllib") else "accepts"
        case.fail(f"{kind}:{re.sub(r'[0-9]+', '#', reason)[:70]}", f"exit 0 for input the rules refuse ({reason})")
    try:
        printed = tomllib.loads(out.stdout.decode("utf-8"))
    except Exception as e:  # noqa: BLE001
        case.fail("output-not-toml", f"stdout is not TOML: {e}; stdout head {out.stdout[:300]!r}")
        return
    flat = flatten(printed)
    missing = [k for k in DEFAULTS if k not in flat]
    if missing:
        case.fail("output-missing-keys", f"printed configuration lacks {missing[:5]}")
    if expected is not None and verdict != "reject":
        for k, want in expected.items():
            got = flat.get(k)
            key = BY_NAME[k]
            if want is NON_UTF8:
                if got is not None and "\ufffd" in str(got):
                    case.fail("env-non-utf8-mangled",
                              f"{key.env} holds bytes that are not UTF-8; they were accepted and replaced with U+FFFD "
                              f"({got!r:.80}) instead of being refused")
                continue
            if isinstance(want, str) and "\x00" in want and got == want.split("\x00")[0]:
                case.fail("nul-in-string-truncated",
                          f"{key.qualified}: a string with an escaped NUL (\\u0000) is accepted and silently cut at the "
                          f"NUL: asked for {want!r:.80}, printed {got!r:.80}")
                continue
            if got is not None and not same_value(key, got, want):
                case.fail(f"value-changed:{key.qualified}",
                          f"{key.qualified}: the input asked for {want!r:.120}, the printed configuration says {got!r:.120}")
    for rule in cross_problems(flat):
        case.fail(f"printed-breaks-rule:{rule}", f"the printed configuration breaks a documented rule: {rule}")
    for k, v in flat.items():
        key = BY_NAME.get(k)
        if key is not None:
            p = value_problem(key, v)
            if p:
                case.fail(f"printed-bad-value:{key.qualified}", f"printed {key.qualified} = {v!r:.100} breaks its rule: {p}")
    for sig, text in accepted_value_smells(flat):
        case.fail(sig, text)
    # round trip: the output must be accepted again and printed the same
    again_path = workdir / "roundtrip.conf"
    again_path.write_bytes(out.stdout)
    again = run_config(["-config", str(again_path)], {}, str(workdir))
    if again.code != 0:
        case.fail("roundtrip-refused", f"the printed configuration is refused when read back: exit {again.code}, "
                  f"{again.stderr[:300]!r}")
    elif again.stdout != out.stdout:
        case.fail("roundtrip-differs", f"the printed configuration prints differently when read back "
                  f"(first difference near byte {first_diff(again.stdout, out.stdout)})")


def first_diff(a: bytes, b: bytes) -> int:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


# --------------------------------------------------------------------------- case generation


def make_case(i: int, rng: random.Random, workdir: Path) -> Case:
    fixed = FIXED_CASES[i] if i < len(FIXED_CASES) else None
    if fixed is not None:
        return fixed(workdir)
    r = rng.random()
    seed_name = rng.choice(list(SEEDS))
    doc = Doc(list(SEEDS[seed_name]))
    desc = [f"seed={seed_name}"]
    kind = "file"
    if r < 0.45:
        desc += mutate_doc(doc, rng)
        data = doc.render().encode("utf-8", "surrogatepass")
    elif r < 0.75:
        if rng.random() < 0.5:
            desc += mutate_doc(doc, rng)
        data, ops = mutate_text(doc.render().encode("utf-8", "surrogatepass"), rng)
        desc += ops
    elif r < 0.92:
        kind = "env"
        data = doc.render().encode("utf-8", "surrogatepass")
    else:
        data = rng.choice([b"", b"\n", b"\xef\xbb\xbf", b"#", bytes(rng.randrange(256) for _ in range(rng.randint(1, 500))),
                           b"[meta]\n" * 2, b"[meta]\ndir = \"/x\"\ndir = \"/y\"\n", b"hostname = \"a\"\nhostname = \"b\"\n"])
        desc.append("special file")
    env = random_env(rng, 1.0 if kind == "env" else 0.15)
    if env:
        desc.append("env " + ", ".join(f"{k.decode()}={v[:40]!r}" for k, v in env.items()))
    path = workdir / "fuzz.conf"
    return Case(kind, "; ".join(desc), ["-config", str(path)], data, env)


def path_case(description: str, make) -> Any:
    def build(workdir: Path) -> Case:
        arg = make(workdir)
        return Case("path", description, ["-config", arg] if arg is not None else [], None, {})
    return build


def _fifo(w: Path) -> str:
    p = w / "fifo.conf"
    if not p.exists():
        os.mkfifo(p)
    return str(p)


def _symlink_loop(w: Path) -> str:
    a, b = w / "loop-a.conf", w / "loop-b.conf"
    for x, y in ((a, b), (b, a)):
        if not x.is_symlink():
            x.symlink_to(y)
    return str(a)


def _dir(w: Path) -> str:
    d = w / "a-directory"
    d.mkdir(exist_ok=True)
    return str(d)


def _big(w: Path) -> str:
    p = w / "big.conf"
    if not p.exists():
        with open(p, "wb") as f:
            f.write(b"hostname = \"x\"\n")
            f.write((b"# " + b"x" * 1022 + b"\n") * (15 * 1024))  # ~15 MiB: just under the 16 MiB cap
    return str(p)


def file_case(description: str, data: bytes, env: dict[bytes, bytes] | None = None):
    def build(workdir: Path) -> Case:
        return Case("file", description, ["-config", str(workdir / "fuzz.conf")], data, env or {})
    return build


FIXED_CASES = [
    file_case("guide config", Doc(list(GUIDE)).render().encode()),
    file_case("guide config with license-path", Doc(list(GUIDE_PATH)).render().encode()),
    file_case("all defaults", Doc(list(ALL_DEFAULTS)).render().encode()),
    file_case("empty file", b""),
    file_case("dotted keys", Doc(list(NODE), style="dotted").render().encode()),
    file_case("inline tables", Doc(list(NODE), style="inline").render().encode()),
    file_case("hostname with a newline", b'hostname = "a\\nb"\n'),
    file_case("hostname with a space", b'hostname = "my host"\n'),
    file_case("dir with a NUL escape", b'[meta]\ndir = "/tmp/a\\u0000b"\n'),
    file_case("unknown key with a newline", b'"a\\nb" = 1\n'),
    file_case("a lone [ line", b"[\n"),
    file_case("a [[[ line", b"[[[\n"),
    file_case("an unterminated table header", b"[meta\ndir = \"/x\"\n"),
    file_case("duplicate key", b'hostname = "a"\nhostname = "b"\n'),
    file_case("negative duration", b'[meta]\nlease-duration = "-1s"\n'),
    file_case("duration overflow", b'[meta]\nlease-duration = "2562048h"\n'),
    file_case("port 65536", b'[meta]\nbind-address = ":65536"\n'),
    file_case("huge integer", b'[meta]\nraft-snapshot-threshold = 9223372036854775808\n'),
    file_case("env: bad election timeout", b"", {b"INFLUXDB_META_ELECTION_TIMEOUT": b"x"}),
    file_case("env: newline in election timeout", b"", {b"INFLUXDB_META_ELECTION_TIMEOUT": b"1s\n2s"}),
    file_case("env: http bind address", b"", {b"INFLUXDB_META_HTTP_BIND_ADDRESS": b":99999"}),
    file_case("env: newline in hostname", b"", {b"INFLUXDB_HOSTNAME": b"a\nb"}),
    file_case("env: invalid UTF-8", b"", {b"INFLUXDB_HOSTNAME": b"\xff\xfe"}),
    file_case("env: integer with plus sign", b"", {b"INFLUXDB_META_RAFT_SNAPSHOT_THRESHOLD": b"+20"}),
    path_case("-config a directory", _dir),
    path_case("-config a symlink loop", _symlink_loop),
    path_case("-config a missing file with a newline in its name", lambda w: str(w / "no\nsuch.conf")),
    path_case("-config with invalid UTF-8 in the path", lambda w: os.fsdecode(bytes(w / "x") + b"\xff.conf")),
    path_case("-config a 5000-byte path", lambda w: "/" + "a" * 5000),
    path_case("-config /dev/zero", lambda w: "/dev/zero"),
    path_case("-config /dev/null", lambda w: "/dev/null"),
    path_case("-config a 15 MiB file", _big),
    path_case("-config a FIFO nobody writes to", _fifo),
]


# --------------------------------------------------------------------------- runner


def run(seed: int, iterations: int, workdir: str, keep: str | None = None, cases: str | None = None,
        max_seconds: float = 900.0, batch: int = BATCH) -> FuzzReport:
    report = FuzzReport(FUZZER, seed, iterations)
    started = time.monotonic()
    deadline = Deadline(max_seconds)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    keep_root = Path(keep) if keep else work / "failures"
    binary("influxd-meta")
    slowest = 0.0
    try:
        for i in parse_cases(cases, iterations):
            if deadline.expired():
                report.stopped_early = f"time limit {max_seconds:.0f}s reached after {report.executed} cases"
                break
            rng = random.Random(case_rng_seed(FUZZER, seed, i))
            case = make_case(i, rng, work)
            if case.file_bytes is not None:
                (work / "fuzz.conf").write_bytes(case.file_bytes)
            try:
                out = run_config(case.args, case.env, str(work))
                slowest = max(slowest, out.seconds)
                report.observe_rss(out.maxrss_kb)
                judge(case, out, work)
            except Exception as e:  # noqa: BLE001
                case.fail(f"harness:{type(e).__name__}", f"harness error {e!r}")
                out = None
            report.executed += 1
            for n in case.notes:
                report.note(n)
            if case.problems:
                report.failed += 1
                new = [report.add(f"{FUZZER}/{sig}", f"[case {i} {case.kind}: {case.description[:200]}] {text}")
                       for sig, text in case.problems]
                if any(new):
                    record = {"case": i, "kind": case.kind, "description": case.description, "args": case.args,
                              "env": {k.decode("latin-1"): v.decode("latin-1") for k, v in case.env.items()},
                              "exit": None if out is None else out.code,
                              "stdout": b"" if out is None else out.stdout[:2000],
                              "stderr": b"" if out is None else out.stderr[:2000]}
                    if case.file_bytes is not None:
                        record["bytes"] = case.file_bytes
                    folder = save_failure(report, keep_root, f"case{i}", [t for _, t in case.problems], [record], None, str(i))
                    if case.file_bytes is not None:
                        (folder / "influxdb-meta.conf").write_bytes(case.file_bytes)
                    env_prefix = " ".join(f"{k.decode('latin-1')}={shell_quote_bytes(v)}" for k, v in case.env.items())
                    (folder / "repro.sh").write_text(
                        "#!/bin/sh\n# run from anywhere; exits as the failing case did\n"
                        f"cd \"$(dirname \"$0\")\"\nenv -i PATH=/usr/bin:/bin HOME=\"$PWD\" {env_prefix} "
                        f"{binary('influxd-meta')} config "
                        + (f"-config influxdb-meta.conf" if case.file_bytes is not None else " ".join(map(shell_quote, case.args)))
                        + "\necho \"exit $?\"\n")
                    os.chmod(folder / "repro.sh", 0o755)
            else:
                report.passed += 1
            if (i + 1) % batch == 0:
                print(f"[{FUZZER}] {report.executed} cases, {report.failed} failed", file=sys.stderr)
    finally:
        if report.max_rss_kb > 256 * 1024:
            report.failed += 1
            report.add(f"{FUZZER}/rss", f"an `influxd-meta config` process reached {report.max_rss_kb // 1024} MB RSS")
        report.note(f"slowest `influxd-meta config` run: {slowest:.2f}s (limit {TIMEOUT:.0f}s); max RSS is the largest of any "
                    "config process")
        report.duration_s = time.monotonic() - started
        report.finalize()
    return report


def shell_quote(s: str) -> str:
    import shlex
    return shlex.quote(s)


def shell_quote_bytes(b: bytes) -> str:
    return "\"$(printf '" + "".join(f"\\{c:03o}" for c in b) + "')\"" if b else "''"


if __name__ == "__main__":
    sys.exit(main(FUZZER, run, default_iterations=500))
