/// A member of the cluster as the metadata records it.
public struct NodeInfo: Sendable, Codable, Equatable, Hashable {
    /// Node id, unique for the life of the cluster.
    public var id: UInt64
    /// The advertised HTTP address (`host:8091` for meta nodes, `host:8086` for data nodes).
    public var httpAddress: String
    /// The advertised TCP address (the Raft address `host:8089` for meta nodes, the RPC
    /// address `host:8088` for data nodes).
    public var tcpAddress: String
    /// Operator labels (`influxd-ctl node-labels`), shown as JSON by `show`.
    public var labels: [String: String]
    /// A passive data node takes writes but owns no shards.
    public var passive: Bool

    /// Creates a node record.
    public init(
        id: UInt64,
        httpAddress: String,
        tcpAddress: String,
        labels: [String: String] = [:],
        passive: Bool = false
    ) {
        self.id = id
        self.httpAddress = httpAddress
        self.tcpAddress = tcpAddress
        self.labels = labels
        self.passive = passive
    }

    private enum CodingKeys: String, CodingKey {
        case id, httpAddress, tcpAddress, labels, passive
    }

    /// Decodes a record; snapshots written before data nodes existed have no labels or passive flag.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try c.decode(UInt64.self, forKey: .id)
        self.httpAddress = try c.decode(String.self, forKey: .httpAddress)
        self.tcpAddress = try c.decode(String.self, forKey: .tcpAddress)
        self.labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        self.passive = try c.decodeIfPresent(Bool.self, forKey: .passive) ?? false
    }
}
