import NIOCore

/// Runs the listener's side of the Raft handshake (``RaftHandshake/Listener``) on a connection
/// accepted through NIO (transports that relay; ``PlainRaftListener`` accepts the others), then
/// hands the connection to libraft through ``RaftTransportBridge`` and leaves the pipeline,
/// passing on any bytes it read past the handshake.
final class RaftAcceptHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let name = "raft-accept"
    /// A peer that has not finished the handshake by then is dropped.
    static let handshakeTimeout = TimeAmount.seconds(10)

    private enum Stage {
        case handshaking
        case handedOff
        case refused
    }

    private let bridge: RaftTransportBridge
    private var handshake: RaftHandshake.Listener
    private var held = HeldBytes()
    private var stage = Stage.handshaking
    private var timeout: Scheduled<Void>?

    init(bridge: RaftTransportBridge, authentication: RaftAuthentication) {
        self.bridge = bridge
        self.handshake = RaftHandshake.Listener(authentication: authentication)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: Self.handshakeTimeout) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        switch stage {
        case .handshaking:
            handshake.receive(bytes)
            advance(context: context)
        case .handedOff:
            held.append(bytes)
        case .refused:
            break
        }
    }

    /// Acts on the machine's steps until it needs bytes or is over.
    private func advance(context: ChannelHandlerContext) {
        while true {
            switch handshake.next() {
            case .read:
                return
            case .send(let reply):
                context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            case .accepted(let preamble, let rest):
                held.append(rest)
                stage = .handedOff
                timeout?.cancel()
                context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
                bridge.accepted(context.channel, from: preamble)
                return
            case .refused(let why):
                bridge.warnRefused(peer: context.remoteAddress?.ipAddress ?? "unknown peer", why: why)
                stage = .refused
                timeout?.cancel()
                context.close(promise: nil)
                return
            }
        }
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        held.forward(from: context)
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension RaftAcceptHandler: Sendable {}
