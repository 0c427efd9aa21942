import Foundation
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
        #expect(server.requests.map { $0.split(separator: "\r\n").first ?? "" } == [
            "GET /show-shards HTTP/1.1", "GET /show-shards?verbose=true HTTP/1.1",
        ])
    }

    @Test("against a node: an empty table, truncate-shards, and remove-shard's errors in one line")
    func againstNode() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory("ctl-shards"))
        try node.start(["-single-server"])
        let empty = try await eventually("show-shards from \(node.httpAddress)", timeout: .seconds(20)) {
            let result = try await ctl(["-bind", node.httpAddress, "show-shards"])
            return result.status == 0 ? result : nil
        }
        #expect(empty.stdout == "Shards\n==========\nID   Database   Retention Policy   Desired Replicas   Shard Group   Start   End   Expires   Owners\n")

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
}
