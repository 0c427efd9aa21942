import FoundationEssentials

/// What the cluster panel shows (`panel.mustache`): the live part of a cluster's page, rendered
/// for the page and again for each server-sent event. Every field is text ready to print.
struct ClusterPanel: Sendable {
    struct MetaNode: Sendable {
        var id: String
        var host: String
        var httpAddress: String
        var raftAddress: String
        var version: String
        var isLeader: Bool
        var reachable: Bool
    }

    struct DataNode: Sendable {
        var id: String
        var httpAddress: String
        var tcpAddress: String
        var version: String
    }

    struct Database: Sendable {
        var name: String
    }

    struct HealthCell: Sendable {
        var start: String
        var health: String
    }

    var clusterID: String
    /// The browser session's form token, for the remove and drop buttons.
    var csrf: String
    var leader: String
    var currentHealth: String
    var license: String
    var lastPoll: String
    var pollError: String?
    var health: [HealthCell]
    var metaNodes: [MetaNode]
    var hasDataNodes: Bool
    var dataNodes: [DataNode]
    var databases: [Database]

    init(_ view: ClusterView, csrf: String) {
        clusterID = view.id
        self.csrf = csrf
        leader = view.leader ?? "none"
        currentHealth = view.currentHealth.rawValue
        license = Self.describe(view.license)
        lastPoll = view.lastPoll.map(Self.timestamp) ?? "not yet"
        pollError = view.pollError
        health = view.health.map { HealthCell(start: Self.timestamp($0.start), health: $0.health.rawValue) }
        metaNodes = view.metaNodes.map {
            MetaNode(
                id: String($0.id),
                host: $0.host,
                httpAddress: $0.httpAddress,
                raftAddress: $0.raftAddress,
                version: $0.version ?? "",
                isLeader: $0.isLeader,
                reachable: $0.reachable
            )
        }
        dataNodes = view.dataNodes.map {
            DataNode(
                id: String($0.id),
                httpAddress: $0.httpAddress,
                tcpAddress: $0.tcpAddress,
                version: $0.version ?? ""
            )
        }
        hasDataNodes = !dataNodes.isEmpty
        databases = view.databases.map(Database.init(name:))
    }

    /// `valid · license-key · 29 days left`, or `not reported`.
    static func describe(_ license: ClusterView.License?) -> String {
        guard let license else { return "not reported" }
        var parts = [license.status, license.mode]
        if let days = license.daysLeft { parts.append(days == 1 ? "1 day left" : "\(days) days left") }
        return parts.joined(separator: " · ")
    }

    /// `2026-12-06T09:41:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
