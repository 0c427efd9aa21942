import CRaft

/// Followers learn that an entry committed from the leader's next AppendEntries. libraft sends
/// one when there are new entries or at the next heartbeat (`heartbeat-timeout` / 10), so after
/// the last write of a burst the followers would apply it, and wake their long polls, up to a
/// heartbeat later than the leader. A leader that has applied a command and then sees no other
/// one for ``RaftNode/Configuration/commitNoticeDelay`` therefore appends a barrier entry: its
/// AppendEntries carries the new commit index at once. Under steady load every apply re-arms
/// the timer and no barrier is added; an isolated write costs one more (empty) entry. The
/// default delay, 20 ms, is longer than a client's turn-around between sequential writes (at
/// 2 ms a one-connection writer got a barrier after nearly every write, and lost a quarter of
/// its throughput); long polls on followers wake about 20 ms after the write instead of up to
/// a heartbeat (100 ms by default) later.
extension RaftNode {
    /// Re-arms the notice timer after the state machine applied a command. Loop thread only.
    func armCommitNotice() {
        guard let delay = configuration.commitNoticeDelay, !isClosing,
            raft_state(server) == Int32(RAFT_LEADER)
        else { return }
        uv_timer_start(
            noticeTimer,
            { timer in
                guard let timer, let data = timer.pointee.data else { return }
                Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().sendCommitNotice()
            },
            UInt64(max(delay.milliseconds, 1)),
            0
        )
    }

    /// Appends a barrier when this node still leads and everything it appended has committed
    /// (entries still in flight will carry the commit index themselves, and re-arm the timer).
    private func sendCommitNotice() {
        guard !isClosing, raft_state(server) == Int32(RAFT_LEADER),
            raft_last_index(server) == server.pointee.commit_index
        else { return }
        let req = UnsafeMutablePointer<raft_barrier>.allocate(capacity: 1)
        req.initialize(to: raft_barrier())
        let rv = raft_barrier(server, req) { req, _ in req?.deallocate() }
        if rv != 0 { req.deallocate() }
    }
}
