import Foundation

/// A condition did not become true before its deadline.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What was waited for, and the last state seen.
    public var description: String
}

/// Polls `condition` until it returns a value, or throws ``DeadlineExceeded`` after `timeout`.
/// Tests wait on conditions with deadlines, never on fixed sleeps.
public func eventually<T>(
    _ what: String,
    timeout: Duration = .seconds(15),
    every interval: Duration = .milliseconds(25),
    _ condition: () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastError: (any Error)?
    while clock.now < deadline {
        do {
            if let value = try await condition() { return value }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: interval)
    }
    throw DeadlineExceeded(
        description: "timed out after \(timeout) waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? "")"
    )
}
