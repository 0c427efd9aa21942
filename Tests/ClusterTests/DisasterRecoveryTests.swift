import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-meta -recover` (libraft's `raft_recover`): a three-node cluster loses two nodes for
/// good; the survivor is restarted as the only voter, the dead are removed, two fresh nodes
/// join, and every acknowledged write is still there (docs/OPERATIONS.md).
@Suite("disaster recovery from the built binaries", .serialized)
struct DisasterRecoveryTests {
    @Test("kill two of three, recover the third, add two fresh nodes: nothing acknowledged lost")
    func recoverSurvivor() async throws {
        let cluster = try TestCluster(count: 3)
        defer { Task { await cluster.stopAll() } }
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        var acknowledged: [String] = []
        for n in 0..<20 {
            let name = "db\(n)"
            if try await cluster.createDatabase(name, via: leader) != nil { acknowledged.append(name) }
        }
        #expect(acknowledged.count == 20)
        let before = try await cluster.waitForConvergence()
        let survivor = cluster.nodes[0]
        for dead in cluster.nodes[1...] { await dead.stop(signal: SIGKILL) }
        await survivor.stop(signal: SIGKILL)

        // Without -recover the survivor cannot elect itself.
        try survivor.start()
        try await cluster.waitForAPI(survivor)
        let write = try await cluster.client.post(
            survivor.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"lost"}"#.utf8)
        )
        #expect(write.status != 200)
        await survivor.stop(signal: SIGTERM)

        try survivor.start(["-recover"])
        try await cluster.waitForAPI(survivor)
        _ = try await cluster.leader(among: [survivor])
        let recovered = try await cluster.data(survivor)
        #expect(recovered.databases.map(\.name) == before.databases.map(\.name))
        #expect(Set(acknowledged).isSubset(of: Set(recovered.databases.map(\.name))))
        for dead in cluster.nodes[1...] {
            try await cluster.ctl(
                survivor,
                ["remove-meta", "-force", "-tcpAddr", "127.0.0.1:\(dead.raftPort)", "-y", dead.httpAddress]
            ).expectSuccess()
        }
        #expect(try await cluster.createDatabase("after", via: survivor) != nil)

        let root = try makeTemporaryDirectory("fresh")
        let fresh = try (1...2).map { try MetaProcess(root: "\(root)/node\($0)") }
        // -recover on a node that was never in a cluster refuses to start.
        try fresh[0].start(["-recover"])
        #expect(await fresh[0].waitForExit() != 0)
        #expect(
            fresh[0].log.contains("holds no cluster state (node.json and raft/); run -recover on a surviving member")
        )
        let grown = TestCluster(nodes: [survivor] + fresh)
        for node in fresh {
            try node.start()
            try await grown.waitForAPI(node)
            try await grown.ctl(survivor, ["add-meta", node.httpAddress]).expectSuccess()
        }
        defer { Task { for node in fresh { await node.stop() } } }
        let final = try await grown.waitForConvergence()
        #expect(final.metaNodes.map(\.httpAddress) == [survivor.httpAddress] + fresh.map(\.httpAddress))
        #expect(Set(acknowledged + ["after"]).isSubset(of: Set(final.databases.map(\.name))))
        // The grown cluster keeps a quorum without the survivor.
        await survivor.stop(signal: SIGKILL)
        _ = try await grown.leader(among: fresh)
        #expect(try await grown.createDatabase("later", via: fresh[0]) != nil)
    }
}
