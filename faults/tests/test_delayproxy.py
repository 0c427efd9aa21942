"""Tests of the delaying proxy (faults/delayproxy.py): the delay schedule, the parsing of
`SO_ORIGINAL_DST`, the iptables and `ss` text, the control commands, the proxy itself on
localhost (no root), and, as root only, the whole path in two network namespaces: redirect,
original destination, mark exclusion, `ss -K` and `drop`.

Run: ``cd /work/main && python3 -m pytest -q faults/tests/test_delayproxy.py`` (about 3 s).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults import delayproxy, netns
from faults.delayproxy import Delay, Proxy, ProxyProcess, Schedule, parse_sockaddr_in, redirect_rules, socket_filter

# --------------------------------------------------------------------------- pure parts


def test_delay_stays_within_base_plus_or_minus_jitter() -> None:
    delay = Delay(0.1, 0.03, random.Random(1))
    draws = [delay.draw() for _ in range(2000)]
    assert all(0.07 <= d <= 0.13 for d in draws)
    assert min(draws) < 0.075 and max(draws) > 0.125  # the whole range is used


def test_delay_never_negative_and_exact_without_jitter() -> None:
    assert all(Delay(0.01, 0.05, random.Random(2)).draw() >= 0 for _ in range(1000))
    assert Delay(0.2, 0, random.Random(3)).draw() == 0.2


def test_schedule_never_reorders_and_never_releases_early() -> None:
    rng = random.Random(4)
    schedule = Schedule(Delay(0.05, 0.05, rng))
    arrival, releases = 0.0, []
    for _ in range(5000):
        arrival += rng.expovariate(1000)  # chunks about 1 ms apart: jitter would reorder them
        release = schedule.release(arrival)
        assert release >= arrival  # base - jitter is 0 here
        releases.append(release)
    assert releases == sorted(releases)


def test_schedule_is_arrival_plus_delay_when_chunks_are_far_apart() -> None:
    schedule = Schedule(Delay(0.1, 0, random.Random(5)))
    assert [schedule.release(t) for t in (1.0, 2.0, 2.05)] == pytest.approx([1.1, 2.1, 2.15])


def test_a_shorter_delay_later_does_not_overtake() -> None:
    delay = Delay(1.0, 0)
    schedule = Schedule(delay)
    assert schedule.release(0.0) == 1.0
    delay.base = 0.1  # the `delay` command changes it under open connections
    assert schedule.release(0.2) == 1.0  # held until the chunk ahead of it is out
    assert schedule.release(2.0) == pytest.approx(2.1)


def sockaddr_in(address: str, port: int, family: int = socket.AF_INET) -> bytes:
    return struct.pack("=H", family) + struct.pack("!H", port) + socket.inet_aton(address) + bytes(8)


def test_parse_sockaddr_in() -> None:
    assert parse_sockaddr_in(sockaddr_in("10.231.88.3", 8089)) == ("10.231.88.3", 8089)
    assert parse_sockaddr_in(sockaddr_in("127.0.0.1", 65535)) == ("127.0.0.1", 65535)


@pytest.mark.parametrize("raw", [b"", b"\x02\x00\x1f", sockaddr_in("10.0.0.1", 1, socket.AF_INET6)])
def test_parse_sockaddr_in_refuses_what_is_not_ipv4(raw: bytes) -> None:
    with pytest.raises(ValueError):
        parse_sockaddr_in(raw)


def test_redirect_rules_exclude_the_proxys_own_connections() -> None:
    lines = redirect_rules(["10.0.0.2", "10.0.0.3"], [8089, 8091], 18089, mark=0x10)
    assert lines[0] == "*nat" and lines[-1] == "COMMIT"
    rules = lines[1:-1]
    assert len(rules) == 4
    assert all("-m mark ! --mark 0x10" in r and r.endswith("-j REDIRECT --to-ports 18089") for r in rules)
    assert "-A OUTPUT -p tcp -d 10.0.0.3/32 --dport 8091 " in rules[3]


def test_socket_filter_spares_marked_sockets() -> None:
    assert socket_filter(["10.0.0.2", "10.0.0.3"], [8089], mark=0x10) == (
        "( dst 10.0.0.2 or dst 10.0.0.3 ) and ( dport = :8089 ) and fwmark != 0x10")


def test_commands() -> None:
    proxy = Proxy(0, Delay(0.1, 0), mark=None, log=open(os.devnull, "w"))
    assert proxy.command("delay 250 40\n") == "delay 250 40"
    assert (proxy.delay.base, proxy.delay.jitter) == (0.25, 0.04)
    assert proxy.command("drop") == "dropped 0"
    assert proxy.command("delay fast 1").startswith("error")
    assert proxy.command("speed up").startswith("error")
    assert (proxy.delay.base, proxy.delay.jitter) == (0.25, 0.04)


# --------------------------------------------------------------------------- the proxy on localhost


async def echo_server() -> asyncio.AbstractServer:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(echo, "127.0.0.1", 0)


async def through_proxy(monkeypatch: pytest.MonkeyPatch, delay: Delay, test) -> None:
    """Runs `test(proxy, reader, writer)` on a connection through a proxy to an echo server.
    There is no redirect here, so the original destination is faked."""
    echo = await echo_server()
    monkeypatch.setattr(delayproxy, "original_destination", lambda sock: echo.sockets[0].getsockname())
    proxy = Proxy(0, delay, mark=None, log=open(os.devnull, "w"))
    server = await proxy.serve()
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    try:
        await asyncio.wait_for(test(proxy, reader, writer), 10)
    finally:
        writer.close()
        server.close()
        echo.close()


def test_round_trip_takes_both_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    async def test(proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(3):
            began = time.monotonic()
            writer.write(b"ping")
            assert await reader.readexactly(4) == b"ping"
            assert time.monotonic() - began >= 0.1  # 50 ms out, 50 ms back

    asyncio.run(through_proxy(monkeypatch, Delay(0.05, 0), test))


def test_bytes_stay_in_order_under_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = b"".join(b"%06d" % i for i in range(30000))

    async def test(proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def send() -> None:
            for i in range(0, len(payload), 997):
                writer.write(payload[i:i + 997])
                await writer.drain()
                if i % 20 == 0:
                    await asyncio.sleep(0)

        sending = asyncio.create_task(send())
        assert await reader.readexactly(len(payload)) == payload
        await sending

    asyncio.run(through_proxy(monkeypatch, Delay(0.01, 0.01, random.Random(6)), test))


def test_end_of_stream_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    async def test(proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"last words")
        writer.write_eof()  # the echo server sees the end only through the proxy, then closes
        assert await reader.read() == b"last words"

    asyncio.run(through_proxy(monkeypatch, Delay(0.01, 0), test))


def test_drop_closes_open_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    async def test(proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"x")
        assert await reader.readexactly(1) == b"x"
        assert proxy.command("drop") == "dropped 1"
        try:
            assert await reader.read() == b""
        except ConnectionResetError:
            pass
        await asyncio.sleep(0.01)
        assert not proxy.open

    asyncio.run(through_proxy(monkeypatch, Delay(0.01, 0), test))


# --------------------------------------------------------------------------- as root, in namespaces

A = netns.Host("fi-dpt-a", "10.231.99.1", "fi-dpt-a0")
B = netns.Host("fi-dpt-b", "10.231.99.2", "fi-dpt-b0")
PORT = 8089


@pytest.fixture
def namespaces() -> Iterator[None]:
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("ip", "iptables-restore", "ss")):
        pytest.skip("needs root, ip, iptables and ss")

    def remove() -> None:
        for host in (A, B):
            netns.sh("ip", "netns", "del", host.name, check=False)

    remove()
    netns.sh("ip", "link", "add", A.link, "type", "veth", "peer", "name", B.link)
    for host in (A, B):
        netns.sh("ip", "netns", "add", host.name)
        netns.sh("ip", "link", "set", host.link, "netns", host.name)
        netns.sh("ip", "-n", host.name, "addr", "add", f"{host.address}/24", "dev", host.link)
        netns.sh("ip", "-n", host.name, "link", "set", host.link, "up")
        netns.sh("ip", "-n", host.name, "link", "set", "lo", "up")
    try:
        yield
    finally:
        remove()


def in_namespace(name: str, work):
    """Runs `work()` in a thread inside namespace `name`; returns its result."""
    result: list = []

    def run() -> None:
        netns.enter(name)
        try:
            result.append(work())
        except Exception as e:  # handed to the caller
            result.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(20)
    if isinstance(result[0], Exception):
        raise result[0]
    return result[0]


def start_echo(peers: list[str]) -> socket.socket:
    """An echo server on B:PORT; records the address of every peer that connects."""

    def listen() -> socket.socket:
        server = socket.create_server((B.address, PORT))
        server.settimeout(None)
        return server

    server = in_namespace(B.name, listen)

    def echo(conn: socket.socket) -> None:
        try:
            while data := conn.recv(65536):
                conn.sendall(data)
        except OSError:
            pass  # reset by `ss -K` or a drop
        conn.close()

    def serve() -> None:
        while True:
            try:
                conn, peer = server.accept()
            except OSError:
                return
            peers.append(peer[0])
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server


def round_trip(conn: socket.socket) -> float:
    began = time.monotonic()
    conn.sendall(b"ping")
    assert conn.recv(16) == b"ping"
    return time.monotonic() - began


def test_redirect_delay_reset_and_drop_in_namespaces(namespaces: None, tmp_path: Path) -> None:
    peers: list[str] = []
    server = start_echo(peers)
    network = netns.Network([])
    network.hosts = [A, B]
    direct = in_namespace(A.name, lambda: socket.create_connection((B.address, PORT), timeout=5))
    assert round_trip(direct) < 0.05
    proxy = ProxyProcess(A.name, delayproxy.PORT, 1, str(tmp_path / "proxy.log"))
    try:
        proxy.wait_ready()
        proxy.set_delay(100, 0)
        network.redirect(A, [B], [PORT], delayproxy.PORT)
        network.reset(A, [B], [PORT])
        with pytest.raises(OSError):  # the open connection was closed by `ss -K`
            direct.sendall(b"ping")
            if not direct.recv(16):
                raise ConnectionAbortedError("closed")
        delayed = in_namespace(A.name, lambda: socket.create_connection((B.address, PORT), timeout=5))
        assert 0.2 <= round_trip(delayed) < 1.0  # 100 ms each way, through the proxy
        assert peers == [A.address, A.address]  # the proxy connects from A's address, not redirected again
        assert proxy.drop() == 1
        assert delayed.recv(16) == b""
        network.unredirect()
        again = in_namespace(A.name, lambda: socket.create_connection((B.address, PORT), timeout=5))
        assert round_trip(again) < 0.05
        again.close()
    finally:
        proxy.stop()
        server.close()
    log = (tmp_path / "proxy.log").read_text()
    assert f"{A.address}" in log and f"-> {B.address}:{PORT} dropped" in log
