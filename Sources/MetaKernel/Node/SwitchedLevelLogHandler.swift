public import Logging

/// Wraps a handler so that its level is always the ``LogLevelSwitch``'s: every logger follows
/// a SIGHUP change at once. Setting `logLevel` on one logger changes the switch too.
public struct SwitchedLevelLogHandler<Base: LogHandler>: LogHandler {
    private var base: Base
    let levelSwitch: LogLevelSwitch

    /// Wraps `base`, with its level read from `levelSwitch`.
    public init(_ base: Base, levelSwitch: LogLevelSwitch) {
        self.base = base
        self.levelSwitch = levelSwitch
    }

    /// The switch's level.
    public var logLevel: Logger.Level {
        get { levelSwitch.level }
        set { levelSwitch.level = newValue }
    }

    /// The base's metadata.
    public var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    /// The base's metadata provider.
    public var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    /// One metadata value of the base.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    /// Hands `event` to the base.
    public func log(event: LogEvent) {
        base.log(event: event)
    }
}
