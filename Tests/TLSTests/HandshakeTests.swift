import MetaKernel
import NIOCore
import NIOEmbedded
import Testing

@testable import TLS

/// Contexts built from ``CertificateFixtures``.
enum TestContexts {
    static var fixtures: CertificateFixtures { .shared }

    static func server(
        certificate: String = "node.pem",
        key: String = "node.key",
        minimumVersion: TLSContext.ProtocolVersion? = nil,
        maximumVersion: TLSContext.ProtocolVersion? = nil,
        ciphers: [String] = []
    ) throws -> TLSContext {
        try TLSContext(
            configuration: TLSContext.Configuration(
                certificatePath: fixtures.path(certificate),
                privateKeyPath: fixtures.path(key),
                minimumVersion: minimumVersion,
                maximumVersion: maximumVersion,
                ciphers: ciphers
            )
        )
    }

    static func client(
        trust: TLSContext.TrustRoots = .caFile(CertificateFixtures.shared.path("ca.pem")),
        verifyPeer: Bool = true,
        minimumVersion: TLSContext.ProtocolVersion? = nil,
        maximumVersion: TLSContext.ProtocolVersion? = nil
    ) throws -> TLSContext {
        try TLSContext(
            configuration: TLSContext.Configuration(
                certificatePath: "",
                trustRoots: trust,
                verifyPeer: verifyPeer,
                minimumVersion: minimumVersion,
                maximumVersion: maximumVersion
            )
        )
    }
}

struct SomeUserEvent: CustomStringConvertible {
    var description: String { "some user event" }
}

@Suite("OpenSSLHandler in memory")
struct HandshakeTests {
    @Test("handshake, application data both ways, close_notify")
    func roundTrip() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.connect()

        // Written before the handshake completes: buffered, then sent.
        let written = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "ping"), promise: written)
        try pair.interact()

        guard case .handshakeCompleted(let version, let cipher) = pair.clientRecorder.tlsEvents.first else {
            Issue.record("client saw no handshake: \(pair.clientRecorder.errors)")
            return
        }
        #expect(version == "TLSv1.3")
        #expect(!cipher.isEmpty)
        #expect(pair.serverRecorder.tlsEvents.first == .handshakeCompleted(protocolVersion: version, cipher: cipher))
        #expect(pair.serverRecorder.text == "ping")
        #expect((try? written.futureResult.embeddedResult()?.get()) != nil)

        // More than one TLS record (16 KB each) back.
        let big = String(repeating: "0123456789abcdef", count: 8_192)
        pair.server.writeAndFlush(ByteBuffer(string: big), promise: nil)
        try pair.interact()
        #expect(pair.clientRecorder.text == big)

        // Several small writes in one flush.
        pair.client.write(ByteBuffer(string: "a"), promise: nil)
        pair.client.write(ByteBuffer(string: "b"), promise: nil)
        pair.client.flush()
        try pair.interact()
        #expect(pair.serverRecorder.text == "pingab")

        // close_notify both ways, then both sockets close.
        let closed = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.close(promise: closed)
        #expect(pair.client.isActive)  // waiting for the server's close_notify
        try pair.interact()
        #expect(pair.clientRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(pair.serverRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(!pair.client.isActive)
        #expect(!pair.server.isActive)
        #expect((try? closed.futureResult.embeddedResult()?.get()) != nil)
        #expect(pair.clientRecorder.errors.isEmpty)
        #expect(pair.serverRecorder.errors.isEmpty)
    }

    @Test("data still in flight while closing is discarded and the shutdown completes")
    func closeWithDataInFlight() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        pair.client.close(promise: nil)
        pair.server.writeAndFlush(ByteBuffer(string: "late"), promise: nil)
        let refused = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "after close"), promise: refused)
        try pair.interact()
        #expect(pair.clientRecorder.text.isEmpty)
        #expect(pair.serverRecorder.text.isEmpty)
        #expect(pair.clientRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(pair.serverRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(pair.clientRecorder.errors.isEmpty)
        #expect(pair.serverRecorder.errors.isEmpty)
        #expect(!pair.client.isActive)
        #expect(!pair.server.isActive)
        guard case .failure = refused.futureResult.embeddedResult() else {
            Issue.record("a write after close was accepted")
            return
        }
    }

    @Test("the peer's close_notify is answered and closes the channel; later writes fail")
    func peerClose() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        pair.server.writeAndFlush(ByteBuffer(string: "response"), promise: nil)
        pair.server.close(promise: nil)
        // Deliver the response and the close_notify: the client answers and closes at once.
        while let bytes = try pair.server.readOutbound(as: ByteBuffer.self) { try pair.client.writeInbound(bytes) }
        #expect(pair.clientRecorder.text == "response")
        #expect(pair.clientRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(!pair.client.isActive)
        let late = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "too late"), promise: late)
        guard case .failure = late.futureResult.embeddedResult() else {
            Issue.record("a write after the peer's close_notify was accepted")
            return
        }
        try pair.interact()
        #expect(!pair.server.isActive)
        #expect(pair.serverRecorder.tlsEvents.last == .shutdownCompleted)
    }

    @Test("a certificate for another host name fails with OpenSSL's reason and closes")
    func hostnameMismatch() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "meta9.test"
        )
        try pair.connect()
        let written = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "never sent"), promise: written)
        try pair.interact()

        let error = try #require(pair.clientRecorder.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        #expect(
            error.message
                == "TLS handshake with meta9.test failed: hostname mismatch "
                + "(error:0A000086:SSL routines::certificate verify failed)"
        )
        #expect(pair.clientRecorder.tlsEvents.isEmpty)
        #expect(!pair.client.isActive)
        guard case .failure(let writeError) = written.futureResult.embeddedResult() else {
            Issue.record("the buffered write did not fail")
            return
        }
        #expect((writeError as? TLSError) == error)

        // The server learns why from the client's alert.
        let serverError = try #require(pair.serverRecorder.tlsErrors.first)
        #expect(serverError.code == .handshakeFailed)
        #expect(serverError.message.hasPrefix("TLS handshake with client 127.0.0.1:40001 failed: "))
        #expect(serverError.message.contains("alert"))
        #expect(pair.serverRecorder.text.isEmpty)
    }

    @Test("insecure mode accepts a certificate for another name")
    func insecure() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(trust: .system, verifyPeer: false),
            serverName: "meta9.test"
        )
        try pair.handshake()
        #expect(pair.clientRecorder.errors.isEmpty)
        #expect(pair.clientRecorder.tlsEvents.count == 1)
        pair.client.writeAndFlush(ByteBuffer(string: "hi"), promise: nil)
        try pair.interact()
        #expect(pair.serverRecorder.text == "hi")
    }

    @Test("IP addresses are checked against IP SANs")
    func ipAddresses() throws {
        let good = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "127.0.0.1"
        )
        try good.handshake()
        #expect(good.clientRecorder.errors.isEmpty)
        #expect(good.clientRecorder.tlsEvents.count == 1)

        let bad = try InMemoryTLS(server: TestContexts.server(), client: TestContexts.client(), serverName: "127.0.0.2")
        try bad.handshake()
        let error = try #require(bad.clientRecorder.tlsErrors.first)
        #expect(error.message.hasPrefix("TLS handshake with 127.0.0.2 failed: IP address mismatch"))
    }

    @Test("a certificate from an unknown CA is rejected")
    func untrusted() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(trust: .system),
            serverName: "localhost"
        )
        try pair.handshake()
        let error = try #require(pair.clientRecorder.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        #expect(error.message.hasPrefix("TLS handshake with localhost failed: unable to get local issuer certificate"))
    }

    @Test("a self-signed cluster verifies peers by trusting its own certificate")
    func ownCertificate() throws {
        let fixtures = CertificateFixtures.shared
        for (certificate, key) in [("self.pem", "self.key"), ("node.pem", "node.key")] {
            let node = try TLSContext(
                configuration: TLSContext.Configuration(
                    certificatePath: fixtures.path(certificate),
                    privateKeyPath: fixtures.path(key),
                    trustRoots: .ownCertificate
                )
            )
            let pair = try InMemoryTLS(server: node, client: node, serverName: "meta1.test")
            try pair.handshake()
            #expect(pair.clientRecorder.errors.isEmpty, "\(certificate)")
            #expect(pair.clientRecorder.tlsEvents.count == 1, "\(certificate)")
        }

        // Another node's self-signed certificate is still rejected.
        let stranger = try TestContexts.server(certificate: "soon.pem", key: "soon.key")
        let node = try TLSContext(
            configuration: TLSContext.Configuration(
                certificatePath: fixtures.path("self.pem"),
                privateKeyPath: fixtures.path("self.key"),
                trustRoots: .ownCertificate
            )
        )
        let pair = try InMemoryTLS(server: stranger, client: node, serverName: "meta1.test")
        try pair.handshake()
        let error = try #require(pair.clientRecorder.tlsErrors.first)
        #expect(error.message.hasPrefix("TLS handshake with meta1.test failed: self-signed certificate"))
    }

    @Test("versions and cipher suites from [tls] are honoured")
    func versionsAndCiphers() throws {
        let tls12 = try InMemoryTLS(
            server: TestContexts.server(maximumVersion: .tls1_2, ciphers: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try tls12.handshake()
        #expect(
            tls12.clientRecorder.tlsEvents
                == [.handshakeCompleted(protocolVersion: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256")]
        )

        let mismatch = try InMemoryTLS(
            server: TestContexts.server(maximumVersion: .tls1_2),
            client: TestContexts.client(minimumVersion: .tls1_3),
            serverName: "localhost"
        )
        try mismatch.handshake()
        let error = try #require(mismatch.clientRecorder.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        #expect(error.message.contains("protocol"))
    }

    @Test("user events it does not handle are passed on")
    func userEvents() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        pair.server.pipeline.fireUserInboundEventTriggered(SomeUserEvent())
        #expect(pair.serverRecorder.otherEvents == ["some user event"])
    }

    @Test("the peer closing the socket mid-handshake is a handshake failure")
    func closedDuringHandshake() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.connect()
        pair.server.pipeline.fireChannelInactive()
        let error = try #require(pair.serverRecorder.tlsErrors.first)
        #expect(
            error.message
                == "TLS handshake with client 127.0.0.1:40001 failed: the connection closed before the handshake completed"
        )
    }

    @Test("a handshake that never completes times out")
    func handshakeTimeout() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.connect()
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(11))
        let error = try #require(pair.serverRecorder.tlsErrors.first)
        #expect(error.message == "TLS handshake with client 127.0.0.1:40001 failed: no handshake within 10s")
        #expect(!pair.server.isActive)
    }

    @Test("close gives up waiting for the peer's close_notify after the shutdown timeout")
    func shutdownTimeout() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        pair.client.close(promise: nil)
        #expect(pair.client.isActive)
        _ = try pair.client.readOutbound(as: ByteBuffer.self)  // the close_notify, lost
        pair.client.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!pair.client.isActive)
        #expect(!pair.clientRecorder.tlsEvents.contains(.shutdownCompleted))
        #expect(pair.clientRecorder.errors.isEmpty)
    }

    @Test("EOF after the handshake without close_notify ends the connection quietly")
    func uncleanEOF() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        let pending = pair.server.eventLoop.makePromise(of: Void.self)
        pair.server.write(ByteBuffer(string: "unflushed"), promise: pending)
        pair.server.pipeline.fireChannelInactive()
        #expect(pair.serverRecorder.errors.isEmpty)
        #expect(pair.serverRecorder.becameInactive)
        guard case .failure = pending.futureResult.embeddedResult() else {
            Issue.record("the unflushed write did not fail")
            return
        }
    }
}
