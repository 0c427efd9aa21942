import CRaft
import Logging

/// How long a follower waits for its leader before it stands for election.
///
/// libraft draws a follower's wait from [T, 2T] (T: `election-timeout`) each time it hears from
/// the leader, and a follower refuses votes and pre-votes while it still has a leader, which it
/// forgets only when that wait ends. With the leader gone, an election therefore completes once
/// the *later* survivor's wait ends: on average 1.67 T after the leader's last message. (etcd's
/// followers grant votes once T has passed, so its elections complete when the *earlier*
/// survivor stands: 1.33 T.) Two changes narrow the gap, and more:
///
/// - **Narrower draw.** A follower's wait is drawn from [T, 1.25 T]: right after libraft draws
///   one (a `uv_check` handle runs after every batch of I/O the loop handled, before any timer
///   can read the draw), a draw above 1.25 T is replaced by a uniform one in the range, which
///   makes the wait uniform over [T, 1.25 T]. The later survivor then stands at 1.17 T on
///   average. The quarter of T that is left still separates the survivors' candidacies by far
///   more than a round trip; if two do stand within one and split the vote, libraft's own
///   candidate wait (still [T, 2T]) settles it.
/// - **Leader loss.** When the leader's process exits (a crash, a kill, a restart) its host
///   closes the leader's connections at once. A follower that sees the last Raft connection its
///   leader opened to it close cuts its remaining wait to a random moment within T / 4. If the
///   leader is in fact alive (its connection was reset and it dials again), nothing is lost: with
///   pre-vote the follower's candidacy is refused by the leader and by the other followers, no
///   term changes, and the leader's next heartbeat makes it a follower again. A leader that hangs
///   or is cut off by the network closes nothing, and the narrower draw applies.
///
/// Both write the wait libraft keeps for a follower (``followerElectionWait``, in
/// LibraftInternals.swift), which it reads on each tick (`now - election_timer_start >=
/// randomized_election_timeout`) and replaces whenever it resets the election timer. Loop thread
/// only.
extension RaftNode {
    /// The longest wait a follower draws beyond T, and the longest it waits after leader loss.
    private var electionWaitSpread: UInt64 { UInt64(max(configuration.electionTimeout.milliseconds / 4, 1)) }

    /// Replaces a libraft draw above T + ``electionWaitSpread``; the `uv_check` callback.
    func narrowElectionWait() {
        guard !isClosing, raft_state(server) == Int32(RAFT_FOLLOWER) else { return }
        let timeout = UInt64(max(configuration.electionTimeout.milliseconds, 1))
        let spread = electionWaitSpread
        guard UInt64(followerElectionWait) > timeout + spread else { return }
        followerElectionWait = UInt32(timeout + UInt64.random(in: 0...spread))
    }

    /// The last Raft connection that peer `id` opened to this node closed.
    func peerConnectionsClosed(id: UInt64) {
        guard !isClosing, raft_state(server) == Int32(RAFT_FOLLOWER), let now = ioTime else { return }
        var leaderID: raft_id = 0
        var leaderAddress: UnsafePointer<CChar>?
        raft_leader(server, &leaderID, &leaderAddress)
        guard leaderID == id else { return }
        let start = electionTimerStart
        let elapsed = now > start ? now - start : 0
        let deadline = elapsed + UInt64.random(in: 0...electionWaitSpread)
        guard deadline < UInt64(followerElectionWait) else { return }
        followerElectionWait = UInt32(deadline)
        logger.info(
            "the Raft leader closed its connection; standing for election unless it is heard from again",
            metadata: ["leader": "\(id)", "in_ms": "\(deadline - elapsed)"]
        )
    }
}
