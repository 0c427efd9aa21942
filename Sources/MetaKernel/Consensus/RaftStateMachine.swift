/// The state machine Raft replicates into.
///
/// Every method is called on the Raft loop thread only, one at a time. `apply` must be
/// deterministic and must not fail: an entry that cannot be decoded is reported through the
/// outcome, since libraft would otherwise retry the same entry forever.
public protocol RaftStateMachine: AnyObject, Sendable {
    /// Applies the committed entry at `index`.
    func apply(entry: UnsafeRawBufferPointer, index: UInt64) -> ApplyOutcome
    /// Encodes the whole state for a snapshot.
    func snapshot() throws -> [UInt8]
    /// Replaces the whole state with a snapshot's.
    func restore(_ snapshot: UnsafeRawBufferPointer) throws
}
