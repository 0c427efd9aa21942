import Testing

@testable import MetaKernel

@Suite("Data model determinism")
struct DataModelDeterminismTests {
    /// A random log touching every rule.
    static func randomLog(length: Int) -> [MetaCommand] {
        var generator = SystemRandomNumberGenerator()
        func pick<T>(_ values: [T]) -> T { values.randomElement(using: &generator)! }
        let databases = ["a", "b", "c"]
        let policies = ["autogen", "p1", "p2"]
        var commands: [MetaCommand] = []
        var now: Int64 = 1_000_000
        for _ in 0..<length {
            now += Int64.random(in: 0...ModelLog.hour, using: &generator)
            let database = pick(databases)
            let policy = pick(policies)
            let id = UInt64.random(in: 1...40, using: &generator)
            let node = UInt64.random(in: 1...8, using: &generator)
            let command: MetaCommand =
                switch Int.random(in: 0..<22, using: &generator) {
                case 0: .createDatabase(name: database, retentionPolicy: RetentionPolicySpec(name: "autogen"))
                case 1: .dropDatabase(name: database)
                case 2:
                    .data(.createDataNode(httpAddress: "h\(node)", tcpAddress: "t\(node)", passive: node == 8))
                case 3: .data(.deleteDataNode(id: node, at: now))
                case 4: .data(.updateDataNode(id: node, httpAddress: "h\(id)", tcpAddress: "t\(id)"))
                case 5: .data(.setNodeLabels(id: node, labels: ["k": "\(id)"]))
                case 6:
                    .data(
                        .createRetentionPolicy(
                            database: database,
                            policy: RetentionPolicySpec(name: policy, replicaN: Int(node % 3) + 1),
                            makeDefault: node % 2 == 0
                        )
                    )
                case 7: .data(.dropRetentionPolicy(database: database, name: policy))
                case 8: .data(.setDefaultRetentionPolicy(database: database, name: policy))
                case 9:
                    .data(
                        .updateRetentionPolicy(
                            database: database,
                            name: policy,
                            update: RetentionPolicyUpdate(replicaN: Int(node % 3) + 1),
                            makeDefault: false
                        )
                    )
                case 10, 11: .data(.createShardGroup(database: database, policy: policy, timestamp: now))
                case 12: .data(.deleteShardGroup(database: database, policy: policy, id: id, at: now))
                case 13: .data(.truncateShardGroups(timestamp: now))
                case 14: .data(.pruneShardGroups(before: now - ModelLog.hour))
                case 15: .data(.dropShard(id: id, at: now))
                case 16: .data(.addShardOwner(shardID: id, nodeID: node))
                case 17: .data(.removeShardOwner(shardID: id, nodeID: node, at: now))
                case 18: .data(.createContinuousQuery(database: database, name: "cq\(node)", query: "q\(id % 2)"))
                case 19:
                    .data(
                        .createSubscription(
                            database: database,
                            policy: policy,
                            name: "s\(node)",
                            mode: "ALL",
                            destinations: ["http://x:\(id)"]
                        )
                    )
                case 20:
                    .data(.acquireLease(name: "cq", nodeID: node, now: now - Int64(id) * 1000, duration: 10_000_000))
                default: .data(.releaseLease(name: "cq", nodeID: node))
                }
            commands.append(command)
        }
        return commands
    }

    @Test("applying the same log twice gives equal metadata and equal outcomes")
    func sameLogSameState() throws {
        let commands = Self.randomLog(length: 3000)
        var first = ModelLog()
        var second = ModelLog()
        var firstOutcomes: [ApplyOutcome] = []
        var secondOutcomes: [ApplyOutcome] = []
        for command in commands { firstOutcomes.append(first.apply(command)) }
        for command in commands {
            // The second replica reads each entry back from its log bytes, as a follower does.
            let entry = try LogEntry.decode(LogEntry(term: 1, command: command).encoded())
            secondOutcomes.append(second.apply(entry.command))
        }
        #expect(first.data == second.data)
        #expect(firstOutcomes == secondOutcomes)
        #expect(first.data.maxShardGroupID > 0, "the log created no shard group")
        #expect(
            MetaDataJSON.encode(first.data, escapingSlashes: true)
                == MetaDataJSON.encode(second.data, escapingSlashes: true)
        )
    }

    @Test("after any log, groups are sorted, ids are unique, and every owner is a data node")
    func invariants() {
        var log = ModelLog()
        for command in Self.randomLog(length: 3000) { log.apply(command) }
        var shardIDs = Set<UInt64>()
        let live = Set(log.data.dataNodes.map(\.id))
        for database in log.data.databases {
            for policy in database.retentionPolicies {
                let groups = policy.shardGroups
                #expect(zip(groups, groups.dropFirst()).allSatisfy { ShardGroupInfo.precedes($0, $1) })
                for group in groups {
                    #expect(group.id <= log.data.maxShardGroupID)
                    for shard in group.shards {
                        #expect(shardIDs.insert(shard.id).inserted && shard.id <= log.data.maxShardID)
                        #expect(shard.owners.allSatisfy { live.contains($0) })
                    }
                }
            }
        }
    }
}
