import MetaProto
import Testing

@testable import MetaKernel

/// `set-data` (``MetaData/restore(_:)``): what a restore keeps, replaces and never lowers, and
/// the command's round trips through the log's JSON and protobuf.
@Suite("Restore rules")
struct RestoreRulesTests {
    /// A backup: one meta node, data nodes 2 and 3, databases, a user, a lease, shard group ids.
    static func backup() -> MetaData {
        var log = ModelLog()
        log.apply(.createMetaNode(httpAddress: "old:8091", tcpAddress: "old:8089", rand: 7))
        log.addDataNodes(2)
        log.addPolicy(database: "db1")
        log.apply(.createDatabase(name: "db2"))
        log.apply(.access(.createUser(name: "alice", hash: "h", admin: false)))
        log.apply(.createShardGroup(database: "db1", policy: "rp", timestamp: 0))
        log.apply(.acquireLease(name: "cq", nodeID: 2, now: 5, duration: 10))
        return log.data
    }

    @Test("meta nodes and the cluster id stay; data nodes, databases, users, roles are the backup's")
    func keepsAndReplaces() throws {
        let saved = Self.backup()
        var log = ModelLog()
        for number in 1...5 {
            log.apply(.createMetaNode(httpAddress: "m\(number):8091", tcpAddress: "m\(number):8089", rand: 9))
        }
        log.apply(.deleteMetaNode(id: 2))
        log.apply(.deleteMetaNode(id: 3))
        log.apply(.createDatabase(name: "other"))
        log.apply(.acquireLease(name: "x", nodeID: 1, now: 1, duration: 10))
        let before = log.data
        let outcome = log.apply(.setData(saved))
        #expect(outcome.error == nil)
        let after = log.data
        #expect(after.clusterID == before.clusterID && after.metaNodes == before.metaNodes)
        #expect(after.databases == saved.databases && after.dataNodes == saved.dataNodes)
        #expect(after.users == saved.users && after.roles == saved.roles)
        #expect(after.leases.isEmpty)
        #expect(after.maxNodeID == 5 && after.maxShardGroupID == saved.maxShardGroupID && saved.maxShardGroupID > 0)
        #expect(after.maxShardID == saved.maxShardID && after.index == log.index)
    }

    @Test("a backup's data node with a live meta node's id is refused and nothing changes")
    func idClash() {
        let saved = Self.backup()
        var log = ModelLog()
        for number in 1...3 {
            log.apply(.createMetaNode(httpAddress: "m\(number):8091", tcpAddress: "m\(number):8089", rand: 9))
        }
        let before = log.data
        let outcome = log.apply(.setData(saved))
        #expect(
            outcome.error?.hasPrefix("backup's data node 2 (d1:8088) has the id of this cluster's meta node 2") == true
        )
        var unchanged = log.data
        unchanged.index = before.index
        unchanged.term = before.term
        #expect(unchanged == before)
    }

    @Test("set-data survives the log's JSON and the protobuf Command")
    func roundTrips() throws {
        let command = MetaCommand.setData(Self.backup())
        let entry = LogEntry(term: 3, command: command)
        #expect(try LogEntry.decode(entry.encoded()) == entry)
        #expect(try MetaCommand.decodeProtobuf(command.encodeProtobuf()) == command)
        #expect(command.protobuf.type == .setDataCommand)
    }
}
