import Foundation
import MetaKernel
import TestSupport
import Testing

/// The built `influxd-meta` and `influxd-ctl` as an operator runs them, one node.
@Suite("Single-server node from the built binaries", .serialized)
struct SingleServerTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    func waitForLeader(_ node: MetaProcess) async throws {
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
    }

    func createDatabase(_ name: String, on node: MetaProcess) async throws -> UInt64 {
        let reply = try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"\#(name)"}"#.utf8)
        )
        #expect(reply.status == 200, "\(reply.text)")
        return try reply.decode(ExecuteAnswer.self).index
    }

    struct ExecuteAnswer: Decodable { var index: UInt64 }

    @Test("show lists the node in the installation guide's format")
    func show() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let shown = try await eventually("show to list the node") {
            let result = try await runCommand(Binaries.ctl, ["-bind", node.httpAddress, "show"])
            return result.stdout.contains(node.httpAddress) ? result : nil
        }
        #expect(shown.status == 0)
        #expect(shown.stdout == "Meta Nodes\n==========\nTCP Address\n\(node.httpAddress)\n")
        let after = try await runCommand(Binaries.ctl, ["show", "-bind", node.httpAddress])
        #expect(after.stdout == shown.stdout)
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("acknowledged databases survive kill -9 and restart, and the node leads again")
    func killAndRestart() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        var lastIndex: UInt64 = 0
        for i in 0..<25 { lastIndex = try await createDatabase("db\(i)", on: node) }
        await node.stop(signal: SIGKILL)

        try node.start()
        try await waitForLeader(node)
        let data = try await eventually("the log to be applied again") {
            let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
            return data.index >= lastIndex ? data : nil
        }
        #expect(data.databases.count == 25)
        #expect(data.metaNodes.map(\.id) == [1])
        let next = try await createDatabase("after-restart", on: node)
        #expect(next > lastIndex)
        #expect(await node.stop(signal: SIGTERM) == 0)

        try node.start()
        try await waitForLeader(node)
        let again = try await eventually("state after a clean restart") {
            let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
            return data.index >= next ? data : nil
        }
        #expect(again.databases.count == 26)
        await node.stop()
    }

    @Test("a node without state waits un-joined")
    func unjoined() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start()
        let status = try await eventually("the API to answer") { try? await client.get(node.httpAddress, "/status") }
        #expect(status.text.contains(#""leader":"""#))
        #expect(status.text.contains(#""peers":null"#))
        let write = try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"x"}"#.utf8)
        )
        #expect(write.status == 503)
        #expect(write.errorMessage?.contains("not part of a cluster") == true)
        #expect(node.log.contains("influxd-ctl add-meta 127.0.0.1:\(node.httpPort)"))
        await node.stop()
    }

    @Test("bad API bodies get 400 with a reason, and change nothing")
    func badBodies() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let index = try await createDatabase("keep", on: node)
        let cases: [(String, String)] = [
            ("not json", "invalid command: body is not valid JSON"),
            (#"{"type":"create-database"}"#, #"invalid command: missing field "name""#),
            (#"{"type":"create-database","name":""}"#, "database name must not be empty"),
            (
                #"{"type":"create-meta-node","httpAddr":"x:1","tcpAddr":"x:2","rand":1}"#,
                "create-meta-node is not accepted by /execute; use influxd-ctl add-meta or remove-meta"
            ),
        ]
        var requestIDs: Set<String> = []
        for (body, message) in cases {
            let reply = try await client.post(node.httpAddress, "/execute", json: Array(body.utf8))
            #expect(reply.status == 400)
            #expect(reply.errorMessage == message)
            // Refusals carry the common headers too, with a fresh request id each.
            #expect(reply.header("X-Influxdb-Version") == MetaBuild.version)
            let requestID = reply.header("Request-Id") ?? ""
            #expect(
                requestID.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
            )
            requestIDs.insert(requestID)
        }
        #expect(requestIDs.count == cases.count)
        let huge = try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(repeating: UInt8(ascii: " "), count: 2 << 20)
        )
        #expect(huge.status == 413)
        let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
        #expect(data.index == index)
        #expect(data.databases.map(\.name) == ["keep"])
        await node.stop()
    }

    @Test("a forged POST /reset is refused and wipes nothing")
    func forgedReset() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        _ = try await createDatabase("precious", on: node)
        let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
        let forged = #"{"id":\#(status.id ?? 0),"clusterID":\#(status.clusterID ?? 0)}"#
        let reply = try await client.post(node.httpAddress, "/reset", json: Array(forged.utf8))
        #expect(reply.status == 409)
        #expect(reply.errorMessage?.contains("no member of cluster") == true)
        let data = try await client.get(node.httpAddress, "/").decode(MetaData.self)
        #expect(data.database(named: "precious") != nil)
        #expect(FileManager.default.fileExists(atPath: "\(node.root)/meta/node.json"))
        await node.stop()
    }

    @Test("the long poll answers once the index passes the one asked for")
    func longPoll() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let index = try await createDatabase("a", on: node)
        let poll = Task { try await client.get(node.httpAddress, "/?index=\(index)").decode(MetaData.self) }
        _ = try await createDatabase("b", on: node)
        let data = try await poll.value
        #expect(data.index > index)
        #expect(data.database(named: "b") != nil)
        await node.stop()
    }

    @Test("process title, pidfile, SIGHUP survived and graceful stop")
    func processShape() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        let pidfile = "\(node.root)/influxd-meta.pid"
        try node.start(["-single-server", "-pidfile", pidfile])
        try await waitForLeader(node)
        let pid = try #require(node.pid)
        let cmdline = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
            .split(separator: "\0").map(String.init)
        #expect(
            cmdline.prefix(3).map { ($0 as NSString).lastPathComponent } == [
                "influxd-meta", "-config", "influxdb-meta.conf",
            ]
        )
        #expect(try String(contentsOfFile: pidfile, encoding: .utf8) == "\(pid)\n")
        // A reload signal (systemd's ExecReload, logrotate) never ends the node, licensed or not.
        kill(pid, SIGHUP)
        _ = try await createDatabase("after-sighup", on: node)
        #expect(node.pid == pid)
        #expect(await node.stop(signal: SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: pidfile))
        #expect(node.log.contains("influxd-meta stopped"))
    }
}

@Suite("Operator mistakes get one clear line")
struct OperatorErrorTests {
    @Test("a bad config exits 1 before anything starts, naming the file and key")
    func badConfig() async throws {
        let root = try makeTemporaryDirectory()
        let path = "\(root)/bad.conf"
        try "[meta]\nelection-timeout = \"ten\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runCommand(Binaries.meta, ["-config", path])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "influxd-meta: \(path): [meta] election-timeout: invalid duration \"ten\" (use Go syntax such as \"1s\" or \"500ms\")\n"
        )
    }

    @Test("a TOML syntax error names the line and column")
    func syntax() async throws {
        let root = try makeTemporaryDirectory()
        let path = "\(root)/bad.conf"
        try "hostname = \"a\"\n[meta]\ndir = \n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runCommand(Binaries.meta, ["config", "-config", path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("influxd-meta: \(path) line 3, column"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("a missing -config file exits 1")
    func missingFile() async throws {
        let result = try await runCommand(Binaries.meta, ["-config", "/nonexistent/influxdb-meta.conf"])
        #expect(result.status == 1)
        #expect(result.stderr == "influxd-meta: open /nonexistent/influxdb-meta.conf: no such file or directory\n")
    }

    @Test("a Raft or HTTP port already in use exits 1 naming the key, the address and what to do")
    func portInUse() async throws {
        let first = try MetaProcess(root: try makeTemporaryDirectory())
        try first.start(["-single-server"])
        _ = try await eventually("first node up") {
            try? await MetaClient().get(first.httpAddress, "/ping")
        }
        let root = try makeTemporaryDirectory()
        let path = "\(root)/clash.conf"
        let license = "[enterprise]\n" + (try DevelopmentLicense.shared.configLines)
        try
            "\(license)[meta]\ndir = \"\(root)/meta\"\nbind-address = \"127.0.0.1:\(first.raftPort)\"\nhttp-bind-address = \"127.0.0.1:\(freePort())\"\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runCommand(Binaries.meta, ["-config", path, "-single-server"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("influxd-meta: ") }
        #expect(
            lines == [
                "influxd-meta: [meta] bind-address = \"127.0.0.1:\(first.raftPort)\": the address is already in use: another process (perhaps another influxd-meta) listens there; stop it, or set [meta] bind-address to a free port"
            ]
        )

        // The same for the HTTP API's port, once Raft has started (and is stopped again).
        let httpClash = "\(root)/http-clash.conf"
        try
            "\(license)[meta]\ndir = \"\(root)/meta2\"\nbind-address = \"127.0.0.1:\(freePort())\"\nhttp-bind-address = \"127.0.0.1:\(first.httpPort)\"\n"
            .write(toFile: httpClash, atomically: true, encoding: .utf8)
        let http = try await runCommand(Binaries.meta, ["-config", httpClash, "-single-server"])
        #expect(http.status == 1)
        #expect(
            http.stderr.split(separator: "\n").filter { $0.hasPrefix("influxd-meta: ") } == [
                "influxd-meta: [meta] http-bind-address = \"127.0.0.1:\(first.httpPort)\": the address is already in use: another process (perhaps another influxd-meta) listens there; stop it, or set [meta] http-bind-address to a free port"
            ]
        )
        await first.stop()
    }

    @Test("config prints the effective configuration, environment included")
    func printConfig() async throws {
        let root = try makeTemporaryDirectory()
        let path = "\(root)/m.conf"
        try "hostname = \"enterprise-meta-01\"\n[meta]\ndir = \"/data/meta\"\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        var environment = ProcessInfo.processInfo.environment
        environment["INFLUXDB_META_ELECTION_TIMEOUT"] = "2s"
        let result = try await runCommand(Binaries.meta, ["config", "-config", path], environment: environment)
        #expect(result.status == 0)
        #expect(result.stdout.contains("hostname = \"enterprise-meta-01\""))
        #expect(result.stdout.contains("dir = \"/data/meta\""))
        #expect(result.stdout.contains("election-timeout = \"2s\""))
        #expect(result.stdout.contains("http-bind-address = \":8091\""))
        let reparsed = try ConfigLoader.parse(result.stdout, file: "printed", environment: [:])
        #expect(reparsed.config.meta.dir == "/data/meta")
        #expect(reparsed.warnings.isEmpty)
    }

    @Test("ctl names an unreachable node and exits 1")
    func unreachable() async throws {
        let port = freePort()
        let result = try await runCommand(Binaries.ctl, ["-bind", "127.0.0.1:\(port)", "show"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "show: operation exited with error: cannot reach 127.0.0.1:\(port): connection refused (is influxd-meta running there? pick another node with -bind host:8091)\n"
        )
        #expect(result.stdout.isEmpty)
    }

    @Test("ctl rejects a bad -timeout")
    func badTimeout() async throws {
        let result = try await runCommand(Binaries.ctl, ["-timeout", "soon", "show"])
        #expect(result.status == 1)
        #expect(
            result.stderr == "show: -timeout: invalid duration \"soon\" (use Go syntax such as \"10s\" or \"1m0s\")\n"
        )
    }
}
