import Synchronization

/// The web console's browser sessions, in memory only (never in the registry's SQLite): each
/// holds the form token that guards every POST (CSRF) and the cluster logins made in it.
/// A restart of the console logs every browser out.
public final class SessionStore: Sendable {
    /// How long sessions live and how many are kept.
    public struct Configuration: Sendable {
        /// A session's lifetime from its start; its logins end with it.
        public var lifetime: Duration
        /// The most sessions kept; the one closest to its end makes room for a new one.
        public var maximumSessions: Int

        /// Creates a configuration: 8 hours, 10,000 sessions.
        public init(lifetime: Duration = .seconds(8 * 3600), maximumSessions: Int = 10_000) {
            self.lifetime = lifetime
            self.maximumSessions = maximumSessions
        }
    }

    /// A cluster login: the user and the `Authorization` header sent for them.
    struct Login: Sendable {
        var user: String
        var authorization: String
    }

    /// One browser's session.
    struct Session: Sendable {
        /// The cookie's value.
        var id: String
        /// The token every form of this session carries.
        var csrf: String
        var expires: ContinuousClock.Instant
        /// Logins by cluster id.
        var logins: [String: Login] = [:]
    }

    /// The cookie that carries the session id.
    static let cookieName = "influx_console_session"

    let configuration: Configuration
    // Every read and write of the sessions goes through this lock.
    private let sessions = Mutex<[String: Session]>([:])

    /// Creates an empty store.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The live session with cookie value `id`, if any.
    func session(_ id: String?) -> Session? {
        guard let id else { return nil }
        let now = ContinuousClock.now
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Starts a session, dropping expired ones (and the oldest when full).
    func start() -> Session {
        let now = ContinuousClock.now
        let session = Session(id: Self.token(), csrf: Self.token(), expires: now + configuration.lifetime)
        let maximum = max(1, configuration.maximumSessions)
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            while sessions.count >= maximum, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions[oldest.key] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The session with cookie value `id` when `csrf` is its form token; `nil` otherwise.
    func verify(_ id: String?, csrf: String?) -> Session? {
        guard let session = session(id), let csrf, Self.same(csrf, session.csrf) else { return nil }
        return session
    }

    /// Records that session `id` logged in to cluster `cluster`.
    func logIn(_ id: String, cluster: String, login: Login) {
        sessions.withLock { $0[id]?.logins[cluster] = login }
    }

    /// Forgets session `id`'s login to cluster `cluster`.
    func logOut(_ id: String, cluster: String) {
        sessions.withLock { $0[id]?.logins[cluster] = nil }
    }

    /// How many sessions are held.
    var count: Int { sessions.withLock { $0.count } }

    /// 32 random bytes from the system's generator, hex.
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
