public import FoundationEssentials

/// What the console knows of one registered cluster: the registry's record merged with the last
/// poll of its meta nodes. Pages and live updates render this and nothing else.
public struct ClusterView: Sendable, Equatable, Codable {
    /// A meta node, as `/show-cluster` lists it, with what its own `/status` and registration add.
    public struct MetaNode: Sendable, Equatable, Codable {
        /// The node id.
        public var id: UInt64
        /// The host name the node registered with; empty when it never registered.
        public var host: String
        /// The advertised HTTP address.
        public var httpAddress: String
        /// The advertised Raft address.
        public var raftAddress: String
        /// The software version, when known.
        public var version: String?
        /// Whether the cluster's leader is this node.
        public var isLeader: Bool
        /// Whether the node answered the last poll.
        public var reachable: Bool

        /// Creates a meta-node view.
        public init(
            id: UInt64,
            host: String = "",
            httpAddress: String,
            raftAddress: String,
            version: String? = nil,
            isLeader: Bool = false,
            reachable: Bool = true
        ) {
            self.id = id
            self.host = host
            self.httpAddress = httpAddress
            self.raftAddress = raftAddress
            self.version = version
            self.isLeader = isLeader
            self.reachable = reachable
        }
    }

    /// A data node, as `/show-cluster` lists it.
    public struct DataNode: Sendable, Equatable, Codable {
        /// The node id.
        public var id: UInt64
        /// The HTTP address.
        public var httpAddress: String
        /// The TCP address.
        public var tcpAddress: String
        /// The software version, when known.
        public var version: String?

        /// Creates a data-node view.
        public init(id: UInt64, httpAddress: String, tcpAddress: String, version: String? = nil) {
            self.id = id
            self.httpAddress = httpAddress
            self.tcpAddress = tcpAddress
            self.version = version
        }
    }

    /// The cluster's license, as a meta node's `/status` reports it.
    public struct License: Sendable, Equatable, Codable {
        /// `license-key` or `license-path`.
        public var mode: String
        /// `valid`, `grace` or `invalid`.
        public var status: String
        /// The expiry, ISO 8601, when known.
        public var expiresAt: String?
        /// Whole days until the expiry, when known.
        public var daysLeft: Int?

        /// Creates a license view.
        public init(mode: String, status: String, expiresAt: String? = nil, daysLeft: Int? = nil) {
            self.mode = mode
            self.status = status
            self.expiresAt = expiresAt
            self.daysLeft = daysLeft
        }
    }

    /// A cluster's health at one poll, or over one minute.
    public enum Health: String, Sendable, Equatable, Codable {
        /// Every meta node answered and there is a leader.
        case healthy
        /// A leader, but some meta node did not answer.
        case degraded
        /// No meta node answered, or none knows a leader.
        case down
        /// Not polled in that minute.
        case unknown
    }

    /// One minute of the health history.
    public struct HealthBucket: Sendable, Equatable, Codable {
        /// The minute's start.
        public var start: Date
        /// The worst health seen in that minute (`unknown` when not polled).
        public var health: Health

        /// Creates a bucket.
        public init(start: Date, health: Health) {
            self.start = start
            self.health = health
        }
    }

    /// The cluster id, decimal, as registered.
    public var id: String
    /// The name an operator gave it on the `/start` page; the id until then.
    public var name: String
    /// `http` or `https`: how the console reaches the cluster's meta nodes.
    public var scheme: String
    /// When the cluster first registered.
    public var firstSeen: Date
    /// When a node of the cluster last registered or reported statistics.
    public var lastContact: Date?
    /// When the console last polled the cluster successfully.
    public var lastPoll: Date?
    /// Why the last poll failed, in one line; `nil` when it succeeded.
    public var pollError: String?
    /// Whether the cluster refused the console's poll for want of credentials (its auth is on).
    public var authRequired: Bool
    /// The leader's HTTP address, when a leader is known.
    public var leader: String?
    /// The meta nodes, by id.
    public var metaNodes: [MetaNode]
    /// The data nodes, by id.
    public var dataNodes: [DataNode]
    /// The license, when the cluster checks one.
    public var license: License?
    /// The databases' names, sorted.
    public var databases: [String]
    /// Health over the last hour, a bucket per minute, oldest first.
    public var health: [HealthBucket]
    /// The health at the last poll.
    public var currentHealth: Health

    /// Creates a view of a cluster that registered but was not polled yet.
    public init(id: String, name: String? = nil, scheme: String = "http", firstSeen: Date) {
        self.id = id
        self.name = name ?? id
        self.scheme = scheme
        self.firstSeen = firstSeen
        self.lastContact = nil
        self.lastPoll = nil
        self.pollError = nil
        self.authRequired = false
        self.leader = nil
        self.metaNodes = []
        self.dataNodes = []
        self.license = nil
        self.databases = []
        self.health = []
        self.currentHealth = .unknown
    }
}
