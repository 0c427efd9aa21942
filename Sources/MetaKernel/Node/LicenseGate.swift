public import FoundationEssentials
public import Logging
import Synchronization

/// The node's license as last checked, consulted by the metadata write path.
///
/// Licensing fails closed at start-up (no valid license, no start) but not while running: a
/// license that lapses stops metadata writes (403) and keeps reads, Raft and membership changes
/// going, so that a cluster never loses quorum, or the means to repair itself, over a license.
public final class LicenseGate: Sendable {
    /// `license-key`, `license-path`, or `none` when no license is checked.
    public let mode: String
    private let state: Mutex<LicenseState?>

    /// A gate with no state yet (writes allowed until a state says otherwise).
    public init(mode: String) {
        self.mode = mode
        self.state = Mutex(nil)
    }

    /// The state last recorded, if any.
    public var current: LicenseState? { state.withLock { $0 } }

    /// Records `new` and logs it once when it differs from the state before.
    /// - Returns: whether the state changed.
    @discardableResult
    public func update(_ new: LicenseState, now: Date = Date(), logger: Logger) -> Bool {
        let old = state.withLock { state in
            defer { state = new }
            return state
        }
        guard old != new else { return false }
        let line = Self.describe(new, now: now)
        switch new.status {
        case .valid where new.notice != nil: logger.warning("\(line)", metadata: ["license": "\(mode)"])
        case .valid: logger.info("\(line)", metadata: ["license": "\(mode)"])
        case .grace: logger.warning("\(line)", metadata: ["license": "\(mode)"])
        case .invalid: logger.error("\(line)", metadata: ["license": "\(mode)"])
        }
        return true
    }

    /// Why metadata writes are refused now, or `nil` when they are allowed.
    public var writeRefusal: String? {
        guard case .invalid(let reason) = current?.status else { return nil }
        return "metadata writes are refused: the license is not valid (\(reason)); renew it and reload the node"
    }

    /// One line for the log: the status and the time left.
    static func describe(_ state: LicenseState, now: Date) -> String {
        let expiry = state.expiresAt.map { " until \($0.formatted(.iso8601)) (\(timeLeft(until: $0, now: now)))" } ?? ""
        switch state.status {
        case .valid:
            return "license valid\(expiry)\(state.notice.map { "; \($0)" } ?? "")"
        case .grace(let until):
            return
                "license in its grace period until \(until.formatted(.iso8601)) (\(timeLeft(until: until, now: now)))"
                + (state.notice.map { "; \($0)" } ?? "")
        case .invalid(let reason):
            return "license not valid: \(reason); metadata writes are refused until it is renewed"
        }
    }

    /// `3 days left`, `5 hours left`, `expired`.
    static func timeLeft(until end: Date, now: Date) -> String {
        let seconds = Int(end.timeIntervalSince(now))
        guard seconds > 0 else { return "expired" }
        if seconds >= 2 * 86_400 { return "\(seconds / 86_400) days left" }
        if seconds >= 2 * 3_600 { return "\(seconds / 3_600) hours left" }
        return "\(max(seconds / 60, 1)) minutes left"
    }
}
