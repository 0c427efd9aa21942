import Logging
import Synchronization

extension MetaNode {
    /// How often the watchdog looks at Raft.
    static let watchdogInterval = Duration.seconds(2)
    /// Checks in a row without progress, while the leader is ahead, before Raft is restarted.
    static let stalledChecksBeforeRestart = 3

    /// Restarts Raft when it has stopped making progress on its own.
    ///
    /// libraft does not recover from a failed disk write (a full disk, found by the fault
    /// suite's `disk-full` scenario): the node keeps following the leader but never applies
    /// another entry, even after space is freed. The watchdog notices that this node's applied
    /// index stands still while the leader's moves on (or that libraft reports itself
    /// unavailable), stops Raft and starts it again from `dir`; a start that fails (the disk is
    /// still full) is retried on the next check.
    func watchRaft() async {
        var stalledChecks = 0
        var lastApplied: UInt64 = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.watchdogInterval)
            guard !Task.isCancelled, let identity = raftIdentity.withLock({ $0 }) else { continue }
            guard let node = raft else {
                await restartRaft(identity: identity, reason: "Raft is not running")
                continue
            }
            guard let status = try? await node.status() else { continue }
            if status.role == .unavailable {
                await restartRaft(identity: identity, reason: "libraft reports itself unavailable")
                stalledChecks = 0
                continue
            }
            let applied = store.current.index
            defer { lastApplied = applied }
            guard status.role == .follower, applied == lastApplied,
                let leaderHTTP = httpAddress(ofRaftAddress: status.leaderAddress),
                let leader = try? await peerClient.get(leaderHTTP, "/status").decode(ClusterStatus.self),
                let leaderIndex = leader.index, leaderIndex > applied
            else {
                stalledChecks = 0
                continue
            }
            stalledChecks += 1
            if stalledChecks >= Self.stalledChecksBeforeRestart {
                await restartRaft(
                    identity: identity,
                    reason: "applied index stuck at \(applied) while the leader is at \(leaderIndex)"
                )
                stalledChecks = 0
            }
        }
    }

    /// Stops the running Raft instance (if any) and starts a new one with the same identity.
    private func restartRaft(identity: NodeIdentity, reason: String) async {
        let acquired = membershipBusy.withLock { busy in
            defer { busy = true }
            return !busy
        }
        guard acquired else { return }
        defer { membershipBusy.withLock { $0 = false } }
        guard raftIdentity.withLock({ $0 }) == identity else { return }
        logger.warning("restarting Raft: \(reason)")
        if let old = raftNode.withLock({ node in
            defer { node = nil }
            return node
        }) {
            await old.stop()
        }
        do {
            try await startRaft(identity: identity, bootstrapping: false)
        } catch {
            logger.error("cannot restart Raft in \(configuration.config.meta.dir): \(error); retrying")
        }
    }
}
