import Foundation

/// Runs blocking `work` (a process wait, a pipe read, a socket receive) on a thread of its own
/// and suspends until it ends. `Task.detached` is no place for it: detached tasks run on Swift's
/// cooperative pool, as wide as the machine has cores, and a few blocked tests there stall every
/// other test in the run.
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// ``onOwnThread(_:)`` for work that cannot fail.
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
