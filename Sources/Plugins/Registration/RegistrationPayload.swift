import FoundationEssentials
import MetaKernel

/// The JSON bodies of the registration protocol: the server record (`/servers`) and one
/// statistics report (`/stats/influxd-meta`) whose tags and values carry what the console shows.
enum RegistrationPayload {
    /// The product name, in the server record and in the statistics path.
    static let product = "influxd-meta"

    /// `POST /api/v1/servers`: who this node is.
    struct Server: Encodable, Equatable {
        var clusterID: String
        var serverID: String
        var host: String
        var product: String
        var version: String

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id"
            case serverID = "server_id"
            case host, product, version
        }
    }

    /// `POST /api/v1/stats/influxd-meta`: one `meta_node` entry read from the node's status.
    struct Stats: Encodable, Equatable {
        var clusterID: String
        var serverID: String
        var stats: [Entry]

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id"
            case serverID = "server_id"
            case stats
        }
    }

    /// One named series: string tags and typed values.
    struct Entry: Encodable, Equatable {
        var name: String
        var tags: [String: String]
        var values: Values
    }

    /// The `meta_node` values; the license expiry and days left are absent when unknown.
    struct Values: Encodable, Equatable {
        var leader: String
        var isLeader: Bool
        var term: UInt64
        var index: UInt64
        var peers: Int
        var licenseMode: String
        var licenseStatus: String
        var licenseExpiresAt: String?
        var licenseDaysLeft: Int?
        var uptimeSeconds: Int64

        enum CodingKeys: String, CodingKey {
            case leader
            case isLeader = "is_leader"
            case term, index, peers
            case licenseMode = "license_mode"
            case licenseStatus = "license_status"
            case licenseExpiresAt = "license_expires_at"
            case licenseDaysLeft = "license_days_left"
            case uptimeSeconds = "uptime_seconds"
        }
    }

    /// The server record of `node`.
    static func server(_ node: RegistrationInfo) -> Server {
        Server(
            clusterID: String(node.clusterID),
            serverID: String(node.nodeID),
            host: node.hostname,
            product: product,
            version: node.version
        )
    }

    /// The statistics of `node` as `status` describes it, `uptime` after the node started.
    static func stats(_ node: RegistrationInfo, status: ClusterStatus, uptime: Duration) -> Stats {
        let tags = [
            "host": node.hostname,
            "http_addr": node.httpAddress,
            "raft_addr": node.raftAddress,
            "scheme": node.scheme,
            "version": node.version,
        ]
        let values = Values(
            leader: status.leader,
            isLeader: !status.leader.isEmpty && status.leader == node.raftAddress,
            term: status.term ?? 0,
            index: status.index ?? 0,
            peers: status.peers?.count ?? 0,
            licenseMode: status.license?.mode ?? "none",
            // Without licensing nothing limits the node, which is what `valid` tells the console.
            licenseStatus: status.license?.status ?? "valid",
            licenseExpiresAt: status.license?.expiresAt,
            licenseDaysLeft: status.license?.daysLeft,
            uptimeSeconds: uptime.components.seconds
        )
        return Stats(
            clusterID: String(node.clusterID),
            serverID: String(node.nodeID),
            stats: [Entry(name: "meta_node", tags: tags, values: values)]
        )
    }

    /// `value` as JSON bytes, keys sorted so a body is the same for the same facts.
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
