/// Carries a value that is not `Sendable` (a C pointer) to the Raft loop thread.
///
/// Invariant: the value is only dereferenced on the loop thread that owns it; other threads
/// only pass it along.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
