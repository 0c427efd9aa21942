import Synchronization

/// A detail of the request for the audit line (`create-database "db0"`), set by the handler.
public final class AuditNote: Sendable {
    private let text = Mutex<String?>(nil)

    /// The note of the request being handled.
    @TaskLocal public static var current: AuditNote?

    /// Records what the request does.
    public static func record(_ what: String) {
        current?.text.withLock { $0 = what }
    }

    var value: String? { text.withLock { $0 } }
}
