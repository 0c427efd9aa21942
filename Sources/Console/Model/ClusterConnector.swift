public import MetaKernel
import TLS

/// Makes the clients the console talks to clusters with: plain or TLS by the cluster's scheme,
/// trusting the system's roots plus ``Configuration/certificateAuthorityFile``.
public struct ClusterConnector: Sendable {
    /// How clusters are reached.
    public struct Configuration: Sendable {
        /// Extra PEM trust anchors for clusters that serve HTTPS (`-cluster-ca`).
        public var certificateAuthorityFile: String?
        /// Whether a cluster's certificate is verified (`-cluster-insecure-skip-verify` turns it off).
        public var verifyPeer: Bool
        /// The longest one call may take.
        public var timeout: Duration

        /// Creates a configuration.
        public init(certificateAuthorityFile: String? = nil, verifyPeer: Bool = true, timeout: Duration = .seconds(3)) {
            self.certificateAuthorityFile = certificateAuthorityFile
            self.verifyPeer = verifyPeer
            self.timeout = timeout
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let secure: (any Transport)?

    /// Prepares the TLS context once; a bad CA file fails here, at start-up.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let trust = TLSContext.TrustRoots(system: true, anchorFile: configuration.certificateAuthorityFile)
        let context = try TLSContext(
            configuration: .init(certificatePath: "", trustRoots: trust, verifyPeer: configuration.verifyPeer)
        )
        self.secure = OpenSSLTransport(context: context)
    }

    /// A client for a cluster with scheme `scheme` (`http` or `https`), sending `authorization`
    /// (an `Authorization` header value such as `Basic …`) when given.
    public func client(scheme: String, authorization: String? = nil) -> MetaClient {
        var transport: any Transport = PlainTransport()
        if scheme == "https", let secure { transport = secure }
        var header: (@Sendable () -> String)?
        if let authorization { header = { authorization } }
        return MetaClient(
            configuration: .init(transport: transport, timeout: configuration.timeout, authorization: header)
        )
    }
}
