/// The replicated cluster metadata: a plain value.
///
/// Every node holds the same `MetaData` for the same ``index``. It is changed only by applying a
/// ``MetaCommand`` (see ``MetaData/apply(_:term:index:)``), which is deterministic, so replaying the
/// Raft log or restoring a snapshot reproduces it exactly.
public struct MetaData: Sendable, Codable, Equatable {
    /// Random cluster identity, fixed by the first meta node; 0 until then.
    public var clusterID: UInt64
    /// Raft index of the last command applied.
    public var index: UInt64
    /// Raft term of the leader that proposed the last command applied.
    public var term: UInt64
    /// Highest node id ever handed out; meta and data nodes share the id space and ids are never reused.
    public var maxNodeID: UInt64
    /// Highest shard-group id ever handed out.
    public var maxShardGroupID: UInt64
    /// Highest shard id ever handed out.
    public var maxShardID: UInt64
    /// Meta nodes in id order.
    public var metaNodes: [NodeInfo]
    /// Data nodes in id order.
    public var dataNodes: [NodeInfo]
    /// Databases in name order (UTF-8 bytes).
    public var databases: DatabaseList
    /// Users in name order (UTF-8 bytes).
    public var users: [UserInfo]
    /// Roles in name order (UTF-8 bytes).
    public var roles: [RoleInfo]
    /// Leases in name order (UTF-8 bytes).
    public var leases: [LeaseInfo]
    /// The latest `now` a lease command carried: lease decisions use the later of it and the
    /// command's own `now`, so a new leader whose clock is behind cannot end a lease early.
    public var leaseClock: Int64

    /// Empty metadata, as a node has before anything was committed.
    public init() {
        self.clusterID = 0
        self.index = 0
        self.term = 0
        self.maxNodeID = 0
        self.maxShardGroupID = 0
        self.maxShardID = 0
        self.metaNodes = []
        self.dataNodes = []
        self.databases = []
        self.users = []
        self.roles = []
        self.leases = []
        self.leaseClock = 0
    }

    private enum CodingKeys: String, CodingKey {
        case clusterID, index, term, maxNodeID, maxShardGroupID, maxShardID, metaNodes, dataNodes, databases, users
        case roles, leases, leaseClock
    }

    /// Decodes metadata; snapshots written before users or data nodes existed lack their fields.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.clusterID = try c.decode(UInt64.self, forKey: .clusterID)
        self.index = try c.decode(UInt64.self, forKey: .index)
        self.term = try c.decode(UInt64.self, forKey: .term)
        self.maxNodeID = try c.decode(UInt64.self, forKey: .maxNodeID)
        self.maxShardGroupID = try c.decodeIfPresent(UInt64.self, forKey: .maxShardGroupID) ?? 0
        self.maxShardID = try c.decodeIfPresent(UInt64.self, forKey: .maxShardID) ?? 0
        self.metaNodes = try c.decode([NodeInfo].self, forKey: .metaNodes)
        self.dataNodes = try c.decode([NodeInfo].self, forKey: .dataNodes)
        self.databases = try c.decode(DatabaseList.self, forKey: .databases)
        self.users = try c.decodeIfPresent([UserInfo].self, forKey: .users) ?? []
        self.roles = try c.decodeIfPresent([RoleInfo].self, forKey: .roles) ?? []
        self.leases = try c.decodeIfPresent([LeaseInfo].self, forKey: .leases) ?? []
        self.leaseClock = try c.decodeIfPresent(Int64.self, forKey: .leaseClock) ?? 0
    }

    /// The meta node with the given HTTP address, if any.
    public func metaNode(httpAddress: String) -> NodeInfo? {
        metaNodes.first { $0.httpAddress == httpAddress }
    }

    /// The meta node with the given id, if any.
    public func metaNode(id: UInt64) -> NodeInfo? {
        metaNodes.first { $0.id == id }
    }

    /// The database with the given name, if any. Names are compared byte for byte, as
    /// InfluxDB does (Swift's `==` would treat canonically equivalent spellings as equal).
    public func database(named name: String) -> DatabaseInfo? {
        let (position, found) = databasePosition(of: name)
        return found ? databases[position] : nil
    }

    /// Where `name` is, or would be inserted, in ``databases`` (sorted by UTF-8 bytes): a binary
    /// search, so creating and dropping stay O(log n) comparisons with 100,000 databases.
    func databasePosition(of name: String) -> (position: Int, found: Bool) {
        var low = 0
        var high = databases.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = databases[middle].name
            if candidate.utf8.lexicographicallyPrecedes(name.utf8) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return (low, low < databases.count && databases[low].name.utf8.elementsEqual(name.utf8))
    }

    /// Whether ``databases`` is in strictly increasing UTF-8 byte order, as every apply keeps it.
    var databasesAreSorted: Bool {
        zip(databases, databases.dropFirst()).allSatisfy { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
