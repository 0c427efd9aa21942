/// Announces the node to a web console (`[enterprise] registration-enabled`,
/// `registration-server-url`). It never blocks the node: it retries with backoff in the background.
public protocol Registration: Sendable {
    /// Registers `node` and keeps the registration current until cancelled.
    func run(node: RegistrationInfo) async
}

/// What a node tells the web console about itself: its fixed identity, and a live view of the
/// cluster read afresh for every statistics report.
public struct RegistrationInfo: Sendable {
    /// The cluster id.
    public var clusterID: UInt64
    /// This node's id in the cluster.
    public var nodeID: UInt64
    /// The machine's host name (`hostname`), as InfluxDB's registration service sent it.
    public var hostname: String
    /// The node's advertised HTTP address.
    public var httpAddress: String
    /// The node's advertised Raft address.
    public var raftAddress: String
    /// `http` or `https`.
    public var scheme: String
    /// The software version.
    public var version: String
    /// The node's current view of the cluster (what `GET /status` answers).
    public var status: @Sendable () async -> ClusterStatus

    /// Creates the information.
    public init(
        clusterID: UInt64,
        nodeID: UInt64,
        hostname: String,
        httpAddress: String,
        raftAddress: String,
        scheme: String,
        version: String = MetaBuild.version,
        status: @escaping @Sendable () async -> ClusterStatus
    ) {
        self.clusterID = clusterID
        self.nodeID = nodeID
        self.hostname = hostname
        self.httpAddress = httpAddress
        self.raftAddress = raftAddress
        self.scheme = scheme
        self.version = version
        self.status = status
    }
}
