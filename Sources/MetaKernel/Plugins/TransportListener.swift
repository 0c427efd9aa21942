public import NIOCore

/// Which of the node's listeners accepted a connection: a transport may treat them differently
/// (mutual TLS on one port only).
public enum TransportListener: Sendable, Equatable {
    /// The meta HTTP API (`[meta] http-bind-address`).
    case api
    /// The Raft port (`[meta] bind-address`).
    case raft
}

extension Transport {
    /// Prepares the channel as ``Transport/configureAccepted(_:)`` does, whichever the listener.
    public func configureAccepted(_ channel: any Channel, on listener: TransportListener) throws {
        try configureAccepted(channel)
    }
}
