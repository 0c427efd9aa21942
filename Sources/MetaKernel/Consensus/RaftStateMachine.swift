/// The state machine Raft replicates into.
///
/// Every method is called on the Raft loop thread only, one at a time. `apply` must be
/// deterministic and must not fail: an entry that cannot be decoded is reported through the
/// outcome, since libraft would otherwise retry the same entry forever.
public protocol RaftStateMachine: AnyObject, Sendable {
    /// Applies the committed entry at `index`.
    func apply(entry: UnsafeRawBufferPointer, index: UInt64) -> ApplyOutcome
    /// Captures the whole state for a snapshot, on the Raft thread (cheap: a copy-on-write
    /// value); the closure it returns encodes that state on libuv's thread pool, so that
    /// encoding a large state never stalls the Raft loop while writes wait.
    func snapshot() -> @Sendable () throws -> [UInt8]
    /// Replaces the whole state with a snapshot's.
    func restore(_ snapshot: UnsafeRawBufferPointer) throws
}
