public import FoundationEssentials

/// A plugin that re-reads its files while the node runs.
///
/// On SIGHUP the node calls ``reload()`` on every reloadable plugin (``ReloadService``), so a
/// renewed certificate or license takes effect without a restart. Once a day it logs
/// ``currentWarnings(now:)`` again, so an approaching expiry is seen before it happens.
public protocol Reloadable: Sendable {
    /// What is reloaded, for log lines: `TLS certificates`, `license-path`.
    var reloadSubject: String { get }

    /// Re-reads the files. What was read applies from now on (new connections, later checks);
    /// when reading fails, the previous state stays in force.
    /// - Returns: Problems that do not stop the node (a certificate about to expire).
    /// - Throws: An error whose description is one line naming the key and file.
    func reload() async throws -> [String]

    /// Problems to repeat while they last, as of `now` (a certificate expiring within
    /// `[tls] advanced-expiration`). Defaults to none.
    func currentWarnings(now: Date) -> [String]
}

extension Reloadable {
    /// None.
    public func currentWarnings(now: Date) -> [String] { [] }
}
