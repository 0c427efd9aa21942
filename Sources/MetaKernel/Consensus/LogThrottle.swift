import Synchronization

/// Lets a repeated message through once per interval per key.
///
/// libraft reconnects to a peer every heartbeat, so a refused peer (wrong secret, not a
/// member) would otherwise log the same warning ten times a second.
final class LogThrottle: Sendable {
    /// Keys kept before the table is cleared (keys can come from peers' bytes).
    static let maximumKeys = 1024

    private let interval: Duration
    private let lastLogged = Mutex<[String: ContinuousClock.Instant]>([:])

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether a message under `key` should be logged now; records it if so.
    func shouldLog(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        lastLogged.withLock { table in
            if let last = table[key], now - last < interval { return false }
            if table.count >= Self.maximumKeys { table.removeAll(keepingCapacity: true) }
            table[key] = now
            return true
        }
    }
}
