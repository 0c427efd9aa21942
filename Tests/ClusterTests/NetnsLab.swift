import Foundation
import TestSupport

/// Hosts made of network namespaces on one bridge, as scripts/seed-procedure-netns.sh builds
/// them, plus a veth from the test's own namespace into the bridge so the test reaches every
/// host directly. Addresses are `subnet.N`; the bridge itself is `subnet.53` (for a DNS server).
final class NetnsLab: @unchecked Sendable {
    // Invariant: used from one test task at a time.

    /// Whether namespaces can be made here: root and `ip`.
    static var isAvailable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") }

    /// The first three octets, such as `10.233.140`.
    let subnet: String
    /// The namespace holding the bridge (and the DNS server).
    let bridge: String
    /// The host namespaces.
    let hosts: [String]
    private let suffix: String

    /// Makes `count` hosts, host `i` (from 0) at `subnet.(11 + i)`.
    init(hosts count: Int) async throws {
        let suffix = String(UInt32.random(in: 0x1000...0xFFFF), radix: 16)
        self.suffix = suffix
        subnet = "10.233.\(Int.random(in: 100...250))"
        bridge = "dnsbr-\(suffix)"
        hosts = (0..<count).map { "dnsh\($0 + 1)-\(suffix)" }
        try await ip("netns", "add", bridge)
        try await ip("-n", bridge, "link", "add", "br0", "type", "bridge")
        try await ip("-n", bridge, "addr", "add", "\(subnet).53/24", "dev", "br0")
        try await ip("-n", bridge, "link", "set", "br0", "up")
        try await ip("-n", bridge, "link", "set", "lo", "up")
        for (index, host) in hosts.enumerated() {
            try await ip("netns", "add", host)
            try await plug(namespace: host, link: hostLink(index), address: address(11 + index))
        }
        try await plug(namespace: nil, link: "dvr-\(suffix)", address: address(254))
    }

    /// `subnet.last`.
    func address(_ last: Int) -> String { "\(subnet).\(last)" }

    /// The command prefix that runs a program in `namespace`.
    func exec(_ namespace: String) -> [String] { ["/usr/sbin/ip", "netns", "exec", namespace] }

    /// Moves host `index` from `old` to `new` (last octets).
    func readdress(host index: Int, from old: Int, to new: Int) async throws {
        try await ip("-n", hosts[index], "addr", "del", "\(address(old))/24", "dev", hostLink(index))
        try await ip("-n", hosts[index], "addr", "add", "\(address(new))/24", "dev", hostLink(index))
    }

    /// Deletes the namespaces (their veths go with them).
    func remove() async {
        for namespace in hosts + [bridge] { _ = try? await ip("netns", "del", namespace) }
    }

    private func hostLink(_ index: Int) -> String { "dv\(index + 1)-\(suffix)" }

    /// A veth from `namespace` (the test's own when `nil`) into the bridge, with `address`.
    private func plug(namespace: String?, link: String, address: String) async throws {
        let peer = "db" + link.dropFirst(2)
        try await ip("link", "add", link, "type", "veth", "peer", "name", peer)
        try await ip("link", "set", peer, "netns", bridge)
        try await ip("-n", bridge, "link", "set", peer, "master", "br0", "up")
        let scope = namespace.map { ["-n", $0] } ?? []
        if let namespace { try await ip("link", "set", link, "netns", namespace) }
        try await ip(scope + ["addr", "add", "\(address)/24", "dev", link])
        try await ip(scope + ["link", "set", link, "up"])
        if namespace != nil { try await ip(scope + ["link", "set", "lo", "up"]) }
    }

    private func ip(_ arguments: String...) async throws { try await ip(arguments) }

    private func ip(_ arguments: [String]) async throws {
        let result = try await runCommand("/usr/sbin/ip", arguments)
        guard result.status == 0 else {
            throw NetnsError(description: "ip \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    deinit {
        for namespace in hosts + [bridge] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "del", namespace]
            try? process.run()
            process.waitUntilExit()
        }
    }
}

/// An `ip` command failed.
struct NetnsError: Error, CustomStringConvertible {
    var description: String
}
