import NIOCore

/// What the listener's and the dialer's handshake machines share: the bytes received from the
/// connection and not yet decoded, and how they are added.
protocol RaftHandshakeMachine {
    /// Received and not yet decoded; what is left past the handshake goes to libraft.
    var received: ByteBuffer { get set }
}

extension RaftHandshakeMachine {
    /// Adds bytes read from the connection.
    mutating func receive(_ bytes: ByteBuffer) {
        var bytes = bytes
        received.writeBuffer(&bytes)
    }

    /// Adds bytes read from the connection.
    mutating func receive(_ bytes: some Sequence<UInt8>) {
        received.writeBytes(bytes)
    }
}
