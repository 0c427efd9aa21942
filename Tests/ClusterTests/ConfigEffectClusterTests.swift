import Foundation
import MetaKernel
import TestSupport
import Testing

/// What the built `influxd-meta` does with keys it does not honour, with `cluster-tracing`, and
/// with secrets in `influxd-meta config`.
@Suite("Config keys through the built binary", .serialized)
struct ConfigEffectClusterTests {
    @Test("keys without effect are named once at start-up; cluster-tracing logs each request")
    func startUpWarningsAndTracing() async throws {
        let node = try MetaProcess(
            root: try makeTemporaryDirectory(),
            metaExtraConfig: """
                ldap-allowed = true
                commit-timeout = "100ms"
                shared-secret = "do-not-log-me"
                cluster-tracing = true
                """
        )
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("the node to answer") { try? await client.get(node.httpAddress, "/status") }
        let traced = try await eventually("a trace line for GET /status") {
            node.log.split(separator: "\n").first { $0.contains("\"GET /status HTTP/1.1\" 200 ") }
        }
        #expect(traced.contains("127.0.0.1 - - ["))
        #expect(traced.hasSuffix("us"))
        let log = node.log
        #expect(log.components(separatedBy: "[meta] ldap-allowed = true has no effect yet").count == 2)
        #expect(log.components(separatedBy: "[meta] commit-timeout = \"100ms\" has no effect in this build").count == 2)
        #expect(!log.contains("[meta] shared-secret is set has no effect"))
        #expect(!log.contains("do-not-log-me"))
        #expect(!log.contains("election-timeout = "))
        await node.stop(signal: SIGTERM)
    }

    @Test("without cluster-tracing no request is logged")
    func noTracingByDefault() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        let client = MetaClient(configuration: .init(timeout: .seconds(5)))
        _ = try await eventually("the node to answer") { try? await client.get(node.httpAddress, "/status") }
        _ = try await client.get(node.httpAddress, "/status")
        await node.stop(signal: SIGTERM)
        #expect(!node.log.contains("HTTP/1.1\""))
        // The harness's leader-lease-timeout (kept no longer than its heartbeat-timeout, as
        // Enterprise requires) is the only key it sets without effect.
        let named = node.log.split(separator: "\n").filter { $0.contains("has no effect") }
        #expect(named.count == 1)
        #expect(named.first?.contains("[meta] leader-lease-timeout = \"250ms\"") == true)
    }

    @Test("influxd-meta config masks secrets unless -show-secrets")
    func maskedConfig() async throws {
        let root = try makeTemporaryDirectory()
        let path = "\(root)/m.conf"
        try """
        [enterprise]
        license-key = "key-0000"
        [meta]
        shared-secret = "public-jwt"
        internal-shared-secret = "node-to-node"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let masked = try await runCommand(Binaries.meta, ["config", "-config", path])
        #expect(masked.status == 0)
        for secret in ["key-0000", "public-jwt", "node-to-node"] { #expect(!masked.stdout.contains(secret)) }
        #expect(masked.stdout.contains("internal-shared-secret = \"\(MetaConfig.maskedSecret)\""))
        let shown = try await runCommand(Binaries.meta, ["config", "-config", path, "-show-secrets"])
        #expect(shown.status == 0)
        for secret in ["key-0000", "public-jwt", "node-to-node"] { #expect(shown.stdout.contains(secret)) }
    }
}
