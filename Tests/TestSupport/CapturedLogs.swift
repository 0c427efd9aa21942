public import Logging
import Synchronization

/// A swift-log handler that keeps every message, for tests that wait on what a component logs.
public final class CapturedLogs: Sendable {
    private let messages = Mutex<[String]>([])

    /// Creates an empty capture.
    public init() {}

    /// A logger writing into this capture at `level` and above.
    public func logger(label: String, level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    /// The messages so far that contain `text`.
    public func matching(_ text: String) -> [String] {
        messages.withLock { $0.filter { $0.contains(text) } }
    }

    fileprivate func append(_ message: String) {
        messages.withLock { $0.append(message) }
    }

    private struct Handler: LogHandler {
        let capture: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append("\(event.level): \(event.message)")
        }
    }
}
