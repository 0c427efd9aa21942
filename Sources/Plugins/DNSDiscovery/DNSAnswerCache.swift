import Synchronization

/// Answers kept for their TTL (the smallest of the record set), failures for ``failureLifetime``.
final class DNSAnswerCache: Sendable {
    /// How long a failure is remembered: long enough that a burst of dials asks once, short
    /// enough that a fixed record or server is seen at once.
    static let failureLifetime = Duration.seconds(1)

    private struct Key: Hashable {
        var name: String
        var type: DNSRecordType
    }

    private struct Entry {
        var answer: DNSResolver.Answer
        var expires: ContinuousClock.Instant
    }

    // Invariant: every access holds the lock.
    private let entries = Mutex<[Key: Entry]>([:])

    /// The unexpired answer for `name` and `type`, if any.
    func answer(_ name: String, _ type: DNSRecordType, at now: ContinuousClock.Instant = .now) -> DNSResolver.Answer? {
        entries.withLock { entries in
            let key = Key(name: name, type: type)
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            return entry.answer
        }
    }

    /// Keeps `answer` for its TTL; a TTL of 0 is not kept.
    func store(
        _ answer: DNSResolver.Answer,
        for name: String,
        _ type: DNSRecordType,
        at now: ContinuousClock.Instant = .now
    ) {
        let lifetime: Duration
        switch answer {
        case .records(let records, _):
            lifetime = .seconds(records.map(\.ttl).min() ?? 0)
        case .failed:
            lifetime = Self.failureLifetime
        }
        guard lifetime > .zero else { return }
        entries.withLock { $0[Key(name: name, type: type)] = Entry(answer: answer, expires: now + lifetime) }
    }
}
