import CRaft
import Logging

/// Faster elections when the leader's process goes away.
///
/// A libraft follower refuses to vote, and to pre-vote, while it still has a leader, and it
/// forgets the leader only when its own election timer fires: a random wait between 1 and 2 ×
/// `election-timeout` since it last heard from the leader. With the leader dead, an election
/// therefore completes only once the *later* of the surviving followers has timed out (on
/// average 1.67 × the timeout).
///
/// When the leader's process exits, by a crash, a kill or a restart, its host closes the leader's
/// connections at once. A follower that sees the last Raft connection its leader opened to it
/// close cuts its remaining election wait to a random moment within a quarter of the election
/// timeout (the randomness keeps the survivors from starting elections at the same instant). If
/// the leader is in fact alive (its connection was reset and it dials again), nothing is lost:
/// with pre-vote the follower's candidacy is refused by the leader and by the other followers,
/// no term changes, and the leader's next heartbeat makes it a follower again. A leader that
/// hangs or is cut off by the network closes nothing, and the election timeout applies as before.
///
/// This shortens a timer that libraft keeps in `struct raft`'s public `follower_state`: libraft
/// reads it on each tick (`now - election_timer_start >= randomized_election_timeout`) and
/// replaces it whenever it resets the election timer, so the change lasts only until the
/// follower hears from a leader again.
extension RaftNode {
    /// The last Raft connection that peer `id` opened to this node closed. Loop thread only.
    func peerConnectionsClosed(id: UInt64) {
        guard !isClosing, raft_state(server) == Int32(RAFT_FOLLOWER), let now = io.pointee.time?(io) else { return }
        var leaderID: raft_id = 0
        var leaderAddress: UnsafePointer<CChar>?
        raft_leader(server, &leaderID, &leaderAddress)
        guard leaderID == id else { return }
        let start = server.pointee.election_timer_start
        let elapsed = now > start ? now - start : 0
        let window = UInt64(max(configuration.electionTimeout.milliseconds / 4, 1))
        let deadline = elapsed + UInt64.random(in: 0...window)
        guard deadline < UInt64(server.pointee.follower_state.randomized_election_timeout) else { return }
        server.pointee.follower_state.randomized_election_timeout = UInt32(deadline)
        logger.info(
            "the Raft leader closed its connection; starting an election unless it is heard from again",
            metadata: ["leader": "\(id)", "in_ms": "\(deadline - elapsed)"]
        )
    }
}
