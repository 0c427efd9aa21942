import NIOCore

/// The dialer's side of the Raft handshake: reads the listener's
/// ``RaftHandshake/PortalHello`` on a connection whose `autoRead` is off, then stays in the
/// pipeline (holding anything read past the hello) until the glue replaces it.
final class RaftHelloReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let name = "raft-hello"

    private let promise: EventLoopPromise<RaftHandshake.PortalHello>
    private let timeout: TimeAmount
    private var received = HandshakeBuffer()
    private var done = false
    private var timer: Scheduled<Void>?

    /// - Parameters:
    ///   - promise: Succeeds with the hello; fails when the peer hangs up, sends a bad hello
    ///     or takes longer than `timeout`.
    init(promise: EventLoopPromise<RaftHandshake.PortalHello>, timeout: TimeAmount) {
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let promise = self.promise
        let timeout = self.timeout
        timer = context.eventLoop.scheduleTask(in: timeout) {
            promise.fail(
                RaftDialer.DialError(
                    description: "no Raft handshake answer within \(timeout.nanoseconds / 1_000_000) ms"
                )
            )
            channel.close(promise: nil)
        }
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
        guard !done else { return }
        do {
            guard let hello = try received.read(RaftHandshake.PortalHello.decode(from:)) else { return }
            finish(.success(hello))
        } catch {
            finish(.failure(RaftDialer.DialError(description: "\(error)")))
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !done { context.read() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(
            .failure(
                RaftDialer.DialError(
                    description:
                        "the peer closed the connection during the Raft handshake (see its log: it may not know this node, or require internal-shared-secret)"
                )
            )
        )
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<RaftHandshake.PortalHello, any Error>) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.completeWith(result)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        received.forward(from: context)
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension RaftHelloReader: Sendable {}
