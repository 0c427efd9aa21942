/// Inbound user events ``OpenSSLHandler`` fires down the pipeline.
public enum TLSUserEvent: Sendable, Equatable {
    /// The handshake finished; application data now flows.
    /// - Parameters:
    ///   - protocolVersion: The negotiated protocol, such as `TLSv1.3`.
    ///   - cipher: The negotiated suite in OpenSSL's spelling, such as `TLS_AES_256_GCM_SHA384`.
    case handshakeCompleted(protocolVersion: String, cipher: String)
    /// Both sides exchanged close_notify (or the shutdown timed out); the channel closes next.
    case shutdownCompleted
}
