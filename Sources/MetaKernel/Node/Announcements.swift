import FoundationEssentials
import Synchronization

/// The latest announcement of each node, held in memory and shared among meta nodes by
/// ``AnnouncementGossip``; entries older than `[meta] announcement-expiration` are dropped.
///
/// Age is measured from the announcement's own `time` (when the node announced), not from when
/// a copy arrived, so gossip passing copies back and forth never keeps an entry alive.
public final class Announcements: Sendable {
    /// How long an announcement counts.
    public let expiration: Duration
    /// One entry per node type and TCP address.
    private let entries = Mutex<[Key: Announcement]>([:])

    struct Key: Hashable {
        var nodeType: String
        var tcpAddr: String
    }

    /// An empty table whose entries last `expiration`.
    public init(expiration: Duration) {
        self.expiration = expiration
    }

    /// Records `announcement` unless a newer one of the same node is held. A missing time is
    /// stamped `now`, and one in the future is taken as `now` (a node's clock running fast must
    /// not keep its entry alive past its expiry).
    /// - Returns: whether the table changed.
    @discardableResult
    public func record(_ announcement: Announcement, now: Int64 = Announcements.wallClock()) -> Bool {
        var fresh = announcement
        if fresh.time <= 0 || fresh.time > now { fresh.time = now }
        guard !isExpired(fresh, now: now) else { return false }
        let key = Key(nodeType: fresh.nodeType, tcpAddr: fresh.tcpAddr)
        return entries.withLock { entries in
            if let held = entries[key], held.time >= fresh.time { return false }
            entries[key] = fresh
            return true
        }
    }

    /// The entries that have not expired, oldest first; drops the expired ones.
    public func current(now: Int64 = Announcements.wallClock()) -> [Announcement] {
        entries.withLock { entries in
            entries = entries.filter { !isExpired($0.value, now: now) }
            return entries.values.sorted { ($0.time, $0.tcpAddr) < ($1.time, $1.tcpAddr) }
        }
    }

    /// The live announcement of the `nodeType` node at `tcpAddr`, if any.
    public func latest(nodeType: String, tcpAddr: String, now: Int64 = Announcements.wallClock()) -> Announcement? {
        entries.withLock { entries in
            guard let held = entries[Key(nodeType: nodeType, tcpAddr: tcpAddr)], !isExpired(held, now: now) else {
                return nil
            }
            return held
        }
    }

    /// Forgets the announcements of the `nodeType` node at `tcpAddr` (after it is removed).
    public func forget(nodeType: String, tcpAddr: String) {
        _ = entries.withLock { $0.removeValue(forKey: Key(nodeType: nodeType, tcpAddr: tcpAddr)) }
    }

    private func isExpired(_ announcement: Announcement, now: Int64) -> Bool {
        let (seconds, attoseconds) = expiration.components
        let limit = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return now - announcement.time > limit
    }

    /// The wall clock in Unix nanoseconds.
    public static func wallClock() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1e9).rounded(.down))
    }
}
