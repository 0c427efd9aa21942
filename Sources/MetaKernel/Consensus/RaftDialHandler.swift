import NIOCore

/// Runs the dialer's side of the Raft handshake (``RaftHandshake/Dialer``) on a connection made
/// through NIO whose `autoRead` is off, then stays in the pipeline (holding anything read past
/// the handshake) until the glue replaces it.
final class RaftDialHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let name = "raft-dial"

    private var handshake: RaftHandshake.Dialer
    private let peer: String
    private let promise: EventLoopPromise<Void>
    private let timeout: TimeAmount
    private var held = HeldBytes()
    private var stage = Stage.handshaking
    private var timer: Scheduled<Void>?
    /// The last write, which must succeed before the handshake is done.
    private var written: EventLoopFuture<Void>?

    private enum Stage {
        case handshaking
        /// The machine is done; the proof is being written.
        case writingProof
        /// The promise is complete.
        case over
    }

    /// - Parameters:
    ///   - handshake: The dialer's state machine.
    ///   - peer: The address dialled (`host:port`), for messages.
    ///   - promise: Succeeds once the proof is written; fails when the peer hangs up, answers
    ///     badly or with a proof this node refuses (``RaftDialer/HandshakeRefused``), or takes
    ///     longer than `timeout`.
    init(handshake: RaftHandshake.Dialer, peer: String, promise: EventLoopPromise<Void>, timeout: TimeAmount) {
        self.handshake = handshake
        self.peer = peer
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
        advance(context: context)
        if stage == .handshaking { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard stage == .handshaking else {
            held.append(bytes)
            return
        }
        handshake.receive(bytes)
        advance(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if stage == .handshaking { context.read() }
    }

    /// Acts on the machine's steps until it needs bytes or is over.
    private func advance(context: ChannelHandlerContext) {
        while stage == .handshaking {
            switch handshake.next() {
            case .send(let bytes):
                let write = context.writeAndFlush(wrapOutboundOut(bytes))
                written = write
                write.assumeIsolated().whenFailure { error in self.finish(.failure(error)) }
            case .read:
                return
            case .established(let rest):
                held.append(rest)
                stage = .writingProof
                guard let written else { return finish(.success(())) }
                written.assumeIsolated().whenSuccess { self.finish(.success(())) }
            case .refused(let why):
                fail(context: context, RaftDialer.HandshakeRefused(description: "refusing Raft peer \(peer): \(why)"))
            case .invalid(let why):
                fail(context: context, RaftDialer.DialError(description: why))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(RaftDialer.DialError(description: RaftHandshake.Dialer.listenerHungUp)))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard stage != .over else { return }
        stage = .over
        timer?.cancel()
        promise.completeWith(result)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        held.forward(from: context)
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension RaftDialHandler: Sendable {}
