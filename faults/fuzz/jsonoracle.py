"""An independent oracle for `POST /execute` bodies, and generators of adversarial JSON.

The oracle reads the raw bytes the fuzzer sent and says what a correct node must do:
accept (and which database it creates or drops), reject (400), or either (the JSON is
ambiguous or beyond what RFC 8259 pins down: a byte-order mark, duplicate keys, very deep
nesting, numbers no double can hold).
"""

from __future__ import annotations

import dataclasses
import json
import random
import unicodedata

EXECUTABLE_TYPES = ("create-database", "drop-database")
OTHER_TYPES = ("create-meta-node", "delete-meta-node")
MAX_NAME_BYTES = 255


@dataclasses.dataclass
class Expectation:
    verdict: str  # "accept" | "reject" | "either"
    reason: str
    ops: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # possible (type, name) outcomes


class _Duplicate(Exception):
    pass


class _BadConstant(ValueError):
    pass


def name_problem(name: str) -> str | None:
    """The documented rules: non-empty, at most 255 UTF-8 bytes, no control characters."""
    if name == "":
        return "empty name"
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return "name holds a lone surrogate (not Unicode text)"
    if len(encoded) > MAX_NAME_BYTES:
        return f"name is {len(encoded)} bytes"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "name has a control character"
    return None


def _parse(text: str, keep_first: bool | None):
    """json.loads, refusing NaN/Infinity; duplicate keys raise unless keep_first says which wins."""

    def pairs(items):
        d = {}
        for k, v in items:
            if k in d:
                if keep_first is None:
                    raise _Duplicate(k)
                if keep_first:
                    continue
            d[k] = v
        return d

    def constant(c):
        raise _BadConstant(c)

    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)


def _has_overflowing_number(value) -> bool:
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(_has_overflowing_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_overflowing_number(v) for v in value)
    return False


def _command(obj) -> tuple[str, str] | str:
    """(type, name) for an executable command, or why it must be refused."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    t = obj.get("type")
    if not isinstance(t, str):
        return "type missing or not a string"
    if t in OTHER_TYPES:
        return f"{t} is not accepted by /execute"
    if t not in EXECUTABLE_TYPES:
        return f"unknown type {t!r}"
    name = obj.get("name")
    if not isinstance(name, str):
        return "name missing or not a string"
    problem = name_problem(name)
    if problem:
        return problem
    return (t, name)


def expect_execute(body: bytes) -> Expectation:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Expectation("reject", "body is not UTF-8")
    lenient = []
    if text.startswith("\ufeff"):
        text = text[1:]
        lenient.append("byte-order mark")
    try:
        obj = _parse(text, None)
        variants = [obj]
    except _Duplicate:
        lenient.append("duplicate keys")
        try:
            variants = [_parse(text, True), _parse(text, False)]
        except (ValueError, RecursionError):
            return Expectation("reject", "not JSON")
    except RecursionError:
        return Expectation("either", "nesting deeper than Python parses", [])
    except (ValueError, _BadConstant):
        return Expectation("reject", "not JSON (RFC 8259)")
    if any(_has_overflowing_number(v) for v in variants):
        lenient.append("number beyond double range")
    outcomes = [_command(v) for v in variants]
    ops = [o for o in outcomes if isinstance(o, tuple)]
    refusals = [o for o in outcomes if isinstance(o, str)]
    if lenient:
        return Expectation("either", ", ".join(lenient), ops)
    if refusals:
        return Expectation("reject", refusals[0])
    return Expectation("accept", "valid command", ops)


# --------------------------------------------------------------------------- generators

VALID_NAMES = [
    "db", "x", "telegraf", "_internal", "my db", " ", "db.with.dots", "a/b", "../..", "d\"q", "back\\slash",
    "数据库", "café", "cafe\u0301", "Ω", "🚀rocket", "\u200b", "\u2028line", "\u202eevil", "\ufeffbom", "\ufffd",
    "a" * 255, "é" * 127, "€" * 85, "𝄞" * 63,
]
INVALID_NAMES = [
    "", "a" * 256, "é" * 128, "a" * 254 + "é", "€" * 86, "\x00", "nul\x00name", "\n", "tab\t", "\x7f", "c1\x85",
    "\x1b[31mred", "line\r\nbreak", "a" * 100000,
]
TYPES = list(EXECUTABLE_TYPES) + list(OTHER_TYPES) + [
    "", "Create-Database", "create_database", "CREATE-DATABASE", "create-database ", " create-database",
    "create-databases", "drop-database\u0000", "create-retention-policy", "create-user", "snapshot", "💥",
]
NASTY_VALUES = [None, True, False, 0, -1, 1.5, 1e308, -0.0, 18446744073709551615, 18446744073709551616,
                -9223372036854775809, "", [], {}, [1, 2], {"a": 1}, "x" * 1000]


def random_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(VALID_NAMES)
    if roll < 0.55:
        return rng.choice(INVALID_NAMES)
    if roll < 0.75:
        return "fz-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(rng.randint(1, 12)))
    if roll < 0.9:  # random code points, some astral, some control, some surrogates
        out = []
        for _ in range(rng.randint(1, 20)):
            r = rng.random()
            if r < 0.5:
                out.append(chr(rng.randint(0x20, 0x7E)))
            elif r < 0.7:
                out.append(chr(rng.randint(0xA0, 0xD7FF)))
            elif r < 0.8:
                out.append(chr(rng.randint(0x10000, 0x10FFFF)))
            elif r < 0.9:
                out.append(chr(rng.randint(0, 0x1F)))
            else:
                out.append(chr(rng.randint(0xE000, 0xFFFD)))
        return "".join(out)
    # boundary lengths with multi-byte characters
    ch = rng.choice(["a", "é", "€", "𝄞"])
    n = MAX_NAME_BYTES // len(ch.encode()) + rng.choice([-1, 0, 1])
    return ch * max(n, 1)


def random_json_value(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth > 4 or r < 0.4:
        return rng.choice(NASTY_VALUES + ["str", rng.randint(-10**30, 10**30), rng.random()])
    if r < 0.7:
        return [random_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["type", "name", "id", "addr", "x", "", "Name", "\u0000"]): random_json_value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def dumps(obj, rng: random.Random) -> bytes:
    try:
        text = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
    except (TypeError, ValueError):
        text = json.dumps(obj, ensure_ascii=True)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as JSON escapes
        return json.dumps(obj, ensure_ascii=True).encode()


def mutate_bytes(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    buf = bytearray(data)
    for _ in range(rounds or rng.randint(1, 4)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf)) if buf else 0
        if op == 0 and buf:  # flip a bit
            p = min(pos, len(buf) - 1)
            buf[p] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and buf:  # delete a span
            del buf[pos:pos + rng.randint(1, 8)]
        elif op == 3:  # insert a JSON-significant character
            buf[pos:pos] = rng.choice([b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\", b"\\u", b"\xff", b"\xc3", b"\x00", b"\\ud800"])
        elif op == 4:  # truncate
            del buf[pos:]
        elif op == 5 and buf:  # duplicate a span
            end = min(len(buf), pos + rng.randint(1, 16))
            buf[pos:pos] = buf[pos:end]
        else:  # replace a byte with an invalid UTF-8 lead / continuation
            if buf:
                p = min(pos, len(buf) - 1)
                buf[p] = rng.choice([0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFF, 0xED])
    return bytes(buf)


def execute_body(rng: random.Random) -> tuple[str, bytes]:
    """A `POST /execute` body and a short label of how it was made."""
    r = rng.random()
    if r < 0.25:
        cmd = {"type": rng.choice(EXECUTABLE_TYPES), "name": random_name(rng)}
        return "command", dumps(cmd, rng)
    if r < 0.40:
        cmd = {"type": rng.choice(TYPES), "name": random_name(rng)}
        if rng.random() < 0.3:
            cmd[rng.choice(["httpAddr", "tcpAddr", "rand", "id", "extra", "index"])] = random_json_value(rng)
        return "typed", dumps(cmd, rng)
    if r < 0.52:  # wrong shapes / types
        cmd: dict = {"type": rng.choice(TYPES + [None, 1, [], {}]), "name": rng.choice(NASTY_VALUES + [random_name(rng)])}
        if rng.random() < 0.3:
            del cmd[rng.choice(["type", "name"])]
        shape = rng.choice(["obj", "list", "scalar", "wrapped"])
        if shape == "list":
            return "shape", dumps([cmd], rng)
        if shape == "scalar":
            return "shape", dumps(random_json_value(rng), rng)
        if shape == "wrapped":
            return "shape", dumps({"command": cmd}, rng)
        return "shape", dumps(cmd, rng)
    if r < 0.72:  # byte-level mutation of a good command
        cmd = {"type": rng.choice(EXECUTABLE_TYPES), "name": random_name(rng)}
        return "mutated", mutate_bytes(dumps(cmd, rng), rng)
    if r < 0.80:  # raw bytes in the name (bad UTF-8)
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        raw = raw.replace(b'"', b"").replace(b"\\", b"")
        return "bad-utf8", b'{"type":"' + rng.choice(EXECUTABLE_TYPES).encode() + b'","name":"' + raw + b'"}'
    if r < 0.86:
        return "special", rng.choice(special_bodies(rng))
    if r < 0.93:
        return "random-json", dumps(random_json_value(rng), rng)
    return "random-bytes", bytes(rng.randrange(256) for _ in range(rng.randint(0, 256)))


def special_bodies(rng: random.Random) -> list[bytes]:
    name = rng.choice(["fz-special", "x", "café"]).encode()
    depth = rng.choice([100, 1000, 100000, 400000])
    return [
        b"", b" ", b"\n\r\t ", b"null", b"{}", b"[]", b"0", b'"create-database"',
        b'{"type":"create-database","name":"' + name + b'"}   \n',
        b'\xef\xbb\xbf{"type":"create-database","name":"' + name + b'"}',
        b'{"type":"create-database","name":"' + name + b'"}garbage',
        b'{"type":"create-database","name":"' + name + b'"}{"type":"drop-database","name":"' + name + b'"}',
        b'{"type":"create-database","name":"dup-first","name":"dup-second"}',
        b'{"type":"create-database","type":"drop-database","name":"' + name + b'"}',
        b'{"type":"create-database","name":"a\\u0000b"}',
        b'{"type":"create-database","name":"\\ud800"}',
        b'{"type":"create-database","name":"\\udc00\\ud800"}',
        b'{"type":"create-database","name":"\\uD834\\uDD1E-surrogate-pair"}',
        b'{"type":"create-database","name":"raw\ttab"}',
        b'{"type":"create-database","name":"raw\x01ctl"}',
        b"{'type':'create-database','name':'single-quotes'}",
        b'{"type":"create-database","name":"trailing-comma",}',
        b'{"type":"create-database",/*c*/"name":"comment"}',
        b'{"type":"create-database","name":"nan","x":NaN}',
        b'{"type":"create-database","name":"inf","x":Infinity}',
        b'{"type":"create-database","name":"bignum","x":1e400}',
        b'{"type":"create-database","name":"bignum2","x":' + b"9" * 5000 + b"}",
        b'{"type":"create-database","name":"leading-zero","x":01}',
        b'{"type":"create-d\\u0061tabase","name":"escaped-type"}',
        b'{"\\u0074ype":"create-database","n\\u0061me":"escaped-keys"}',
        b'{"type":"create-database","name":"deep","x":' + b"[" * depth + b"]" * depth + b"}",
        b"[" * depth,
        b'{"a":' * min(depth, 50000) + b"1" + b"}" * min(depth, 50000),
        b'{"type":"create-database","name":"' + b"\\u00e9" * 200 + b'"}',
        b'{"type":"create-database","name":"' + b"\\\\" * 300 + b'"}',
        b'{"type":"create-database","name":"unterminated',
        b'{"type":"create-database","name":"x"',
        b'{"type":"create-database","name":"x"}\x00',
        b'\x00{"type":"create-database","name":"x"}',
        '{"type":"create-database","name":"caf\u00e9"}'.encode(),
        '{"type":"create-database","name":"cafe\u0301"}'.encode(),
        '{"type":"drop-database","name":"cafe\u0301"}'.encode(),
        '{"type":"create-database","name":"\u212b"}'.encode(),  # ANGSTROM SIGN, NFC is U+00C5
        '{"type":"create-database","name":"\u00c5"}'.encode(),
        b'{"type":"create-meta-node","httpAddr":"127.0.0.1:1","tcpAddr":"127.0.0.1:2","rand":1}',
        b'{"type":"delete-meta-node","id":1}',
        b'{"type":"delete-meta-node","id":18446744073709551615}',
    ]


def nfc_collision_message(extra: list[str], missing: list[str], model: set[str]) -> str | None:
    """Explains a divergence caused by comparing names by Unicode canonical equivalence."""
    for name in missing + extra:
        norm = unicodedata.normalize("NFC", name)
        twins = [m for m in model if m != name and unicodedata.normalize("NFC", m) == norm]
        if twins:
            return (
                f"database names are compared by Unicode canonical equivalence, not bytes: {name!r} "
                f"({name.encode('utf-8').hex()}) collided with {twins[0]!r} ({twins[0].encode('utf-8').hex()}); "
                "InfluxDB compares names byte for byte"
            )
    return None
