/// A member of the cluster as the metadata records it.
public struct NodeInfo: Sendable, Codable, Equatable, Hashable {
    /// Node id, unique for the life of the cluster.
    public var id: UInt64
    /// The advertised HTTP address (`host:8091` for meta nodes).
    public var httpAddress: String
    /// The advertised TCP address (the Raft address `host:8089` for meta nodes).
    public var tcpAddress: String

    /// Creates a node record.
    public init(id: UInt64, httpAddress: String, tcpAddress: String) {
        self.id = id
        self.httpAddress = httpAddress
        self.tcpAddress = tcpAddress
    }
}
