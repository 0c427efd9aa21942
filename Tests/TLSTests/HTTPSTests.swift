import Hummingbird
import Logging
import MetaKernel
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Testing

@testable import TLS

/// Sends every host name to 127.0.0.1, so tests can dial any name.
struct LoopbackDiscovery: PeerDiscovery {
    var source: String { "loopback" }
    func resolve(host: String) async throws(DiscoveryError) -> [String] { ["127.0.0.1"] }
    func knownPeers() async throws(DiscoveryError) -> [String] { [] }
}

@Suite("HTTPS with Hummingbird and MetaClient", .timeLimit(.minutes(1)))
struct HTTPSTests {
    let fixtures = CertificateFixtures.shared
    let logger = Logger(label: "tls-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Runs a Hummingbird app answering `GET /ping` over the OpenSSL transport on 127.0.0.1,
    /// passes its port to `body`, then shuts the service group down gracefully.
    func withHTTPSServer(_ body: @escaping @Sendable (Int, ServiceGroup) async throws -> Void) async throws {
        var config = MetaConfig()
        config.meta.httpsEnabled = true
        config.meta.httpsCertificate = fixtures.path("node.pem")
        config.meta.httpsPrivateKey = fixtures.path("node.key")
        let transport = try OpenSSLTransport(config: config)
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1(over: transport),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(port, group)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("MetaClient gets an answer over HTTPS; a wrong name is refused with the reason")
    func metaClient() async throws {
        let clientTransport = try OpenSSLTransport.client(verifyPeer: true, caFile: fixtures.path("ca.pem"))
        try await withHTTPSServer { port, _ in
            let client = MetaClient(
                configuration: MetaClient.Configuration(transport: clientTransport, discovery: LoopbackDiscovery())
            )
            let reply = try await Self.retryingClosedChannel { try await client.get("localhost:\(port)", "/ping") }
            #expect(reply.status == 200)
            #expect(reply.text == "pong")

            // MetaClient reports the handshake error when its request write reaches the TLS
            // handler before the failed handshake has closed the channel; otherwise it sees only
            // the closed channel (unreachable). Either way the request is refused.
            let error = await #expect(throws: MetaClientError.self) {
                try await client.get("meta9.test:\(port)", "/ping")
            }
            #expect(error?.code == .certificateRejected || error?.code == .unreachable)

            let insecure = MetaClient(
                configuration: MetaClient.Configuration(
                    transport: try OpenSSLTransport.client(verifyPeer: false),
                    discovery: LoopbackDiscovery()
                )
            )
            #expect(
                try await Self.retryingClosedChannel { try await insecure.get("meta9.test:\(port)", "/ping") }.text
                    == "pong"
            )
        }
    }

    /// Retries a MetaClient call that lost a race in MetaClient itself: it writes the request
    /// `.end` only after the head's write completed, so a server that has already answered and
    /// closed (with TLS or without) makes that write fail with a ChannelError, which MetaClient
    /// reports as "connection timed out".
    static func retryingClosedChannel(
        _ call: () async throws -> MetaClient.Reply
    ) async throws -> MetaClient.Reply {
        for _ in 1..<3 {
            do {
                return try await call()
            } catch let error as MetaClientError
                where error.code == .unreachable && error.message.hasSuffix("connection timed out")
            {
                continue
            }
        }
        return try await call()
    }

    @Test("graceful shutdown closes idle keep-alive HTTPS connections")
    func gracefulShutdown() async throws {
        let clientTransport = try OpenSSLTransport.client(verifyPeer: true, caFile: fixtures.path("ca.pem"))
        try await withHTTPSServer { port, group in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try clientTransport.configureConnected(channel, serverName: "localhost")
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ping")
                head.headers.add(name: "Host", value: "localhost:\(port)")
                try await outbound.write(.head(head))
                try await outbound.write(.end(nil))
                var parts = inbound.makeAsyncIterator()
                var body = ""
                response: while let part = try await parts.next() {
                    switch part {
                    case .head(let response): #expect(response.status == .ok)
                    case .body(let bytes): body += String(buffer: bytes)
                    case .end: break response
                    }
                }
                #expect(body == "pong")
                // The connection stays open (keep-alive) until the server quiesces it; that needs
                // ChannelShouldQuiesceEvent to pass through the TLS handler.
                await group.triggerGracefulShutdown()
                #expect(try await parts.next() == nil)
            }
        }
    }
}
