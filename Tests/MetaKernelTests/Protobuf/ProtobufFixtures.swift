import Foundation

@testable import MetaKernel

/// Values with every field set, for the protobuf tests.
enum ProtobufFixtures {
    /// Metadata with every field of every record set to something other than its zero value.
    static var everyField: MetaData {
        var data = MetaData()
        data.term = 7
        data.index = 1 << 40
        data.clusterID = .max
        data.maxNodeID = 5
        data.maxShardGroupID = 300
        data.maxShardID = 70_000
        data.metaNodes = [NodeInfo(id: 1, httpAddress: "m1:8091", tcpAddress: "m1:8089", labels: ["rack": "a"])]
        data.dataNodes = [
            NodeInfo(id: 4, httpAddress: "d4:8086", tcpAddress: "d4:8088", labels: ["az": "x", "tier": "hot"]),
            NodeInfo(id: 5, httpAddress: "d5:8086", tcpAddress: "d5:8088", passive: true),
        ]
        let group = ShardGroupInfo(
            id: 300,
            startTime: -86_400_000_000_000,
            endTime: 1_700_000_000_000_000_000,
            deletedAt: 1_700_000_000_000_000_001,
            truncatedAt: 1_600_000_000_000_000_000,
            shards: [ShardInfo(id: 69_999, owners: [4, 5]), ShardInfo(id: 70_000, owners: [])]
        )
        let policy = RetentionPolicyInfo(
            name: "autogen",
            duration: 0,
            shardGroupDuration: 604_800_000_000_000,
            replicaN: 2,
            shardGroups: [group, ShardGroupInfo(id: 299, startTime: 1, endTime: 2)],
            subscriptions: [SubscriptionInfo(name: "k", mode: "ALL", destinations: ["udp://a:9", "http://b:9092"])]
        )
        data.databases = [
            DatabaseInfo(
                name: "db/é",
                defaultRetentionPolicy: "autogen",
                retentionPolicies: [
                    policy,
                    RetentionPolicyInfo(
                        name: "short",
                        duration: 3_600_000_000_000,
                        shardGroupDuration: 3_600_000_000_000,
                        replicaN: 1
                    ),
                ],
                continuousQueries: [
                    ContinuousQueryInfo(name: "cq", query: "SELECT mean(v) INTO x FROM y GROUP BY time(1h)")
                ]
            ),
            DatabaseInfo(name: "empty"),
        ]
        data.users = [
            UserInfo(name: "admin", hash: "$2b$04$abc", admin: true),
            UserInfo(
                name: "bob",
                hash: "$pbkdf2-sha256$x",
                permissions: ["db/é": [.readData, .writeData], "r": [.readData], "w": [.writeData], "": [.monitor]]
            ),
        ]
        data.roles = [RoleInfo(name: "ops", permissions: ["": [.addRemoveNode, .viewAdmin]], users: ["bob"])]
        data.leaseClock = 1_700_000_000_000_000_000
        data.leases = [
            LeaseInfo(name: "continuous_querier", owner: 4, expiration: 1_700_000_000_060_000_000, token: 42)
        ]
        return data
    }

    /// One command of every type, with every field set.
    static let everyCommand: [MetaCommand] = [
        .createMetaNode(httpAddress: "h:8091", tcpAddress: "h:8089", rand: .max),
        .setData(everyField),
        .deleteMetaNode(id: 3),
        .createDatabase(name: "db0"),
        .createDatabase(
            name: "db1",
            retentionPolicy: RetentionPolicySpec(
                name: "rp",
                duration: 0,
                shardGroupDuration: 3_600_000_000_000,
                replicaN: 3
            )
        ),
        .createDatabase(name: "db2", retentionPolicy: RetentionPolicySpec(name: "rp")),
        .dropDatabase(name: "db0"),
        .access(.createUser(name: "a", hash: "$2b$x", admin: true)),
        .access(.dropUser(name: "a")),
        .access(.updateUser(name: "a", hash: "$2b$y")),
        .access(.setAdmin(name: "a", admin: false)),
        .access(
            .changeUserPermissions(
                name: "a",
                permissions: ["db": [.readData, .writeData], "": [.monitor]],
                grant: true
            )
        ),
        .access(.changeUserPermissions(name: "a", permissions: ["db": [.readData]], grant: false)),
        .access(.createRole(name: "r")),
        .access(.dropRole(name: "r")),
        .access(.changeRoleUsers(name: "r", users: ["a", "b"], add: true)),
        .access(.changeRoleUsers(name: "r", users: ["a"], add: false)),
        .access(.changeRolePermissions(name: "r", permissions: ["": [.copyShard]], grant: true)),
        .access(.changeRolePermissions(name: "r", permissions: ["x": [.dropData]], grant: false)),
        .data(.createDataNode(httpAddress: "d:8086", tcpAddress: "d:8088", passive: true)),
        .data(.createDataNode(httpAddress: "e:8086", tcpAddress: "e:8088", passive: false)),
        .data(.updateDataNode(id: 4, httpAddress: "d2:8086", tcpAddress: "d2:8088")),
        .data(.deleteDataNode(id: 4, at: 1_700_000_000_000_000_000)),
        .data(.setNodeLabels(id: 4, labels: ["az": "x", "rack": "7"])),
        .data(
            .createRetentionPolicy(
                database: "db",
                policy: RetentionPolicySpec(
                    name: "rp",
                    duration: 7_200_000_000_000,
                    shardGroupDuration: nil,
                    replicaN: 2
                ),
                makeDefault: true
            )
        ),
        .data(.createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp2"), makeDefault: false)),
        .data(.dropRetentionPolicy(database: "db", name: "rp")),
        .data(.setDefaultRetentionPolicy(database: "db", name: "rp")),
        .data(
            .updateRetentionPolicy(
                database: "db",
                name: "rp",
                update: RetentionPolicyUpdate(name: "rq", duration: 0, shardGroupDuration: 60_000_000_000, replicaN: 4),
                makeDefault: true
            )
        ),
        .data(.updateRetentionPolicy(database: "db", name: "rp", update: RetentionPolicyUpdate(), makeDefault: false)),
        .data(.createShardGroup(database: "db", policy: "rp", timestamp: -5)),
        .data(.deleteShardGroup(database: "db", policy: "rp", id: 9, at: 11)),
        .data(.truncateShardGroups(timestamp: 1_700_000_000_000_000_000)),
        .data(.pruneShardGroups(before: 12)),
        .data(.dropShard(id: 70_000, at: 13)),
        .data(.addShardOwner(shardID: 70_000, nodeID: 5)),
        .data(.removeShardOwner(shardID: 70_000, nodeID: 4, at: 14)),
        .data(.createContinuousQuery(database: "db", name: "cq", query: "SELECT 1")),
        .data(.dropContinuousQuery(database: "db", name: "cq")),
        .data(.createSubscription(database: "db", policy: "rp", name: "s", mode: "ANY", destinations: ["udp://a:1"])),
        .data(.dropSubscription(database: "db", policy: "rp", name: "s")),
        .data(.acquireLease(name: "continuous_querier", nodeID: 4, now: 15, duration: 60_000_000_000)),
        .data(.releaseLease(name: "continuous_querier", nodeID: 4)),
    ]

    /// Metadata shaped like the benchmark's: `databases` databases, `shards` shards in all,
    /// 100 shards per group, one owner each among 100 data nodes.
    static func large(databases: Int, shards: Int) -> MetaData {
        var data = MetaData()
        data.dataNodes = (1...100).map {
            NodeInfo(id: UInt64($0 + 3), httpAddress: "data\($0):8086", tcpAddress: "data\($0):8088")
        }
        let groupsPerDatabase = max(1, shards / databases / 100)
        var shardID: UInt64 = 0
        var groupID: UInt64 = 0
        var list: [DatabaseInfo] = []
        for d in 0..<databases {
            var groups: [ShardGroupInfo] = []
            for g in 0..<groupsPerDatabase {
                groupID += 1
                let start = Int64(g) * 604_800_000_000_000
                var group = ShardGroupInfo(id: groupID, startTime: start, endTime: start + 604_800_000_000_000)
                for s in 0..<100 {
                    shardID += 1
                    group.shards.append(ShardInfo(id: shardID, owners: [UInt64(s % 100 + 4)]))
                }
                groups.append(group)
            }
            let policy = RetentionPolicyInfo(
                name: "autogen",
                duration: 0,
                shardGroupDuration: 604_800_000_000_000,
                replicaN: 1,
                shardGroups: groups
            )
            list.append(
                DatabaseInfo(
                    name: String(format: "db%05d", d),
                    defaultRetentionPolicy: "autogen",
                    retentionPolicies: [policy]
                )
            )
        }
        data.databases = DatabaseList(list)
        data.maxShardGroupID = groupID
        data.maxShardID = shardID
        data.index = 1_000_000
        return data
    }
}
