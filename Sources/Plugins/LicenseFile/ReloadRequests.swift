import Synchronization

/// Reload requests from ``LicenseFilePlugin/reload()`` to every running monitor of that plugin.
// Sendable: the subscribers are behind a Mutex; a continuation is Sendable.
final class ReloadRequests: Sendable {
    private let subscribers = Mutex<(next: Int, continuations: [Int: AsyncStream<Void>.Continuation])>((0, [:]))

    /// A stream that yields once per ``request()`` made while it is iterated.
    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = subscribers.withLock { state in
            defer { state.next += 1 }
            state.continuations[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Asks every subscriber to reload.
    func request() {
        for continuation in subscribers.withLock({ Array($0.continuations.values) }) {
            continuation.yield()
        }
    }
}
