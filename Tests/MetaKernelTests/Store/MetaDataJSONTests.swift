import FoundationEssentials
import Testing

@testable import MetaKernel

@Suite("MetaData JSON without Codable")
struct MetaDataJSONTests {
    static let awkwardNames: [String] = [
        "plain", "with/slash", #"quote" and \backslash"#, "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}\u{7F}",
        "\u{8}\u{C}", "é", "e\u{301}", "\u{212B}", "😀 emoji", "日本語", "\u{2028}\u{2029}", "<>&'",
    ]

    static func sample() -> MetaData {
        var data = MetaData()
        _ = data.apply(.createMetaNode(httpAddress: "h/1:8091", tcpAddress: "h\"1:8089", rand: .max), term: 7, index: 1)
        _ = data.apply(.createMetaNode(httpAddress: "é:8091", tcpAddress: "é:8089", rand: 1), term: 7, index: 2)
        for (offset, name) in awkwardNames.enumerated() {
            _ = data.apply(.createDatabase(name: name), term: 8, index: UInt64(3 + offset))
        }
        data.dataNodes = [NodeInfo(id: 9, httpAddress: "d:8086", tcpAddress: "d:8088")]
        var index: UInt64 = 100
        func apply(_ command: DataCommand) {
            index += 1
            _ = data.apply(.data(command), term: 9, index: index)
        }
        apply(.createDataNode(httpAddress: "p/1:8086", tcpAddress: "p:8088", passive: true))
        apply(.createDataNode(httpAddress: "q:8086", tcpAddress: "q:8088", passive: false))
        apply(.setNodeLabels(id: 9, labels: ["z/one": "1", "A": "é", "a": "\u{1}", "10": "x", "9": "y"]))
        for name in awkwardNames {
            apply(.createRetentionPolicy(database: name, policy: RetentionPolicySpec(name: name), makeDefault: true))
            apply(.createShardGroup(database: name, policy: name, timestamp: -1_000_000_000_000_000_000))
            apply(.createContinuousQuery(database: name, name: name, query: "SELECT \(name)"))
            apply(
                .createSubscription(
                    database: name,
                    policy: name,
                    name: name,
                    mode: "ALL",
                    destinations: ["http://h:1/"]
                )
            )
        }
        apply(.truncateShardGroups(timestamp: -1_000_000_000_000_000_000 + 5))
        apply(.acquireLease(name: "continuous_querier", nodeID: 9, now: -5, duration: 10))
        apply(.acquireLease(name: "a/b", nodeID: 10, now: 1_700_000_000_000_000_000, duration: 10))
        return data
    }

    @Test("the bytes equal JSONEncoder's with sorted keys, with and without escaped slashes", arguments: [true, false])
    func sameBytes(escapingSlashes: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        for data in [MetaData(), Self.sample()] {
            let expected = Array(try encoder.encode(data))
            let written = MetaDataJSON.encode(data, escapingSlashes: escapingSlashes)
            #expect(
                written == expected,
                "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))"
            )
            #expect(try JSONDecoder().decode(MetaData.self, from: Data(written)) == data)
        }
    }

    @Test("the sample uses every field the model has")
    func sampleIsComplete() {
        let data = Self.sample()
        #expect(data.leases.count == 2 && data.leaseClock > 0 && data.maxShardID > 0 && data.maxShardGroupID > 0)
        let policy = data.databases.first?.retentionPolicies.first
        #expect(policy?.subscriptions.isEmpty == false && policy?.shardGroups.first?.isTruncated == true)
        #expect(data.databases.first?.continuousQueries.isEmpty == false)
        #expect(data.dataNodes.contains(where: \.passive) && data.dataNodes.contains { !$0.labels.isEmpty })
    }

    @Test("a snapshot written before the data-node model decodes with empty new fields")
    func oldSnapshot() throws {
        let old = #"""
            {"clusterID":5,"dataNodes":[],"databases":[{"name":"db0"}],"index":7,"maxNodeID":1,\#
            "metaNodes":[{"httpAddress":"m:8091","id":1,"tcpAddress":"m:8089"}],"term":2}
            """#
        let data = try JSONDecoder().decode(MetaData.self, from: Data(old.utf8))
        #expect(data.databases.map(\.name) == ["db0"] && data.databases[0].retentionPolicies.isEmpty)
        #expect(data.metaNodes[0].labels.isEmpty && data.leases.isEmpty && data.leaseClock == 0)
        #expect(data.maxShardID == 0 && data.maxShardGroupID == 0 && data.users.isEmpty)
    }
}
