import DNSDiscovery
import Foundation
import MetaKernel
import TestSupport
import Testing

/// Three meta nodes on three network-namespace hosts that know each other only through a
/// dnsmasq: no hosts file lists them, and the test reaches them by name through DNS too.
@Suite(
    "DNS discovery across hosts",
    .serialized,
    .enabled(if: NetnsLab.isAvailable && DNSServer.isAvailable, "needs root, ip and dnsmasq")
)
struct DNSClusterTests {
    @Test("SRV lists the three nodes, join by name resolves through DNS, a node that moves is caught up")
    func movingNode() async throws {
        let lab = try await NetnsLab(hosts: 3)
        let root = try makeTemporaryDirectory("dns-cluster")
        let dnsServer = "\(lab.address(53)):53"
        let discoveryConfig = """
            [discovery]
            mode = "dns"
            dns-domain = "dns.test"
            nameservers = ["\(dnsServer)"]
            dns-timeout = "1s"
            """
        let nodes = try (1...3).map {
            try MetaProcess(
                root: "\(root)/node\($0)",
                hostname: "meta-\($0).dns.test",
                bindHost: "",
                extraConfig: discoveryConfig
            )
        }
        func name(_ index: Int) -> String { "meta-\(index + 1).dns.test" }
        func api(_ index: Int) -> String { "\(name(index)):\(nodes[index].httpPort)" }
        func records(node3At last: Int) -> [String] {
            ["\(lab.address(11)) \(name(0))", "\(lab.address(12)) \(name(1))", "\(lab.address(last)) \(name(2))"]
        }
        let dns = try await DNSServer(
            address: lab.address(53),
            port: 53,
            hosts: records(node3At: 13),
            ttl: 1,
            arguments: (0..<3).map { "--srv-host=_influxdb-meta._tcp.dns.test,\(name($0)),\(nodes[$0].httpPort),10,10" }
                + ["--local=/dns.test/"],
            under: lab.exec(lab.bridge)
        )
        for (index, node) in nodes.enumerated() { try node.start(under: lab.exec(lab.hosts[index])) }
        defer { for node in nodes { kill(node.pid ?? 0, SIGKILL) } }

        let discovery = DNSDiscovery(
            configuration: .init(
                domain: "dns.test",
                nameservers: [try MetaConfig.Discovery.nameServer(parsing: dnsServer)],
                timeoutSeconds: 1
            )
        )
        let client = MetaClient(configuration: .init(timeout: .seconds(5), discovery: discovery))
        // The SRV records name every node's HTTP API, for the test and for each node.
        #expect(Set(try await discovery.knownPeers()) == Set((0..<3).map(api)))
        for (index, node) in nodes.enumerated() {
            _ = try await eventually("\(api(index)) to answer") { try? await client.get(api(index), "/ping") }
            _ = try await eventually("\(name(index)) to log its SRV peers") { () -> Bool? in
                (0..<3).allSatisfy { node.log.contains(api($0)) } ? true : nil
            }
        }

        // The installation guide's joins, by name, from host 1.
        func join(_ address: String) async throws -> CommandResult {
            let command = lab.exec(lab.hosts[0]) + [Binaries.ctl, "-config", nodes[0].configPath, "-bind", api(0)]
            return try await runCommand(command[0], Array(command.dropFirst()) + ["join", address])
        }
        for index in 0..<3 {
            let result = try await join(api(index))
            #expect(result.status == 0, "join \(api(index)): \(result.stdout) \(result.stderr)")
        }
        // A name DNS does not know is refused with the DNS server's answer.
        let unknown = try await join("meta-9.dns.test:8091")
        #expect(unknown.status != 0)
        #expect(
            (unknown.stdout + unknown.stderr).contains(
                "DNS server \(dnsServer) answered NXDOMAIN for meta-9.dns.test (A): no such name"
            ),
            "\(unknown.stdout) \(unknown.stderr)"
        )
        _ = try await eventually("three members agreeing on a leader", timeout: .seconds(30)) { () -> Bool? in
            var leaders: Set<String> = []
            for index in 0..<3 {
                let status = try await client.get(api(index), "/status").decode(ClusterStatus.self)
                guard status.peers?.count == 3, !status.leader.isEmpty else { return nil }
                leaders.insert(status.leader)
            }
            return leaders.count == 1 ? true : nil
        }
        // Each name was asked of the DNS server by another host.
        for index in 0..<3 {
            let askers = (11...13).filter { $0 != 11 + index }.map(lab.address)
            #expect(askers.contains { dns.log.contains("query[A] \(name(index)) from \($0)") }, "\(name(index))")
        }

        func createDatabase(_ database: String) async throws {
            let reply = try await client.post(
                api(0),
                "/execute",
                json: Array(#"{"type":"create-database","name":"\#(database)"}"#.utf8)
            )
            #expect(reply.status == 200, "create \(database): \(reply.status)")
        }
        try await createDatabase("before")

        // Node 3 moves: it stops, its host gets a new address, DNS says so, it starts again.
        let others = [nodes[0].pid, nodes[1].pid]
        await nodes[2].stop(signal: SIGTERM)
        try await createDatabase("while-away")
        try await lab.readdress(host: 2, from: 13, to: 23)
        try await dns.setHosts(records(node3At: 23))
        try nodes[2].start(under: lab.exec(lab.hosts[2]))

        // Node 3 is read at its new IP without DNS: the test's own cache must not decide this.
        let direct = MetaClient(configuration: .init(timeout: .seconds(5)))
        let node3 = "\(lab.address(23)):\(nodes[2].httpPort)"
        func databases(_ index: Int) async throws -> Set<String> {
            let reply = try await (index == 2 ? direct.get(node3, "/") : client.get(api(index), "/"))
            return Set(try reply.decode(MetaData.self).databases.map(\.name))
        }
        _ = try await eventually("node 3 at its new address to catch up", timeout: .seconds(30)) { () -> Bool? in
            try await databases(2).isSuperset(of: ["before", "while-away"]) ? true : nil
        }
        try await createDatabase("after")
        _ = try await eventually("every node to hold every database", timeout: .seconds(30)) { () -> Bool? in
            for index in 0..<3 {
                guard try await databases(index) == ["before", "while-away", "after"] else { return nil }
            }
            return true
        }
        #expect([nodes[0].pid, nodes[1].pid] == others, "the other nodes were not restarted")
        #expect(dns.log.contains("\(name(2)) is \(lab.address(23))"))
        await dns.stop()
        await lab.remove()
    }

    @Test("three nodes found by SRV form one cluster by themselves (bootstrap-expect = 3), in any start order")
    func formsFromSRV() async throws {
        let lab = try await NetnsLab(hosts: 3)
        let root = try makeTemporaryDirectory("dns-bootstrap")
        let dnsServer = "\(lab.address(53)):53"
        let nodes = try (1...3).map {
            try MetaProcess(
                root: "\(root)/node\($0)",
                hostname: "meta-\($0).dns.test",
                bindHost: "",
                extraConfig: """
                    [discovery]
                    mode = "dns"
                    dns-domain = "dns.test"
                    nameservers = ["\(dnsServer)"]
                    dns-timeout = "1s"
                    bootstrap-expect = 3
                    """
            )
        }
        func name(_ index: Int) -> String { "meta-\(index + 1).dns.test" }
        func api(_ index: Int) -> String { "\(name(index)):\(nodes[index].httpPort)" }
        let dns = try await DNSServer(
            address: lab.address(53),
            port: 53,
            hosts: (0..<3).map { "\(lab.address(11 + $0)) \(name($0))" },
            ttl: 1,
            arguments: (0..<3).map { "--srv-host=_influxdb-meta._tcp.dns.test,\(name($0)),\(nodes[$0].httpPort),10,10" }
                + ["--local=/dns.test/"],
            under: lab.exec(lab.bridge)
        )
        for index in [2, 0, 1].shuffled() { try nodes[index].start(under: lab.exec(lab.hosts[index])) }
        defer { for node in nodes { kill(node.pid ?? 0, SIGKILL) } }
        let discovery = DNSDiscovery(
            configuration: .init(
                domain: "dns.test",
                nameservers: [try MetaConfig.Discovery.nameServer(parsing: dnsServer)],
                timeoutSeconds: 1
            )
        )
        let client = MetaClient(configuration: .init(timeout: .seconds(5), discovery: discovery))

        // No join: one cluster id on every node, three voters, one leader.
        let id = try await eventually("one cluster of three voters", timeout: .seconds(30)) { () -> UInt64? in
            var ids: Set<UInt64> = []
            var leaders: Set<String> = []
            for index in 0..<3 {
                guard let status = try? await client.get(api(index), "/status").decode(ClusterStatus.self),
                    let id = status.clusterID, status.peers?.count == 3, !status.leader.isEmpty
                else { return nil }
                ids.insert(id)
                leaders.insert(status.leader)
            }
            return ids.count == 1 && leaders.count == 1 ? ids.first : nil
        }
        let bootstrapped = nodes.filter { $0.log.contains("bootstrapping the cluster as") }
        #expect(bootstrapped.count == 1, "exactly one node bootstraps")
        for node in nodes where !node.log.contains("bootstrapping the cluster as") {
            #expect(node.log.contains("joined cluster \(id) as meta node"), "\(node.root)")
        }
        let reply = try await client.post(
            api(1),
            "/execute",
            json: Array(#"{"type":"create-database","name":"formed"}"#.utf8)
        )
        #expect(reply.status == 200, "create-database: \(reply.status) \(reply.text)")
        await dns.stop()
        await lab.remove()
    }
}
