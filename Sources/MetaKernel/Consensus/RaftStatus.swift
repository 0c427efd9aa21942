/// A point-in-time view of a Raft node, read on its loop thread.
public struct RaftStatus: Sendable, Equatable {
    /// The node's role.
    public enum Role: String, Sendable, Equatable {
        case unavailable, follower, candidate, leader
    }

    /// A member of the Raft configuration.
    public struct Server: Sendable, Equatable {
        /// Raft id (the meta node id).
        public var id: UInt64
        /// Raft address, `host:8089`.
        public var address: String
        /// Whether the server votes.
        public var isVoter: Bool
    }

    /// This node's role.
    public var role: Role
    /// The current term.
    public var term: UInt64
    /// The leader's id, 0 when unknown.
    public var leaderID: UInt64
    /// The leader's Raft address, empty when unknown.
    public var leaderAddress: String
    /// The committed configuration as this node knows it.
    public var servers: [Server]
    /// Index of the last entry applied to the state machine.
    public var lastApplied: UInt64
    /// The highest index this node knows to be committed.
    public var commitIndex: UInt64 = 0
    /// On the leader, how many other servers answered it within the last election timeout;
    /// `nil` on other roles, which cannot tell.
    public var peersHeardFrom: Int? = nil
    /// Index of the last entry in the log.
    public var lastIndex: UInt64
    /// Index of the last entry in this node's newest snapshot, 0 without one.
    public var snapshotIndex: UInt64
}
