extension MetaNode {
    /// Throws ``MetaNodeError/Code/notLeader`` (with the leader's address) unless this node leads,
    /// so that a write that must do work before proposing redirects first.
    func requireLeader() async throws(MetaNodeError) {
        guard let node = raft else {
            throw MetaNodeError(.unjoined, "this meta node is not part of a cluster; add it with influxd-ctl add-meta")
        }
        let status = try await raftStatus(node)
        if status.role != .leader { throw notLeaderError(status) }
    }
}
