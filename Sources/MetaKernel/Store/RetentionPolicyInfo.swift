/// A retention policy (`RetentionPolicyInfo` of `meta.proto`). Durations are nanoseconds, as
/// InfluxDB stores them; a ``duration`` of 0 keeps data forever.
public struct RetentionPolicyInfo: Sendable, Codable, Equatable, Hashable {
    /// The policy name, unique within its database.
    public var name: String
    /// How long data is kept, in nanoseconds; 0 is forever.
    public var duration: Int64
    /// The time span of each shard group, in nanoseconds.
    public var shardGroupDuration: Int64
    /// How many data nodes hold each shard.
    public var replicaN: Int
    /// Shard groups, sorted by end time (or truncation time), then start time.
    public var shardGroups: [ShardGroupInfo]
    /// Subscriptions in creation order.
    public var subscriptions: [SubscriptionInfo]

    /// Creates a policy record.
    public init(
        name: String,
        duration: Int64,
        shardGroupDuration: Int64,
        replicaN: Int,
        shardGroups: [ShardGroupInfo] = [],
        subscriptions: [SubscriptionInfo] = []
    ) {
        self.name = name
        self.duration = duration
        self.shardGroupDuration = shardGroupDuration
        self.replicaN = replicaN
        self.shardGroups = shardGroups
        self.subscriptions = subscriptions
    }

    /// The name of the policy created with a database when none is given.
    public static let autogenName = "autogen"
}

/// What a client asks for when it creates a policy (`RetentionPolicySpec`): unset fields take
/// their defaults (infinite duration, the default shard-group duration, one replica).
public struct RetentionPolicySpec: Sendable, Codable, Equatable, Hashable {
    /// The policy name.
    public var name: String
    /// Nanoseconds; `nil` or 0 is forever.
    public var duration: Int64?
    /// Nanoseconds; `nil` or 0 picks the default for ``duration``.
    public var shardGroupDuration: Int64?
    /// `nil` is 1 for created policies.
    public var replicaN: Int?

    /// Creates a spec.
    public init(name: String, duration: Int64? = nil, shardGroupDuration: Int64? = nil, replicaN: Int? = nil) {
        self.name = name
        self.duration = duration
        self.shardGroupDuration = shardGroupDuration
        self.replicaN = replicaN
    }
}

/// The changes `UpdateRetentionPolicy` makes; `nil` fields stay as they are.
public struct RetentionPolicyUpdate: Sendable, Codable, Equatable, Hashable {
    /// A new name.
    public var name: String?
    /// A new duration in nanoseconds.
    public var duration: Int64?
    /// A new shard-group duration in nanoseconds.
    public var shardGroupDuration: Int64?
    /// A new replication factor.
    public var replicaN: Int?

    /// Creates an update.
    public init(name: String? = nil, duration: Int64? = nil, shardGroupDuration: Int64? = nil, replicaN: Int? = nil) {
        self.name = name
        self.duration = duration
        self.shardGroupDuration = shardGroupDuration
        self.replicaN = replicaN
    }
}

/// A subscription (`SubscriptionInfo`): where a policy's writes are copied to.
public struct SubscriptionInfo: Sendable, Codable, Equatable, Hashable {
    /// The subscription name, unique within its policy.
    public var name: String
    /// `ANY` (one destination per write) or `ALL` (every destination).
    public var mode: String
    /// Destination URLs.
    public var destinations: [String]

    /// Creates a record.
    public init(name: String, mode: String, destinations: [String]) {
        self.name = name
        self.mode = mode
        self.destinations = destinations
    }
}
