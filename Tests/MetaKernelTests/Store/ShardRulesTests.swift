import Testing

@testable import MetaKernel

@Suite("Shard and shard-group rules")
struct ShardRulesTests {
    static let hour = ModelLog.hour

    /// Two data nodes, policy db.rp with replicaN 1 and 1h groups, and groups for hours 0...count-1.
    static func log(groups count: Int = 3) -> ModelLog {
        var log = ModelLog()
        log.addDataNodes(2)
        log.addPolicy()
        for hour in 0..<count {
            log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: Int64(hour) * Self.hour))
        }
        return log
    }

    @Test("delete-shard-group marks the group deleted at `at`, once; unknown ids and policies are refused")
    func deleteGroup() {
        var log = Self.log()
        #expect(log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 2, at: 50)).error == nil)
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 2, at: 60))
        #expect(log.groups().map(\.deletedAt) == [0, 50, 0])
        #expect(
            log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 9, at: 1)).error == "shard group not found"
        )
        #expect(
            log.apply(.deleteShardGroup(database: "db", policy: "x", id: 1, at: 1)).error
                == "retention policy not found: x"
        )
        #expect(
            log.apply(.deleteShardGroup(database: "x", policy: "rp", id: 1, at: 1)).error == "database not found: x"
        )
    }

    @Test("truncate-shard-groups: open groups stop at t, later ones at their start, ended or deleted ones are kept")
    func truncate() {
        var log = Self.log(groups: 4)
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 4, at: 1))
        let t = Self.hour + 100
        log.apply(.truncateShardGroups(timestamp: t))
        #expect(log.groups().map(\.truncatedAt) == [0, t, 2 * Self.hour, 0])
        // Truncating later does not move an earlier truncation; truncating earlier does.
        log.apply(.truncateShardGroups(timestamp: t + 10))
        #expect(log.groups().map(\.truncatedAt) == [0, t, 2 * Self.hour, 0])
        log.apply(.truncateShardGroups(timestamp: t - 10))
        #expect(log.groups().map(\.truncatedAt) == [0, t - 10, 2 * Self.hour, 0])
        // A group ending exactly at t is left alone.
        log.apply(.truncateShardGroups(timestamp: Self.hour))
        #expect(log.groups().first?.truncatedAt == 0)
    }

    @Test("prune-shard-groups removes only groups deleted before `before`")
    func prune() {
        var log = Self.log()
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 1, at: 100))
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 2, at: 200))
        log.apply(.pruneShardGroups(before: 200))
        #expect(log.groups().map(\.id) == [2, 3])
        log.apply(.pruneShardGroups(before: 201))
        #expect(log.groups().map(\.id) == [3])
        #expect(log.data.maxShardGroupID == 3)
    }

    @Test("drop-shard is idempotent; dropping a group's last shard deletes the group at `at`")
    func dropShard() {
        var log = Self.log(groups: 1)  // group 1 with shards 1 and 2
        #expect(log.apply(.dropShard(id: 1, at: 10)).error == nil)
        #expect(log.groups()[0].shards.map(\.id) == [2] && log.groups()[0].deletedAt == 0)
        #expect(log.apply(.dropShard(id: 1, at: 11)).error == nil)
        #expect(log.apply(.dropShard(id: 99, at: 11)).error == nil)
        log.apply(.dropShard(id: 2, at: 12))
        #expect(log.groups()[0].shards.isEmpty && log.groups()[0].deletedAt == 12)
    }

    @Test("shards are found by id across databases and policies")
    func lookup() {
        var log = Self.log(groups: 2)
        log.addPolicy(database: "other", policy: "p2")
        log.apply(.createShardGroup(database: "other", policy: "p2", timestamp: 0))
        #expect(log.data.shard(id: 5)?.id == 5)
        #expect(log.data.shardLocation(id: 5) == ShardLocation(database: 1, policy: 0, group: 0, shard: 0))
        #expect(log.data.shardLocation(id: 4) == ShardLocation(database: 0, policy: 0, group: 1, shard: 1))
        #expect(log.data.shard(id: 7) == nil)
    }

    @Test("add-shard-owner adds a data node once; unknown nodes and shards are refused")
    func addOwner() {
        var log = Self.log(groups: 1)
        let before = log.data.shard(id: 1)?.owners ?? []
        let other: UInt64 = before == [1] ? 2 : 1
        #expect(log.apply(.addShardOwner(shardID: 1, nodeID: other)).error == nil)
        log.apply(.addShardOwner(shardID: 1, nodeID: other))
        #expect(log.data.shard(id: 1)?.owners == before + [other])
        #expect(log.apply(.addShardOwner(shardID: 1, nodeID: 9)).error == "node not found")
        #expect(log.apply(.addShardOwner(shardID: 9, nodeID: 1)).error == "shard not found")
    }

    @Test("remove-shard-owner removes a node; the last owner's removal drops the shard")
    func removeOwner() {
        var log = Self.log(groups: 1)
        let owner = log.data.shard(id: 1)?.owners.first ?? 0
        let other: UInt64 = owner == 1 ? 2 : 1
        log.apply(.addShardOwner(shardID: 1, nodeID: other))
        #expect(log.apply(.removeShardOwner(shardID: 1, nodeID: owner, at: 5)).error == nil)
        #expect(log.data.shard(id: 1)?.owners == [other])
        log.apply(.removeShardOwner(shardID: 1, nodeID: 9, at: 5))
        #expect(log.data.shard(id: 1)?.owners == [other])
        log.apply(.removeShardOwner(shardID: 1, nodeID: other, at: 6))
        #expect(log.data.shard(id: 1) == nil)
        #expect(log.apply(.removeShardOwner(shardID: 1, nodeID: other, at: 7)).error == "shard not found")
        let last = log.data.shard(id: 2)?.owners.first ?? 0
        log.apply(.removeShardOwner(shardID: 2, nodeID: last, at: 8))
        #expect(log.groups()[0].deletedAt == 8)
    }

    @Test("create-shard-group copies only the policy it changes when a reader holds the metadata")
    func copyOnWrite() {
        var log = ModelLog()
        log.addDataNodes(3)
        for database in ["a", "b"] {
            log.addPolicy(database: database, policy: "rp")
            log.apply(
                .createRetentionPolicy(
                    database: database,
                    policy: RetentionPolicySpec(name: "other"),
                    makeDefault: false
                )
            )
            for hour in 0..<50 {
                log.apply(.createShardGroup(database: database, policy: "other", timestamp: Int64(hour) * Self.hour))
            }
        }
        let reader = log.data
        log.apply(.createShardGroup(database: "a", policy: "rp", timestamp: 0))
        func storage(_ data: MetaData, _ database: String) -> UnsafeRawPointer? {
            data.database(named: database)?.retentionPolicy(named: "other")?.shardGroups.withUnsafeBufferPointer {
                $0.baseAddress.map(UnsafeRawPointer.init)
            }
        }
        #expect(storage(reader, "a") != nil)
        #expect(
            storage(reader, "a") == storage(log.data, "a"),
            "the untouched policy of the changed database was copied"
        )
        #expect(storage(reader, "b") == storage(log.data, "b"), "another database's groups were copied")
        #expect(reader.database(named: "a")?.retentionPolicy(named: "rp")?.shardGroups.isEmpty == true)
    }
}
