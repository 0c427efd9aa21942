public import Logging
import Synchronization

/// The node's one log level, shared by every logger, so that SIGHUP can change it while the
/// node runs (``LogLevelReload``).
public final class LogLevelSwitch: Sendable {
    private let current: Mutex<Logger.Level>

    /// Starts at `level`.
    public init(_ level: Logger.Level) {
        current = Mutex(level)
    }

    /// The level now in force.
    public var level: Logger.Level {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

extension MetaConfig.Logging.Level {
    /// The swift-log level `[logging] level` names.
    public var loggerLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warn: .warning
        case .error: .error
        }
    }
}
