import MetaKernel
import Testing

@testable import TLS

/// Resolves nothing; the catalog needs some discovery plugin.
struct NoDiscovery: PeerDiscovery {
    var source: String { "none" }
    func resolve(host: String) async throws(DiscoveryError) -> [String] { [host] }
    func knownPeers() async throws(DiscoveryError) -> [String] { [] }
}

@Suite("OpenSSLTransport configuration")
struct OpenSSLTransportTests {
    let fixtures = CertificateFixtures.shared

    private func catalog() -> PluginCatalog {
        var catalog = PluginCatalog()
        catalog.discovery["hosts"] = { _ in NoDiscovery() }
        OpenSSLTransport.register(in: &catalog)
        return catalog
    }

    private func config(key: String = "node.key") -> MetaConfig {
        var config = MetaConfig()
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = fixtures.path("node.pem")
        config.meta.httpsPrivateKey = fixtures.path(key)
        return config
    }

    @Test("register makes https-enabled nodes use the OpenSSL transport")
    func registered() throws {
        let plugins = try catalog().select(for: config())
        #expect(plugins.transport.scheme == "https")
        #expect(plugins.transport is OpenSSLTransport)
        #expect(plugins.transport.raftStreams == .channelRelay)

        var plain = config()
        plain.meta.httpsEnabled = false
        #expect(try catalog().select(for: plain).transport.scheme == "http")
        #expect(try catalog().select(for: plain).transport.raftStreams == .rawDescriptor)
    }

    @Test("certificate problems stop the node with the TLS message")
    func failure() {
        let error = #expect(throws: ConfigError.self) { try catalog().select(for: config(key: "other.key")) }
        #expect(error?.code == .invalidConfiguration)
        #expect(
            error?.message
                == "[meta] https-private-key \(fixtures.path("other.key")): key does not match certificate "
                + "\(fixtures.path("node.pem")) (error:05800074:x509 certificate routines::key values mismatch)"
        )
    }

    @Test("the configuration maps onto the context settings")
    func mapping() {
        var config = config()
        config.meta.httpsPrivateKey = ""
        config.meta.httpsInsecureTLS = true
        config.meta.httpsInsecureCertificate = true
        config.tls.minVersion = .tls1_2
        config.tls.maxVersion = .tls1_3
        config.tls.ciphers = ["TLS_AES_128_GCM_SHA256"]
        config.tls.advancedExpiration = GoDuration(.seconds(3_600))
        let mapped = OpenSSLTransport.contextConfiguration(for: config)
        #expect(mapped.certificatePath == fixtures.path("node.pem"))
        #expect(mapped.privateKeyPath == "")
        #expect(mapped.verifyPeer == false)
        #expect(mapped.checkKeyPermissions == false)
        #expect(mapped.trustRoots == TLSContext.TrustRoots(system: true, ownCertificate: true))
        #expect(mapped.minimumVersion == .tls1_2)
        #expect(mapped.maximumVersion == .tls1_3)
        #expect(mapped.ciphers == ["TLS_AES_128_GCM_SHA256"])
        #expect(mapped.expirationWarning == .seconds(3_600))

        let strict = OpenSSLTransport.contextConfiguration(for: self.config())
        #expect(strict.verifyPeer)
        #expect(strict.checkKeyPermissions)
    }

    @Test("a client picks TLS from https-enabled and never reads the private key")
    func clientSelection() throws {
        var config = config(key: "no-such.key")
        #expect(try catalog().selectClient(for: config).transport.scheme == "https")
        config.meta.httpsEnabled = false
        #expect(try catalog().selectClient(for: config).transport.scheme == "http")
    }

    @Test("a client trusts every certificate of the node's https-certificate, even a lone leaf")
    func clientTrustsNodeBundle() throws {
        // node.pem holds only the leaf its CA signed: it is trusted as an anchor itself.
        let client = try OpenSSLTransport.client(config: config(key: "no-such.key"))
        let pair = try InMemoryTLS(server: TestContexts.server(), client: client.context, serverName: "meta1.test")
        try pair.handshake()
        #expect(pair.clientRecorder.errors.isEmpty)
        #expect(pair.clientRecorder.tlsEvents.count == 1)

        // Another node's certificate is not.
        let stranger = try TestContexts.server(certificate: "self.pem", key: "self.key")
        let refused = try InMemoryTLS(server: stranger, client: client.context, serverName: "meta1.test")
        try refused.handshake()
        let error = try #require(refused.clientRecorder.tlsErrors.first)
        #expect(error.message.hasPrefix("TLS handshake with meta1.test failed: self-signed certificate"))
    }

    @Test("a client names an unreadable https-certificate, and skips it with https-insecure-tls")
    func clientCertificateFile() throws {
        var config = config()
        config.meta.httpsCertificate = fixtures.path("no-such.pem")
        let error = #expect(throws: TLSError.self) { try OpenSSLTransport.client(config: config) }
        #expect(error?.message == "[meta] https-certificate \(fixtures.path("no-such.pem")): no such file or directory")
        config.meta.httpsInsecureTLS = true
        #expect(try OpenSSLTransport.client(config: config).context.configuration.verifyPeer == false)
    }

    @Test("expiry warnings reach the caller")
    func warnings() throws {
        var config = MetaConfig()
        config.meta.httpsCertificate = fixtures.path("soon.pem")
        config.meta.httpsPrivateKey = fixtures.path("soon.key")
        let transport = try OpenSSLTransport(config: config)
        #expect(transport.warnings.count == 1)

        // and are logged at start-up: selection gathers them into the notices.
        config.meta.httpsEnabled = true
        var catalog = PluginCatalog()
        catalog.discovery["hosts"] = { _ in NoDiscovery() }
        OpenSSLTransport.register(in: &catalog)
        let selected = try catalog.select(for: config)
        // The two were computed moments apart: the countdown may differ by a second.
        func withoutCountdown(_ lines: [String]) -> [String] {
            lines.map { $0.replacing(/in \d+h\d+m\d+s/, with: "in …") }
        }
        #expect(withoutCountdown(selected.notices) == withoutCountdown(transport.warnings))
        #expect(selected.notices.first?.contains("certificate expires on") == true)
    }
}
