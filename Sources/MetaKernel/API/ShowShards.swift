/// One shard in the answer of `GET /show-shards` (InfluxDB Enterprise's shape: ids as strings,
/// times in RFC 3339 with Go's zero time for unset ones).
public struct ShowShardsEntry: Codable, Sendable, Equatable {
    /// A data node that holds a copy of the shard.
    public struct Owner: Codable, Sendable, Equatable {
        /// The data node's id.
        public var id: UInt64
        /// Its RPC address, `host:8088`; empty if the node is gone.
        public var tcpAddr: String
        /// With `verbose=true`: the copy's state; `unknown`, since data nodes do not report it here.
        public var state: String?
        /// With `verbose=true`: when the copy last changed (Go's zero time: not reported).
        public var lastModified: String?
        /// With `verbose=true`: the copy's size in bytes (0: not reported).
        public var size: Int64?
        /// With `verbose=true`: the last error the owner reported, empty when none.
        public var err: String?

        enum CodingKeys: String, CodingKey {
            case id, tcpAddr, state, size, err
            case lastModified = "last-modified"
        }

        /// Creates an owner record.
        public init(
            id: UInt64,
            tcpAddr: String,
            state: String? = nil,
            lastModified: String? = nil,
            size: Int64? = nil,
            err: String? = nil
        ) {
            self.id = id
            self.tcpAddr = tcpAddr
            self.state = state
            self.lastModified = lastModified
            self.size = size
            self.err = err
        }
    }

    /// Shard id.
    public var id: String
    /// Database.
    public var database: String
    /// Retention policy.
    public var retentionPolicy: String
    /// The policy's replication factor.
    public var replicaN: Int
    /// Shard group id.
    public var shardGroupID: String
    /// Start of the group's span.
    public var startTime: String
    /// End of the group's span.
    public var endTime: String
    /// When the group's data expires: its end plus the policy's duration; zero time for an infinite policy.
    public var expireTime: String
    /// When the group was truncated; zero time when it was not.
    public var truncatedAt: String
    /// The data nodes holding the shard.
    public var owners: [Owner]

    enum CodingKeys: String, CodingKey {
        case id, database, owners
        case retentionPolicy = "retention-policy"
        case replicaN = "replica-n"
        case shardGroupID = "shard-group-id"
        case startTime = "start-time"
        case endTime = "end-time"
        case expireTime = "expire-time"
        case truncatedAt = "truncated-at"
    }

    /// The shards of `data`'s live shard groups, by database, policy and group order; with
    /// `verbose`, owners also carry their state, size and last error.
    public static func list(_ data: MetaData, verbose: Bool) -> [ShowShardsEntry] {
        var addresses: [UInt64: String] = [:]
        for node in data.dataNodes { addresses[node.id] = node.tcpAddress }
        var entries: [ShowShardsEntry] = []
        for database in data.databases {
            for policy in database.retentionPolicies {
                for group in policy.shardGroups where !group.isDeleted {
                    let expires =
                        policy.duration == 0
                        ? UnixNanoseconds.zeroTime
                        : UnixNanoseconds.rfc3339(group.endTime.addingReportingOverflow(policy.duration).partialValue)
                    for shard in group.shards {
                        let owners = shard.owners.map { id in
                            verbose
                                ? Owner(
                                    id: id,
                                    tcpAddr: addresses[id] ?? "",
                                    state: "unknown",
                                    lastModified: UnixNanoseconds.zeroTime,
                                    size: 0,
                                    err: ""
                                )
                                : Owner(id: id, tcpAddr: addresses[id] ?? "")
                        }
                        entries.append(
                            ShowShardsEntry(
                                id: String(shard.id),
                                database: database.name,
                                retentionPolicy: policy.name,
                                replicaN: policy.replicaN,
                                shardGroupID: String(group.id),
                                startTime: UnixNanoseconds.rfc3339(group.startTime),
                                endTime: UnixNanoseconds.rfc3339(group.endTime),
                                expireTime: expires,
                                truncatedAt: UnixNanoseconds.rfc3339(group.truncatedAt),
                                owners: owners
                            )
                        )
                    }
                }
            }
        }
        return entries
    }
}
