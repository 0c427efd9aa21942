import Foundation
import MetaKernel
import TestSupport
import Testing

/// `license-path` through the built binaries: `influx-license` makes the issuer and the
/// license, `influxd-meta` starts with it, refuses to start without a good one, and turns
/// writes off and on again as the file or the issuer key changes and SIGHUP arrives.
@Suite("license file from the built binaries", .serialized)
struct LicenseFileClusterTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    /// A folder with an issuer key pair made by `influx-license keygen`.
    struct Issuer {
        let dir: String
        var privateKey: String { "\(dir)/keys/issuer.key.pem" }
        var publicKey: String { "\(dir)/keys/issuer.pub.pem" }

        init() async throws {
            dir = try makeTemporaryDirectory("issuer")
            let made = try await runCommand(Binaries.license, ["keygen", "-out", "\(dir)/keys"])
            #expect(made.status == 0, "\(made.stderr)")
        }

        /// Runs `influx-license issue` into `out`.
        func issue(to out: String, _ extra: [String] = []) async throws {
            let base = ["issue", "-key", privateKey, "-org", "Acme", "-data-nodes", "4", "-cores", "8", "-out", out]
            let defaults = extra.contains("-expires") ? [] : ["-expires", "2099-01-01"]
            let result = try await runCommand(Binaries.license, base + defaults + extra)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    func node(license: String, keys: [String]) throws -> MetaProcess {
        let list = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        return try MetaProcess(
            root: try makeTemporaryDirectory(),
            extraConfig: "\n[enterprise]\nlicense-path = \"\(license)\"\nlicense-issuer-keys = [\(list)]\n"
        )
    }

    func createDatabase(_ name: String, on node: MetaProcess) async throws -> MetaClient.Reply {
        try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"\#(name)"}"#.utf8)
        )
    }

    /// Waits, with a deadline, until `node` has exited by itself.
    func waitForExit(_ node: MetaProcess) async throws {
        _ = try await eventually("\(node.root) to stop") { node.pid == nil ? true : nil }
    }

    func waitForLeader(_ node: MetaProcess) async throws {
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
    }

    @Test("keygen, issue and inspect; a node with the license starts and takes writes")
    func startsWithLicense() async throws {
        let issuer = try await Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license, ["-key-id", "0f5d7de6-f5f9-4e96-9611-5ee3212cae34"])
        let key = try FileManager.default.attributesOfItem(atPath: issuer.privateKey)[.posixPermissions] as? Int
        #expect(key == 0o600)
        let inspected = try await runCommand(Binaries.license, ["inspect", license, "-issuer-keys", issuer.publicKey])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("key:              0f5d7de6-f5f9-4e96-9611-5ee3212cae34\n"))
        #expect(inspected.stdout.contains("expires_at:       2099-01-01T00:00:00Z\n"))
        #expect(inspected.stdout.contains("influx_machines:  4\n"))
        let unverified = try await runCommand(Binaries.license, ["inspect", license])
        #expect(unverified.status == 1)
        #expect(unverified.stderr.hasPrefix("influx-license: \(license): untrusted issuer: signed by issuer key "))

        let node = try node(license: license, keys: [issuer.publicKey])
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("licensed", on: node).status == 200)
        #expect(node.log.contains("license valid until 2099-01-01T00:00:00Z"))
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    /// How each bad license is made, and the reason start-up prints after the file's name.
    enum Refusal: String, CaseIterable, CustomTestStringConvertible {
        case tampered, untrusted, expired, notYetValid, notJSON, keyInFile, keyAsPath, missing
        var testDescription: String { rawValue }
    }

    @Test("each bad license stops start-up with exit 1 and its one line", arguments: Refusal.allCases)
    func refusal(_ refusal: Refusal) async throws {
        let issuer = try await Issuer()
        var license = "\(issuer.dir)/license.json"
        var keys = [issuer.publicKey]
        let reason: String
        switch refusal {
        case .tampered:
            try await issuer.issue(to: license)
            let text = try String(contentsOfFile: license, encoding: .utf8)
            try text.replacingOccurrences(of: #""influx_machines":"4""#, with: #""influx_machines":"9""#)
                .write(toFile: license, atomically: true, encoding: .utf8)
            reason = "bad signature: the content does not match its signature by issuer key"
        case .untrusted:
            try await issuer.issue(to: license)
            let other = try await Issuer()
            keys = [other.publicKey]
            reason = "untrusted issuer: signed by issuer key"
        case .expired:
            try await issuer.issue(to: license, ["-expires", "2020-01-01", "-not-before", "2019-01-01"])
            reason = "expired on 2020-01-01T00:00:00Z; install a renewed license file and send SIGHUP"
        case .notYetValid:
            try await issuer.issue(to: license, ["-not-before", "2098-01-01"])
            reason = "not yet valid: valid from 2098-01-01T00:00:00Z; check the clock or wait until then"
        case .notJSON:
            try "license = yes\n".write(toFile: license, atomically: true, encoding: .utf8)
            reason = "not JSON; a license file is the JSON that influx-license issue writes"
        case .keyInFile:
            try "0f5d7de6-f5f9-4e96-9611-5ee3212cae34\n".write(toFile: license, atomically: true, encoding: .utf8)
            reason =
                "this is a license key, not a license file; set it as [enterprise] license-key instead and remove license-path"
        case .keyAsPath:
            license = "0f5d7de6-f5f9-4e96-9611-5ee3212cae34"
            reason =
                "this is a license key, not a license file; set it as [enterprise] license-key instead and remove license-path"
        case .missing:
            license = "\(issuer.dir)/none.json"
            reason = "no such file or directory"
        }
        let node = try node(license: license, keys: keys)
        try node.start(["-single-server"])
        try await waitForExit(node)
        #expect(await node.waitForExit() == 1)
        let name = refusal == .keyAsPath ? "" : " \(license)"
        let line = node.log.split(separator: "\n").first { $0.hasPrefix("influxd-meta: [enterprise] license-path") }
        #expect(line?.hasPrefix("influxd-meta: [enterprise] license-path\(name): \(reason)") == true, "\(node.log)")
        #expect(!FileManager.default.fileExists(atPath: "\(node.root)/meta/raft"))
    }

    @Test(
        "a license file the node's user cannot read stops start-up with the system's reason and the user",
        .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"))
    )
    func unreadable() async throws {
        let issuer = try await Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license)
        chmod(license, 0o600)
        chmod(issuer.dir, 0o755)
        let node = try node(license: license, keys: [issuer.publicKey])
        chmod(node.root, 0o777)
        try node.start(
            ["-single-server"],
            under: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        )
        try await waitForExit(node)
        #expect(await node.waitForExit() == 1)
        #expect(
            node.log.contains(
                "influxd-meta: [enterprise] license-path \(license): permission denied for user nobody (the node's user); make the file readable by it\n"
            ),
            "\(node.log)"
        )
    }

    @Test("an expired license and SIGHUP refuse writes with 403 and keep reads; a valid one and SIGHUP restore them")
    func reloadOnSIGHUP() async throws {
        let issuer = try await Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license)
        let node = try node(license: license, keys: [issuer.publicKey])
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("before", on: node).status == 200)
        let pid = try #require(node.pid)

        try await issuer.issue(to: license, ["-expires", "2020-01-01", "-not-before", "2019-01-01"])
        kill(pid, SIGHUP)
        let refused = try await eventually("writes to be refused") {
            let reply = try await createDatabase("refused", on: node)
            return reply.status == 403 ? reply : nil
        }
        #expect(refused.errorMessage?.contains("expired on 2020-01-01T00:00:00Z") == true, "\(refused.text)")
        #expect(try await client.get(node.httpAddress, "/").status == 200)
        #expect(try await client.get(node.httpAddress, "/status").status == 200)

        try await issuer.issue(to: license)
        kill(pid, SIGHUP)
        _ = try await eventually("writes to work again") {
            try await createDatabase("after", on: node).status == 200 ? true : nil
        }
        #expect(node.log.contains("license not valid: [enterprise] license-path \(license): expired on"))
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("SIGHUP re-reads the issuer keys too: a replaced key refuses writes, the right one restores them")
    func issuerKeyReloadNeedsSIGHUP() async throws {
        let issuer = try await Issuer()
        let license = "\(issuer.dir)/license.json"
        try await issuer.issue(to: license)
        let trusted = "\(issuer.dir)/trusted.pub.pem"
        try FileManager.default.copyItem(atPath: issuer.publicKey, toPath: trusted)
        let node = try node(license: license, keys: [trusted])
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let pid = try #require(node.pid)

        // The license file does not change, so only SIGHUP can make the node see the new key.
        let other = try await Issuer()
        try FileManager.default.removeItem(atPath: trusted)
        try FileManager.default.copyItem(atPath: other.publicKey, toPath: trusted)
        kill(pid, SIGHUP)
        let refused = try await eventually("writes to be refused") {
            let reply = try await createDatabase("refused", on: node)
            return reply.status == 403 ? reply : nil
        }
        #expect(refused.errorMessage?.contains("untrusted issuer") == true, "\(refused.text)")

        try FileManager.default.removeItem(atPath: trusted)
        try FileManager.default.copyItem(atPath: issuer.publicKey, toPath: trusted)
        kill(pid, SIGHUP)
        _ = try await eventually("writes to work again") {
            try await createDatabase("after", on: node).status == 200 ? true : nil
        }
        #expect(await node.stop(signal: SIGTERM) == 0)
    }
}
