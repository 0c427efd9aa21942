import Foundation
import MetaKernel
import TestSupport
import Testing

/// `license-key` through the built binaries, against a real `influx-license serve` process.
@Suite("license key against influx-license serve", .serialized)
struct LicenseKeyClusterTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    /// A node with `key`, the server's URL and issuer, a 1 s refresh, a `grace` grace period and
    /// `enterprise`, more lines of that table.
    func node(
        _ server: LicenseServerProcess,
        key: String,
        grace: String = "4h",
        meta: String = "",
        enterprise: String = ""
    ) throws -> MetaProcess {
        try MetaProcess(
            root: try makeTemporaryDirectory(),
            extraConfig: """

                [enterprise]
                license-key = "\(key)"
                license-server-url = "\(server.url)"
                license-issuer-keys = ["\(server.issuerPublicKey)"]
                license-refresh-interval = "1s"
                license-grace-period = "\(grace)"
                \(enterprise)

                """,
            metaExtraConfig: meta
        )
    }

    func createDatabase(_ name: String, on node: MetaProcess) async throws -> MetaClient.Reply {
        try await client.post(
            node.httpAddress,
            "/execute",
            json: Array(#"{"type":"create-database","name":"\#(name)"}"#.utf8)
        )
    }

    func waitForLeader(_ node: MetaProcess) async throws {
        do {
            _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
                let status = try await client.get(node.httpAddress, "/status").decode(ClusterStatus.self)
                return status.leader.isEmpty ? nil : status
            }
        } catch {
            Issue.record("\(node.root) log:\n\(node.log.suffix(3000))")
            throw error
        }
    }

    func waitForLog(_ node: MetaProcess, _ text: String) async throws {
        _ = try await eventually("\(node.root) to log \(text)", timeout: .seconds(20)) {
            node.log.contains(text) ? true : nil
        }
    }

    @Test("a known key: the node starts, takes writes and caches the license (0600)")
    func validKey() async throws {
        let server = try await LicenseServerProcess()
        try await server.start()
        let node = try node(server, key: LicenseServerProcess.knownKey)
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("licensed", on: node).status == 200)
        #expect(node.log.contains("license valid until"))
        let cache = "\(node.root)/meta/license-cache.json"
        let mode = try? FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int
        #expect(
            mode == 0o600,
            "\(cache) \((try? FileManager.default.contentsOfDirectory(atPath: "\(node.root)/meta")) ?? [])"
        )
        await node.stop()
        await server.stop()
    }

    /// (Test nodes log at debug level.)
    @Test("at debug level the logged service list names no license key and no registration token")
    func secretsStayOutOfDebugLogs() async throws {
        let server = try await LicenseServerProcess()
        try await server.start()
        let node = try node(
            server,
            key: LicenseServerProcess.knownKey,
            enterprise: """
                registration-enabled = true
                registration-server-url = "http://127.0.0.1:9"
                registration-token = "registration-token-kept-secret"
                """
        )
        try node.start(["-single-server"])
        try await waitForLeader(node)
        try await waitForLog(node, "sl-services=")
        try await waitForLog(node, "RegistrationService")
        #expect(!node.log.contains(LicenseServerProcess.knownKey))
        #expect(!node.log.contains("registration-token-kept-secret"))
        await node.stop()
        await server.stop()
    }

    @Test("a revoked key stops start-up with the server's reason, exit 1")
    func rejectedKey() async throws {
        let server = try await LicenseServerProcess()
        try await server.start()
        let node = try node(server, key: LicenseServerProcess.revokedKey)
        try node.start(["-single-server"])
        _ = try await eventually("\(node.root) to stop") { node.pid == nil ? true : nil }
        #expect(await node.waitForExit() == 1)
        let line =
            "influxd-meta: [enterprise] license-key: the license server \(server.url) "
            + "refused the key: license key \(LicenseServerProcess.revokedKey) is revoked"
        #expect(node.log.contains(line), "\(node.log)")
        await server.stop()
    }

    @Test("server down at start: grace, writes go on; grace ends: 403, reads go on; server back: writes again")
    func graceThenRecovery() async throws {
        let server = try await LicenseServerProcess()
        let node = try node(server, key: LicenseServerProcess.knownKey, grace: "8s")
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("in-grace", on: node).status == 200)
        #expect(node.log.contains("license in its grace period until"), "\(node.log)")
        #expect(node.log.contains("the license server \(server.url) cannot be reached ("))
        #expect(node.log.contains("set [enterprise] license-server-url to a license server this node can reach"))

        _ = try await eventually("writes refused after the grace period", timeout: .seconds(20)) {
            let reply = try await createDatabase("refused", on: node)
            return reply.status == 403 ? reply : nil
        }
        #expect(try await client.get(node.httpAddress, "/status").status == 200)
        #expect(node.log.contains("license not valid: the grace period ended at"))

        try await server.start()
        _ = try await eventually("writes again once the server answers", timeout: .seconds(20)) {
            try await createDatabase("recovered", on: node).status == 200 ? true : nil
        }
        await node.stop()
        await server.stop()
    }

    @Test("server down later: the cached license holds, across a restart too")
    func serverDownLater() async throws {
        let server = try await LicenseServerProcess()
        try await server.start()
        let node = try node(server, key: LicenseServerProcess.knownKey, grace: "1s")
        try node.start(["-single-server"])
        try await waitForLeader(node)
        await server.stop()
        try await waitForLog(node, "the license server \(server.url) cannot be reached; the cached license holds")
        #expect(try await createDatabase("cached", on: node).status == 200)

        await node.stop()
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("cached-after-restart", on: node).status == 200)
        #expect(!node.log.contains("grace period"), "\(node.log)")
        await node.stop()
    }

    @Test("a key revoked while the node runs: writes refused with 403 naming the server's reason, reads go on")
    func revokedWhileRunning() async throws {
        let server = try await LicenseServerProcess()
        try await server.start()
        let node = try node(server, key: LicenseServerProcess.knownKey)
        try node.start(["-single-server"])
        try await waitForLeader(node)
        #expect(try await createDatabase("before", on: node).status == 200)

        await server.stop()
        try server.writeKeys(revokingKnownKey: true)
        try await server.start()
        let refused = try await eventually("writes refused once the key is revoked", timeout: .seconds(20)) {
            let reply = try await createDatabase("after", on: node)
            return reply.status == 403 ? reply : nil
        }
        #expect(refused.text.contains("license key \(LicenseServerProcess.knownKey) is revoked"), "\(refused.text)")
        #expect(try await client.get(node.httpAddress, "/status").status == 200)
        await node.stop()
        await server.stop()
    }

    @Test("over HTTPS: the node trusts the server through [meta] https-certificate; without it, grace")
    func https() async throws {
        let server = try await LicenseServerProcess()
        let (cert, key) = try await makeSelfSignedCertificate(in: server.dir, name: "server")
        server.certificate = (cert, key)
        try await server.start()
        #expect(server.url.hasPrefix("https://"))

        let trusting = try node(server, key: LicenseServerProcess.knownKey, meta: "https-certificate = \"\(cert)\"\n")
        try trusting.start(["-single-server"])
        try await waitForLeader(trusting)
        #expect(trusting.log.contains("license valid until"), "\(trusting.log)")
        await trusting.stop()

        let untrusting = try node(server, key: LicenseServerProcess.knownKey)
        try untrusting.start(["-single-server"])
        try await waitForLeader(untrusting)
        #expect(untrusting.log.contains("license in its grace period until"), "\(untrusting.log)")
        await untrusting.stop()
        await server.stop()
    }
}
