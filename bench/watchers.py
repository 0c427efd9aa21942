#!/usr/bin/env python3
"""N watchers woken by one write. Opens N connections spread over the given members, each
waiting for the next change, then makes one write and times every watcher's wake-up:

- influxd-meta: `GET /?index=I` long polls (I = the current index); a watcher is woken when
  its whole answer (the metadata as JSON) has arrived. The server does not say when a long
  poll is registered, so the client waits --settle seconds after sending them all.
- etcd: one `POST /v3/watch` stream per connection through the JSON gateway; a watch counts
  as registered at its `"created":true` message and as woken at its first `"events"` message.

The write is sent when every watcher is registered; times are taken by one select loop that
also reads the write's answer, so all are on the same clock.

    watchers.py meta N WRITE_ADDR WATCH_ADDR... --index I
    watchers.py etcd N WRITE_ADDR WATCH_ADDR... --key B64KEY

Prints `watchers= woken= early= register_s= ack_ms= p50_ms= p99_ms= max_ms= by_member=`:
wake-up times are measured from the moment the write's acknowledgement arrived (negative:
woken before the writer saw its acknowledgement; `early` counts those); `ack_ms` is the
write's own latency; `by_member` gives the median/max per watched member."""

from __future__ import annotations

import argparse
import base64
import json
import selectors
import socket
import sys
import time


class Conn:
    """One connection and what has arrived on it."""

    def __init__(self, addr: str, request: bytes):
        self.addr = addr
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        self.sock.setblocking(False)
        self.buf = b""
        self.closed = False
        self.done_at: float | None = None

    def read(self) -> None:
        try:
            data = self.sock.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.closed = True
        self.buf += data


def http_request(method: str, addr: str, path: str, body: bytes = b"") -> bytes:
    """An HTTP/1.1 request with a body (possibly empty)."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def response_complete(buf: bytes) -> bool:
    """Whether `buf` holds a whole HTTP response (Content-Length or chunked)."""
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    headers = head.decode("latin-1").lower()
    if "transfer-encoding: chunked" in headers:
        return body.endswith(b"0\r\n\r\n")
    for line in headers.split("\r\n"):
        if line.startswith("content-length:"):
            return len(body) >= int(line.split(":", 1)[1])
    return False


def pump(sel: selectors.BaseSelector, timeout: float) -> list[Conn]:
    """Reads whatever arrived within `timeout`; returns the connections that got data."""
    got = []
    for key, _ in sel.select(timeout):
        conn: Conn = key.data
        conn.read()
        if conn.closed:
            sel.unregister(conn.sock)
        got.append(conn)
    return got


def percentile(values: list[float], p: float) -> float:
    """The p-th quantile of sorted `values` (nearest rank below), or nan when empty."""
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def by_member(watchers: list[Conn], ack: float) -> str:
    """Median and max wake-up (ms after the ack) per watched member: `addr:p50/max,...`."""
    parts = []
    for addr in dict.fromkeys(c.addr for c in watchers):
        times = sorted((c.done_at - ack) * 1000 for c in watchers if c.addr == addr and c.done_at is not None)
        parts.append(f"{addr}:{percentile(times, 0.5):.0f}/{percentile(times, 1.0):.0f}")
    return ",".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("system", choices=("meta", "etcd"))
    parser.add_argument("n", type=int)
    parser.add_argument("write_addr")
    parser.add_argument("watch_addrs", nargs="+")
    parser.add_argument("--index", type=int, default=0, help="meta: the index the long polls wait past")
    parser.add_argument("--key", default=base64.b64encode(b"watched").decode(), help="etcd: the watched key (base64)")
    parser.add_argument("--settle", type=float, default=3.0, help="meta: seconds to wait for the long polls to be registered")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    if args.system == "meta":
        watch_req = lambda addr: http_request("GET", addr, f"/?index={args.index}")
        write_req = http_request("POST", args.write_addr, "/execute",
                                 json.dumps({"type": "create-database", "name": f"watched-{args.index}"}).encode())
        registered = lambda c: True
        woken = lambda c: response_complete(c.buf)
    else:
        watch_req = lambda addr: http_request("POST", addr, "/v3/watch",
                                              json.dumps({"create_request": {"key": args.key}}).encode())
        write_req = http_request("POST", args.write_addr, "/v3/kv/put",
                                 json.dumps({"key": args.key, "value": base64.b64encode(b"woken").decode()}).encode())
        registered = lambda c: b'"created":true' in c.buf
        woken = lambda c: b'"events"' in c.buf

    sel = selectors.DefaultSelector()
    watchers = []
    try:
        for k in range(args.n):
            conn = Conn(args.watch_addrs[k % len(args.watch_addrs)], watch_req(args.watch_addrs[k % len(args.watch_addrs)]))
            sel.register(conn.sock, selectors.EVENT_READ, conn)
            watchers.append(conn)
        t_open = time.perf_counter()
        deadline = t_open + args.timeout
        settle_until = t_open + (args.settle if args.system == "meta" else 0)
        while time.perf_counter() < deadline:
            pump(sel, 0.05)
            if any(woken(c) or c.closed for c in watchers):
                print("error: a watcher was answered or closed before the write", file=sys.stderr)
                return 1
            if time.perf_counter() >= settle_until and all(registered(c) for c in watchers):
                break
        else:
            print("error: the watchers were not all registered in time", file=sys.stderr)
            return 1
        register_s = time.perf_counter() - t_open

        writer = Conn(args.write_addr, write_req)
        t_send = time.perf_counter()
        sel.register(writer.sock, selectors.EVENT_READ, writer)
        waiting = set(watchers) | {writer}
        while waiting and time.perf_counter() < deadline:
            for conn in pump(sel, 0.5):
                now = time.perf_counter()
                if conn in waiting and (response_complete(conn.buf) if conn is writer else woken(conn)):
                    conn.done_at = now
                    waiting.discard(conn)
                elif conn.closed:
                    waiting.discard(conn)
        if writer.done_at is None:
            print("error: the write was not acknowledged", file=sys.stderr)
            return 1
        after_ack = sorted((c.done_at - writer.done_at) * 1000 for c in watchers if c.done_at is not None)
        print(f"watchers={args.n} woken={len(after_ack)} early={sum(1 for v in after_ack if v < 0)} "
              f"register_s={register_s:.2f} ack_ms={(writer.done_at - t_send) * 1000:.2f} "
              f"p50_ms={percentile(after_ack, 0.5):.2f} p99_ms={percentile(after_ack, 0.99):.2f} "
              f"max_ms={percentile(after_ack, 1.0):.2f} by_member={by_member(watchers, writer.done_at)}")
        return 0 if len(after_ack) == args.n else 1
    finally:
        for conn in watchers:
            conn.sock.close()
        sel.close()


if __name__ == "__main__":
    sys.exit(main())
