public import MetaProto
import SwiftProtobuf

/// ``MetaData`` as the generated `Meta_Data`: for commands that carry metadata and for tests
/// that check ``MetaDataProtobuf`` against SwiftProtobuf. Field for field what the hand-written
/// codec writes, so both serialize to the same bytes.
extension MetaData {
    /// The metadata as a generated `Meta_Data`.
    public var protobuf: Meta_Data {
        .with { out in
            out.term = term
            out.index = index
            out.clusterID = clusterID
            out.databases = databases.map { database in
                .with { db in
                    db.name = database.name
                    db.defaultRetentionPolicy = database.defaultRetentionPolicy
                    db.retentionPolicies = database.retentionPolicies.map(Self.policy)
                    db.continuousQueries = database.continuousQueries.map { query in
                        .with {
                            $0.name = query.name
                            $0.query = query.query
                        }
                    }
                }
            }
            out.users = users.map { user in
                .with { info in
                    info.name = user.name
                    info.hash = user.hash
                    info.admin = user.admin
                    for (database, granted) in MetaDataProtobuf.sortedPermissions(user.permissions)
                    where !database.isEmpty {
                        let privilege = MetaDataProtobuf.privilege(of: granted)
                        guard privilege != 0 else { continue }
                        info.privileges.append(
                            .with {
                                $0.database = database
                                $0.privilege = Int32(privilege)
                            }
                        )
                    }
                    info.permissions = ProtobufConversion.permissions(user.permissions)
                }
            }
            out.maxNodeID = maxNodeID
            out.maxShardGroupID = maxShardGroupID
            out.maxShardID = maxShardID
            out.dataNodes = dataNodes.map(Self.node)
            out.metaNodes = metaNodes.map(Self.node)
            out.roles = roles.map { role in
                .with {
                    $0.name = role.name
                    $0.permissions = ProtobufConversion.permissions(role.permissions)
                    $0.users = role.users
                }
            }
            out.leases = leases.map { lease in
                .with {
                    $0.name = lease.name
                    $0.owner = lease.owner
                    $0.expiration = lease.expiration
                    $0.token = lease.token
                }
            }
            out.leaseClock = leaseClock
        }
    }

    /// The metadata a generated `Meta_Data` holds.
    public init(protobuf data: Meta_Data) throws(ProtobufError) {
        self.init()
        term = data.term
        index = data.index
        clusterID = data.clusterID
        databases = DatabaseList(
            data.databases.map { database in
                DatabaseInfo(
                    name: database.name,
                    defaultRetentionPolicy: database.defaultRetentionPolicy,
                    retentionPolicies: database.retentionPolicies.map(Self.policy),
                    continuousQueries: database.continuousQueries.map {
                        ContinuousQueryInfo(name: $0.name, query: $0.query)
                    }
                )
            }
        )
        for user in data.users {
            var permissions: PermissionMap = [:]
            if user.permissions.isEmpty {
                for privilege in user.privileges {
                    let granted = MetaDataProtobuf.permissions(ofPrivilege: Int64(privilege.privilege))
                    if !granted.isEmpty { permissions.add([privilege.database: granted]) }
                }
            } else {
                permissions = try ProtobufConversion.permissions(user.permissions)
            }
            users.append(UserInfo(name: user.name, hash: user.hash, admin: user.admin, permissions: permissions))
        }
        maxNodeID = data.maxNodeID
        maxShardGroupID = data.maxShardGroupID
        maxShardID = data.maxShardID
        dataNodes = data.dataNodes.map(Self.node)
        metaNodes = data.metaNodes.map(Self.node)
        for role in data.roles {
            roles.append(
                RoleInfo(
                    name: role.name,
                    permissions: try ProtobufConversion.permissions(role.permissions),
                    users: role.users
                )
            )
        }
        leases = data.leases.map {
            LeaseInfo(name: $0.name, owner: $0.owner, expiration: $0.expiration, token: $0.token)
        }
        leaseClock = data.leaseClock
    }

    private static func node(_ node: NodeInfo) -> Meta_NodeInfo {
        .with {
            $0.id = node.id
            $0.host = node.httpAddress
            $0.tcphost = node.tcpAddress
            $0.labels = node.labels
            if node.passive { $0.passive = true }
        }
    }

    private static func node(_ node: Meta_NodeInfo) -> NodeInfo {
        NodeInfo(
            id: node.id,
            httpAddress: node.host,
            tcpAddress: node.tcphost,
            labels: node.labels,
            passive: node.passive
        )
    }

    private static func policy(_ policy: RetentionPolicyInfo) -> Meta_RetentionPolicyInfo {
        .with { out in
            out.name = policy.name
            out.duration = policy.duration
            out.shardGroupDuration = policy.shardGroupDuration
            out.replicaN = UInt32(clamping: policy.replicaN)
            out.shardGroups = policy.shardGroups.map { group in
                .with { sg in
                    sg.id = group.id
                    sg.startTime = group.startTime
                    sg.endTime = group.endTime
                    sg.deletedAt = group.deletedAt
                    sg.shards = group.shards.map { shard in
                        .with { info in
                            info.id = shard.id
                            info.owners = shard.owners.map { owner in .with { $0.nodeID = owner } }
                        }
                    }
                    sg.truncatedAt = group.truncatedAt
                }
            }
            out.subscriptions = policy.subscriptions.map { subscription in
                .with {
                    $0.name = subscription.name
                    $0.mode = subscription.mode
                    $0.destinations = subscription.destinations
                }
            }
        }
    }

    private static func policy(_ policy: Meta_RetentionPolicyInfo) -> RetentionPolicyInfo {
        RetentionPolicyInfo(
            name: policy.name,
            duration: policy.duration,
            shardGroupDuration: policy.shardGroupDuration,
            replicaN: Int(policy.replicaN),
            shardGroups: policy.shardGroups.map { group in
                ShardGroupInfo(
                    id: group.id,
                    startTime: group.startTime,
                    endTime: group.endTime,
                    deletedAt: group.deletedAt,
                    truncatedAt: group.truncatedAt,
                    shards: group.shards.map { shard in
                        ShardInfo(
                            id: shard.id,
                            owners: shard.owners.isEmpty ? shard.ownerIds : shard.owners.map(\.nodeID)
                        )
                    }
                )
            },
            subscriptions: policy.subscriptions.map {
                SubscriptionInfo(name: $0.name, mode: $0.mode, destinations: $0.destinations)
            }
        )
    }
}
