import NIOCore

/// What a handshake reader (``RaftAcceptHandler``, ``RaftHelloReader``) has received: it
/// decodes its messages from the front, and whatever follows them belongs to libraft and is
/// passed on when the reader leaves the pipeline.
struct HandshakeBuffer {
    private var bytes: ByteBuffer?

    /// Adds bytes read from the connection.
    mutating func append(_ incoming: ByteBuffer) {
        var incoming = incoming
        if bytes == nil {
            bytes = incoming
        } else {
            bytes!.writeBuffer(&incoming)
        }
    }

    /// Decodes one message from the front; `nil` (consuming nothing) while more bytes are needed.
    mutating func read<Message, Failure: Error>(
        _ decode: (inout ByteBuffer) throws(Failure) -> Message?
    ) throws(Failure) -> Message? {
        guard bytes != nil else { return nil }
        return try decode(&bytes!)
    }

    /// Drops everything (the connection is being refused).
    mutating func discard() {
        bytes = nil
    }

    /// Passes what is left to the next handler: the first bytes of libraft's stream.
    mutating func forward(from context: ChannelHandlerContext) {
        guard let rest = bytes, rest.readableBytes > 0 else { return }
        bytes = nil
        context.fireChannelRead(NIOAny(rest))
        context.fireChannelReadComplete()
    }
}
