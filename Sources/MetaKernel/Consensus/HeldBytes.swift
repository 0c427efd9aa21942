import NIOCore

/// What a handshake handler (``RaftAcceptHandler``, ``RaftDialHandler``) read past the
/// handshake: the first bytes of libraft's stream, passed on when the handler leaves the
/// pipeline and the glue is in place.
struct HeldBytes {
    private var bytes: ByteBuffer?

    /// Adds bytes read from the connection.
    mutating func append(_ incoming: ByteBuffer) {
        guard incoming.readableBytes > 0 else { return }
        var incoming = incoming
        if bytes == nil {
            bytes = incoming
        } else {
            bytes!.writeBuffer(&incoming)
        }
    }

    /// Passes what is held to the next handler.
    mutating func forward(from context: ChannelHandlerContext) {
        guard let rest = bytes, rest.readableBytes > 0 else { return }
        bytes = nil
        context.fireChannelRead(NIOAny(rest))
        context.fireChannelReadComplete()
    }
}
