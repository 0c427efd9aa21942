import FoundationEssentials
import Logging
import Synchronization

extension MetaNode {
    /// A client for talking to other meta nodes through the node's transport and discovery.
    var peerClient: MetaClient { makePeerClient(timeout: .seconds(5)) }

    /// Runs `body` as the only membership change on this node.
    func exclusively<T>(_ body: () async throws(MetaNodeError) -> T) async throws(MetaNodeError) -> T {
        let acquired = membershipBusy.withLock { busy in
            defer { busy = true }
            return !busy
        }
        guard acquired else {
            throw MetaNodeError(.conflict, "another membership change is in progress on \(httpAddress); try again")
        }
        defer { membershipBusy.withLock { $0 = false } }
        return try await body()
    }

    /// Adds the meta node at `request.addr` to the cluster (`influxd-ctl join` / `add-meta`).
    ///
    /// On a node without a cluster, joining its own address bootstraps a one-node cluster. On a
    /// follower it fails with ``MetaNodeError/Code/notLeader`` (the API answers 307). On the leader
    /// it checks the newcomer, allocates its id, hands the newcomer its identity, and adds it to
    /// Raft as a voter once it has caught up.
    public func join(_ request: JoinRequest) async throws(MetaNodeError) -> JoinReply {
        AuditNote.record(request.addr)
        let target = try MemberAddress.parse(request.addr, option: "join")
        return try await exclusively { () throws(MetaNodeError) -> JoinReply in
            guard let node = raft else { return try await bootstrap(target) }
            let status = try await raftStatus(node)
            guard status.role == .leader else { throw notLeaderError(status) }
            let data = store.current
            if let member = data.metaNode(httpAddress: target.description) {
                try await finishAdding(
                    member,
                    target: target,
                    servers: status.servers,
                    clusterID: data.clusterID,
                    node: node
                )
                return JoinReply(
                    id: member.id,
                    addr: member.httpAddress,
                    tcpAddr: member.tcpAddress,
                    alreadyMember: true,
                    createdCluster: false,
                    warning: nil
                )
            }
            try await MemberAddress.checkLoopback(
                target,
                members: data.metaNodes.map(\.httpAddress),
                discovery: plugins.discovery
            )
            let newcomer = try await probe(target, clusterID: data.clusterID)
            let outcome = try await execute(
                .createMetaNode(
                    httpAddress: target.description,
                    tcpAddress: newcomer.raftAddress,
                    rand: UInt64.random(in: 1...UInt64.max)
                )
            )
            if let problem = outcome.error { throw MetaNodeError(.conflict, "cannot add \(target): \(problem)") }
            guard let id = outcome.nodeID else { throw MetaNodeError(.badState, "no id was allocated for \(target)") }
            do throws(MetaNodeError) {
                try await handOver(
                    AcceptJoinRequest(
                        id: id,
                        clusterID: data.clusterID,
                        raftAddr: newcomer.raftAddress,
                        httpAddr: target.description
                    ),
                    to: target.description
                )
                try await addVoter(id: id, address: newcomer.raftAddress, node: node)
            } catch {
                logger.warning("adding \(target) failed, undoing: \(error)")
                try? await node.remove(id: id)
                _ = try? await execute(.deleteMetaNode(id: id))
                throw error
            }
            logger.info("added meta node \(id) at \(target)", metadata: ["raft": "\(newcomer.raftAddress)"])
            return JoinReply(
                id: id,
                addr: target.description,
                tcpAddr: newcomer.raftAddress,
                alreadyMember: false,
                createdCluster: false,
                warning: evenVotersWarning(count: store.current.metaNodes.count)
            )
        }
    }

    /// Finishes adding `member` when its join was cut short: its leader stopped after committing
    /// its record but before making it a voter (a spare gets no log from the next leader). Hands
    /// it its identity again (a no-op when it has it) and adds or promotes it. Nothing to do for
    /// a voter, running or not.
    private func finishAdding(
        _ member: NodeInfo,
        target: HostPort,
        servers: [RaftStatus.Server],
        clusterID: UInt64,
        node: RaftNode
    ) async throws(MetaNodeError) {
        let server = servers.first { $0.id == member.id }
        guard server?.isVoter != true else { return }
        _ = try await probe(target, clusterID: clusterID)
        try await handOver(
            AcceptJoinRequest(
                id: member.id,
                clusterID: clusterID,
                raftAddr: member.tcpAddress,
                httpAddr: member.httpAddress
            ),
            to: member.httpAddress
        )
        if server == nil {
            try await addVoter(id: member.id, address: member.tcpAddress, node: node)
        } else {
            do {
                try await node.probePeer(address: member.tcpAddress)
                try await node.promote(id: member.id)
            } catch {
                throw MetaNodeError(.unavailable, "cannot make \(member.tcpAddress) a voter: \(error)")
            }
        }
        logger.info("finished adding meta node \(member.id) at \(target), whose join had been cut short")
    }

    /// Creates a one-node cluster with this node as node 1.
    private func bootstrap(_ target: HostPort) async throws(MetaNodeError) -> JoinReply {
        guard target.description == httpAddress else {
            throw MetaNodeError(
                .unjoined,
                "\(httpAddress) is not part of a cluster yet: first run influxd-ctl join \(httpAddress) to create the cluster there, then add \(target)"
            )
        }
        let identity = NodeIdentity(
            id: 1,
            clusterID: UInt64.random(in: 1...UInt64.max),
            httpAddress: httpAddress,
            raftAddress: raftAddress
        )
        try identity.save(to: configuration.config.meta.dir)
        do {
            try await startRaft(identity: identity, bootstrapping: true)
        } catch {
            throw MetaNodeError(.badState, "cannot start Raft on \(raftAddress): \(error)")
        }
        let outcome = try await executeWhenLeader(
            .createMetaNode(httpAddress: httpAddress, tcpAddress: raftAddress, rand: identity.clusterID),
            within: .seconds(10)
        )
        logger.info("created cluster \(identity.clusterID) with meta node \(outcome.nodeID ?? 1) at \(httpAddress)")
        return JoinReply(
            id: outcome.nodeID ?? 1,
            addr: httpAddress,
            tcpAddr: raftAddress,
            alreadyMember: outcome.error != nil,
            createdCluster: true,
            warning: nil
        )
    }

    /// Retries `command` until this node leads (just after a bootstrap) or `within` passes.
    func executeWhenLeader(_ command: MetaCommand, within: Duration) async throws(MetaNodeError) -> ApplyOutcome {
        let deadline = ContinuousClock.now + within
        while true {
            do {
                return try await execute(command)
            } catch {
                guard error.code == .noLeader || error.code == .notLeader, ContinuousClock.now < deadline else {
                    throw error
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Asks the newcomer who it is; it must be an un-joined meta node advertising `target`.
    private func probe(_ target: HostPort, clusterID: UInt64) async throws(MetaNodeError) -> ClusterStatus {
        let reply: MetaClient.Reply
        do {
            reply = try await peerClient.get(target.description, "/status")
        } catch {
            throw MetaNodeError(.invalid, "\(error.message) (\(Self.probeHint(error, target: target)))")
        }
        guard reply.status == 200, let status = try? reply.decode(ClusterStatus.self), status.nodeType == "meta" else {
            throw MetaNodeError(
                .invalid,
                "unable to determine if \"\(target)\" is a meta node: its /status answered HTTP \(reply.status) \(reply.text.prefix(120)) (check the address and that it is a meta node's http-bind-address)"
            )
        }
        guard status.httpAddress.lowercased() == target.description.lowercased() else {
            throw MetaNodeError(
                .conflict,
                "\(target) advertises itself as \(status.httpAddress) (its hostname setting); add it as influxd-ctl join \(status.httpAddress), or set hostname in its config to \(target.host) and restart it"
            )
        }
        if let peers = status.peers {
            let sameCluster = status.clusterID == clusterID
            guard sameCluster && peers.isEmpty else {
                throw MetaNodeError(
                    .conflict,
                    "\(target) already belongs to a cluster (leader \"\(status.leader)\"); remove it there with influxd-ctl remove-meta, or stop it and wipe its [meta] dir, before adding it here"
                )
            }
        }
        return status
    }

    private func handOver(_ request: AcceptJoinRequest, to address: String) async throws(MetaNodeError) {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(request))
        } catch {
            throw MetaNodeError(.badState, "cannot encode the join hand-over: \(error)")
        }
        let reply: MetaClient.Reply
        do {
            reply = try await peerClient.post(address, "/accept-join", json: body)
        } catch {
            throw MetaNodeError(.unavailable, "cannot hand \(address) its identity: \(error.message)")
        }
        guard reply.status == 200 else {
            throw MetaNodeError(
                .conflict,
                "\(address) refused to join: \(reply.errorMessage ?? "HTTP \(reply.status)")"
            )
        }
    }

    private func addVoter(id: UInt64, address: String, node: RaftNode) async throws(MetaNodeError) {
        do {
            try await node.probePeer(address: address)
        } catch let error as RaftDialer.HandshakeRefused {
            throw MetaNodeError(.unavailable, "cannot add \(address) to Raft: \(error)")
        } catch {
            throw MetaNodeError(
                .unavailable,
                "cannot add \(address) to Raft: \(error) (can this node reach \(address)? check bind-address and firewalls on port 8089)"
            )
        }
        do {
            try await node.add(id: id, address: address)
            try await node.promote(id: id)
        } catch {
            throw MetaNodeError(
                .unavailable,
                "cannot add \(address) to Raft: \(error) (can this node reach \(address)? check bind-address and firewalls on port 8089)"
            )
        }
    }

    func evenVotersWarning(count: Int) -> String? {
        guard count % 2 == 0 else { return nil }
        return
            "the cluster now has \(count) meta nodes; use an odd number (3 or 5) so that it keeps a majority when one fails"
    }

    /// Takes the identity the leader allocated (`POST /accept-join`) and starts Raft with it.
    public func acceptJoin(_ request: AcceptJoinRequest) async throws(MetaNodeError) {
        AuditNote.record("node \(request.id) of cluster \(request.clusterID) as \(request.httpAddr)")
        guard request.raftAddr == raftAddress, request.httpAddr == httpAddress else {
            throw MetaNodeError(
                .conflict,
                "this node is \(httpAddress) with Raft address \(raftAddress), not \(request.httpAddr) / \(request.raftAddr)"
            )
        }
        try await exclusively { () throws(MetaNodeError) in
            if let current = raftIdentity.withLock({ $0 }), let node = raft {
                if current.id == request.id && current.clusterID == request.clusterID { return }
                let servers = (try? await node.status())?.servers ?? []
                guard current.clusterID == request.clusterID, servers.isEmpty else {
                    throw MetaNodeError(
                        .conflict,
                        "\(httpAddress) already belongs to cluster \(current.clusterID) as node \(current.id)"
                    )
                }
                await stopAndForgetRaft()
            }
            let identity = NodeIdentity(
                id: request.id,
                clusterID: request.clusterID,
                httpAddress: httpAddress,
                raftAddress: raftAddress
            )
            try identity.save(to: configuration.config.meta.dir)
            do {
                try await startRaft(identity: identity, bootstrapping: false)
            } catch {
                throw MetaNodeError(.badState, "cannot start Raft on \(raftAddress): \(error)")
            }
            logger.info("joined cluster \(request.clusterID) as meta node \(request.id)")
        }
    }
}
