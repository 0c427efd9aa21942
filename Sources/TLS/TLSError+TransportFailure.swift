public import MetaKernel

extension TLSError: TransportFailure {
    /// ``failureKind``: lets the node and `influxd-ctl` say what to change.
    public var transportFailureKind: TransportFailureKind { failureKind }
}

extension SSLFailure {
    /// What this failure says about the connection: the peer's certificate failed our
    /// verification, or the peer's alert refused ours (or asked for one we did not send).
    var kind: TransportFailureKind {
        if verifyError != nil { return .peerCertificateRejected }
        let ownRejected = [
            "alert bad certificate", "alert unknown ca", "alert certificate required", "alert certificate unknown",
            "alert certificate expired", "alert certificate revoked", "alert unsupported certificate",
        ]
        if errors.contains(where: { entry in ownRejected.contains { entry.contains($0) } }) {
            return .ownCertificateRejected
        }
        return .other
    }
}
