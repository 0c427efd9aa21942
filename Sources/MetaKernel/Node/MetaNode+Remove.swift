import FoundationEssentials
import Logging
import Synchronization

/// `POST /reset`: the leader tells a removed node to forget the cluster.
public struct ResetRequest: Codable, Sendable, Equatable {
    /// The cluster the node was removed from.
    public var clusterID: UInt64
    /// The node's id in it.
    public var id: UInt64
}

extension MetaNode {
    /// Removes a meta node (`influxd-ctl remove-meta`, `leave`).
    ///
    /// Without `force` the node must answer, and is told to forget its state so it can be added
    /// again cleanly. With `force` (a dead node) it is only taken out of Raft and the metadata.
    /// Removing the leader hands leadership over first; the caller is then redirected.
    public func remove(_ request: RemoveRequest) async throws(MetaNodeError) -> RemoveReply {
        AuditNote.record("\(request.httpAddr)\(request.force ? " (force)" : "")")
        return try await exclusively { () throws(MetaNodeError) -> RemoveReply in
            guard let node = raft, let identity = raftIdentity.withLock({ $0 }) else {
                throw MetaNodeError(.unjoined, "\(httpAddress) is not part of a cluster")
            }
            let status = try await raftStatus(node)
            guard status.role == .leader else { throw notLeaderError(status) }
            let data = store.current
            let member =
                data.metaNode(httpAddress: request.httpAddr)
                ?? (request.force ? data.metaNodes.first { $0.tcpAddress == request.tcpAddr } : nil)
            let raftID =
                member?.id ?? status.servers.first { request.force && $0.address == request.tcpAddr }?.id
            guard let raftID else {
                throw MetaNodeError(
                    .invalid,
                    "no meta node at \(request.httpAddr) in this cluster (influxd-ctl show lists the members; for a node known only to Raft use -force -tcpAddr host:8089)"
                )
            }
            let voters = status.servers.filter(\.isVoter)
            if voters.count == 1 && voters.first?.id == raftID {
                throw MetaNodeError(
                    .invalid,
                    "\(request.httpAddr) is the last meta node; a cluster cannot remove its last member"
                )
            }
            if !request.force, let member {
                do throws(MetaClientError) {
                    _ = try await peerClient.get(member.httpAddress, "/status")
                } catch {
                    throw MetaNodeError(
                        .unavailable,
                        "cannot reach \(member.httpAddress) to remove it cleanly: \(error.message); if the node is dead, use influxd-ctl remove-meta -force -tcpAddr \(member.tcpAddress) \(member.httpAddress)"
                    )
                }
            }
            if raftID == identity.id {
                try await handLeadershipOver(node)
            }
            do throws(RaftError) {
                try await node.remove(id: raftID)
            } catch {
                if !error.isUnknownServer {
                    throw MetaNodeError(.unavailable, "cannot remove node \(raftID) from Raft: \(error)")
                }
            }
            if member != nil {
                let outcome = try await execute(.deleteMetaNode(id: raftID))
                if let problem = outcome.error { logger.warning("removing node \(raftID): \(problem)") }
            }
            var warning: String?
            if let member, !request.force {
                warning = await tellToReset(member, clusterID: data.clusterID)
            }
            logger.info("removed meta node \(raftID) at \(request.httpAddr)")
            return RemoveReply(id: raftID, addr: member?.httpAddress ?? request.httpAddr, warning: warning)
        }
    }

    /// Transfers leadership to another voter and throws ``MetaNodeError/Code/notLeader`` naming
    /// the new leader, so the request is repeated there.
    private func handLeadershipOver(_ node: RaftNode) async throws(MetaNodeError) {
        do {
            try await node.transferLeadership(to: 0)
        } catch {
            throw MetaNodeError(.unavailable, "cannot hand leadership over before removing this node: \(error)")
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let status = try await raftStatus(node)
            if status.role != .leader, !status.leaderAddress.isEmpty, status.leaderAddress != raftAddress {
                throw notLeaderError(status)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw MetaNodeError(.timeout, "leadership was not handed over within 10s; try again")
    }

    private func tellToReset(_ member: NodeInfo, clusterID: UInt64) async -> String? {
        let body = (try? JSONEncoder().encode(ResetRequest(clusterID: clusterID, id: member.id))).map(Array.init) ?? []
        let reply = try? await peerClient.post(member.httpAddress, "/reset", json: body)
        guard reply?.status == 200 else {
            return
                "\(member.httpAddress) was removed but did not confirm it forgot its state; wipe its [meta] dir before adding it again"
        }
        return nil
    }

    /// Forgets the cluster (`POST /reset` from the leader that removed this node): stops Raft,
    /// deletes `node.json` and the Raft directory, and waits un-joined to be added again.
    public func reset(_ request: ResetRequest) async throws(MetaNodeError) {
        AuditNote.record("node \(request.id)")
        try await exclusively { () throws(MetaNodeError) in
            guard let identity = raftIdentity.withLock({ $0 }) else { return }
            guard identity.id == request.id, identity.clusterID == request.clusterID || identity.clusterID == 0 else {
                throw MetaNodeError(
                    .conflict,
                    "refusing to reset: this node is \(identity.id) in cluster \(identity.clusterID), not \(request.id) in \(request.clusterID)"
                )
            }
            guard await confirmRemoved(identity) else {
                throw MetaNodeError(
                    .conflict,
                    "refusing to reset: no member of cluster \(identity.clusterID) confirms that node \(identity.id) was removed; remove it with influxd-ctl remove-meta first"
                )
            }
            await stopAndForgetRaft()
            logger.info("left the cluster; waiting to be added again with influxd-ctl add-meta \(httpAddress)")
        }
    }

    /// Whether another member of this node's cluster no longer lists it. A reset wipes the
    /// node's state, so it is only done when the cluster itself confirms the removal: anyone
    /// can send `POST /reset`, but only a removal committed through Raft makes a member say so.
    private func confirmRemoved(_ identity: NodeIdentity) async -> Bool {
        let client = makePeerClient(timeout: .seconds(2))
        for peer in store.current.metaNodes where peer.id != identity.id {
            guard let status = try? await client.get(peer.httpAddress, "/status").decode(ClusterStatus.self),
                status.clusterID == identity.clusterID,
                let cluster = try? await client.get(peer.httpAddress, "/show-cluster").decode(ShowCluster.self)
            else { continue }
            if !cluster.meta.contains(where: { $0.id == identity.id }) { return true }
        }
        return false
    }

    /// Stops Raft and deletes this node's cluster state.
    func stopAndForgetRaft() async {
        await raft?.stop()
        let dir = configuration.config.meta.dir
        try? FileManager.default.removeItem(atPath: "\(dir)/\(NodeIdentity.fileName)")
        try? FileManager.default.removeItem(atPath: "\(dir)/raft")
        raftNode.withLock { $0 = nil }
        raftIdentity.withLock { $0 = nil }
        store.reset()
    }
}
