/// `POST /join` (what `influxd-ctl join` and `add-meta` send): add the meta node at `addr`.
public struct JoinRequest: Codable, Sendable, Equatable {
    /// The new node's HTTP address, `host:8091`.
    public var addr: String

    /// Creates a request.
    public init(addr: String) { self.addr = addr }
}

/// The answer to `POST /join`.
public struct JoinReply: Codable, Sendable, Equatable {
    /// The node's id.
    public var id: UInt64
    /// Its HTTP address.
    public var addr: String
    /// Its Raft address.
    public var tcpAddr: String
    /// True when the node was a member already and nothing changed.
    public var alreadyMember: Bool
    /// True when this join created the cluster.
    public var createdCluster: Bool
    /// Something the operator should know, e.g. an even number of voters.
    public var warning: String?
}

/// `POST /accept-join`: the leader tells an un-joined node who it is now.
public struct AcceptJoinRequest: Codable, Sendable, Equatable {
    /// The id the leader allocated.
    public var id: UInt64
    /// The cluster's id.
    public var clusterID: UInt64
    /// The Raft address the leader will add; must be the node's own.
    public var raftAddr: String
    /// The HTTP address the leader registered; must be the node's own.
    public var httpAddr: String
}

/// `POST /remove` (what `influxd-ctl remove-meta` and `leave` send).
public struct RemoveRequest: Codable, Sendable, Equatable {
    /// The node's HTTP address.
    public var httpAddr: String
    /// Remove even when the node cannot be reached (it is dead).
    public var force: Bool
    /// With `force`: the node's Raft address, for a node whose HTTP address is unknown.
    public var tcpAddr: String?

    /// Creates a request.
    public init(httpAddr: String, force: Bool = false, tcpAddr: String? = nil) {
        self.httpAddr = httpAddr
        self.force = force
        self.tcpAddr = tcpAddr
    }
}

/// The answer to `POST /remove`.
public struct RemoveReply: Codable, Sendable, Equatable {
    /// The removed node's id.
    public var id: UInt64
    /// Its HTTP address.
    public var addr: String
    /// Something the operator should know.
    public var warning: String?
}

/// `POST /bootstrap-vote` and `/bootstrap-release`: a fresh node asks another for its vote to
/// bootstrap the cluster (`bootstrap-expect`), or gives it back.
public struct BootstrapVoteRequest: Codable, Sendable, Equatable {
    /// The candidate's advertised HTTP address.
    public var candidate: String
    /// The candidate's `bootstrap-expect`; must equal the voter's.
    public var expect: Int

    /// Creates a request.
    public init(candidate: String, expect: Int) {
        self.candidate = candidate
        self.expect = expect
    }
}
