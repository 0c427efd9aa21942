import Foundation
import Testing

@testable import MetaKernel

@Suite("GET /show-shards and the time format")
struct ShowShardsTests {
    @Test("RFC 3339 with nanoseconds as Go writes it, and back")
    func rfc3339() {
        let cases: [(Int64, String)] = [
            (0, "0001-01-01T00:00:00Z"),
            (1_500_000_000_000_000_000, "2017-07-14T02:40:00Z"),
            (1_500_000_000_120_000_000, "2017-07-14T02:40:00.12Z"),
            (1_500_000_000_000_000_001, "2017-07-14T02:40:00.000000001Z"),
            (951_782_400_000_000_000, "2000-02-29T00:00:00Z"),
            (-1, "1969-12-31T23:59:59.999999999Z"),
        ]
        for (nanoseconds, text) in cases {
            #expect(UnixNanoseconds.rfc3339(nanoseconds) == text)
            #expect(UnixNanoseconds.parse(text) == nanoseconds)
        }
        #expect(UnixNanoseconds.parse("2017-07-14 02:40:00Z") == nil)
        #expect(UnixNanoseconds.parse("2017-07-14T02:40:00.Z") == nil)
    }

    static let day: Int64 = 86_400_000_000_000

    static var data: MetaData {
        var data = MetaData()
        data.dataNodes = [
            NodeInfo(id: 4, httpAddress: "d4:8086", tcpAddress: "d4:8088"),
            NodeInfo(id: 5, httpAddress: "d5:8086", tcpAddress: "d5:8088"),
        ]
        let forever = RetentionPolicyInfo(
            name: "autogen",
            duration: 0,
            shardGroupDuration: 7 * day,
            replicaN: 2,
            shardGroups: [
                ShardGroupInfo(
                    id: 1,
                    startTime: 0,
                    endTime: 7 * day,
                    deletedAt: 8 * day,
                    shards: [ShardInfo(id: 1, owners: [4])]
                ),
                ShardGroupInfo(
                    id: 2,
                    startTime: 7 * day,
                    endTime: 14 * day,
                    truncatedAt: 10 * day,
                    shards: [ShardInfo(id: 2, owners: [4, 5]), ShardInfo(id: 3, owners: [9])]
                ),
            ]
        )
        let week = RetentionPolicyInfo(
            name: "week",
            duration: 7 * day,
            shardGroupDuration: day,
            replicaN: 1,
            shardGroups: [
                ShardGroupInfo(id: 3, startTime: day, endTime: 2 * day, shards: [ShardInfo(id: 4, owners: [5])])
            ]
        )
        data.databases = [
            DatabaseInfo(name: "db", defaultRetentionPolicy: "autogen", retentionPolicies: [forever, week])
        ]
        return data
    }

    @Test("live groups only, owners' addresses, expiry from the policy, Enterprise's JSON keys")
    func list() throws {
        let entries = ShowShardsEntry.list(Self.data, verbose: false)
        #expect(entries.map(\.id) == ["2", "3", "4"])
        #expect(entries[0].truncatedAt == "1970-01-11T00:00:00Z")
        #expect(entries[0].expireTime == "0001-01-01T00:00:00Z")
        #expect(entries[2].expireTime == "1970-01-10T00:00:00Z")
        #expect(entries[1].owners == [ShowShardsEntry.Owner(id: 9, tcpAddr: "")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(entries[2]), as: UTF8.self)
        #expect(
            json
                == #"{"database":"db","end-time":"1970-01-03T00:00:00Z","expire-time":"1970-01-10T00:00:00Z","id":"4","owners":[{"id":5,"tcpAddr":"d5:8088"}],"replica-n":1,"retention-policy":"week","shard-group-id":"3","start-time":"1970-01-02T00:00:00Z","truncated-at":"0001-01-01T00:00:00Z"}"#
        )
        let verbose = ShowShardsEntry.list(Self.data, verbose: true)
        #expect(
            verbose[2].owners == [
                ShowShardsEntry.Owner(
                    id: 5,
                    tcpAddr: "d5:8088",
                    state: "unknown",
                    lastModified: "0001-01-01T00:00:00Z",
                    size: 0,
                    err: ""
                )
            ]
        )
    }
}
