"""Test hosts made of network namespaces: a bridge in a namespace of its own, one namespace per
host joined to it by a veth pair, private addresses that exist only inside those namespaces,
and a hosts file per namespace (/etc/netns/NAME/hosts, which `ip netns exec` mounts over
/etc/hosts). Needs root."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from .delayproxy import redirect_rules, socket_filter

SUBNET = "10.231.88"
BRIDGE_NS = "fi-bridge"


def sh(*args: str, check: bool = True, quiet: bool = False) -> subprocess.CompletedProcess:
    """Runs a command; raises with its stderr when it fails and `check` is set."""
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip()}")
    return result


@dataclass(frozen=True)
class Host:
    """One namespace host."""

    name: str  # namespace name and host name
    address: str  # its IP on the bridge
    link: str  # its veth interface name inside the namespace

    def exec(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return sh("ip", "netns", "exec", self.name, *args, check=check)


class Network:
    """The bridge and hosts. `create()` replaces leftovers of an earlier run."""

    def __init__(self, names: list[str]):
        self.hosts = [Host(name, f"{SUBNET}.{i + 1}", f"fi{i + 1}") for i, name in enumerate(names)]

    def create(self) -> None:
        self.destroy()
        sh("ip", "netns", "add", BRIDGE_NS)
        sh("ip", "-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", BRIDGE_NS, "link", "set", "br0", "up")
        for i, host in enumerate(self.hosts):
            peer = f"fb{i + 1}"
            sh("ip", "netns", "add", host.name)
            sh("ip", "link", "add", host.link, "type", "veth", "peer", "name", peer)
            sh("ip", "link", "set", host.link, "netns", host.name)
            sh("ip", "link", "set", peer, "netns", BRIDGE_NS)
            sh("ip", "-n", BRIDGE_NS, "link", "set", peer, "master", "br0", "up")
            sh("ip", "-n", host.name, "addr", "add", f"{host.address}/24", "dev", host.link)
            sh("ip", "-n", host.name, "link", "set", host.link, "up")
            sh("ip", "-n", host.name, "link", "set", "lo", "up")
        lines = ["127.0.0.1 localhost"] + [f"{h.address} {h.name}" for h in self.hosts]
        for host in self.hosts:
            os.makedirs(f"/etc/netns/{host.name}", exist_ok=True)
            with open(f"/etc/netns/{host.name}/hosts", "w") as f:
                f.write("\n".join(lines) + "\n")

    def destroy(self) -> None:
        for host in self.hosts:
            sh("ip", "netns", "del", host.name, check=False)
            shutil.rmtree(f"/etc/netns/{host.name}", ignore_errors=True)
        sh("ip", "netns", "del", BRIDGE_NS, check=False)

    def host(self, name: str) -> Host:
        return next(h for h in self.hosts if h.name == name)

    # Faults -----------------------------------------------------------------------------------

    def cut(self, a: Host, b: Host) -> None:
        """Drops every packet between a and b, both ways (iptables in both namespaces)."""
        for src, dst in ((a, b), (b, a)):
            src.exec("iptables", "-A", "INPUT", "-s", dst.address, "-j", "DROP")
            src.exec("iptables", "-A", "OUTPUT", "-d", dst.address, "-j", "DROP")

    def lossy(self, host: Host, peers: list[Host], probability: float) -> None:
        """Drops a random share of the packets `host` receives from `peers`."""
        for peer in peers:
            host.exec(
                "iptables", "-A", "INPUT", "-s", peer.address, "-m", "statistic", "--mode", "random",
                "--probability", f"{probability:.3f}", "-j", "DROP",
            )

    def redirect(self, host: Host, peers: list[Host], ports: list[int], proxy_port: int) -> None:
        """Sends `host`'s new TCP connections to `peers` on `ports` to the delay proxy listening
        on `proxy_port` in its namespace (faults/delayproxy.py). Connections already open are
        not affected: see `reset`."""
        rules = "\n".join(redirect_rules([p.address for p in peers], ports, proxy_port)) + "\n"
        result = subprocess.run(["ip", "netns", "exec", host.name, "iptables-restore", "--noflush"],
                                input=rules, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"iptables-restore in {host.name}: {result.stderr.strip()}")

    def reset(self, host: Host, peers: list[Host], ports: list[int]) -> None:
        """Closes `host`'s open TCP connections to `peers` on `ports` (`ss -K`; the delay
        proxy's own are spared), so that they reconnect, through a redirect if there is one."""
        host.exec("ss", "-K", "-tn", socket_filter([p.address for p in peers], ports))

    def unredirect(self) -> None:
        """Removes every redirect (connections already redirected stay so)."""
        for host in self.hosts:
            host.exec("iptables", "-t", "nat", "-F", "OUTPUT", check=False)

    def heal(self) -> None:
        """Removes every packet filter and redirect."""
        for host in self.hosts:
            host.exec("iptables", "-F", "INPUT", check=False)
            host.exec("iptables", "-F", "OUTPUT", check=False)
        self.unredirect()


def enter(name: str) -> None:
    """Moves the calling thread into network namespace `name` (sockets it opens live there)."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)
