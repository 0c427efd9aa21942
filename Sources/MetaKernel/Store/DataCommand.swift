/// A change to the data-node side of ``MetaData``: data nodes, retention policies, shard
/// groups and shards, continuous queries, subscriptions and leases.
///
/// Every time a command needs (`at`, `now`, `timestamp`) travels in the command, stamped by the
/// node that proposes it, so that applying it stays deterministic. Times are Unix nanoseconds.
public enum DataCommand: Sendable, Equatable {
    /// Adds a data node and allocates its id from the id space meta nodes share
    /// (`CreateDataNodeCommand`, 25).
    case createDataNode(httpAddress: String, tcpAddress: String, passive: Bool)
    /// Moves a data node to new addresses (`UpdateDataNodeCommand`, 26).
    case updateDataNode(id: UInt64, httpAddress: String, tcpAddress: String)
    /// Removes a data node; its orphaned shards go to other owners, fully orphaned groups are
    /// deleted at `at` (`DeleteDataNodeCommand`, 28).
    case deleteDataNode(id: UInt64, at: Int64)
    /// Replaces a node's labels (`influxd-ctl node-labels`).
    case setNodeLabels(id: UInt64, labels: [String: String])

    /// Creates a retention policy (5); `makeDefault` also makes it the database's default.
    case createRetentionPolicy(database: String, policy: RetentionPolicySpec, makeDefault: Bool)
    /// Drops a retention policy (6).
    case dropRetentionPolicy(database: String, name: String)
    /// Sets the database's default policy (7).
    case setDefaultRetentionPolicy(database: String, name: String)
    /// Changes a retention policy (8); `makeDefault` also makes it the default.
    case updateRetentionPolicy(database: String, name: String, update: RetentionPolicyUpdate, makeDefault: Bool)

    /// Creates the shard group covering `timestamp`, unless one does (9).
    case createShardGroup(database: String, policy: String, timestamp: Int64)
    /// Marks a shard group deleted (10).
    case deleteShardGroup(database: String, policy: String, id: UInt64, at: Int64)
    /// Truncates every group still open at `timestamp` (31, `influxd-ctl truncate-shards`).
    case truncateShardGroups(timestamp: Int64)
    /// Removes the groups deleted before `before` for good (32).
    case pruneShardGroups(before: Int64)
    /// Drops a shard from its group (30); idempotent.
    case dropShard(id: UInt64, at: Int64)
    /// Adds a data node as an owner of a shard (33, after `copy-shard`).
    case addShardOwner(shardID: UInt64, nodeID: UInt64)
    /// Removes a data node from a shard's owners (34, `influxd-ctl remove-shard`); a shard left
    /// without owners is dropped as by ``dropShard(id:at:)``.
    case removeShardOwner(shardID: UInt64, nodeID: UInt64, at: Int64)

    /// Creates a continuous query (11).
    case createContinuousQuery(database: String, name: String, query: String)
    /// Drops a continuous query (12).
    case dropContinuousQuery(database: String, name: String)
    /// Creates a subscription (21); `mode` is `ANY` or `ALL`.
    case createSubscription(database: String, policy: String, name: String, mode: String, destinations: [String])
    /// Drops a subscription (22).
    case dropSubscription(database: String, policy: String, name: String)

    /// Grants or renews lease `name` to `nodeID` until `now + duration` if it is free, lapsed or
    /// already the node's. A change of holder takes the entry's Raft index as its fencing token;
    /// `now` counts as no earlier than any `now` applied before (``MetaData/leaseClock``).
    case acquireLease(name: String, nodeID: UInt64, now: Int64, duration: Int64)
    /// Gives lease `name` up if `nodeID` holds it; otherwise changes nothing.
    case releaseLease(name: String, nodeID: UInt64)

    /// The wire name of the command's type.
    public var typeName: String {
        switch self {
        case .createDataNode: "create-data-node"
        case .updateDataNode: "update-data-node"
        case .deleteDataNode: "delete-data-node"
        case .setNodeLabels: "set-node-labels"
        case .createRetentionPolicy: "create-retention-policy"
        case .dropRetentionPolicy: "drop-retention-policy"
        case .setDefaultRetentionPolicy: "set-default-retention-policy"
        case .updateRetentionPolicy: "update-retention-policy"
        case .createShardGroup: "create-shard-group"
        case .deleteShardGroup: "delete-shard-group"
        case .truncateShardGroups: "truncate-shard-groups"
        case .pruneShardGroups: "prune-shard-groups"
        case .dropShard: "drop-shard"
        case .addShardOwner: "add-shard-owner"
        case .removeShardOwner: "remove-shard-owner"
        case .createContinuousQuery: "create-continuous-query"
        case .dropContinuousQuery: "drop-continuous-query"
        case .createSubscription: "create-subscription"
        case .dropSubscription: "drop-subscription"
        case .acquireLease: "acquire-lease"
        case .releaseLease: "release-lease"
        }
    }

    /// Every type name.
    public static let typeNames = [
        "create-data-node", "update-data-node", "delete-data-node", "set-node-labels",
        "create-retention-policy", "drop-retention-policy", "set-default-retention-policy",
        "update-retention-policy", "create-shard-group", "delete-shard-group", "truncate-shard-groups",
        "prune-shard-groups", "drop-shard", "add-shard-owner", "remove-shard-owner",
        "create-continuous-query", "drop-continuous-query", "create-subscription", "drop-subscription",
        "acquire-lease", "release-lease",
    ]
}
