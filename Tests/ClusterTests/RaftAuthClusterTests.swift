import Foundation
import MetaKernel
import TestSupport
import Testing

/// `internal-shared-secret` with `raft-portal-auth-required` and `raft-dialer-auth-required`:
/// the built binaries authenticate every Raft connection both ways.
@Suite("Raft authentication", .serialized)
struct RaftAuthClusterTests {
    static func secretConfig(_ secret: String) -> String {
        """
        internal-shared-secret = "\(secret)"
        raft-portal-auth-required = true
        raft-dialer-auth-required = true
        """
    }

    @Test("a cluster sharing the secret forms, replicates and fails over; a wrong secret is refused at join")
    func sharedSecret() async throws {
        let cluster = try TestCluster(count: 3, metaExtraConfig: Self.secretConfig("the secret"))
        try await cluster.startAll()
        // The start-up warning about an unenforced secret is not shown when it is enforced.
        #expect(!cluster.nodes[0].log.contains("raft-portal-auth-required = false"))
        // With internal-shared-secret, /join needs a node token: influxd-ctl signs one with the
        // secret of the configuration it is given.
        for node in cluster.nodes {
            try await cluster.ctl(cluster.nodes[0], ["-config", cluster.nodes[0].configPath, "join", node.httpAddress])
                .expectSuccess()
        }
        let leader = try await cluster.leader()
        _ = try #require(try await cluster.createDatabase("before", via: leader))
        _ = await leader.stop()
        let survivors = cluster.nodes.filter { $0 !== leader }
        let next = try await cluster.leader(among: survivors)
        let index = try #require(try await cluster.createDatabase("after", via: next))
        try leader.start()
        let data = try await cluster.waitForConvergence(atLeast: index)
        #expect(data.database(named: "before") != nil && data.database(named: "after") != nil)
        for node in cluster.nodes { #expect(!node.log.contains("refusing Raft")) }

        // A fourth node with another secret: the join fails at once with the reason, and the
        // cluster is unchanged.
        let stranger = try MetaProcess(
            root: try makeTemporaryDirectory(),
            metaExtraConfig: Self.secretConfig("another secret")
        )
        try stranger.start()
        try await cluster.waitForAPI(stranger)
        let refused = try await cluster.ctl(next, ["-config", next.configPath, "join", stranger.httpAddress])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("internal-shared-secret does not match"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(try await cluster.data(next).metaNodes.count == 3)
        #expect(try await cluster.status(next).peers?.count == 3)

        // Without any secret, the node cannot prove one and the cluster's nodes refuse it.
        let open = try MetaProcess(root: try makeTemporaryDirectory())
        try open.start()
        try await cluster.waitForAPI(open)
        let unproven = try await cluster.ctl(next, ["-config", next.configPath, "join", open.httpAddress])
        #expect(unproven.status == 1)
        #expect(unproven.stderr.contains("raft-dialer-auth-required"))
        #expect(try await cluster.data(next).metaNodes.count == 3)

        await stranger.stop()
        await open.stop()
        await cluster.stopAll()
    }

    @Test("a secret without raft-portal-auth-required warns at start-up that it is not enforced")
    func unenforcedSecretWarns() async throws {
        let node = try MetaProcess(
            root: try makeTemporaryDirectory(),
            metaExtraConfig: #"internal-shared-secret = "s""#
        )
        try node.start(["-single-server"])
        _ = try await eventually("the warning") {
            node.log.contains("[meta] internal-shared-secret is set but raft-portal-auth-required = false") ? true : nil
        }
        await node.stop()
    }
}
