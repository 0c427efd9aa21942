import CRaft

/// What a node does once it has been idle for a while: a leader tells its followers the commit
/// index (the commit notice), and a node that is due a snapshot takes it.
///
/// **Commit notice.** Followers learn that an entry committed from the leader's next
/// AppendEntries. libraft sends one when there are new entries or at the next heartbeat
/// (`heartbeat-timeout` / 10), so after the last write of a burst the followers would apply it,
/// and wake their long polls, up to a heartbeat later than the leader. A leader that applied a
/// command and then none for ``RaftNode/Configuration/quietDelay`` (20 ms) therefore appends a
/// barrier entry: its AppendEntries carries the new commit index at once. Under steady load no
/// barrier is added; an isolated write costs one more (empty) entry. The delay is longer than a
/// client's turn-around between sequential writes (at 2 ms a one-connection writer got a barrier
/// after nearly every write, and lost a quarter of its throughput).
///
/// **Snapshots at quiet moments.** Taking a snapshot stalls the Raft loop for 40–100 ms: libraft
/// finalizes its open log segment, and closing the segment's writer (`io_destroy`) waits for a
/// kernel RCU grace period. Every write committed during the stall waits too. So libraft's own
/// threshold, which it checks after each batch of entries it applies, is
/// ``RaftNode/Configuration/snapshotCeiling`` (4 × the configured threshold), and:
///
/// - a follower that has applied no entry (command or barrier) for
///   ``RaftNode/Configuration/snapshotQuietDelay`` (250 ms), and is at least
///   ``RaftNode/Configuration/snapshotThreshold`` entries past its last snapshot, lowers
///   libraft's threshold to that value;
/// - a leader does the same three heartbeats later (by then its followers, which hear of its
///   last entry within two heartbeats, have lowered theirs) and appends a barrier;
/// - a node applying a command while lowered puts the ceiling back at once (the state machine
///   runs before libraft's check), so the lowered threshold only ever fires on a batch of
///   barriers alone: the leader's, on every node, when the cluster is idle;
/// - taking a snapshot puts the ceiling back.
///
/// Under load without such a pause a node snapshots at the ceiling.
extension RaftNode {
    /// Loop-thread state of the quiet-moment logic.
    struct QuietState {
        /// libraft's last applied index when the loop last looked.
        var lastApplied: UInt64 = 0
        /// Whether the leader applied a command since its last commit notice.
        var commandSinceNotice = false
        /// Whether libraft's threshold is lowered to the configured one.
        var lowered = false
    }

    /// The state machine applied a command (called before libraft's snapshot check).
    func commandApplied() {
        quiet.commandSinceNotice = true
        if quiet.lowered { setSnapshotThreshold(lowered: false) }
    }

    /// After each batch of I/O: restarts both timers when libraft applied entries since.
    func noticeApplied() {
        guard !isClosing else { return }
        let applied = raft_last_applied(server)
        guard applied != quiet.lastApplied else { return }
        quiet.lastApplied = applied
        let isLeader = raft_state(server) == Int32(RAFT_LEADER)
        start(quietTimer, after: configuration.quietDelay) { timer in
            guard let timer, let data = timer.pointee.data else { return }
            Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().quietMoment()
        }
        let snapshotDelay = configuration.snapshotQuietDelay + (isLeader ? configuration.heartbeatInterval * 3 : .zero)
        start(snapshotTimer, after: snapshotDelay) { timer in
            guard let timer, let data = timer.pointee.data else { return }
            Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().snapshotMoment()
        }
    }

    /// Whether this node has applied at least ``Configuration/snapshotThreshold`` entries since
    /// its last snapshot.
    private var isDueSnapshot: Bool {
        raft_last_applied(server) >= snapshotLastIndex + UInt64(configuration.snapshotThreshold)
    }

    /// Called by the state machine bridge when libraft takes a snapshot.
    func snapshotStarted() {
        setSnapshotThreshold(lowered: false)
    }

    private func setSnapshotThreshold(lowered: Bool) {
        quiet.lowered = lowered
        let threshold = lowered ? configuration.snapshotThreshold : configuration.snapshotCeiling
        raft_set_snapshot_threshold(server, UInt32(threshold))
    }

    private func start(_ timer: UnsafeMutablePointer<uv_timer_t>, after delay: Duration, _ callback: uv_timer_cb) {
        uv_timer_start(timer, callback, UInt64(max(delay.milliseconds, 1)), 0)
    }

    private func quietMoment() {
        guard !isClosing, configuration.commitNotice, quiet.commandSinceNotice,
            raft_state(server) == Int32(RAFT_LEADER)
        else { return }
        quiet.commandSinceNotice = false
        appendBarrier()
    }

    private func snapshotMoment() {
        guard !isClosing, isDueSnapshot else { return }
        setSnapshotThreshold(lowered: true)
        if raft_state(server) == Int32(RAFT_LEADER) { appendBarrier() }
    }

    /// Appends a barrier when everything this leader appended has committed (entries still in
    /// flight carry the commit index themselves).
    private func appendBarrier() {
        guard raft_last_index(server) == commitIndex else { return }
        let req = UnsafeMutablePointer<raft_barrier>.allocate(capacity: 1)
        req.initialize(to: raft_barrier())
        let rv = raft_barrier(server, req) { req, _ in req?.deallocate() }
        if rv != 0 { req.deallocate() }
    }
}
