import Testing

@testable import MetaKernel

@Suite("Shard group rules")
struct ShardGroupRulesTests {
    static let hour = ModelLog.hour
    static let day = ModelLog.day

    @Test("without data nodes creating a group is a no-op")
    func noDataNodes() {
        var log = ModelLog()
        log.addPolicy()
        #expect(log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 5)).error == nil)
        #expect(log.groups().isEmpty)
        #expect(log.data.maxShardGroupID == 0 && log.data.maxShardID == 0)
    }

    @Test("only passive data nodes: no group; passive nodes never own shards")
    func passiveNodes() {
        var log = ModelLog()
        log.addDataNodes(2, passive: true)
        log.addPolicy()
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 5))
        #expect(log.groups().isEmpty)
        log.addDataNodes(2, from: 3)
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 5))
        #expect(Set(log.groups()[0].shards.flatMap(\.owners)) == [3, 4])
        #expect(log.groups()[0].shards.count == 2)
    }

    @Test("an unknown database or policy is refused with InfluxDB's words")
    func unknownPolicy() {
        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy()
        #expect(
            log.apply(.createShardGroup(database: "nope", policy: "rp", timestamp: 0)).error
                == "database not found: nope"
        )
        #expect(
            log.apply(.createShardGroup(database: "db", policy: "nope", timestamp: 0)).error
                == "retention policy not found: nope"
        )
    }

    @Test("a timestamp a live group covers creates nothing; its end starts a new group")
    func covered() {
        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy()
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 10 * Self.hour + 5))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 10 * Self.hour))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 11 * Self.hour - 1))
        #expect(log.groups().count == 1)
        #expect(log.groups()[0].startTime == 10 * Self.hour && log.groups()[0].endTime == 11 * Self.hour)
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 11 * Self.hour))
        #expect(log.groups().map(\.id) == [1, 2])
        #expect(log.data.maxShardGroupID == 2 && log.data.maxShardID == 2)
    }

    @Test("deleted groups and truncated spans do not cover a timestamp")
    func deletedAndTruncated() {
        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy()
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 0))
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 1, at: 1))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 0))
        #expect(log.groups().count == 2)
        log.apply(.truncateShardGroups(timestamp: Self.hour / 2))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: Self.hour / 2 - 1))
        #expect(log.groups().count == 2)
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: Self.hour / 2))
        #expect(log.groups().count == 3)
    }

    @Test("replicaN is clamped to the data nodes; shards = nodes / replicaN; owners round-robin from index % nodes")
    func ownersRoundRobin() {
        var log = ModelLog()
        log.addDataNodes(5)  // entries 1...5
        log.addPolicy(replicaN: 2)  // entry 6
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 0))  // entry 7: start at 7 % 5 = 2
        #expect(log.groups()[0].shards.map(\.owners) == [[3, 4], [5, 1]])
        #expect(log.groups()[0].shards.map(\.id) == [1, 2])

        log.addPolicy(database: "big", replicaN: 9)  // entry 8
        log.apply(.createShardGroup(database: "big", policy: "rp", timestamp: 0))  // entry 9: 9 % 5 = 4
        #expect(log.groups(database: "big")[0].shards.map(\.owners) == [[5, 1, 2, 3, 4]])

        log.addPolicy(database: "zero", replicaN: 1)  // entry 10
        log.data.databases.modify(at: log.data.databasePosition(of: "zero").position) {
            $0.retentionPolicies[0].replicaN = 0
        }
        log.apply(.createShardGroup(database: "zero", policy: "rp", timestamp: 0))  // entry 11: 11 % 5 = 1
        #expect(log.groups(database: "zero")[0].shards.map(\.owners) == [[2], [3], [4], [5], [1]])
    }

    @Test("a group starts at the timestamp truncated as Go does it: 7-day groups start on Mondays")
    func startTruncation() {
        #expect(ShardGroupTime.start(of: 0, duration: 7 * Self.day) == -3 * Self.day)  // 1969-12-29, a Monday
        #expect(ShardGroupTime.start(of: 0, duration: Self.day) == 0)
        #expect(ShardGroupTime.start(of: -1, duration: Self.hour) == -Self.hour)
        #expect(ShardGroupTime.start(of: 1_700_000_000_000_000_000, duration: Self.hour) == 1_699_999_200_000_000_000)
        // 2023-11-14T22:13:20Z falls in the week that starts on Monday 2023-11-13.
        #expect(
            ShardGroupTime.start(of: 1_700_000_000_000_000_000, duration: 7 * Self.day) == 1_699_833_600_000_000_000
        )
        #expect(ShardGroupTime.start(of: .min, duration: 7 * Self.day) == nil)
        #expect(ShardGroupTime.end(start: .max - Self.hour, duration: 7 * Self.day) == .max)
        #expect(ShardGroupTime.end(start: 0, duration: Self.hour) == Self.hour)

        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy(shardGroupDuration: 7 * Self.day)
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: .max - 1))
        #expect(log.groups()[0].endTime == .max)
        #expect(
            log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: .min)).error
                == "timestamp -9223372036854775808 is out of range"
        )
    }

    @Test("groups are kept sorted by end (or truncation), then start, however they are created")
    func sorted() {
        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy()
        for hour: Int64 in [5, 1, 3, 0, 4, 2] {
            log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: hour * Self.hour))
        }
        #expect(log.groups().map(\.startTime) == (0...5).map { $0 * Self.hour })
        // Truncate inside hour 2 (group 6): later groups truncate at their start, and the new
        // group for the rest of hour 2 (7) ends with hour 3's truncation but starts earlier.
        log.apply(.truncateShardGroups(timestamp: 2 * Self.hour + 10))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 2 * Self.hour + 10))
        #expect(log.groups().map(\.id) == [4, 2, 6, 7, 3, 5, 1])
    }
}
