/// First pass of ``MetaDataProtobuf/encode(_:)``: the size of every embedded message, in the
/// order the encoder writes them, so that the second pass writes each length before its body.
struct MetaDataSizer {
    /// Message sizes in write order (pre-order).
    var sizes: [Int] = []

    /// The size of the whole `Data`.
    mutating func data(_ data: MetaData) -> Int {
        var size =
            ProtobufSize.field(1, data.term) + ProtobufSize.field(2, data.index) + ProtobufSize.field(3, data.clusterID)
        for database in data.databases { size += ProtobufSize.message(5, size: self.database(database)) }
        for user in data.users { size += ProtobufSize.message(6, size: self.user(user)) }
        size += ProtobufSize.field(7, data.maxNodeID) + ProtobufSize.field(8, data.maxShardGroupID)
        size += ProtobufSize.field(9, data.maxShardID)
        for node in data.dataNodes { size += ProtobufSize.message(10, size: self.node(node)) }
        for node in data.metaNodes { size += ProtobufSize.message(11, size: self.node(node)) }
        for role in data.roles { size += ProtobufSize.message(100, size: self.role(role)) }
        for lease in data.leases { size += ProtobufSize.message(101, size: Self.lease(lease)) }
        return size + ProtobufSize.field(102, data.leaseClock)
    }

    private mutating func slot() -> Int {
        sizes.append(0)
        return sizes.count - 1
    }

    private mutating func database(_ database: DatabaseInfo) -> Int {
        let slot = slot()
        var size = ProtobufSize.field(1, database.name) + ProtobufSize.field(2, database.defaultRetentionPolicy)
        for policy in database.retentionPolicies { size += ProtobufSize.message(3, size: self.policy(policy)) }
        for query in database.continuousQueries {
            size += ProtobufSize.message(
                4,
                size: ProtobufSize.field(1, query.name) + ProtobufSize.field(2, query.query)
            )
        }
        sizes[slot] = size
        return size
    }

    private mutating func policy(_ policy: RetentionPolicyInfo) -> Int {
        let slot = slot()
        var size = ProtobufSize.field(1, policy.name) + ProtobufSize.field(2, policy.duration)
        size += ProtobufSize.field(3, policy.shardGroupDuration) + ProtobufSize.field(4, Self.replicaN(policy))
        for group in policy.shardGroups { size += ProtobufSize.message(5, size: self.group(group)) }
        for subscription in policy.subscriptions {
            size += ProtobufSize.message(6, size: Self.subscription(subscription))
        }
        sizes[slot] = size
        return size
    }

    private mutating func group(_ group: ShardGroupInfo) -> Int {
        let slot = slot()
        var size = ProtobufSize.field(1, group.id) + ProtobufSize.field(2, group.startTime)
        size += ProtobufSize.field(3, group.endTime) + ProtobufSize.field(4, group.deletedAt)
        for shard in group.shards {
            var shardSize = ProtobufSize.field(1, shard.id)
            for owner in shard.owners { shardSize += ProtobufSize.message(3, size: ProtobufSize.field(1, owner)) }
            sizes.append(shardSize)
            size += ProtobufSize.message(5, size: shardSize)
        }
        size += ProtobufSize.field(6, group.truncatedAt)
        sizes[slot] = size
        return size
    }

    static func subscription(_ subscription: SubscriptionInfo) -> Int {
        var size = ProtobufSize.field(1, subscription.name) + ProtobufSize.field(2, subscription.mode)
        for destination in subscription.destinations { size += ProtobufSize.field(3, destination) }
        return size
    }

    private func node(_ node: NodeInfo) -> Int {
        var size =
            ProtobufSize.field(1, node.id) + ProtobufSize.field(2, node.httpAddress)
            + ProtobufSize.field(3, node.tcpAddress)
        for (key, value) in node.labels {
            size += ProtobufSize.message(100, size: ProtobufSize.field(1, key) + ProtobufSize.field(2, value))
        }
        if node.passive { size += ProtobufSize.field(101, true) }
        return size
    }

    private func user(_ user: UserInfo) -> Int {
        var size = ProtobufSize.field(1, user.name) + ProtobufSize.field(2, user.hash) + ProtobufSize.field(3, true)
        for (database, permissions) in user.permissions where !database.isEmpty {
            let privilege = MetaDataProtobuf.privilege(of: permissions)
            guard privilege != 0 else { continue }
            size += ProtobufSize.message(4, size: ProtobufSize.field(1, database) + ProtobufSize.field(2, privilege))
        }
        return size + Self.permissions(100, user.permissions)
    }

    private func role(_ role: RoleInfo) -> Int {
        var size = ProtobufSize.field(1, role.name) + Self.permissions(2, role.permissions)
        for user in role.users { size += ProtobufSize.field(3, user) }
        return size
    }

    /// Bytes of a permission map as repeated `DatabasePermissions` in field `field`.
    static func permissions(_ field: UInt64, _ map: PermissionMap) -> Int {
        var size = 0
        for (database, permissions) in map {
            var entry = ProtobufSize.field(1, database)
            for permission in permissions { entry += ProtobufSize.field(2, permission.rawValue) }
            size += ProtobufSize.message(field, size: entry)
        }
        return size
    }

    static func lease(_ lease: LeaseInfo) -> Int {
        ProtobufSize.field(1, lease.name) + ProtobufSize.field(2, lease.owner)
            + ProtobufSize.field(3, lease.expiration) + ProtobufSize.field(4, lease.token)
    }

    static func replicaN(_ policy: RetentionPolicyInfo) -> UInt64 {
        UInt64(UInt32(clamping: policy.replicaN))
    }
}

/// Second pass of ``MetaDataProtobuf/encode(_:)``: writes the fields in field-number order,
/// taking embedded messages' sizes from ``MetaDataSizer``.
struct MetaDataEncoder: ~Copyable {
    var writer: ProtobufWriter
    let sizes: [Int]
    private var next = 0

    init(writer: consuming ProtobufWriter, sizes: [Int]) {
        self.writer = writer
        self.sizes = sizes
    }

    private mutating func takeSize() -> Int {
        defer { next += 1 }
        return sizes[next]
    }

    mutating func data(_ data: MetaData) {
        writer.field(1, data.term)
        writer.field(2, data.index)
        writer.field(3, data.clusterID)
        for database in data.databases { self.database(database) }
        for user in data.users { self.user(user) }
        writer.field(7, data.maxNodeID)
        writer.field(8, data.maxShardGroupID)
        writer.field(9, data.maxShardID)
        for node in data.dataNodes { self.node(10, node) }
        for node in data.metaNodes { self.node(11, node) }
        for role in data.roles { self.role(role) }
        for lease in data.leases {
            writer.message(101, size: MetaDataSizer.lease(lease))
            writer.field(1, lease.name)
            writer.field(2, lease.owner)
            writer.field(3, lease.expiration)
            writer.field(4, lease.token)
        }
        writer.field(102, data.leaseClock)
    }

    private mutating func database(_ database: DatabaseInfo) {
        writer.message(5, size: takeSize())
        writer.field(1, database.name)
        writer.field(2, database.defaultRetentionPolicy)
        for policy in database.retentionPolicies { self.policy(policy) }
        for query in database.continuousQueries {
            writer.message(4, size: ProtobufSize.field(1, query.name) + ProtobufSize.field(2, query.query))
            writer.field(1, query.name)
            writer.field(2, query.query)
        }
    }

    private mutating func policy(_ policy: RetentionPolicyInfo) {
        writer.message(3, size: takeSize())
        writer.field(1, policy.name)
        writer.field(2, policy.duration)
        writer.field(3, policy.shardGroupDuration)
        writer.field(4, MetaDataSizer.replicaN(policy))
        for group in policy.shardGroups { self.group(group) }
        for subscription in policy.subscriptions {
            writer.message(6, size: MetaDataSizer.subscription(subscription))
            writer.field(1, subscription.name)
            writer.field(2, subscription.mode)
            for destination in subscription.destinations { writer.field(3, destination) }
        }
    }

    private mutating func group(_ group: ShardGroupInfo) {
        writer.message(5, size: takeSize())
        writer.field(1, group.id)
        writer.field(2, group.startTime)
        writer.field(3, group.endTime)
        writer.field(4, group.deletedAt)
        for shard in group.shards {
            writer.message(5, size: takeSize())
            writer.field(1, shard.id)
            for owner in shard.owners {
                writer.message(3, size: ProtobufSize.field(1, owner))
                writer.field(1, owner)
            }
        }
        writer.field(6, group.truncatedAt)
    }

    private mutating func node(_ field: UInt64, _ node: NodeInfo) {
        let labels = MetaDataProtobuf.sortedLabels(node.labels)
        var size =
            ProtobufSize.field(1, node.id) + ProtobufSize.field(2, node.httpAddress)
            + ProtobufSize.field(3, node.tcpAddress)
        for (key, value) in labels {
            size += ProtobufSize.message(100, size: ProtobufSize.field(1, key) + ProtobufSize.field(2, value))
        }
        if node.passive { size += ProtobufSize.field(101, true) }
        writer.message(field, size: size)
        writer.field(1, node.id)
        writer.field(2, node.httpAddress)
        writer.field(3, node.tcpAddress)
        for (key, value) in labels {
            writer.message(100, size: ProtobufSize.field(1, key) + ProtobufSize.field(2, value))
            writer.field(1, key)
            writer.field(2, value)
        }
        if node.passive { writer.field(101, true) }
    }

    private mutating func user(_ user: UserInfo) {
        let permissions = MetaDataProtobuf.sortedPermissions(user.permissions)
        var privileges: [(String, Int64)] = []
        for (database, granted) in permissions where !database.isEmpty {
            let privilege = MetaDataProtobuf.privilege(of: granted)
            if privilege != 0 { privileges.append((database, privilege)) }
        }
        var size = ProtobufSize.field(1, user.name) + ProtobufSize.field(2, user.hash) + ProtobufSize.field(3, true)
        for (database, privilege) in privileges {
            size += ProtobufSize.message(4, size: ProtobufSize.field(1, database) + ProtobufSize.field(2, privilege))
        }
        size += MetaDataSizer.permissions(100, user.permissions)
        writer.message(6, size: size)
        writer.field(1, user.name)
        writer.field(2, user.hash)
        writer.field(3, user.admin)
        for (database, privilege) in privileges {
            writer.message(4, size: ProtobufSize.field(1, database) + ProtobufSize.field(2, privilege))
            writer.field(1, database)
            writer.field(2, privilege)
        }
        self.permissions(100, permissions)
    }

    private mutating func role(_ role: RoleInfo) {
        let permissions = MetaDataProtobuf.sortedPermissions(role.permissions)
        var size = ProtobufSize.field(1, role.name) + MetaDataSizer.permissions(2, role.permissions)
        for user in role.users { size += ProtobufSize.field(3, user) }
        writer.message(100, size: size)
        writer.field(1, role.name)
        self.permissions(2, permissions)
        for user in role.users { writer.field(3, user) }
    }

    private mutating func permissions(_ field: UInt64, _ entries: [(key: String, value: [Permission])]) {
        for (database, permissions) in entries {
            var size = ProtobufSize.field(1, database)
            for permission in permissions { size += ProtobufSize.field(2, permission.rawValue) }
            writer.message(field, size: size)
            writer.field(1, database)
            for permission in permissions { writer.field(2, permission.rawValue) }
        }
    }
}
