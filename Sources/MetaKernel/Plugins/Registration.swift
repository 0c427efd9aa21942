/// Announces the node to a web console (`[enterprise] registration-enabled`,
/// `registration-server-url`). It never blocks the node: it retries with backoff in the background.
public protocol Registration: Sendable {
    /// Registers `node` and keeps the registration current until cancelled.
    func run(node: RegistrationInfo) async
}

/// What a node tells the web console about itself.
public struct RegistrationInfo: Sendable, Equatable {
    /// The cluster id.
    public var clusterID: UInt64
    /// The node's advertised HTTP address.
    public var httpAddress: String
    /// `http` or `https`.
    public var scheme: String

    /// Creates the information.
    public init(clusterID: UInt64, httpAddress: String, scheme: String) {
        self.clusterID = clusterID
        self.httpAddress = httpAddress
        self.scheme = scheme
    }
}
