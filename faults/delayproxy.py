"""Network delay without `tc netem` (this kernel has no sch_netem): a transparent TCP proxy
that holds every chunk of bytes for a delay drawn per chunk (base ± jitter) before passing
it on, in both directions, never reordering bytes within a direction.

It runs inside a host's network namespace, listening on 127.0.0.1:PORT; an iptables rule
in that namespace (`-t nat -A OUTPUT ... -j REDIRECT --to-ports PORT`) sends the host's
outgoing connections to it. The proxy reads where each connection was going
(`SO_ORIGINAL_DST`), connects there itself with the packet mark `MARK` set (`SO_MARK`),
which the rule excludes (`-m mark ! --mark MARK`) so the proxy's own connection is not
redirected back to it, and forwards.

    ip netns exec fi-meta-1 python3 -m faults.delayproxy --port 18089 --delay-ms 100 --jitter-ms 30

It prints `listening 127.0.0.1:PORT` once it accepts connections, then reads commands on
standard input and answers each with one line on standard output: `delay BASE_MS JITTER_MS`
changes the delay (for open connections too), `drop` closes every proxied connection. It
logs one line per connection to stderr (with how long its chunks were held) and exits when
its standard input closes (so it never outlives the harness that started it) or on SIGTERM.
Needs root (SO_MARK, SO_ORIGINAL_DST).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import queue
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h
MARK = 0x4649  # "FI": the proxy's own outgoing connections carry it; the redirect skips them
PORT = 18089
CHUNK = 65536
QUEUE_CHUNKS = 1024  # chunks held per direction before the proxy stops reading (backpressure)
CONNECT_TIMEOUT = 2.0


# Pure parts ---------------------------------------------------------------------------------


@dataclass
class Delay:
    """A delay in seconds drawn per chunk, uniform in [base - jitter, base + jitter], never
    below zero."""

    base: float
    jitter: float
    rng: random.Random = field(default_factory=random.Random)

    def draw(self) -> float:
        if self.jitter <= 0:
            return max(0.0, self.base)
        return max(0.0, self.base + self.rng.uniform(-self.jitter, self.jitter))


@dataclass
class Schedule:
    """When each chunk of one direction may be passed on: its arrival plus a drawn delay, but
    never before the chunk ahead of it (a stream is delayed, never reordered)."""

    delay: Delay
    last: float = -math.inf

    def release(self, arrival: float) -> float:
        self.last = max(arrival + self.delay.draw(), self.last)
        return self.last


def parse_sockaddr_in(raw: bytes) -> tuple[str, int]:
    """(address, port) from a `struct sockaddr_in` as `getsockopt(SO_ORIGINAL_DST)` returns
    it: family in host byte order, port and address in network byte order."""
    if len(raw) < 8:
        raise ValueError(f"sockaddr_in too short: {len(raw)} bytes")
    (family,) = struct.unpack_from("=H", raw, 0)
    if family != socket.AF_INET:
        raise ValueError(f"not an IPv4 address (family {family})")
    (port,) = struct.unpack_from("!H", raw, 2)
    return socket.inet_ntoa(raw[4:8]), port


def redirect_rules(peers: list[str], ports: list[int], proxy_port: int, mark: int = MARK) -> list[str]:
    """iptables-restore lines (nat table) that send this host's new TCP connections to
    `peers` on `ports` through the proxy, except the proxy's own (marked) connections."""
    lines = ["*nat"]
    for peer in peers:
        for port in ports:
            lines.append(f"-A OUTPUT -p tcp -d {peer}/32 --dport {port} -m mark ! --mark {mark:#x} "
                         f"-j REDIRECT --to-ports {proxy_port}")
    lines.append("COMMIT")
    return lines


def socket_filter(peers: list[str], ports: list[int], mark: int = MARK) -> str:
    """An `ss` filter for this host's own TCP connections to `peers` on `ports` (for `ss -K`),
    not the proxy's (marked) connections to them."""
    dsts = " or ".join(f"dst {p}" for p in peers)
    dports = " or ".join(f"dport = :{p}" for p in ports)
    return f"( {dsts} ) and ( {dports} ) and fwmark != {mark:#x}"


# The proxy ----------------------------------------------------------------------------------


def original_destination(sock: socket.socket) -> tuple[str, int]:
    return parse_sockaddr_in(sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16))


@dataclass
class Stats:
    """What one direction of one connection carried."""

    chunks: int = 0
    bytes: int = 0
    held: float = 0.0  # total seconds chunks were held
    most: float = 0.0  # the longest hold
    end: str = "open"  # how it ended: "eof" (passed on as a half-close), "read error", "write error"

    def add(self, size: int, held: float) -> None:
        self.chunks += 1
        self.bytes += size
        self.held += held
        self.most = max(self.most, held)

    def __str__(self) -> str:
        mean = self.held / self.chunks if self.chunks else 0.0
        return (f"{self.chunks} chunks {self.bytes} B, held mean {mean * 1000:.0f} ms max {self.most * 1000:.0f} ms, "
                f"{self.end}")


@dataclass
class Connection:
    """One proxied connection: what it joins, its two directions and the tasks moving them."""

    where: str
    writers: list[asyncio.StreamWriter]
    out: Stats = field(default_factory=Stats)
    back: Stats = field(default_factory=Stats)
    tasks: list[asyncio.Task] = field(default_factory=list)
    dropped: bool = False


class Proxy:
    """Accepts redirected connections and forwards them, delayed, to where they were going."""

    def __init__(self, port: int, delay: Delay, mark: int | None = MARK, log=sys.stderr):
        self.port = port
        self.delay = delay
        self.mark = mark
        self.log = log
        self.count = 0
        self.open: dict[int, Connection] = {}
        self.drops = 0  # how many times `drop` ran: a connection accepted before one is dropped too

    def say(self, line: str) -> None:
        print(f"{time.monotonic():.3f} {line}", file=self.log, flush=True)

    async def serve(self) -> asyncio.AbstractServer:
        """Listens on 127.0.0.1:`port` (port 0: one the system picks, stored in `port`)."""
        server = await asyncio.start_server(self.handle, "127.0.0.1", self.port, reuse_address=True)
        self.port = server.sockets[0].getsockname()[1]
        return server

    def drop(self) -> int:
        """Closes every open connection at once (both ends); returns how many there were."""
        self.drops += 1
        dropped = list(self.open.values())
        for connection in dropped:
            connection.dropped = True
            for task in connection.tasks:
                task.cancel()
            for writer in connection.writers:
                writer.transport.abort()
        return len(dropped)

    async def connect(self, destination: tuple[str, int]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Connects to `destination` with the mark that keeps the redirect from catching it
        (none if `mark` is None: for tests without a redirect, which need no root)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if self.mark is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, self.mark)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, destination), CONNECT_TIMEOUT)
        except BaseException:
            sock.close()
            raise
        return await asyncio.open_connection(sock=sock)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.count += 1
        number = self.count
        drops = self.drops
        sock = writer.get_extra_info("socket")
        source = writer.get_extra_info("peername")
        try:
            destination = original_destination(sock)
            if destination[0].startswith("127.") and destination[1] == self.port:
                raise ValueError("connected to the proxy directly, not redirected")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            up_reader, up_writer = await self.connect(destination)
            if self.drops != drops:
                up_writer.transport.abort()
                raise ConnectionAbortedError("dropped while connecting")
        except (OSError, ValueError, asyncio.TimeoutError) as e:
            self.say(f"#{number} {source[0]}:{source[1]} -> ?: {e.__class__.__name__} {e}")
            writer.transport.abort()
            return
        connection = Connection(f"#{number} {source[0]}:{source[1]} -> {destination[0]}:{destination[1]}",
                                [writer, up_writer])
        connection.tasks = [asyncio.create_task(self.pipe(reader, up_writer, connection.out)),
                            asyncio.create_task(self.pipe(up_reader, writer, connection.back))]
        self.open[number] = connection
        self.say(f"{connection.where} open")
        try:
            await asyncio.wait(connection.tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            del self.open[number]
            for task in connection.tasks:
                task.cancel()
            for w in connection.writers:
                w.transport.abort()
        failed = [(side, t.exception()) for side, t in zip(("out", "back"), connection.tasks)
                  if t.done() and not t.cancelled() and t.exception()]
        ending = ("dropped" if connection.dropped else
                  f"{failed[0][0]}: {failed[0][1].__class__.__name__} {failed[0][1]}" if failed else "closed")
        self.say(f"{connection.where} {ending}; out (to the peer): {connection.out}; back: {connection.back}")

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stats: Stats) -> None:
        """One direction. A reader task stamps each chunk with its arrival and release time and
        queues it; this task passes chunks on at their release times, in order. End of stream
        is passed on (delayed too) as a half-close, a read error by raising it."""
        queue: asyncio.Queue[tuple[float, float, bytes | Exception]] = asyncio.Queue(QUEUE_CHUNKS)
        schedule = Schedule(self.delay)

        async def read() -> None:
            while True:
                try:
                    data: bytes | Exception = await reader.read(CHUNK)
                except OSError as e:
                    data = e
                arrival = time.monotonic()
                await queue.put((arrival, schedule.release(arrival), data))
                if not isinstance(data, bytes) or not data:
                    return

        reading = asyncio.create_task(read())
        try:
            while True:
                arrival, release, data = await queue.get()
                wait = release - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if isinstance(data, Exception):
                    stats.end = "read error"
                    raise data
                if not data:
                    stats.end = "eof"
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                stats.add(len(data), time.monotonic() - arrival)
                stats.end = "write error"  # until the write is through
                writer.write(data)
                await writer.drain()
                stats.end = "open"
        finally:
            reading.cancel()

    def command(self, line: str) -> str:
        """One control command: `delay BASE_MS JITTER_MS` (applies at once, to open connections
        too) or `drop` (close every open connection). Returns the reply line."""
        words = line.split()
        try:
            if words[:1] == ["delay"] and len(words) == 3:
                self.delay.base, self.delay.jitter = float(words[1]) / 1000, float(words[2]) / 1000
                reply = f"delay {words[1]} {words[2]}"
            elif words == ["drop"]:
                reply = f"dropped {self.drop()}"
            else:
                reply = f"error: unknown command {line.strip()!r}"
        except ValueError as e:
            reply = f"error: {e}"
        self.say(f"command {line.strip()!r}: {reply}")
        return reply


def original_destination(sock: socket.socket) -> tuple[str, int]:
    """Where a redirected connection was going (before iptables REDIRECT rewrote it)."""
    return parse_sockaddr_in(sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16))


# Running it from the harness ----------------------------------------------------------------


class ProxyProcess:
    """A proxy process inside namespace `namespace` (started with `ip netns exec`), driven
    through its standard input; it stays up between faults, `stop()` ends it."""

    def __init__(self, namespace: str, port: int, seed: int, log_path: str):
        self.namespace = namespace
        self.port = port
        self.log = open(log_path, "a")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", namespace, sys.executable, "-m", "faults.delayproxy", "--port", str(port),
             "--seed", str(seed)],
            cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def reply(self, timeout: float = 10.0) -> str:
        """The proxy's next line on standard output; raises if it died or took too long."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = ""
        if not line or line.startswith("error"):
            raise RuntimeError(f"delay proxy in {self.namespace}: {line or 'no answer'} (see {self.log.name})")
        return line

    def wait_ready(self) -> None:
        self.reply()

    def command(self, line: str) -> str:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.reply()

    def set_delay(self, base_ms: float, jitter_ms: float) -> None:
        self.command(f"delay {base_ms:g} {jitter_ms:g}")

    def drop(self) -> int:
        """Closes every connection through the proxy; returns how many."""
        return int(self.command("drop").split()[1])

    def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()  # the proxy exits at end of input
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# Command line -------------------------------------------------------------------------------


async def serve(args: argparse.Namespace) -> None:
    delay = Delay(args.delay_ms / 1000, args.jitter_ms / 1000, random.Random(args.seed))
    proxy = Proxy(args.port, delay, args.mark)
    server = await proxy.serve()
    loop = asyncio.get_running_loop()

    def answer(line: str) -> None:
        print(proxy.command(line), flush=True)

    def control() -> None:
        """Reads commands from standard input; its end ends the process, abruptly on purpose:
        the kernel closes every proxied connection at once."""
        for line in sys.stdin:
            loop.call_soon_threadsafe(answer, line)
        os._exit(0)

    print(f"listening 127.0.0.1:{args.port}", flush=True)
    threading.Thread(target=control, daemon=True).start()
    await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m faults.delayproxy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="base delay per chunk, one way")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="the delay varies uniformly by ± this")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mark", type=lambda s: int(s, 0), default=MARK, help="SO_MARK of outgoing connections")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
