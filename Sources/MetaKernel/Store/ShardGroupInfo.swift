/// A shard group (`ShardGroupInfo` of `meta.proto`): the shards holding one time span of one
/// retention policy. Times are Unix nanoseconds; 0 means unset.
public struct ShardGroupInfo: Sendable, Codable, Equatable, Hashable {
    /// Group id, from ``MetaData/maxShardGroupID``; never reused.
    public var id: UInt64
    /// First instant covered (inclusive).
    public var startTime: Int64
    /// End of the span (exclusive).
    public var endTime: Int64
    /// When the group was deleted; 0 while it is live.
    public var deletedAt: Int64
    /// When the group was truncated (no writes at or after it); 0 when it was not.
    public var truncatedAt: Int64
    /// The group's shards.
    public var shards: [ShardInfo]

    /// Creates a group record.
    public init(
        id: UInt64,
        startTime: Int64,
        endTime: Int64,
        deletedAt: Int64 = 0,
        truncatedAt: Int64 = 0,
        shards: [ShardInfo] = []
    ) {
        self.id = id
        self.startTime = startTime
        self.endTime = endTime
        self.deletedAt = deletedAt
        self.truncatedAt = truncatedAt
        self.shards = shards
    }

    /// Whether the group was deleted.
    public var isDeleted: Bool { deletedAt != 0 }
    /// Whether the group was truncated.
    public var isTruncated: Bool { truncatedAt != 0 }
}

/// A shard (`ShardInfo`) and the data nodes that own a copy of it.
public struct ShardInfo: Sendable, Codable, Equatable, Hashable {
    /// Shard id, from ``MetaData/maxShardID``; never reused.
    public var id: UInt64
    /// Ids of the data nodes that hold the shard (`ShardOwner.NodeID`).
    public var owners: [UInt64]

    /// Creates a shard record.
    public init(id: UInt64, owners: [UInt64]) {
        self.id = id
        self.owners = owners
    }
}
