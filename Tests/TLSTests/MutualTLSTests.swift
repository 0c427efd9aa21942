import FoundationEssentials
import MetaKernel
import NIOCore
import NIOEmbedded
import Testing

@testable import TLS

/// Client certificates (``TLSContext/Configuration/clientCertificateAuthorities``) and the
/// answers to a peer that speaks no TLS, in memory.
@Suite("Mutual TLS and plain-text peers in memory")
struct MutualTLSTests {
    static var fixtures: CertificateFixtures { .shared }

    /// A server that requires a client certificate signed by the test CA.
    static func mutualServer() throws -> TLSContext {
        try TLSContext(
            configuration: TLSContext.Configuration(
                certificatePath: fixtures.path("node.pem"),
                privateKeyPath: fixtures.path("node.key"),
                clientCertificateAuthorities: fixtures.path("ca.pem")
            )
        )
    }

    /// A client that trusts the test CA and presents `certificate`, or nothing.
    static func client(presenting certificate: String?) throws -> TLSContext {
        try TLSContext(
            configuration: TLSContext.Configuration(
                certificatePath: certificate.map { fixtures.path("\($0).pem") } ?? "",
                privateKeyPath: certificate.map { fixtures.path("\($0).key") } ?? "",
                trustRoots: .caFile(fixtures.path("ca.pem"))
            )
        )
    }

    @Test("a client certificate signed by the client CA is accepted")
    func acceptedClient() throws {
        let pair = try InMemoryTLS(
            server: Self.mutualServer(),
            client: Self.client(presenting: "node"),
            serverName: "localhost"
        )
        try pair.handshake()
        try pair.client.writeOutbound(ByteBuffer(string: "hello"))
        try pair.interact()
        #expect(pair.serverRecorder.text == "hello")
        #expect(pair.serverRecorder.errors.isEmpty)
    }

    @Test("no client certificate: the server refuses, the client learns a certificate was required")
    func missingClientCertificate() throws {
        let pair = try InMemoryTLS(
            server: Self.mutualServer(),
            client: Self.client(presenting: nil),
            serverName: "localhost"
        )
        try pair.handshake()
        let serverError = try #require(pair.serverRecorder.tlsErrors.first)
        #expect(serverError.message.hasPrefix("TLS handshake with client 127.0.0.1:40001 failed: "))
        #expect(serverError.message.contains("peer did not return a certificate"), "\(serverError.message)")
        let clientError = try #require(pair.clientRecorder.tlsErrors.first)
        #expect(clientError.message.contains("alert certificate required"), "\(clientError.message)")
        #expect(clientError.transportFailureKind == .ownCertificateRejected)
    }

    @Test("a client certificate from another CA: the server names the reason, the client learns it was refused")
    func foreignClientCertificate() throws {
        let pair = try InMemoryTLS(
            server: Self.mutualServer(),
            client: Self.client(presenting: "self"),
            serverName: "localhost"
        )
        try pair.handshake()
        let serverError = try #require(pair.serverRecorder.tlsErrors.first)
        #expect(
            serverError.message.hasPrefix("TLS handshake with client 127.0.0.1:40001 failed: self-signed certificate"),
            "\(serverError.message)"
        )
        #expect(serverError.transportFailureKind == .peerCertificateRejected)
        let clientError = try #require(pair.clientRecorder.tlsErrors.first)
        #expect(clientError.transportFailureKind == .ownCertificateRejected, "\(clientError.message)")
    }

    @Test("a server without a client CA asks for no certificate")
    func noClientCA() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: Self.client(presenting: nil),
            serverName: "localhost"
        )
        try pair.handshake()
        #expect(pair.serverRecorder.errors.isEmpty)
        #expect(pair.clientRecorder.errors.isEmpty)
    }

    @Test("a plain HTTP request to the TLS server gets Go's 400 answer in plain text")
    func plainRequestToServer() throws {
        let server = EmbeddedChannel()
        let recorder = Recorder()
        try server.pipeline.syncOperations.addHandler(OpenSSLHandler.server(context: TestContexts.server()))
        try server.pipeline.syncOperations.addHandler(recorder)
        server.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 40_001), promise: nil)
        try server.writeInbound(ByteBuffer(string: "GET /status HTTP/1.1\r\nHost: x\r\n\r\n"))
        let answer = try #require(try server.readOutbound(as: ByteBuffer.self))
        #expect(
            String(buffer: answer)
                == "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
        )
        #expect(recorder.tlsErrors.first?.transportFailureKind == .peerSpeaksPlaintext)
        #expect(!server.isActive)
    }

    @Test("a plain HTTP answer to the ClientHello fails the handshake saying the server has no TLS")
    func plainAnswerToClient() throws {
        let client = EmbeddedChannel()
        let recorder = Recorder()
        try client.pipeline.syncOperations.addHandler(
            OpenSSLHandler.client(context: Self.client(presenting: nil), serverName: "localhost")
        )
        try client.pipeline.syncOperations.addHandler(recorder)
        client.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8091), promise: nil)
        _ = try client.readOutbound(as: ByteBuffer.self)
        try client.writeInbound(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
        let error = try #require(recorder.tlsErrors.first)
        #expect(
            error.message
                == "TLS handshake with localhost failed: the server answered in plain HTTP, not TLS (it has no TLS on this port)"
        )
        #expect(error.transportFailureKind == .peerSpeaksPlaintext)
    }

    @Test("a server that hangs up on the ClientHello without a byte: the client asks whether TLS is enabled there")
    func unansweredClientHello() throws {
        let client = EmbeddedChannel()
        let recorder = Recorder()
        try client.pipeline.syncOperations.addHandler(
            OpenSSLHandler.client(context: Self.client(presenting: nil), serverName: "localhost")
        )
        try client.pipeline.syncOperations.addHandler(recorder)
        client.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8089), promise: nil)
        _ = try client.readOutbound(as: ByteBuffer.self)
        client.pipeline.fireChannelInactive()
        #expect(
            recorder.tlsErrors.first?.message
                == "TLS handshake with localhost failed: the connection closed before the handshake completed, "
                + "without a TLS answer (is TLS enabled on that port?)"
        )
    }
}
