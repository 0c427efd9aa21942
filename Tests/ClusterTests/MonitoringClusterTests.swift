import Foundation
import MetaKernel
import TestSupport
import Testing

/// `GET /metrics`, `/health` and `/readyz` of running nodes.
@Suite("Monitoring routes of running nodes", .serialized)
struct MonitoringClusterTests {
    /// The samples of a text exposition, by series (`name{labels}`); comments skipped.
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }

    func scrape(_ cluster: TestCluster, _ node: MetaProcess) async throws -> [String: Double] {
        let reply = try await cluster.client.get(node.httpAddress, "/metrics")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return Self.samples(reply.text)
    }

    struct Probe: Decodable, Equatable {
        var health: String
        var reason: String?
    }

    func probe(_ cluster: TestCluster, _ node: MetaProcess, _ path: String) async throws -> (Int, Probe) {
        let reply = try await cluster.client.get(node.httpAddress, path)
        return (reply.status, try reply.decode(Probe.self))
    }

    @Test("a three-node cluster exports Raft, HTTP and license metrics, and counters move after writes")
    func scrapeThreeNodes() async throws {
        let cluster = try TestCluster(count: 3)
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        let fresh = try await scrape(cluster, cluster.nodes[1])
        #expect(fresh[#"influxdb_meta_raft_state{state="unjoined"}"#] == 1)
        #expect(
            try await probe(cluster, cluster.nodes[1], "/health") == (
                503, Probe(health: "false", reason: "not part of a cluster")
            )
        )
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        _ = try await cluster.waitForConvergence()
        let before = try await scrape(cluster, leader)
        #expect(before[#"influxdb_meta_raft_state{state="leader"}"#] == 1)
        #expect(before[#"influxdb_meta_raft_state{state="follower"}"#] == 0)
        #expect((before["influxdb_meta_raft_term"] ?? 0) >= 1)
        #expect(before["influxdb_meta_raft_peers"] == 2)
        #expect((before["influxdb_meta_license_days_left"] ?? 0) > 0)
        for i in 0..<5 { #expect(try await cluster.createDatabase("metrics\(i)", via: leader) != nil) }
        let after = try await eventually("both peers to answer the leader") {
            let samples = try await scrape(cluster, leader)
            return samples["influxdb_meta_raft_peers_reachable"] == 2 ? samples : nil
        }
        let proposals = "influxdb_meta_raft_proposals_total"
        #expect((after[proposals] ?? 0) >= (before[proposals] ?? 0) + 5)
        #expect((after["influxdb_meta_raft_proposal_batches_total"] ?? 0) >= 1)
        let applies = "influxdb_meta_raft_apply_duration_seconds_count"
        #expect((after[applies] ?? 0) >= (before[applies] ?? 0) + 5)
        #expect((after["influxdb_meta_raft_commit_index"] ?? 0) >= (before["influxdb_meta_raft_commit_index"] ?? 0) + 5)
        #expect(
            (after["influxdb_meta_raft_applied_index"] ?? 0) >= (before["influxdb_meta_raft_applied_index"] ?? 0) + 5
        )
        let executed = #"influxdb_meta_http_requests_total{route="/execute",method="POST",code="200"}"#
        #expect((after[executed] ?? 0) >= 5)
        // A raw path never becomes a label: an unknown path counts under "unmatched".
        _ = try? await cluster.client.get(leader.httpAddress, "/no-such-route-\(UUID().uuidString)")
        let unmatched = try await scrape(cluster, leader)
        #expect(unmatched.keys.contains { $0.contains("no-such-route") } == false)
        #expect((unmatched[#"influxdb_meta_http_requests_total{route="unmatched",method="GET",code="404"}"#] ?? 0) >= 1)
        for node in cluster.nodes {
            #expect(try await probe(cluster, node, "/health") == (200, Probe(health: "true")))
            _ = try await eventually("\(node.httpAddress) to be ready") {
                let (status, _) = try await probe(cluster, node, "/readyz")
                return status == 200 ? true : nil
            }
        }
    }

    @Test("/health and /readyz answer 503 with the reason once quorum is lost")
    func withoutQuorum() async throws {
        let cluster = try TestCluster(count: 3)
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        _ = try await cluster.waitForConvergence()
        #expect(try await probe(cluster, leader, "/health") == (200, Probe(health: "true")))
        for node in cluster.nodes where node.httpAddress != leader.httpAddress { await node.stop() }
        let lost = try await eventually("the lone node to lose its leader", timeout: .seconds(20)) {
            let (status, probe) = try await probe(cluster, leader, "/health")
            return status == 503 ? probe : nil
        }
        #expect(lost == Probe(health: "false", reason: "no leader"))
        #expect(try await probe(cluster, leader, "/readyz") == (503, Probe(health: "false", reason: "no leader")))
        let samples = try await scrape(cluster, leader)
        #expect(samples[#"influxdb_meta_raft_state{state="leader"}"#] == 0)
        #expect(samples["influxdb_meta_raft_peers_reachable"] == 0)
    }

    @Test("with auth-enabled, the probes need no credentials and /metrics needs a user")
    func underAuthentication() async throws {
        let cluster = try TestCluster(count: 1, metaExtraConfig: AuthClusterTests.authConfig)
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        let node = cluster.nodes[0]
        try await cluster.ctl(node, ["-config", node.configPath, "join", node.httpAddress]).expectSuccess()
        try await cluster.ctl(node, ["user", "create", "root", "-password", "rootpw", "-admin"]).expectSuccess()
        let admin = ["-auth-type", "basic", "-user", "root", "-pwd", "rootpw"]
        try await cluster.ctl(node, admin + ["user", "create", "prometheus", "-password", "scrape"]).expectSuccess()
        let anonymous = AuthClusterTests.client(nil)
        _ = try await eventually("the node to be healthy without credentials") {
            try await anonymous.get(node.httpAddress, "/health").status == 200 ? true : nil
        }
        #expect(try await anonymous.get(node.httpAddress, "/readyz").status == 200)
        #expect(try await anonymous.get(node.httpAddress, "/metrics").status == 401)
        let user = AuthClusterTests.client(AuthClusterTests.basic("prometheus", "scrape"))
        let scraped = try await user.get(node.httpAddress, "/metrics")
        #expect(scraped.status == 200)
        #expect(Self.samples(scraped.text)[#"influxdb_meta_raft_state{state="leader"}"#] == 1)
        // The refusal itself is counted, under the route it was refused on.
        let refused = Self.samples(try await user.get(node.httpAddress, "/metrics").text)
        #expect((refused[#"influxdb_meta_http_requests_total{route="/metrics",method="GET",code="401"}"#] ?? 0) >= 1)
    }

    @Test("a snapshot shows its size and duration")
    func snapshotMetrics() async throws {
        let cluster = try TestCluster(count: 1, metaExtraConfig: "raft-snapshot-threshold = 16")
        defer { for node in cluster.nodes { if let pid = node.pid { kill(pid, SIGKILL) } } }
        try await cluster.startAll()
        let node = cluster.nodes[0]
        try await cluster.joinAll()
        _ = try await cluster.leader()
        for i in 0..<40 { #expect(try await cluster.createDatabase("snap\(i)", via: node) != nil) }
        let samples = try await eventually("a snapshot to be taken") {
            let samples = try await scrape(cluster, node)
            return (samples["influxdb_meta_raft_snapshot_duration_seconds_count"] ?? 0) >= 1 ? samples : nil
        }
        #expect((samples["influxdb_meta_raft_snapshot_size_bytes"] ?? 0) > 100)
    }
}
