extension RaftDialer {
    /// The transport failed against the peer in a way an operator must fix (its certificate was
    /// refused, or it speaks no TLS): logged once a minute per peer by every node that dials it.
    struct TransportRefused: Error, CustomStringConvertible, Sendable {
        var description: String
    }
}
