public import FoundationEssentials

/// A server (meta node) as the registry keeps it, with its latest statistics.
public struct RegisteredServer: Sendable, Equatable {
    /// The cluster id.
    public var clusterID: String
    /// The server (node) id.
    public var serverID: String
    /// The host name it registered with.
    public var host: String
    /// The product (`influxd-meta`).
    public var product: String
    /// The version it registered with.
    public var version: String
    /// When it first registered or reported.
    public var firstSeen: Date
    /// When it last registered or reported.
    public var lastSeen: Date
    /// Its latest statistics, one entry per name; empty until it reports.
    public var stats: [StatsEntry]
    /// When its latest statistics arrived.
    public var statsReceivedAt: Date?

    /// Creates a record.
    public init(
        clusterID: String,
        serverID: String,
        host: String,
        product: String,
        version: String,
        firstSeen: Date,
        lastSeen: Date,
        stats: [StatsEntry] = [],
        statsReceivedAt: Date? = nil
    ) {
        self.clusterID = clusterID
        self.serverID = serverID
        self.host = host
        self.product = product
        self.version = version
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.stats = stats
        self.statsReceivedAt = statsReceivedAt
    }

    /// The tag `name` of the entry `meta_node` (`http_addr`, `raft_addr`, `scheme`...), if reported.
    public func metaTag(_ name: String) -> String? {
        stats.first { $0.name == "meta_node" }?.tags[name]
    }
}

/// One entry of a stats report: a name, string tags and values of any JSON type.
public struct StatsEntry: Sendable, Equatable, Codable {
    /// The entry's name (`meta_node`).
    public var name: String
    /// String tags.
    public var tags: [String: String]
    /// Values.
    public var values: [String: JSONValue]

    /// Creates an entry.
    public init(name: String, tags: [String: String] = [:], values: [String: JSONValue] = [:]) {
        self.name = name
        self.tags = tags
        self.values = values
    }
}
