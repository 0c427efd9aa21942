import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-ctl verify`: the installation guide's ping step, against running nodes.
@Suite("influxd-ctl verify", .serialized)
struct VerifyTests {
    /// A hosts file of the test's own, named by `[discovery] hosts-file` in every node's config.
    static func hostsFile(_ text: String) throws -> (path: String, extraConfig: String) {
        let path = "\(try makeTemporaryDirectory("verify-hosts"))/hosts"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, "[discovery]\nhosts-file = \"\(path)\"\n")
    }

    /// A socket listening on `127.0.0.1:port` that never accepts: connections complete, then
    /// hear nothing.
    static func silentListener(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard fd >= 0, bound, listen(fd, 8) == 0 else {
            close(fd)
            throw ListenError(description: "cannot listen on 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    /// The table row whose Name cell is `name`.
    static func row(_ name: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init)
    }

    @Test("three nodes pass; a stopped node and a name that does not resolve fail with a hint")
    func threeNodes() async throws {
        let (hosts, extra) = try Self.hostsFile("127.0.0.1 localhost\n")
        let cluster = try TestCluster(count: 3, extraConfig: extra)
        try await cluster.startAll()
        try await cluster.joinAll()
        let first = cluster.nodes[0]
        let verify = ["-config", first.configPath, "-bind", first.httpAddress, "verify"]

        let passed = try await ctl(verify)
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        let lines = passed.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(passed.stdout)")
        #expect(
            lines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                "Name", "Address", "HTTP", "Raft", "Cluster", "Result",
            ]
        )
        let clusterID = try #require(try await cluster.status(first).clusterID)
        for node in cluster.nodes {
            let cells = Self.row(node.httpAddress, in: passed.stdout)?.split(separator: " ") ?? []
            #expect(
                cells == ["\(node.httpAddress)", "127.0.0.1", "ok", "ok", "\(clusterID)", "ok"],
                "\(passed.stdout)"
            )
        }

        await cluster.nodes[2].stop()
        let stopped = try await ctl(verify)
        #expect(stopped.status == 1)
        #expect(stopped.stderr == "verify: 1 of 3 meta peers failed\n")
        let third = cluster.nodes[2]
        #expect(
            Self.row(third.httpAddress, in: stopped.stdout)?.hasSuffix(
                "FAILED: connection refused on 127.0.0.1:\(third.httpPort): is influxd-meta running there?"
            ) == true,
            "\(stopped.stdout)"
        )
        #expect(Self.row(cluster.nodes[1].httpAddress, in: stopped.stdout)?.hasSuffix(" ok") == true)

        let unknown = try await ctl(verify + ["nosuch-meta:8091", cluster.nodes[1].httpAddress])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.split(separator: "\n").count == 3)
        #expect(
            Self.row("nosuch-meta:8091", in: unknown.stdout)?.hasSuffix(
                "FAILED: cannot resolve \"nosuch-meta\": it is not in \(hosts) (static-hosts discovery); add a line \"<IP> nosuch-meta\" there on every meta server"
            ) == true,
            "\(unknown.stdout)"
        )
        #expect(Self.row(cluster.nodes[1].httpAddress, in: unknown.stdout)?.hasSuffix(" ok") == true)
        await cluster.stopAll()
    }

    @Test("a node advertising another name than the one asked fails; peers come from the hosts file")
    func hostnameMismatch() async throws {
        let (_, extra) = try Self.hostsFile("127.0.0.1 localhost\n127.0.0.1 meta-asked\n127.0.0.1 meta-configured\n")
        let root = try makeTemporaryDirectory("verify-mismatch")
        let node = try MetaProcess(root: root, hostname: "meta-configured", extraConfig: extra, wildcardHTTP: true)
        try node.start()
        defer { _ = node.pid.map { kill($0, SIGKILL) } }
        let asked = "meta-asked:\(node.httpPort)"
        _ = try await eventually("the node to answer") {
            try? await MetaClient().get(node.httpAddress, "/ping")
        }
        let result = try await ctl(["-config", node.configPath, "verify", asked])
        #expect(result.status == 1)
        #expect(
            Self.row(asked, in: result.stdout)?.hasSuffix(
                "FAILED: it advertises meta-configured:\(node.httpPort), not \(asked): check hostname in its config, or the line for meta-asked in the hosts file"
            ) == true,
            "\(result.stdout)"
        )
        // Un-joined, reachable and asked by its own name: passes, with no cluster and no Raft
        // port yet (a node opens it once joined).
        let named = "meta-configured:\(node.httpPort)"
        let right = try await ctl(["-config", node.configPath, "verify", named])
        #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
        let cells = Self.row(named, in: right.stdout)?.split(separator: " ") ?? []
        #expect(cells == ["\(named)", "127.0.0.1", "ok", "-", "none", "ok"], "\(right.stdout)")
        await node.stop()
    }

    @Test("over TLS: HTTPS and the Raft port's handshake are checked, and the nodes log no warning")
    func tls() async throws {
        let dir = try makeTemporaryDirectory("verify-tls")
        let (cert, key) = try await makeSelfSignedCertificate(in: dir, name: "meta")
        let (_, extra) = try Self.hostsFile("127.0.0.1 localhost\n")
        let cluster = try TestCluster(
            count: 3,
            extraConfig: extra,
            metaExtraConfig: "https-enabled = true\nhttps-certificate = \"\(cert)\"\nhttps-private-key = \"\(key)\"\n"
        )
        for node in cluster.nodes { try node.start() }
        let first = cluster.nodes[0]
        let config = ["-config", first.configPath, "-bind", first.httpAddress]
        for node in cluster.nodes {
            _ = try await eventually("\(node.httpAddress) to answer over TLS") {
                let result = try await ctl(config + ["verify", node.httpAddress])
                return result.status == 0 ? true : nil
            }
        }
        for node in cluster.nodes {
            let joined = try await ctl(config + ["join", node.httpAddress])
            #expect(joined.status == 0, "\(joined.stderr)")
        }
        let logged = cluster.nodes.map { $0.log.count }
        let passed = try await ctl(config + ["verify"])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        for node in cluster.nodes {
            let cells = Self.row(node.httpAddress, in: passed.stdout)?.split(separator: " ") ?? []
            #expect(cells.count == 6 && cells[2] == "ok" && cells[3] == "ok" && cells[5] == "ok", "\(passed.stdout)")
        }
        for (node, offset) in zip(cluster.nodes, logged) {
            let since = String(node.log.dropFirst(offset))
            // StreamLogHandler's lines: a timestamp, then the level.
            let loud = since.split(separator: "\n").filter { line in
                ["warning", "error", "critical"].contains(line.split(separator: " ").dropFirst().first ?? "")
            }
            #expect(loud.isEmpty, "\(node.root): \(loud)")
        }

        // A Raft port that accepts TCP but never answers the TLS handshake is not "ok".
        let third = cluster.nodes[2]
        await third.stop()
        let silent = try Self.silentListener(port: third.raftPort)
        defer { close(silent) }
        let mute = try await ctl(config + ["-timeout", "2s", "verify"])
        #expect(mute.status == 1)
        let cells = Self.row(third.httpAddress, in: mute.stdout)?.split(separator: " ") ?? []
        #expect(cells.count > 4 && cells[2] == "refused" && cells[3] == "timeout", "\(mute.stdout)")

        // Without the node's configuration the certificate is not trusted: a TLS failure.
        let untrusted = try await ctl(["-config", "/dev/null", "-bind-tls", "verify", first.httpAddress])
        #expect(untrusted.status == 1)
        let row = Self.row(first.httpAddress, in: untrusted.stdout) ?? ""
        #expect(row.contains(" TLS error ") && row.contains("certificate verify failed"), "\(untrusted.stdout)")
        await cluster.stopAll()
    }
}

/// A test could not listen where it needed to.
struct ListenError: Error, CustomStringConvertible {
    var description: String
}

/// Rows whose HTTP answer is a meta node's but whose Raft port or cluster id is wrong, from
/// stand-ins that answer `/status` with what the test chooses.
@Suite("influxd-ctl verify: Raft port and cluster id")
struct VerifyStandInTests {
    /// A stand-in advertising its own address, Raft at `raftPort`, in cluster `clusterID`.
    static func standIn(raftPort: Int, clusterID: UInt64) throws -> RecordingHTTPServer {
        try RecordingHTTPServer { port in
            """
            {"nodeType":"meta","leader":"127.0.0.1:\(raftPort)","httpAddr":"127.0.0.1:\(port)",\
            "raftAddr":"127.0.0.1:\(raftPort)","peers":["127.0.0.1:\(raftPort)"],"clusterID":\(clusterID)}
            """
        }
    }

    @Test("a closed Raft port and a cluster id unlike the others' fail their rows")
    func raftAndCluster() async throws {
        let closed = freePort()
        let first = try Self.standIn(raftPort: closed, clusterID: 7)
        let second = try Self.standIn(raftPort: first.port, clusterID: 7)
        let third = try Self.standIn(raftPort: first.port, clusterID: 9)
        defer { for server in [first, second, third] { server.stop() } }
        let names = [first, second, third].map { "127.0.0.1:\($0.port)" }
        let result = try await ctl(["-config", "/dev/null", "verify"] + names)
        #expect(result.status == 1)
        #expect(result.stderr == "verify: 2 of 3 meta peers failed\n")
        #expect(
            VerifyTests.row(names[0], in: result.stdout)?.hasSuffix(
                " ok     refused   7         FAILED: Raft port: connection refused on 127.0.0.1:\(closed): is influxd-meta running there, with [meta] bind-address on this port?"
            ) == true,
            "\(result.stdout)"
        )
        #expect(VerifyTests.row(names[1], in: result.stdout)?.hasSuffix(" ok") == true, "\(result.stdout)")
        #expect(
            VerifyTests.row(names[2], in: result.stdout)?.hasSuffix(
                "FAILED: cluster id 9 differs from the others' (7): this node belongs to another cluster"
            ) == true,
            "\(result.stdout)"
        )
    }
}
