import NIOCore
import NIOEmbedded
import TLS

/// Records what reaches the end of a pipeline and swallows errors, so tests can inspect them.
final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var received = ByteBuffer()
    /// How many reads brought `received`.
    var reads = 0
    var tlsEvents: [TLSUserEvent] = []
    var otherEvents: [String] = []
    var errors: [any Error] = []
    var becameInactive = false

    var tlsErrors: [TLSError] { errors.compactMap { $0 as? TLSError } }
    var text: String { String(buffer: received) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        reads += 1
        received.writeBuffer(&bytes)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent {
            tlsEvents.append(event)
        } else {
            otherEvents.append("\(event)")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        becameInactive = true
    }
}

/// A client and a server ``OpenSSLHandler`` on two `EmbeddedChannel`s, with the bytes between
/// them moved by hand (like swift-nio-ssl's `interactInMemory`).
final class InMemoryTLS {
    let client = EmbeddedChannel()
    let server = EmbeddedChannel()
    let clientRecorder = Recorder()
    let serverRecorder = Recorder()

    init(server serverContext: TLSContext, client clientContext: TLSContext, serverName: String) throws {
        try server.pipeline.syncOperations.addHandler(OpenSSLHandler.server(context: serverContext))
        try server.pipeline.syncOperations.addHandler(serverRecorder)
        try client.pipeline.syncOperations.addHandler(
            OpenSSLHandler.client(context: clientContext, serverName: serverName)
        )
        try client.pipeline.syncOperations.addHandler(clientRecorder)
    }

    /// Makes both channels active, which starts both handshakes.
    func connect() throws {
        server.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 40_001), promise: nil)
        client.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8091), promise: nil)
    }

    /// Moves outbound bytes of each channel into the other until both are quiet.
    func interact() throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                moved = true
                if server.isActive { try server.writeInbound(bytes) }
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                moved = true
                if client.isActive { try client.writeInbound(bytes) }
            }
        }
    }

    /// Connects and runs the handshake to its end.
    func handshake() throws {
        try connect()
        try interact()
    }
}

extension EventLoopFuture {
    /// The result of a future on an `EmbeddedEventLoop`, or `nil` while it is pending.
    func embeddedResult() -> Result<Value, any Error>? {
        var result: Result<Value, any Error>?
        assumeIsolated().whenComplete { result = $0 }
        return result
    }
}
