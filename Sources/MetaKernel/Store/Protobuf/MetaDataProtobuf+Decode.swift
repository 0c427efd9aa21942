/// Reads ``MetaData`` from a protobuf `Data`. Unknown fields are skipped, as protobuf readers
/// do; missing fields take their zero values.
enum MetaDataDecoder {
    static func data(_ reader: inout ProtobufReader) throws(ProtobufError) -> MetaData {
        var data = MetaData()
        var databases: [DatabaseInfo] = []
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: data.term = try reader.unsigned(type)
            case 2: data.index = try reader.unsigned(type)
            case 3: data.clusterID = try reader.unsigned(type)
            case 5:
                var nested = try reader.embedded(type, message: "DatabaseInfo")
                databases.append(try database(&nested))
            case 6:
                var nested = try reader.embedded(type, message: "UserInfo")
                data.users.append(try user(&nested))
            case 7: data.maxNodeID = try reader.unsigned(type)
            case 8: data.maxShardGroupID = try reader.unsigned(type)
            case 9: data.maxShardID = try reader.unsigned(type)
            case 10:
                var nested = try reader.embedded(type, message: "NodeInfo")
                data.dataNodes.append(try node(&nested))
            case 11:
                var nested = try reader.embedded(type, message: "NodeInfo")
                data.metaNodes.append(try node(&nested))
            case 100:
                var nested = try reader.embedded(type, message: "RoleInfo")
                data.roles.append(try role(&nested))
            case 101:
                var nested = try reader.embedded(type, message: "LeaseInfo")
                data.leases.append(try lease(&nested))
            case 102: data.leaseClock = try reader.signed(type)
            default: try reader.skip(type)
            }
        }
        data.databases = DatabaseList(databases)
        return data
    }

    static func database(_ reader: inout ProtobufReader) throws(ProtobufError) -> DatabaseInfo {
        var database = DatabaseInfo(name: "")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: database.name = try reader.string(type)
            case 2: database.defaultRetentionPolicy = try reader.string(type)
            case 3:
                var nested = try reader.embedded(type, message: "RetentionPolicyInfo")
                database.retentionPolicies.append(try policy(&nested))
            case 4:
                var nested = try reader.embedded(type, message: "ContinuousQueryInfo")
                var query = ContinuousQueryInfo(name: "", query: "")
                while let (field, type) = try nested.nextField() {
                    switch field {
                    case 1: query.name = try nested.string(type)
                    case 2: query.query = try nested.string(type)
                    default: try nested.skip(type)
                    }
                }
                database.continuousQueries.append(query)
            default: try reader.skip(type)
            }
        }
        return database
    }

    static func policy(_ reader: inout ProtobufReader) throws(ProtobufError) -> RetentionPolicyInfo {
        var policy = RetentionPolicyInfo(name: "", duration: 0, shardGroupDuration: 0, replicaN: 0)
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: policy.name = try reader.string(type)
            case 2: policy.duration = try reader.signed(type)
            case 3: policy.shardGroupDuration = try reader.signed(type)
            case 4: policy.replicaN = Int(UInt32(truncatingIfNeeded: try reader.unsigned(type)))
            case 5:
                var nested = try reader.embedded(type, message: "ShardGroupInfo")
                policy.shardGroups.append(try group(&nested))
            case 6:
                var nested = try reader.embedded(type, message: "SubscriptionInfo")
                var subscription = SubscriptionInfo(name: "", mode: "", destinations: [])
                while let (field, type) = try nested.nextField() {
                    switch field {
                    case 1: subscription.name = try nested.string(type)
                    case 2: subscription.mode = try nested.string(type)
                    case 3: subscription.destinations.append(try nested.string(type))
                    default: try nested.skip(type)
                    }
                }
                policy.subscriptions.append(subscription)
            default: try reader.skip(type)
            }
        }
        return policy
    }

    static func group(_ reader: inout ProtobufReader) throws(ProtobufError) -> ShardGroupInfo {
        var group = ShardGroupInfo(id: 0, startTime: 0, endTime: 0)
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: group.id = try reader.unsigned(type)
            case 2: group.startTime = try reader.signed(type)
            case 3: group.endTime = try reader.signed(type)
            case 4: group.deletedAt = try reader.signed(type)
            case 5:
                var nested = try reader.embedded(type, message: "ShardInfo")
                group.shards.append(try shard(&nested))
            case 6: group.truncatedAt = try reader.signed(type)
            default: try reader.skip(type)
            }
        }
        return group
    }

    /// A shard; owners come from `Owners` (3), or from the deprecated `OwnerIDs` (2) when a
    /// writer used those.
    static func shard(_ reader: inout ProtobufReader) throws(ProtobufError) -> ShardInfo {
        var shard = ShardInfo(id: 0, owners: [])
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: shard.id = try reader.unsigned(type)
            case 2:
                if type == .lengthDelimited {
                    var packed = try reader.embedded(type, message: "ShardInfo.OwnerIDs")
                    while !packed.isAtEnd { shard.owners.append(try packed.varint()) }
                } else {
                    shard.owners.append(try reader.unsigned(type))
                }
            case 3:
                var nested = try reader.embedded(type, message: "ShardOwner")
                var owner: UInt64 = 0
                while let (field, type) = try nested.nextField() {
                    if field == 1 { owner = try nested.unsigned(type) } else { try nested.skip(type) }
                }
                shard.owners.append(owner)
            default: try reader.skip(type)
            }
        }
        return shard
    }

    static func node(_ reader: inout ProtobufReader) throws(ProtobufError) -> NodeInfo {
        var node = NodeInfo(id: 0, httpAddress: "", tcpAddress: "")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: node.id = try reader.unsigned(type)
            case 2: node.httpAddress = try reader.string(type)
            case 3: node.tcpAddress = try reader.string(type)
            case 100:
                var nested = try reader.embedded(type, message: "NodeInfo.LabelsEntry")
                var key = ""
                var value = ""
                while let (field, type) = try nested.nextField() {
                    switch field {
                    case 1: key = try nested.string(type)
                    case 2: value = try nested.string(type)
                    default: try nested.skip(type)
                    }
                }
                node.labels[key] = value
            case 101: node.passive = try reader.bool(type)
            default: try reader.skip(type)
            }
        }
        return node
    }

    /// A user; its permissions are the `Permissions` (100) when present, else what the
    /// original's `Privileges` (4) grant.
    static func user(_ reader: inout ProtobufReader) throws(ProtobufError) -> UserInfo {
        var user = UserInfo(name: "", hash: "")
        var privileges: PermissionMap = [:]
        var permissions: PermissionMap = [:]
        var hasPermissions = false
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: user.name = try reader.string(type)
            case 2: user.hash = try reader.string(type)
            case 3: user.admin = try reader.bool(type)
            case 4:
                var nested = try reader.embedded(type, message: "UserPrivilege")
                var database = ""
                var privilege: Int64 = 0
                while let (field, type) = try nested.nextField() {
                    switch field {
                    case 1: database = try nested.string(type)
                    case 2: privilege = try nested.signed(type)
                    default: try nested.skip(type)
                    }
                }
                let granted = MetaDataProtobuf.permissions(ofPrivilege: privilege)
                if !granted.isEmpty { privileges.add([database: granted]) }
            case 100:
                hasPermissions = true
                var nested = try reader.embedded(type, message: "DatabasePermissions")
                try databasePermissions(&nested, into: &permissions)
            default: try reader.skip(type)
            }
        }
        user.permissions = hasPermissions ? permissions : privileges
        return user
    }

    static func role(_ reader: inout ProtobufReader) throws(ProtobufError) -> RoleInfo {
        var role = RoleInfo(name: "")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: role.name = try reader.string(type)
            case 2:
                var nested = try reader.embedded(type, message: "DatabasePermissions")
                try databasePermissions(&nested, into: &role.permissions)
            case 3: role.users.append(try reader.string(type))
            default: try reader.skip(type)
            }
        }
        return role
    }

    static func databasePermissions(_ reader: inout ProtobufReader, into map: inout PermissionMap)
        throws(ProtobufError)
    {
        var database = ""
        var permissions: [Permission] = []
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: database = try reader.string(type)
            case 2:
                let name = try reader.string(type)
                guard let permission = Permission(rawValue: name) else {
                    throw ProtobufError("DatabasePermissions: unknown permission \"\(name)\"")
                }
                permissions.append(permission)
            default: try reader.skip(type)
            }
        }
        map[database] = permissions
    }

    static func lease(_ reader: inout ProtobufReader) throws(ProtobufError) -> LeaseInfo {
        var lease = LeaseInfo(name: "", owner: 0, expiration: 0, token: 0)
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: lease.name = try reader.string(type)
            case 2: lease.owner = try reader.unsigned(type)
            case 3: lease.expiration = try reader.signed(type)
            case 4: lease.token = try reader.unsigned(type)
            default: try reader.skip(type)
            }
        }
        return lease
    }
}
