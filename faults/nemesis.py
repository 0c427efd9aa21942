"""Faults: each is a context that injects a failure and heals it. Every fault records what it
did into the run's event list, so a failing history can be read next to them."""

from __future__ import annotations

import os
import random
import subprocess
import time
from dataclasses import dataclass, field

from .cluster import Cluster, Node
from .delayproxy import PORT as PROXY_PORT
from .delayproxy import ProxyProcess

DELAYED_PORTS = [8089, 8091]  # Raft and HTTP between meta nodes


@dataclass
class Nemesis:
    cluster: Cluster
    rng: random.Random
    events: list[dict] = field(default_factory=list)
    expected_down: set[str] = field(default_factory=set)  # nodes allowed to have exited
    proxies: dict[str, ProxyProcess] = field(default_factory=dict)  # delay proxy per node, started on first use
    delayed: bool = False  # whether links are redirected through them now

    def note(self, what: str, **details) -> None:
        self.events.append({"time": time.monotonic(), "event": what, **details})

    def live(self) -> list[Node]:
        return [n for n in self.cluster.nodes if n.alive and not n.paused]

    def pick(self, leader: bool | None) -> Node | None:
        """The leader, a follower, or any live node."""
        live = self.live()
        if not live:
            return None
        current = self.cluster.leader()
        if leader is True and current in live:
            return current
        followers = [n for n in live if n is not current]
        if leader is False and followers:
            return self.rng.choice(followers)
        return self.rng.choice(live)

    # Each fault: inject, hold, heal. ------------------------------------------------------------

    def kill(self, leader: bool | None, hold: float) -> None:
        node = self.pick(leader)
        if node is None:
            return
        self.note("kill -9", node=node.name, leader=leader)
        self.cluster.kill(node)
        time.sleep(hold)
        self.cluster.start(node)
        self.note("restart", node=node.name)

    def pause(self, hold: float) -> None:
        node = self.pick(self.rng.random() < 0.5)
        if node is None:
            return
        self.note("SIGSTOP", node=node.name)
        self.cluster.pause(node)
        time.sleep(hold)
        self.cluster.resume(node)
        self.note("SIGCONT", node=node.name)

    def partition(self, kind: str, hold: float) -> None:
        nodes = list(self.cluster.nodes)
        network = self.cluster.network
        if kind == "leader":
            leader = self.pick(True)
            if leader is None:
                return
            groups = [[leader], [n for n in nodes if n is not leader]]
        elif kind == "halves":
            self.rng.shuffle(nodes)
            cut = len(nodes) // 2
            groups = [nodes[:cut], nodes[cut:]]
        else:  # bridge: two groups that cannot talk, one node that talks to both
            self.rng.shuffle(nodes)
            middle = nodes[0]
            rest = nodes[1:]
            half = len(rest) // 2
            groups = [rest[:half], rest[half:]]
            self.note("bridge", node=middle.name)
        self.note(f"partition {kind}", groups=[[n.name for n in g] for g in groups])
        for a in groups[0]:
            for b in groups[1]:
                network.cut(a.host, b.host)
        time.sleep(hold)
        network.heal()
        self.note("heal")

    def loss(self, probability: float, hold: float) -> None:
        network = self.cluster.network
        hosts = [n.host for n in self.cluster.nodes]
        self.note("packet loss", probability=probability)
        for host in hosts:
            network.lossy(host, [h for h in hosts if h is not host], probability)
        time.sleep(hold)
        network.heal()
        self.note("heal")

    def delay(self, base_ms: float, jitter_ms: float, hold: float, nodes: list[Node] | None = None) -> None:
        """Delays every link between meta nodes that touches `nodes` (default: all of them) by
        base ± jitter ms each way, with a delaying proxy in each namespace concerned (see
        delayproxy.py), for `hold` seconds. Open connections are closed when it starts (they
        reconnect through the proxies) and when it heals (they reconnect directly)."""
        targets = nodes if nodes is not None else list(self.cluster.nodes)
        self.note("delay", nodes=[n.name for n in targets], base_ms=round(base_ms), jitter_ms=round(jitter_ms))
        began = time.monotonic()
        self.start_delay(targets, base_ms, jitter_ms)
        self.note("delay installed", seconds=round(time.monotonic() - began, 2))
        time.sleep(hold)
        self.stop_delay()
        self.note("heal")

    def delay_one(self, base_ms: float, jitter_ms: float, hold: float) -> None:
        """Delays one node's links (the leader's half the time)."""
        node = self.pick(self.rng.random() < 0.5)
        if node is not None:
            self.delay(base_ms, jitter_ms, hold, [node])

    def start_delay(self, targets: list[Node], base_ms: float, jitter_ms: float) -> None:
        """Sets the delay in a proxy in every namespace with a link to delay (starting the
        proxies not running yet), then redirects those links through them."""
        links = {}
        for node in self.cluster.nodes:
            peers = [p for p in self.cluster.nodes if p is not node and (node in targets or p in targets)]
            if peers:
                links[node.name] = peers
        started = []
        for node in self.cluster.nodes:
            if node.name in links and node.name not in self.proxies:
                self.proxies[node.name] = ProxyProcess(node.name, PROXY_PORT, self.rng.randrange(2**31),
                                                       f"{node.root}/delayproxy.log")
                started.append(self.proxies[node.name])
        for proxy in started:
            proxy.wait_ready()
        self.delayed = True
        network = self.cluster.network
        for node in self.cluster.nodes:
            if node.name in links:
                self.proxies[node.name].set_delay(base_ms, jitter_ms)
                network.redirect(node.host, [p.host for p in links[node.name]], DELAYED_PORTS, PROXY_PORT)
        for node in self.cluster.nodes:  # only once every redirect is in place: reconnections go through them
            if node.name in links:
                network.reset(node.host, [p.host for p in links[node.name]], DELAYED_PORTS)

    def stop_delay(self) -> None:
        """Removes the redirects, then closes every connection through the proxies (they
        reconnect directly). The proxies keep running for the next delay."""
        if not self.delayed:
            return
        self.note("removing delay")
        self.cluster.network.unredirect()
        dropped = {name: proxy.drop() for name, proxy in self.proxies.items()}
        self.delayed = False
        self.note("delayed connections closed", connections=dropped)

    def stop_proxies(self) -> None:
        """Ends the proxy processes (at the end of a run)."""
        for proxy in self.proxies.values():
            proxy.stop()
        self.proxies.clear()

    def churn(self, hold: float) -> None:
        """Removes a follower with influxd-ctl while clients write, then adds it back."""
        node = self.pick(False)
        leader = self.cluster.leader()
        if node is None or leader is None or node is leader:
            return
        self.note("remove-meta", node=node.name)
        removed = self.cluster.ctl(leader, "remove-meta", "-y", node.http)
        self.note("remove-meta done", code=removed.returncode, stderr=removed.stderr.strip())
        time.sleep(hold)
        for attempt in range(20):
            added = self.cluster.ctl(self.cluster.wait_for_leader(), "add-meta", node.http)
            if added.returncode == 0:
                break
            time.sleep(0.25)
        self.note("add-meta done", code=added.returncode, stdout=added.stdout.strip(), stderr=added.stderr.strip())

    def fill_disk(self, node: Node, hold: float) -> None:
        """Fills the tmpfs under `node`'s dir, restarts the node on the full disk (it may refuse
        to start, with a message), frees the space, and makes sure it runs again."""
        filler = f"{node.dir}/filler"
        self.note("disk full", node=node.name)
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=1024"], capture_output=True)
        self.expected_down.add(node.name)
        time.sleep(hold / 2)
        self.note("kill -9 and restart on a full disk", node=node.name)
        self.cluster.kill(node)
        self.cluster.start(node)
        time.sleep(hold / 2)
        os.remove(filler)
        self.note("disk freed", node=node.name, running=node.alive)
        if not node.alive:
            self.cluster.start(node)
            self.note("restart", node=node.name)
        self.expected_down.discard(node.name)

    def unexpected_exits(self) -> list[str]:
        """Nodes that exited although no fault allowed it (crashes)."""
        return [n.name for n in self.cluster.nodes
                if n.process is not None and n.process.poll() is not None and n.name not in self.expected_down]

    def heal_all(self) -> None:
        self.stop_delay()
        self.cluster.network.heal()
        for node in self.cluster.nodes:
            self.cluster.resume(node)
            if not node.alive:
                self.cluster.start(node)
        self.note("healed everything")
