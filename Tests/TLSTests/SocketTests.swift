import MetaKernel
import NIOCore
import NIOPosix
import Testing

@testable import TLS

/// Writes back everything it reads.
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// Collects bytes on a channel whose `autoRead` is off, asking for each read itself, and
/// completes `done` once `expected` bytes arrived.
final class ManualReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let expected: Int
    let done: EventLoopPromise<String>
    var collected = ByteBuffer()
    var finished = false

    init(expected: Int, done: EventLoopPromise<String>) {
        self.expected = expected
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        collected.writeBuffer(&bytes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if collected.readableBytes >= expected {
            finish(.success(String(buffer: collected)))
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.eof))
    }

    private func finish(_ result: Result<String, any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }
}

@Suite("OpenSSLTransport over sockets", .timeLimit(.minutes(1)))
struct SocketTests {
    let fixtures = CertificateFixtures.shared

    /// A node configuration using the CA-signed fixture certificate.
    func nodeConfig() -> MetaConfig {
        var config = MetaConfig()
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = fixtures.path("node.pem")
        config.meta.httpsPrivateKey = fixtures.path("node.key")
        return config
    }

    /// Runs an echo server on 127.0.0.1 with an ephemeral port over `transport`.
    func withEchoServer<T>(
        _ transport: OpenSSLTransport,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try transport.configureAccepted(channel)
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        do {
            let port = try #require(server.localAddress?.port)
            let result = try await body(port)
            try await server.close()
            return result
        } catch {
            try? await server.close()
            throw error
        }
    }

    @Test("a client and a server exchange bytes over TLS on 127.0.0.1")
    func echo() async throws {
        let serverTransport = try OpenSSLTransport(config: nodeConfig())
        let clientTransport = try OpenSSLTransport.client(verifyPeer: true, caFile: fixtures.path("ca.pem"))
        #expect(serverTransport.scheme == "https")
        try await withEchoServer(serverTransport) { port in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try clientTransport.configureConnected(channel, serverName: "localhost")
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let message = String(repeating: "hello over tls ", count: 4_000)
            let echoed = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: message))
                var collected = ByteBuffer()
                for try await var chunk in inbound {
                    collected.writeBuffer(&chunk)
                    if collected.readableBytes >= message.utf8.count { break }
                }
                return String(buffer: collected)
            }
            #expect(echoed == message)
        }
    }

    @Test("with autoRead off (as Raft dials), writes before the handshake still go out")
    func autoReadOff() async throws {
        let serverTransport = try OpenSSLTransport(config: nodeConfig())
        var clientConfig = nodeConfig()
        clientConfig.meta.httpsCertificate = fixtures.path("bundle.pem")
        clientConfig.meta.httpsPrivateKey = ""
        let clientTransport = try OpenSSLTransport(config: clientConfig)
        try await withEchoServer(serverTransport) { port in
            let group = MultiThreadedEventLoopGroup.singleton
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try clientTransport.configureConnected(channel, serverName: "meta1.test")
                    }
                }
                .connect(host: "127.0.0.1", port: port)
                .get()
            try await channel.writeAndFlush(ByteBuffer(string: "preamble"))
            let done = channel.eventLoop.makePromise(of: String.self)
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(ManualReader(expected: 8, done: done))
                channel.read()
            }.get()
            #expect(try await done.futureResult.get() == "preamble")
            try await channel.close()
        }
    }

    @Test("a wrong server name fires the handshake error and closes")
    func mismatchOverSocket() async throws {
        let serverTransport = try OpenSSLTransport(config: nodeConfig())
        let clientTransport = try OpenSSLTransport.client(verifyPeer: true, caFile: fixtures.path("ca.pem"))
        try await withEchoServer(serverTransport) { port in
            let group = MultiThreadedEventLoopGroup.singleton
            let caught = group.any().makePromise(of: String.self)
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try clientTransport.configureConnected(channel, serverName: "meta9.test")
                        try channel.pipeline.syncOperations.addHandler(ManualReader(expected: 1, done: caught))
                    }
                }
                .connect(host: "127.0.0.1", port: port)
                .get()
            let error = await #expect(throws: TLSError.self) { try await caught.futureResult.get() }
            #expect(error?.code == .handshakeFailed)
            #expect(
                error?.message
                    == "TLS handshake with meta9.test failed: hostname mismatch "
                    + "(error:0A000086:SSL routines::certificate verify failed)"
            )
            // A write after the failure reports the same error.
            let late = await #expect(throws: (any Error).self) {
                try await channel.writeAndFlush(ByteBuffer(string: "x"))
            }
            #expect(late is TLSError || late is ChannelError)
            try await channel.closeFuture.get()
        }
    }
}
