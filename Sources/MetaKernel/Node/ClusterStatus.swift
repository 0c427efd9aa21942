/// The body of `GET /status`.
public struct ClusterStatus: Sendable, Codable, Equatable {
    /// Always `meta`.
    public var nodeType = "meta"
    /// The leader's Raft address; empty when unknown or un-joined.
    public var leader: String
    /// This node's advertised HTTP address.
    public var httpAddress: String
    /// This node's advertised Raft address.
    public var raftAddress: String
    /// Raft addresses of the members; `null` on an un-joined node.
    public var peers: [String]?
    /// This node's id, once it belongs to a cluster (an extension of ours).
    public var id: UInt64?
    /// The index of the last command this node applied (an extension of ours).
    public var index: UInt64?
    /// The node's current Raft term (an extension of ours).
    public var term: UInt64?
    /// The cluster's id, once known (an extension of ours).
    public var clusterID: UInt64?
    /// The node's software version (an extension of ours).
    public var version: String? = MetaBuild.version
    /// The license, when the node checks one (an extension of ours).
    public var license: LicenseReport?
    /// `[discovery] bootstrap-expect`, on an un-joined node that has it set (an extension of ours).
    public var bootstrapExpect: Int?

    enum CodingKeys: String, CodingKey {
        case nodeType, leader
        case httpAddress = "httpAddr"
        case raftAddress = "raftAddr"
        case peers, id, index, term, clusterID, version, license, bootstrapExpect
    }

    /// Creates a status.
    public init(leader: String, httpAddress: String, raftAddress: String, peers: [String]?) {
        self.leader = leader
        self.httpAddress = httpAddress
        self.raftAddress = raftAddress
        self.peers = peers
    }

    /// Encodes `peers: null` explicitly, as Enterprise does for an un-joined node.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeType, forKey: .nodeType)
        try c.encode(leader, forKey: .leader)
        try c.encode(httpAddress, forKey: .httpAddress)
        try c.encode(raftAddress, forKey: .raftAddress)
        if let peers { try c.encode(peers, forKey: .peers) } else { try c.encodeNil(forKey: .peers) }
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(index, forKey: .index)
        try c.encodeIfPresent(term, forKey: .term)
        try c.encodeIfPresent(clusterID, forKey: .clusterID)
        try c.encodeIfPresent(version, forKey: .version)
        try c.encodeIfPresent(license, forKey: .license)
        try c.encodeIfPresent(bootstrapExpect, forKey: .bootstrapExpect)
    }
}
