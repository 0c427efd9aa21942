import Logging
import NIOCore

/// Reads the ``RaftPreamble`` of an accepted Raft connection, then hands the connection to
/// libraft through ``RaftTransportBridge`` and leaves the pipeline, passing on any bytes it
/// read past the preamble.
final class RaftAcceptHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let name = "raft-accept"
    /// A peer that has not sent its preamble by then is dropped.
    static let preambleTimeout = TimeAmount.seconds(10)

    private let bridge: RaftTransportBridge
    private let logger: Logger
    private var buffered: ByteBuffer?
    private var preambleRead = false
    private var timeout: Scheduled<Void>?

    init(bridge: RaftTransportBridge, logger: Logger) {
        self.bridge = bridge
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: Self.preambleTimeout) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        guard !preambleRead else { return }
        let preamble: RaftPreamble?
        do {
            preamble = try RaftPreamble.decode(from: &buffered!)
        } catch {
            let peer = context.remoteAddress.map { "\($0)" } ?? "unknown peer"
            logger.warning("dropping Raft connection from \(peer): \(error)")
            timeout?.cancel()
            context.close(promise: nil)
            return
        }
        guard let preamble else { return }
        preambleRead = true
        timeout?.cancel()
        context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
        bridge.accepted(context.channel, from: preamble)
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if let rest = buffered, rest.readableBytes > 0 {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(rest))
            context.fireChannelReadComplete()
        }
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension RaftAcceptHandler: Sendable {}
