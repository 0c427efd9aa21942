import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-ctl show-shards [-v]`, `remove-shard` and `truncate-shards`: their output, golden.
@Suite("influxd-ctl shard commands", .serialized)
struct ShardCommandTests {
    /// A `/show-shards` answer in the node's shape: an infinite policy with two owners, and a
    /// truncated shard of a one-week policy.
    static let shards = """
        [{"database":"telegraf","end-time":"2020-03-30T00:00:00Z","expire-time":"0001-01-01T00:00:00Z","id":"1",\
        "owners":[{"id":26,"tcpAddr":"h1:8088"},{"id":33,"tcpAddr":"h3:8088"}],"replica-n":2,"retention-policy":"autogen",\
        "shard-group-id":"1","start-time":"2020-03-23T00:00:00Z","truncated-at":"0001-01-01T00:00:00Z"},\
        {"database":"telegraf","end-time":"2020-03-24T00:00:00Z","expire-time":"2020-03-31T00:00:00Z","id":"2",\
        "owners":[{"id":26,"tcpAddr":"h1:8088","state":"unknown","last-modified":"0001-01-01T00:00:00Z","size":0,"err":""}],\
        "replica-n":1,"retention-policy":"week","shard-group-id":"2","start-time":"2020-03-23T00:00:00Z",\
        "truncated-at":"2020-03-23T12:00:00.5Z"}]
        """

    static let header =
        "ID   Database   Retention Policy   Desired Replicas   Shard Group   Start                  End                       Expires                Owners\n"

    @Test("show-shards: the table of reference §2; End of a truncated group has *, Expires is blank for infinite")
    func showShardsTable() async throws {
        let server = try RecordingHTTPServer(body: Self.shards)
        defer { server.stop() }
        let address = "127.0.0.1:\(server.port)"
        let plain = try await ctl(["-bind", address, "show-shards"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(
            plain.stdout == "Shards\n==========\n" + Self.header
                + "1    telegraf   autogen            2                  1             2020-03-23T00:00:00Z   2020-03-30T00:00:00Z                             [{26 h1:8088} {33 h3:8088}]\n"
                + "2    telegraf   week               1                  2             2020-03-23T00:00:00Z   2020-03-23T12:00:00.5Z*   2020-03-31T00:00:00Z   [{26 h1:8088}]\n"
        )
        let verbose = try await ctl(["-bind", address, "show-shards", "-v"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        #expect(verbose.stdout.hasSuffix("[{26 h1:8088 unknown 0}]\n"), "\(verbose.stdout)")
        #expect(
            server.requests.map { $0.split(separator: "\r\n").first ?? "" } == [
                "GET /show-shards HTTP/1.1", "GET /show-shards?verbose=true HTTP/1.1",
            ]
        )
    }

    @Test("against a node: an empty table, truncate-shards, and remove-shard's errors in one line")
    func againstNode() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory("ctl-shards"))
        try node.start(["-single-server"])
        let empty = try await eventually("show-shards from \(node.httpAddress)", timeout: .seconds(20)) {
            let result = try await ctl(["-bind", node.httpAddress, "show-shards"])
            return result.status == 0 ? result : nil
        }
        #expect(
            empty.stdout
                == "Shards\n==========\nID   Database   Retention Policy   Desired Replicas   Shard Group   Start   End   Expires   Owners\n"
        )

        let unknownNode = try await ctl(["-bind", node.httpAddress, "remove-shard", "nowhere:8088", "1"])
        #expect(unknownNode.status == 1)
        #expect(
            unknownNode.stderr
                == "remove-shard: operation exited with error: data node at nowhere:8088 not found (see influxd-ctl show)\n"
        )
        #expect(unknownNode.stdout.isEmpty)

        let badDelay = try await ctl(["-bind", node.httpAddress, "truncate-shards", "-delay", "soon"])
        #expect(badDelay.status == 1)
        #expect(
            badDelay.stderr
                == "truncate-shards: -delay: invalid duration \"soon\" (use Go syntax such as \"1m0s\" or \"30s\") (see influxd-ctl truncate-shards -help)\n"
        )
        await node.stop()
    }

    /// Columns left-aligned, three spaces apart, the last one unpadded: `show-shards`' layout.
    static func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] + 3 - cell.count)
            }.joined() + "\n"
        }.joined()
    }

    @Test("with data nodes: shards of two policies, truncate-shards' *, remove-shard's owner gone")
    func withDataNodes() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory("ctl-shards-data"))
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            try? await client.get(node.httpAddress, "/?consistent=true")
        }
        let first = try FakeDataNode()
        let second = try FakeDataNode()
        for data in [first, second] {
            let added = try await ctl(["-bind", node.httpAddress, "add-data", data.address])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let day: Int64 = 86_400_000_000_000
        let now = UnixNanoseconds.now()
        let commands = [
            #"{"type":"create-database","name":"db","retentionPolicy":{"name":"rp","replicaN":2,"shardGroupDuration":\#(day)}}"#,
            #"{"type":"create-retention-policy","database":"db","policy":{"name":"week","duration":\#(7 * day),"shardGroupDuration":\#(day),"replicaN":1}}"#,
            #"{"type":"create-shard-group","database":"db","policy":"rp","timestamp":1584939600000000000}"#,
            #"{"type":"create-shard-group","database":"db","policy":"week","timestamp":\#(now)}"#,
        ]
        for command in commands {
            let reply = try await client.post(node.httpAddress, "/execute", json: Array(command.utf8))
            #expect(reply.status == 200, "\(command): \(reply.text)")
        }
        let truncated = try await ctl(["-bind", node.httpAddress, "truncate-shards", "-delay", "1s"])
        #expect(truncated.status == 0, "\(truncated.stderr)")
        #expect(truncated.stdout == "Truncated shards.\n")

        // The node's view gives the owners' order and the truncation time; the layout is checked here.
        let shards = try await client.get(node.httpAddress, "/show-shards").decode([ShowShardsEntry].self)
        try #require(shards.count == 3)
        let address = [2: first.address, 3: second.address]
        func owners(_ shard: ShowShardsEntry) -> String {
            "[" + shard.owners.map { "{\($0.id) \(address[Int($0.id)] ?? "?")}" }.joined(separator: " ") + "]"
        }
        #expect(Set(shards[0].owners.map(\.id)) == [2, 3])
        #expect(shards.dropFirst().map { $0.owners.count } == [1, 1])
        let start = now / day * day
        let truncatedAt = try #require(UnixNanoseconds.parse(shards[1].truncatedAt))
        #expect(truncatedAt >= now + 1_000_000_000)
        let header = [
            "ID", "Database", "Retention Policy", "Desired Replicas", "Shard Group", "Start", "End", "Expires",
            "Owners",
        ]
        var rows = [
            header,
            ["1", "db", "rp", "2", "1", "2020-03-23T00:00:00Z", "2020-03-24T00:00:00Z", "", owners(shards[0])],
        ]
        for (i, shard) in shards.dropFirst().enumerated() {
            rows.append([
                "\(i + 2)", "db", "week", "1", "2", UnixNanoseconds.rfc3339(start),
                UnixNanoseconds.rfc3339(truncatedAt) + "*", UnixNanoseconds.rfc3339(start + 8 * day), owners(shard),
            ])
        }
        let shown = try await ctl(["-bind", node.httpAddress, "show-shards"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout == "Shards\n==========\n" + Self.table(rows))

        let owner = try #require(shards[0].owners.first)
        let ownerAddress = try #require(address[Int(owner.id)])
        let removed = try await ctl(["-bind", node.httpAddress, "remove-shard", ownerAddress, "1"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "Removed shard 1 from \(ownerAddress)\n")
        let after = try await client.get(node.httpAddress, "/show-shards").decode([ShowShardsEntry].self)
        #expect(after.first?.owners.map(\.id) == shards[0].owners.dropFirst().map(\.id))
        let unknownShard = try await ctl(["-bind", node.httpAddress, "remove-shard", ownerAddress, "99"])
        #expect(unknownShard.stderr == "remove-shard: operation exited with error: shard not found\n")
        await node.stop()
    }
}
