import CRaft

/// Linearizable reads that queue up together share one barrier.
///
/// A read must see every write committed before it started. A `raft_barrier` appended after the
/// read arrived gives that: once it is applied, so is everything committed before it. Every read
/// waiting in the loop's inbox arrived before the loop appends the next barrier, so one barrier
/// serves them all; under load that is one barrier entry (one disk write, one AppendEntries per
/// follower) per wake-up of the loop instead of one per read. A read never joins a barrier that
/// is already in flight: a write appended after that barrier could commit before the read
/// arrived and still be unapplied when the barrier's callback fires.
extension RaftNode {
    /// A linearizable read waiting for the loop's next barrier.
    typealias Reader = CheckedContinuation<Result<Void, RaftError>, Never>

    /// Appends one barrier for `readers` and answers them all when it is applied. Loop thread only.
    func appendBarrier(for readers: [Reader]) {
        guard !isClosing else {
            for reader in readers {
                reader.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: "raft_barrier")))
            }
            return
        }
        let req = UnsafeMutablePointer<raft_barrier>.allocate(capacity: 1)
        req.initialize(to: raft_barrier())
        req.pointee.data = Unmanaged.passRetained(BarrierReaders(readers)).toOpaque()
        let rv = raft_barrier(server, req) { req, status in
            guard let req else { return }
            let readers = Unmanaged<BarrierReaders>.fromOpaque(req.pointee.data!).takeRetainedValue().readers
            req.deallocate()
            let result: Result<Void, RaftError> =
                status == 0 ? .success(()) : .failure(RaftError(code: status, operation: "raft_barrier"))
            for reader in readers { reader.resume(returning: result) }
        }
        if rv == 0 {
            appended.barriers += 1
            return
        }
        Unmanaged<BarrierReaders>.fromOpaque(req.pointee.data!).release()
        req.deallocate()
        let error = RaftError(code: rv, operation: "raft_barrier", detail: String(cString: raft_errmsg(server)))
        for reader in readers { reader.resume(returning: .failure(error)) }
    }
}

/// The readers a barrier answers, carried in its request's `data`.
private final class BarrierReaders {
    let readers: [RaftNode.Reader]
    init(_ readers: [RaftNode.Reader]) {
        self.readers = readers
    }
}
