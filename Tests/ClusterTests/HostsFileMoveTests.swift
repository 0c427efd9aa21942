import Foundation
import MetaKernel
import StaticHosts
import TestSupport
import Testing

/// Meta nodes named meta1..3 in a test-owned hosts file (`[discovery] hosts-file`), each bound
/// to its own loopback address (Linux routes all of 127/8 to `lo`) and joined by name.
@Suite("A peer that moves to a new address in the hosts file", .serialized)
struct HostsFileMoveTests {
    /// The hosts file and the nodes that read it.
    final class NamedCluster: @unchecked Sendable {
        // Invariant: used from one test task at a time.
        let hostsFile: String
        var addresses: [String: String]
        let nodes: [MetaProcess]
        let client: MetaClient

        init(addresses: [String: String]) throws {
            let root = try makeTemporaryDirectory("hosts-move")
            hostsFile = "\(root)/hosts"
            self.addresses = addresses
            let extra = "[discovery]\nhosts-file = \"\(hostsFile)\"\n"
            nodes = try addresses.keys.sorted().map { name in
                try MetaProcess(root: "\(root)/\(name)", hostname: name, bindHost: name, extraConfig: extra)
            }
            client = MetaClient(
                configuration: .init(
                    timeout: .seconds(5),
                    discovery: StaticHostsDiscovery(configuration: .init(hostsFile: hostsFile))
                )
            )
            try writeHostsFile()
        }

        /// Writes one `IP name` line per node, as an operator edits `/etc/hosts`.
        func writeHostsFile() throws {
            let lines = addresses.keys.sorted().map { "\(addresses[$0]!)\t\($0)\t# meta node" }
            try ("127.0.0.1 localhost\n" + lines.joined(separator: "\n") + "\n")
                .write(toFile: hostsFile, atomically: true, encoding: .utf8)
        }

        func ctl(_ arguments: [String], via node: MetaProcess) async throws -> CommandResult {
            try await runCommand(Binaries.ctl, ["-config", node.configPath, "-bind", node.httpAddress] + arguments)
        }

        func status(_ node: MetaProcess) async throws -> ClusterStatus {
            try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
        }

        /// Creates a database through `node`, following the redirect to the leader by name.
        func write(_ database: String, via node: MetaProcess) async throws -> UInt64? {
            let reply = try await client.post(
                node.httpAddress,
                "/execute",
                json: Array(#"{"type":"create-database","name":"\#(database)"}"#.utf8)
            )
            guard reply.status == 200 else { return nil }
            struct Answer: Decodable { var index: UInt64 }
            return try reply.decode(Answer.self).index
        }

        /// The node whose Raft address the given nodes report as leader.
        func leader(among pool: [MetaProcess]) async throws -> MetaProcess {
            try await eventually("a leader among \(pool.map(\.hostname))", timeout: .seconds(20)) {
                for node in pool {
                    guard let status = try? await status(node) else { continue }
                    if let leader = pool.first(where: { "\($0.hostname):\($0.raftPort)" == status.leader }) {
                        return leader
                    }
                }
                return nil
            }
        }

        /// Waits until `node` has applied at least `index` and holds `database`.
        func waitForCatchUp(_ node: MetaProcess, index: UInt64, database: String) async throws {
            _ = try await eventually("\(node.hostname) to reach index \(index)", timeout: .seconds(20)) { () -> Bool? in
                guard let status = try? await status(node), let applied = status.index, applied >= index else {
                    return nil
                }
                let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
                return data.databases.contains { $0.name == database } ? true : nil
            }
        }
    }

    @Test("the cluster keeps quorum, the moved node catches up, nobody else restarts")
    func peerMoves() async throws {
        let cluster = try NamedCluster(
            addresses: ["meta1": "127.0.1.1", "meta2": "127.0.1.2", "meta3": "127.0.1.3"]
        )
        let nodes = cluster.nodes
        for node in nodes { try node.start() }
        for node in nodes {
            _ = try await eventually("\(node.hostname) to answer") { try? await cluster.status(node) }
        }
        for node in nodes {
            let joined = try await cluster.ctl(["join", node.httpAddress], via: nodes[0])
            #expect(joined.status == 0, "\(joined.stdout)\(joined.stderr)")
        }
        let leader = try await cluster.leader(among: nodes)
        let moving = nodes.last { $0 !== leader }!
        let staying = nodes.filter { $0 !== moving }
        let pids = staying.map(\.pid)
        let before = try #require(try await cluster.write("before", via: leader))
        try await cluster.waitForCatchUp(moving, index: before, database: "before")
        let identity = try await cluster.status(moving)

        await moving.stop()
        cluster.addresses[moving.hostname] = cluster.addresses[moving.hostname]! + "3"
        try cluster.writeHostsFile()
        #expect(try await cluster.write("moved-while-down", via: leader) != nil)
        let stopped = try await cluster.ctl(["verify"], via: leader)
        #expect(stopped.status == 1)
        #expect(
            stopped.stdout.contains(
                "FAILED: connection refused on \(cluster.addresses[moving.hostname]!):\(moving.httpPort): is influxd-meta running there?"
            ),
            "\(stopped.stdout)"
        )

        try moving.start()
        let index = try #require(try await cluster.write("after-move", via: leader))
        try await cluster.waitForCatchUp(moving, index: index, database: "after-move")
        let moved = try await cluster.status(moving)
        #expect(moved.id == identity.id)
        #expect(moved.raftAddress == identity.raftAddress)
        #expect(moved.clusterID == identity.clusterID)
        // The move is real: nothing answers at the old address any more.
        #expect(!(await MetaClient.canConnect(host: "127.0.1.3", port: moving.httpPort, timeout: .seconds(1))))
        #expect(staying.map(\.pid) == pids)

        let verified = try await cluster.ctl(["verify"], via: moving)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let row = verified.stdout.split(separator: "\n").first {
            $0.hasPrefix("\(moving.hostname):\(moving.httpPort) ")
        }
        #expect(row?.contains(" 127.0.1.33 ") == true && row?.hasSuffix(" ok") == true, "\(verified.stdout)")

        // A member whose line is gone from the hosts file fails, naming the file.
        cluster.addresses[moving.hostname] = nil
        try cluster.writeHostsFile()
        let unlisted = try await cluster.ctl(["verify"], via: leader)
        #expect(unlisted.status == 1)
        #expect(
            unlisted.stdout.contains(
                "FAILED: cannot resolve \"\(moving.hostname)\": it is not in \(cluster.hostsFile) (static-hosts discovery)"
            ),
            "\(unlisted.stdout)"
        )
        for node in nodes { await node.stop() }
    }
}
