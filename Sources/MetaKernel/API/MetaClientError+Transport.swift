extension MetaClientError {
    /// The error for a connection to `address` that failed as `failure` explains:
    /// `cannot reach ADDRESS: <the transport's one line>`, with a code saying what to change.
    init(_ failure: any TransportFailure, address: String) {
        let code: Code
        switch failure.transportFailureKind {
        case .peerSpeaksPlaintext: code = .peerLacksTLS
        case .peerCertificateRejected: code = .certificateRejected
        case .ownCertificateRejected: code = .ownCertificateRejected
        case .other: code = .unreachable
        }
        self.init(code, "cannot reach \(address): \(failure)")
    }
}
