import Foundation
import MetaKernel
import TestSupport
import Testing

/// `[logging] format` and `level`, and the level changed by SIGHUP, on a running node.
@Suite("Log format and level of a running node", .serialized)
struct LoggingClusterTests {
    /// The node's config with `[logging]` set to `level` and `format`.
    func write(_ node: MetaProcess, level: String, format: String) throws {
        let text = node.config.replacingOccurrences(
            of: #"level = "debug""#,
            with: "level = \"\(level)\"\nformat = \"\(format)\""
        )
        try text.write(toFile: node.configPath, atomically: true, encoding: .utf8)
    }

    /// The log's lines decoded as JSON objects; a line that is not one fails the test.
    func jsonLines(_ node: MetaProcess) -> [[String: String]] {
        node.log.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object != nil, "not a JSON object: \(line)")
            return object
        }
    }

    @Test("format = json writes JSON lines; SIGHUP puts a new level in force")
    func jsonAndSIGHUP() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try write(node, level: "error", format: "json")
        try node.start(["-single-server"])
        defer { if let pid = node.pid { kill(pid, SIGKILL) } }
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("the node to lead", timeout: .seconds(20)) {
            let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
        #expect(!node.log.contains("raft started"), "info lines logged at level error: \(node.log)")
        try write(node, level: "info", format: "json")
        kill(try #require(node.pid), SIGHUP)
        let reloaded = try await eventually("the level reload to be logged") {
            jsonLines(node).first { $0["msg"] == "reloaded [logging] level" }
        }
        #expect(reloaded["lvl"] == "info")
        #expect(reloaded["log_id"] == "influxd-meta")
        #expect(reloaded["ts"]?.hasSuffix("Z") == true)
        #expect(jsonLines(node).count >= 1)
    }

    @Test("format = logfmt writes key=value lines")
    func logfmt() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try write(node, level: "info", format: "logfmt")
        try node.start(["-single-server"])
        defer { if let pid = node.pid { kill(pid, SIGKILL) } }
        let line = try await eventually("raft to start") {
            node.log.split(separator: "\n").first { $0.contains("raft started") }
        }
        #expect(line.hasPrefix("ts="))
        #expect(line.contains(#" lvl=info msg="raft started" log_id=influxd-meta "#), "\(line)")
        #expect(line.contains(" id=1"), "\(line)")
    }
}
