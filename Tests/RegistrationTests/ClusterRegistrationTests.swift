import Foundation
import MetaKernel
import TestSupport
import Testing

/// Three real `influxd-meta` processes with `registration-enabled = true` register with a
/// console receiver and keep reporting.
@Suite("a real cluster registers with the console", .serialized, .timeLimit(.minutes(2)))
struct ClusterRegistrationTests {
    /// The latest `meta_node` report of each server, by server id.
    struct Report: Decodable {
        struct Entry: Decodable {
            struct Values: Decodable {
                var leader: String
                var isLeader: Bool
                enum CodingKeys: String, CodingKey {
                    case leader
                    case isLeader = "is_leader"
                }
            }
            var tags: [String: String]
            var values: Values
        }
        var clusterID: String
        var serverID: String
        var stats: [Entry]
        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id"
            case serverID = "server_id"
            case stats
        }
    }

    struct Server: Decodable {
        var clusterID: String
        var serverID: String
        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id"
            case serverID = "server_id"
        }
    }

    @Test("three servers with distinct ids, one cluster id, exactly one leader reporting")
    func threeNodesRegister() async throws {
        let receiver = try await ConsoleReceiver.start()
        let cluster = try TestCluster(
            count: 3,
            extraConfig: """
                [enterprise]
                registration-enabled = true
                registration-server-url = "\(receiver.url)"
                registration-stats-interval = "200ms"
                """
        )
        try await cluster.startAll()
        try await cluster.joinAll()

        let servers = try await eventually("three servers registered", timeout: .seconds(30)) { () -> [Server]? in
            let servers = receiver.calls(endingIn: "/api/v1/servers").compactMap {
                try? JSONDecoder().decode(Server.self, from: Data($0.body.utf8))
            }
            return Set(servers.map(\.serverID)).count == 3 ? servers : nil
        }
        #expect(Set(servers.map(\.clusterID)).count == 1)
        #expect(servers.first?.clusterID != "0")

        let httpAddresses = Set(cluster.nodes.map(\.httpAddress))
        let latest = try await eventually("each server reports, one of them as the leader", timeout: .seconds(30)) {
            () -> [String: Report]? in
            var latest: [String: Report] = [:]
            for call in receiver.calls(endingIn: "/api/v1/stats/influxd-meta") {
                guard let report = try? JSONDecoder().decode(Report.self, from: Data(call.body.utf8)) else { continue }
                latest[report.serverID] = report
            }
            let leaders = latest.values.filter { $0.stats.first?.values.isLeader == true }
            return latest.count == 3 && leaders.count == 1 ? latest : nil
        }
        #expect(Set(latest.values.map(\.clusterID)) == Set(servers.map(\.clusterID)))
        #expect(Set(latest.values.compactMap { $0.stats.first?.tags["http_addr"] }) == httpAddresses)
        let leader = try await cluster.leader()
        let reportedLeader = latest.values.first { $0.stats.first?.values.isLeader == true }
        #expect(reportedLeader?.stats.first?.tags["raft_addr"] == leader.raftAddress)
        await cluster.stopAll()
        await receiver.stop()
    }

    @Test("a node whose console hangs still stops at once on SIGTERM, without waiting for the call's timeout")
    func hangingConsoleDoesNotHoldShutdown() async throws {
        let receiver = try await ConsoleReceiver.start(answer: .hang)
        let cluster = try TestCluster(
            count: 1,
            extraConfig: """
                [enterprise]
                registration-enabled = true
                registration-server-url = "\(receiver.url)"
                """
        )
        try await cluster.startAll()
        try await cluster.joinAll()
        _ = try await eventually("the registration is held by the console") { receiver.calls.first }
        // The node still answers while its registration call hangs.
        #expect(try await cluster.status(cluster.nodes[0]).leader == cluster.nodes[0].raftAddress)

        let stopping = ContinuousClock.now
        let status = await cluster.nodes[0].stop(signal: SIGTERM)
        #expect(status == 0)
        // The call's own timeout is 10 s: a prompt exit means cancellation ended it.
        #expect(ContinuousClock.now - stopping < .seconds(5))
        await receiver.stop()
    }
}
