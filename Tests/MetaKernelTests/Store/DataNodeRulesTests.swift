import Testing

@testable import MetaKernel

@Suite("Data node rules")
struct DataNodeRulesTests {
    @Test("data nodes take ids after the meta nodes' from the shared counter, never reused")
    func sharedIDs() {
        var log = ModelLog()
        for number in 1...3 {
            log.apply(.createMetaNode(httpAddress: "m\(number):8091", tcpAddress: "m\(number):8089", rand: 9))
        }
        #expect(log.addDataNodes(2) == [4, 5])
        log.apply(.deleteDataNode(id: 5, at: 1))
        log.apply(.deleteMetaNode(id: 3))
        #expect(log.addDataNodes(1, from: 3) == [6])
        #expect(log.data.dataNodes.map(\.id) == [4, 6])
        #expect(log.data.maxNodeID == 6)
        #expect(log.data.dataNode(id: 6)?.httpAddress == "d3:8086")
    }

    @Test("a TCP address already registered is refused with the existing node's id")
    func duplicateAddress() {
        var log = ModelLog()
        log.addDataNodes(1)
        let again = log.apply(.createDataNode(httpAddress: "other:8086", tcpAddress: "d1:8088", passive: false))
        #expect(again.error == "node already exists")
        #expect(again.nodeID == 1)
        #expect(log.data.dataNodes.count == 1 && log.data.maxNodeID == 1)
        #expect(log.data.index == 2)
    }

    @Test("an empty TCP address is refused")
    func emptyAddress() {
        var log = ModelLog()
        let outcome = log.apply(.createDataNode(httpAddress: "a:8086", tcpAddress: "", passive: false))
        #expect(outcome.error == "data node TCP address must not be empty")
        #expect(log.data.dataNodes.isEmpty && log.data.maxNodeID == 0)
    }

    @Test("the passive flag is recorded")
    func passive() {
        var log = ModelLog()
        log.addDataNodes(1, passive: true)
        #expect(log.data.dataNodes.first?.passive == true)
    }

    @Test("update-data-node moves a node; an unknown id or another node's address is refused")
    func update() {
        var log = ModelLog()
        log.addDataNodes(2)
        #expect(log.apply(.updateDataNode(id: 1, httpAddress: "n:8086", tcpAddress: "n:8088")).error == nil)
        #expect(log.data.dataNode(id: 1) == NodeInfo(id: 1, httpAddress: "n:8086", tcpAddress: "n:8088"))
        #expect(
            log.apply(.updateDataNode(id: 1, httpAddress: "x", tcpAddress: "d2:8088")).error == "node already exists"
        )
        #expect(log.apply(.updateDataNode(id: 9, httpAddress: "x", tcpAddress: "x:1")).error == "node not found")
        #expect(
            log.apply(.updateDataNode(id: 1, httpAddress: "x", tcpAddress: "")).error
                == "data node TCP address must not be empty"
        )
        #expect(log.data.dataNode(id: 1)?.tcpAddress == "n:8088")
    }

    @Test("set-node-labels replaces a data or meta node's labels; an unknown id is refused")
    func labels() {
        var log = ModelLog()
        log.apply(.createMetaNode(httpAddress: "m:8091", tcpAddress: "m:8089", rand: 1))
        log.addDataNodes(1)
        log.apply(.setNodeLabels(id: 2, labels: ["az": "a", "rack": "1"]))
        log.apply(.setNodeLabels(id: 2, labels: ["az": "b"]))
        log.apply(.setNodeLabels(id: 1, labels: ["role": "meta"]))
        #expect(log.data.dataNode(id: 2)?.labels == ["az": "b"])
        #expect(log.data.metaNode(id: 1)?.labels == ["role": "meta"])
        #expect(log.apply(.setNodeLabels(id: 7, labels: [:])).error == "node not found")
    }

    @Test("deleting an unknown data node is refused")
    func deleteUnknown() {
        var log = ModelLog()
        #expect(log.apply(.deleteDataNode(id: 3, at: 1)).error == "node not found")
    }

    @Test("a deleted node leaves every owner list; a group it alone owned is deleted at `at`")
    func deleteOrphansGroup() {
        var log = ModelLog()
        log.addDataNodes(1)
        log.addPolicy()
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: 0))
        log.apply(.createShardGroup(database: "db", policy: "rp", timestamp: ModelLog.hour))
        log.apply(.deleteShardGroup(database: "db", policy: "rp", id: 1, at: 7))
        log.apply(.deleteDataNode(id: 1, at: 42))
        let groups = log.groups()
        #expect(groups.map(\.deletedAt) == [7, 42])
        #expect(groups.allSatisfy { $0.shards.allSatisfy(\.owners.isEmpty) })
        #expect(log.data.dataNodes.isEmpty)
    }

    @Test("an orphaned shard goes to the group's least-loaded remaining owner, the lowest id on a tie")
    func deleteRehomes() {
        var log = ModelLog()
        log.addDataNodes(4)
        log.addPolicy()
        let group = ShardGroupInfo(
            id: 1,
            startTime: 0,
            endTime: ModelLog.hour,
            shards: [
                ShardInfo(id: 1, owners: [1, 2]), ShardInfo(id: 2, owners: [1]), ShardInfo(id: 3, owners: [3]),
                ShardInfo(id: 4, owners: [2]), ShardInfo(id: 5, owners: [4]), ShardInfo(id: 6, owners: [2]),
            ]
        )
        log.data.databases.modify(at: 0) { $0.retentionPolicies[0].shardGroups = [group] }
        log.apply(.deleteDataNode(id: 2, at: 5))
        // Loads without node 2: 1 owns 2, 3 owns 1, 4 owns 1. Shard 4 goes to 3 (tie with 4,
        // lower id), then shard 6 to 4 (now the least loaded).
        #expect(log.groups()[0].shards.map(\.owners) == [[1], [1], [3], [3], [4], [4]])
        #expect(log.groups()[0].deletedAt == 0)
    }

    @Test("a deleted node's leases are released")
    func deleteReleasesLeases() {
        var log = ModelLog()
        log.addDataNodes(2)
        log.apply(.acquireLease(name: "cq", nodeID: 1, now: 10, duration: 100))
        log.apply(.deleteDataNode(id: 1, at: 11))
        #expect(log.data.lease(named: "cq") == nil)
        #expect(log.apply(.acquireLease(name: "cq", nodeID: 2, now: 12, duration: 100)).error == nil)
    }
}
