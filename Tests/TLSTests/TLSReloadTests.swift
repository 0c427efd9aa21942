import FoundationEssentials
import MetaKernel
import NIOCore
import NIOEmbedded
import Testing

@testable import TLS

/// ``OpenSSLTransport/reload()``: new connections get the new files, established ones keep
/// theirs, and files that do not load leave the old ones in use.
@Suite("TLS reload")
struct TLSReloadTests {
    static var fixtures: CertificateFixtures { .shared }

    /// A transport whose certificate and key live at `prefix.pem`/`prefix.key`, first copies of `name`.
    static func transport(_ prefix: String, startingWith name: String) throws -> OpenSSLTransport {
        try install(name, as: prefix)
        var config = MetaConfig()
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = fixtures.path("\(prefix).pem")
        config.meta.httpsPrivateKey = fixtures.path("\(prefix).key")
        return try OpenSSLTransport(config: config)
    }

    /// Copies fixture `name`'s certificate and key over `prefix.pem`/`prefix.key`.
    static func install(_ name: String, as prefix: String) throws {
        try fixtures.write("\(prefix).pem", String(decoding: try fixtures.contents("\(name).pem"), as: UTF8.self))
        try fixtures.write("\(prefix).key", String(decoding: try fixtures.contents("\(name).key"), as: UTF8.self))
    }

    @Test("after reload, new connections present the new certificate and an established one keeps working")
    func reloadSwapsNewConnectionsOnly() async throws {
        let transport = try Self.transport("reload-a", startingWith: "self")
        let trustsCA = try TestContexts.client()
        let before = try InMemoryTLS(server: transport.context, client: trustsCA, serverName: "localhost")
        try before.handshake()
        #expect(before.clientRecorder.tlsErrors.first?.message.contains("self-signed certificate") == true)

        let established = try InMemoryTLS(
            server: transport.context,
            client: TestContexts.client(verifyPeer: false),
            serverName: "localhost"
        )
        try established.handshake()

        try Self.install("node", as: "reload-a")
        let warnings = try await transport.reload()
        #expect(warnings.isEmpty)

        let after = try InMemoryTLS(server: transport.context, client: trustsCA, serverName: "localhost")
        try after.handshake()
        #expect(after.clientRecorder.errors.isEmpty)
        #expect(after.clientRecorder.tlsEvents.count == 1)

        try established.client.writeOutbound(ByteBuffer(string: "still here"))
        try established.interact()
        #expect(established.serverRecorder.text == "still here")
    }

    @Test("a key that does not load fails the reload, names the key, and keeps the old context")
    func failedReloadKeepsOld() async throws {
        let transport = try Self.transport("reload-b", startingWith: "node")
        let old = transport.context
        let key = try Self.fixtures.write("reload-b.key", "not a key\n")
        await #expect {
            try await transport.reload()
        } throws: { error in
            (error as? TLSError)?.message.hasPrefix("[meta] https-private-key \(key):") == true
        }
        #expect(transport.context === old)
    }

    @Test("expiry warnings follow the clock: none early, one inside the window, another once expired")
    func expiryWarningsFollowTheClock() throws {
        let context = try TestContexts.server(certificate: "self.pem", key: "self.key")
        let now = Date()
        #expect(context.warnings(now: now) == [])
        let inside = context.warnings(now: now.addingTimeInterval(27 * 86_400))
        #expect(inside.count == 1)
        #expect(inside.first?.contains("certificate expires on") == true, "\(inside)")
        #expect(inside.first?.contains("([tls] advanced-expiration is 120h0m0s); renew it") == true)
        let expired = context.warnings(now: now.addingTimeInterval(31 * 86_400))
        #expect(expired.first?.contains("certificate expired on") == true, "\(expired)")
    }
}
