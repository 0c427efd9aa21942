import Testing

@testable import MetaKernel

@Suite("MetaData apply")
struct MetaDataApplyTests {
    @Test("databases are created once, kept sorted, and dropped")
    func databases() {
        var data = MetaData()
        #expect(data.apply(.createDatabase(name: "b"), term: 1, index: 3) == ApplyOutcome(index: 3))
        _ = data.apply(.createDatabase(name: "a"), term: 1, index: 4)
        _ = data.apply(.createDatabase(name: "b"), term: 2, index: 5)
        #expect(data.databases.map(\.name) == ["a", "b"])
        #expect(data.index == 5)
        #expect(data.term == 2)
        _ = data.apply(.dropDatabase(name: "a"), term: 2, index: 6)
        _ = data.apply(.dropDatabase(name: "missing"), term: 2, index: 7)
        #expect(data.databases.map(\.name) == ["b"])
        #expect(data.index == 7)
    }

    @Test("random creates and drops keep the list sorted, unique, and equal to a set model")
    func randomCreatesAndDrops() {
        var generator = SystemRandomNumberGenerator()
        var data = MetaData()
        var model = Set<[UInt8]>()
        let alphabet = ["a", "b", "z", "\u{00C5}", "\u{212B}", "0", "-", "é", "e\u{301}"]
        for index in 1...3000 {
            let name = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }.joined()
            if Bool.random(using: &generator) {
                _ = data.apply(.createDatabase(name: name), term: 1, index: UInt64(index))
                model.insert(Array(name.utf8))
            } else {
                _ = data.apply(.dropDatabase(name: name), term: 1, index: UInt64(index))
                model.remove(Array(name.utf8))
            }
            #expect((data.database(named: name) != nil) == model.contains(Array(name.utf8)))
        }
        #expect(data.databasesAreSorted)
        #expect(data.databases.map { Array($0.name.utf8) } == model.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("names are compared byte for byte, not by Unicode equivalence")
    func byteNames() {
        var data = MetaData()
        _ = data.apply(.createDatabase(name: "\u{212B}"), term: 1, index: 1)  // ANGSTROM SIGN
        _ = data.apply(.createDatabase(name: "\u{00C5}"), term: 1, index: 2)  // LATIN CAPITAL A WITH RING
        #expect(data.databases.count == 2)
        _ = data.apply(.dropDatabase(name: "\u{00C5}"), term: 1, index: 3)
        #expect(data.databases.map { Array($0.name.unicodeScalars) } == [["\u{212B}"]])
    }

    @Test("an invalid database name is refused but still advances the index")
    func invalidName() {
        var data = MetaData()
        let outcome = data.apply(.createDatabase(name: ""), term: 1, index: 9)
        #expect(outcome.error == "database name must not be empty")
        #expect(data.databases.isEmpty)
        #expect(data.index == 9)
    }

    @Test("the first meta node fixes the cluster id; ids are never reused")
    func metaNodeIDs() {
        var data = MetaData()
        let first = data.apply(
            .createMetaNode(httpAddress: "m1:8091", tcpAddress: "m1:8089", rand: 42),
            term: 1,
            index: 2
        )
        #expect(first.nodeID == 1)
        #expect(data.clusterID == 42)
        let second = data.apply(
            .createMetaNode(httpAddress: "m2:8091", tcpAddress: "m2:8089", rand: 7),
            term: 1,
            index: 3
        )
        #expect(second.nodeID == 2)
        #expect(data.clusterID == 42)
        _ = data.apply(.deleteMetaNode(id: 2), term: 1, index: 4)
        let third = data.apply(
            .createMetaNode(httpAddress: "m2:8091", tcpAddress: "m2:8089", rand: 7),
            term: 1,
            index: 5
        )
        #expect(third.nodeID == 3)
        #expect(data.metaNodes.map(\.id) == [1, 3])
    }

    @Test("duplicate meta node addresses are refused")
    func duplicates() {
        var data = MetaData()
        _ = data.apply(.createMetaNode(httpAddress: "m1:8091", tcpAddress: "m1:8089", rand: 1), term: 1, index: 1)
        let sameHTTP = data.apply(
            .createMetaNode(httpAddress: "m1:8091", tcpAddress: "x:8089", rand: 1),
            term: 1,
            index: 2
        )
        #expect(sameHTTP.error == "meta node already exists")
        #expect(sameHTTP.nodeID == 1)
        let sameRaft = data.apply(
            .createMetaNode(httpAddress: "m9:8091", tcpAddress: "m1:8089", rand: 1),
            term: 1,
            index: 3
        )
        #expect(sameRaft.error == "raft address m1:8089 is already used by meta node 1")
        #expect(data.metaNodes.count == 1)
        #expect(data.maxNodeID == 1)
    }

    @Test("deleting an unknown meta node is refused")
    func deleteUnknown() {
        var data = MetaData()
        #expect(data.apply(.deleteMetaNode(id: 5), term: 1, index: 1).error == "meta node 5 not found")
    }

    @Test("applying the same commands gives the same metadata")
    func deterministic() {
        let commands: [MetaCommand] = [
            .createMetaNode(httpAddress: "m1:8091", tcpAddress: "m1:8089", rand: 99),
            .createDatabase(name: "telegraf"), .createDatabase(name: "_internal"), .dropDatabase(name: "telegraf"),
        ]
        var a = MetaData()
        var b = MetaData()
        for (i, command) in commands.enumerated() {
            _ = a.apply(command, term: 1, index: UInt64(i + 1))
            _ = b.apply(command, term: 1, index: UInt64(i + 1))
        }
        #expect(a == b)
    }
}
