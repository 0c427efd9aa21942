/// Re-reads `[logging] level` on SIGHUP (through ``ReloadService``) and puts it in force for
/// every logger; the other `[logging]` keys take effect at the next start.
public struct LogLevelReload: Reloadable {
    let levelSwitch: LogLevelSwitch
    let read: @Sendable () throws -> MetaConfig.Logging.Level

    /// Sets `levelSwitch` to what `read` (the configuration loaded again) says.
    public init(levelSwitch: LogLevelSwitch, read: @escaping @Sendable () throws -> MetaConfig.Logging.Level) {
        self.levelSwitch = levelSwitch
        self.read = read
    }

    /// `[logging] level`.
    public var reloadSubject: String { "[logging] level" }

    /// Reads the level and applies it.
    public func reload() async throws -> [String] {
        let level = try read().loggerLevel
        levelSwitch.level = level
        return []
    }
}
