/// A connection failure that a transport can explain, so that the kernel and `influxd-ctl` can
/// say what to change: the peer speaks plain TCP where TLS was expected, or its certificate was
/// refused.
public protocol TransportFailure: Error, CustomStringConvertible {
    /// What went wrong.
    var transportFailureKind: TransportFailureKind { get }
}

/// The kinds of ``TransportFailure``.
public enum TransportFailureKind: Sendable, Equatable {
    /// TLS was dialled, and the peer answered in plain text (it has no TLS on that port).
    case peerSpeaksPlaintext
    /// The peer's certificate failed verification (unknown CA, wrong name, expired).
    case peerCertificateRejected
    /// The peer refused this side's certificate, or asked for one that was not sent.
    case ownCertificateRejected
    /// Any other handshake or record failure.
    case other
}
