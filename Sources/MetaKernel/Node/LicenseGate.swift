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

    /// The license as `/status` shows it; `nil` when the node checks no license.
    public func report(now: Date = Date()) -> LicenseReport? {
        mode == "none" ? nil : LicenseReport(mode: mode, state: current, now: now)
    }

    /// Why a cluster of `count` data nodes, one of them with `cores` CPU cores, is refused, or
    /// `nil` when the license allows it; `add-data` calls this with the count after the addition.
    /// No licensing, or no state yet, allows it; a grace period honours the cached entitlements.
    public func checkDataNodes(count: Int, cores: Int) -> String? {
        guard let state = current else { return nil }
        if case .invalid(let reason) = state.status {
            return "data node refused: the license (\(mode)) is not valid (\(reason)); renew it and reload the node"
        }
        if let limit = state.maxDataNodes, count > limit {
            return
                "data node refused: \(count) data nodes exceed the license's influx_machines entitlement of \(limit) (\(mode)); remove a data node or get a license for more"
        }
        if let limit = state.maxCoresPerDataNode, cores > limit {
            return
                "data node refused: \(cores) cores exceed the license's influx_cores entitlement of \(limit) per data node (\(mode)); use a smaller node or get a license for more cores"
        }
        return nil
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
