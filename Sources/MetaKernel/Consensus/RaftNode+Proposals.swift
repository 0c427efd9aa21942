import CRaft

/// Proposals that arrive together are appended together.
///
/// Every ``RaftNode/propose(_:)`` hands the loop a ``Proposal``. The loop takes all the
/// proposals that queued up while it was busy in one `raft_apply` (up to
/// ``RaftNode/maximumBatch``), so under load the leader writes them to disk in one append and
/// sends each follower one AppendEntries for all of them, instead of one per command; each
/// follower answers once. A lone proposal still goes out in the hop that received it, so one
/// client's latency does not change. Each command stays its own log entry: the log format, and
/// one index per command, are as before.
///
/// libraft reports a request's success once, when its first entry is applied, so the loop keeps
/// every proposed entry in ``RaftNode/awaitingApply`` by index, with the term it was appended
/// in, and answers each one when the state machine applies that index:
///
/// - the entry at that index has the proposal's term: it is the proposal's entry (Raft's log
///   matching), and its outcome is the state machine's;
/// - another term: the entry was replaced after this node lost leadership, and the proposal
///   fails with `RAFT_LEADERSHIPLOST`.
///
/// When libraft fails the request (leadership lost before the first entry committed, shutdown)
/// every entry of it still waiting fails with that status. An entry the request's callback no
/// longer covers fails with `RAFT_LEADERSHIPLOST` as soon as the loop sees this node is no longer
/// leader (``failAwaitingAfterStepDown()``), like libraft's own requests; it may still commit
/// under the next leader, which the caller is told.
extension RaftNode {
    /// A command waiting for the loop to append it.
    struct Proposal: Sendable {
        /// Builds the entry from the term it is appended in.
        var makeEntry: @Sendable (UInt64) -> [UInt8]
        var continuation: CheckedContinuation<Result<ApplyOutcome, RaftError>, Never>

        func fail(_ code: Int32, detail: String? = nil) {
            continuation.resume(returning: .failure(RaftError(code: code, operation: "raft_apply", detail: detail)))
        }
    }

    /// A proposed entry in the log, waiting to be applied.
    struct AwaitedEntry {
        /// The term it was appended in.
        var term: UInt64
        var continuation: CheckedContinuation<Result<ApplyOutcome, RaftError>, Never>
    }

    /// The most entries one `raft_apply` carries: bounds an AppendEntries message, and the time
    /// the loop spends building one batch.
    static let maximumBatch = 256

    /// Appends `batch` to the log in one `raft_apply`. Loop thread only.
    func append(_ batch: [Proposal]) {
        guard !isClosing else {
            for proposal in batch { proposal.fail(RAFT_SHUTDOWN) }
            return
        }
        let term = currentTerm
        var buffers: [raft_buffer] = []
        buffers.reserveCapacity(batch.count)
        for proposal in batch {
            guard let buffer = Self.paddedBuffer(for: proposal.makeEntry(term)) else {
                for buffer in buffers { raft_free(buffer.base) }
                for proposal in batch { proposal.fail(RAFT_NOMEM) }
                return
            }
            buffers.append(buffer)
        }
        // libraft appends at the index after its last; registered before the call so that no
        // apply can ever miss its waiter.
        let first = raft_last_index(server) + 1
        for (offset, proposal) in batch.enumerated() {
            awaitingApply[first + UInt64(offset)] = AwaitedEntry(term: term, continuation: proposal.continuation)
        }
        let req = UnsafeMutablePointer<raft_apply>.allocate(capacity: 1)
        req.initialize(to: raft_apply())
        req.pointee.data = Unmanaged.passRetained(BatchRequest(node: self, count: batch.count)).toOpaque()
        let rv = raft_apply(server, req, buffers, UInt32(buffers.count)) { req, status, _ in
            guard let req else { return }
            let index = req.firstIndex
            let batch = Unmanaged<BatchRequest>.fromOpaque(req.pointee.data!).takeRetainedValue()
            req.deallocate()
            // Success only says the first entry was applied, which answered it already.
            if status != 0 { batch.node.failAwaiting(from: index, count: batch.count, code: status) }
        }
        if rv == 0 {
            appended.batches += 1
            appended.proposals += batch.count
            metrics?.appended(count: batch.count)
        } else {
            Unmanaged<BatchRequest>.fromOpaque(req.pointee.data!).release()
            req.deallocate()
            for buffer in buffers { raft_free(buffer.base) }
            let detail = String(cString: raft_errmsg(server))
            for offset in 0..<batch.count { awaitingApply.removeValue(forKey: first + UInt64(offset)) }
            for proposal in batch { proposal.fail(rv, detail: detail) }
        }
    }

    /// Answers the proposal waiting for `index`, if any, once the state machine applied it.
    /// Loop thread only.
    func answerProposal(at index: UInt64, with outcome: ApplyOutcome) {
        guard let awaited = awaitingApply.removeValue(forKey: index) else { return }
        if logTerm(at: index) == awaited.term {
            awaited.continuation.resume(returning: .success(outcome))
        } else {
            awaited.continuation.resume(
                returning: .failure(
                    RaftError(
                        code: RAFT_LEADERSHIPLOST,
                        operation: "raft_apply",
                        detail: "another leader's entry took index \(index)"
                    )
                )
            )
        }
    }

    /// Fails every proposal still waiting once this node is no longer leader: nothing will
    /// answer them while it follows. Called after each batch of I/O; loop thread only.
    func failAwaitingAfterStepDown() {
        guard !awaitingApply.isEmpty, raft_state(server) != Int32(RAFT_LEADER) else { return }
        failAllAwaiting(code: RAFT_LEADERSHIPLOST)
    }

    /// Fails every waiting proposal with `code` (leadership lost, shutdown). Loop thread only.
    func failAllAwaiting(code: Int32) {
        let awaiting = awaitingApply
        awaitingApply.removeAll()
        for (_, awaited) in awaiting.sorted(by: { $0.key < $1.key }) {
            awaited.continuation.resume(returning: .failure(RaftError(code: code, operation: "raft_apply")))
        }
    }

    private func failAwaiting(from first: UInt64, count: Int, code: Int32) {
        for index in first..<first + UInt64(count) {
            awaitingApply.removeValue(forKey: index)?.continuation.resume(
                returning: .failure(RaftError(code: code, operation: "raft_apply"))
            )
        }
    }

    /// `bytes` (a log entry or a snapshot) in a `raft_malloc` buffer, zero-padded to a multiple
    /// of 8 bytes (see ``RaftNode/apply(_:)``); `nil` when out of memory.
    static func paddedBuffer(for bytes: [UInt8]) -> raft_buffer? {
        let padded = max((bytes.count + 7) / 8 * 8, 8)
        guard let base = raft_malloc(padded) else { return nil }
        base.initializeMemory(as: UInt8.self, repeating: 0, count: padded)
        bytes.withUnsafeBytes { if $0.count > 0 { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        return raft_buffer(base: base, len: padded)
    }
}

/// What a batch's `raft_apply` callback needs: the node, and how many entries the request holds.
private final class BatchRequest {
    let node: RaftNode
    let count: Int
    init(node: RaftNode, count: Int) {
        self.node = node
        self.count = count
    }
}
