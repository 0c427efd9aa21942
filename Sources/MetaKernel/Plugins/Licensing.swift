public import FoundationEssentials

/// Where the node's license comes from and whether it is currently good.
///
/// Picked by `[enterprise]`: `license-key` (fetched from a license server and cached) or
/// `license-path` (a signed file verified offline). They are mutually exclusive.
public protocol Licensing: Sendable {
    /// `license-key` or `license-path`: the mode, as `/debug/vars` reports it.
    var mode: String { get }

    /// Checks the license at start-up. Without a valid license the node does not start.
    func check() async throws(LicenseError) -> LicenseState

    /// Re-checks periodically until cancelled, reporting each new state to `onChange`.
    func monitor(onChange: @Sendable (LicenseState) -> Void) async
}

/// The license as last checked.
public struct LicenseState: Sendable, Equatable {
    /// Valid, in a grace period, or invalid.
    public enum Status: Sendable, Equatable {
        /// The license is good.
        case valid
        /// The last check failed; the cached license is honoured until the given time.
        case grace(until: Date)
        /// Not licensed, with the reason.
        case invalid(reason: String)
    }

    /// The status.
    public var status: Status
    /// When the license expires.
    public var expiresAt: Date?
    /// The largest number of data nodes allowed.
    public var maxDataNodes: Int?
    /// The largest number of CPU cores per data node allowed.
    public var maxCoresPerDataNode: Int?
    /// Something the operator should act on while the license is still valid (its expiry is
    /// near); a valid state with a notice is logged as a warning.
    public var notice: String?

    /// Creates a state.
    public init(
        status: Status,
        expiresAt: Date? = nil,
        maxDataNodes: Int? = nil,
        maxCoresPerDataNode: Int? = nil,
        notice: String? = nil
    ) {
        self.status = status
        self.expiresAt = expiresAt
        self.maxDataNodes = maxDataNodes
        self.maxCoresPerDataNode = maxCoresPerDataNode
        self.notice = notice
    }
}

/// The license could not be checked or is not acceptable.
public struct LicenseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line naming the key or file and what to do.
    public var message: String

    /// Creates an error.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
