import CRaft

/// Work a node does when it goes ``RaftNode/Configuration/quietDelay`` (20 ms by default)
/// without applying a command: a leader tells its followers the commit index (the commit
/// notice), and any node that is due a snapshot takes it.
///
/// **Commit notice.** Followers learn that an entry committed from the leader's next
/// AppendEntries. libraft sends one when there are new entries or at the next heartbeat
/// (`heartbeat-timeout` / 10), so after the last write of a burst the followers would apply it,
/// and wake their long polls, up to a heartbeat later than the leader. A quiet leader therefore
/// appends a barrier entry: its AppendEntries carries the new commit index at once. Under steady
/// load every apply re-arms the timer and no barrier is added; an isolated write costs one more
/// (empty) entry. The delay is longer than a client's turn-around between sequential writes (at
/// 2 ms a one-connection writer got a barrier after nearly every write, and lost a quarter of
/// its throughput).
///
/// **Snapshots at quiet moments.** Taking a snapshot stalls the Raft loop for 40–100 ms: libraft
/// finalizes its open log segment, and closing the segment's writer (`io_destroy`) waits for a
/// kernel RCU grace period. Every write committed during the stall waits too. So libraft's own
/// threshold is set to ``RaftNode/Configuration/snapshotCeiling`` (4 × the configured
/// threshold), and a node that is quiet and past ``RaftNode/Configuration/snapshotThreshold``
/// entries since its last snapshot lowers libraft's threshold to that value: the next entry it
/// applies triggers the snapshot, and taking it restores the ceiling. The leader appends a
/// barrier for that entry; followers apply the same barrier once its commit reaches them. Only
/// a node that is never quiet for ``RaftNode/Configuration/quietDelay`` snapshots under load, at
/// the ceiling. A follower whose quiet timer fires after the barrier's commit reached it (a
/// heartbeat shorter than the quiet delay) snapshots at the next entry it applies instead.
extension RaftNode {
    /// Re-arms the quiet timer after the state machine applied a command. Loop thread only.
    func armQuietTimer() {
        guard !isClosing else { return }
        uv_timer_start(
            quietTimer,
            { timer in
                guard let timer, let data = timer.pointee.data else { return }
                Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().quietMoment()
            },
            UInt64(max(configuration.quietDelay.milliseconds, 1)),
            0
        )
    }

    /// Whether this node has applied at least ``Configuration/snapshotThreshold`` entries since
    /// its last snapshot. Loop thread only.
    var isDueSnapshot: Bool {
        raft_last_applied(server) >= server.pointee.log.snapshot.last_index + UInt64(configuration.snapshotThreshold)
    }

    /// Called by the state machine bridge when libraft takes a snapshot: back to the ceiling.
    func snapshotStarted() {
        raft_set_snapshot_threshold(server, UInt32(configuration.snapshotCeiling))
    }

    private func quietMoment() {
        guard !isClosing else { return }
        let isLeader = raft_state(server) == Int32(RAFT_LEADER)
        let dueSnapshot = isDueSnapshot
        if dueSnapshot {
            raft_set_snapshot_threshold(server, UInt32(configuration.snapshotThreshold))
        }
        if isLeader, configuration.commitNotice || dueSnapshot {
            appendBarrier()
        }
    }

    /// Appends a barrier when everything this leader appended has committed (entries still in
    /// flight carry the commit index themselves, trigger a due snapshot when applied, and
    /// re-arm the timer).
    private func appendBarrier() {
        guard raft_last_index(server) == server.pointee.commit_index else { return }
        let req = UnsafeMutablePointer<raft_barrier>.allocate(capacity: 1)
        req.initialize(to: raft_barrier())
        let rv = raft_barrier(server, req) { req, _ in req?.deallocate() }
        if rv != 0 { req.deallocate() }
    }
}
