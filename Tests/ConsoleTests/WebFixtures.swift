import Foundation

@testable import Console

/// Cluster views the web tests render.
enum WebFixtures {
    /// A polled three-node cluster: node 2 leads, node 3 did not answer; a license with 12 days left.
    static func cluster(id: String = "4242", name: String = "production") -> ClusterView {
        var view = ClusterView(
            id: id,
            name: name,
            scheme: "http",
            firstSeen: Date(timeIntervalSince1970: 1_800_000_000)
        )
        view.lastPoll = Date(timeIntervalSince1970: 1_800_000_600)
        view.leader = "10.0.0.2:8091"
        view.metaNodes = [
            .init(
                id: 1,
                host: "meta-1",
                httpAddress: "10.0.0.1:8091",
                raftAddress: "10.0.0.1:8089",
                version: "1.11.8-c1.11.8"
            ),
            .init(
                id: 2,
                host: "meta-2",
                httpAddress: "10.0.0.2:8091",
                raftAddress: "10.0.0.2:8089",
                version: "1.11.8-c1.11.8",
                isLeader: true
            ),
            .init(id: 3, host: "meta-3", httpAddress: "10.0.0.3:8091", raftAddress: "10.0.0.3:8089", reachable: false),
        ]
        view.dataNodes = [
            .init(id: 4, httpAddress: "10.0.1.1:8086", tcpAddress: "10.0.1.1:8088", version: "1.11.8-c1.11.8")
        ]
        view.license = .init(mode: "license-key", status: "valid", expiresAt: "2027-01-01T00:00:00Z", daysLeft: 12)
        view.databases = ["metrics", "telegraf"]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        view.health = (0..<60).map { minute in
            .init(
                start: start + Double(minute * 60),
                health: minute < 50 ? .unknown : (minute == 55 ? .degraded : .healthy)
            )
        }
        view.currentHealth = .degraded
        return view
    }
}
