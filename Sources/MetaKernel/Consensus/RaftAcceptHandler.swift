import NIOCore

/// Runs the listener's side of the Raft handshake on a connection accepted through NIO (the
/// TLS transport; ``PlainRaftListener`` accepts plain ones): reads the
/// ``RaftPreamble``, answers with a ``RaftHandshake/PortalHello``, reads and checks the
/// dialer's ``RaftHandshake/DialerProof``, then hands the connection to libraft through
/// ``RaftTransportBridge`` and leaves the pipeline, passing on any bytes it read past the
/// handshake.
final class RaftAcceptHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let name = "raft-accept"
    /// A peer that has not finished the handshake by then is dropped.
    static let handshakeTimeout = TimeAmount.seconds(10)

    private enum State {
        case awaitingPreamble
        case awaitingProof(RaftPreamble, portalNonce: [UInt8])
        case handedOff
    }

    private let bridge: RaftTransportBridge
    private let authentication: RaftAuthentication
    private var received = HandshakeBuffer()
    private var state = State.awaitingPreamble
    private var timeout: Scheduled<Void>?

    init(bridge: RaftTransportBridge, authentication: RaftAuthentication) {
        self.bridge = bridge
        self.authentication = authentication
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: Self.handshakeTimeout) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
        do {
            try advance(context: context)
        } catch {
            refuse(context: context, why: "\(error)")
        }
    }

    private func advance(context: ChannelHandlerContext) throws {
        if case .awaitingPreamble = state {
            guard let preamble = try received.read(RaftPreamble.decode(from:)) else { return }
            let hello = RaftHandshake.PortalHello(answering: preamble, authentication: authentication)
            var reply = context.channel.allocator.buffer(capacity: RaftHandshake.PortalHello.length)
            hello.encode(into: &reply)
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            state = .awaitingProof(preamble, portalNonce: hello.nonce)
        }
        if case .awaitingProof(let preamble, let nonce) = state {
            guard let proof = try received.read(RaftHandshake.DialerProof.decode(from:)) else { return }
            if let why = authentication.check(proof.proof, from: .dialer, preamble: preamble, portalNonce: nonce) {
                refuse(context: context, why: "claiming \(preamble.address) (id \(preamble.id)): \(why)")
                return
            }
            state = .handedOff
            timeout?.cancel()
            context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
            bridge.accepted(context.channel, from: preamble)
        }
    }

    private func refuse(context: ChannelHandlerContext, why: String) {
        bridge.warnRefused(peer: context.remoteAddress?.ipAddress ?? "unknown peer", why: why)
        state = .handedOff
        received.discard()
        timeout?.cancel()
        context.close(promise: nil)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        received.forward(from: context)
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension RaftAcceptHandler: Sendable {}
