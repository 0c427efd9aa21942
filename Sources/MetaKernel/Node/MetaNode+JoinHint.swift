extension MetaNode {
    /// What to check when the newcomer at `target` did not answer `/status`: its TLS setting
    /// when the two nodes disagree on it, otherwise whether it runs there.
    static func probeHint(_ error: MetaClientError, target: HostPort) -> String {
        switch error.code {
        case .peerRequiresTLS, .peerLacksTLS:
            return "[meta] https-enabled differs between this node and \(target); set it the same on every meta node"
        case .certificateRejected, .ownCertificateRejected:
            return "the nodes do not trust each other's certificates; see https-certificate and https-client-ca"
        default:
            return "is influxd-meta running on \(target.host), with http-bind-address port \(target.port)?"
        }
    }
}
