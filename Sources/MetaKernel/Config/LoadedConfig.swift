import FoundationEssentials

/// The result of loading: the effective configuration, the file it came from and non-fatal findings.
public struct LoadedConfig: Sendable {
    /// The effective configuration: defaults, then the file, then the environment, validated.
    public var config: MetaConfig
    /// The file that was read, or `nil` when the built-in defaults (plus environment) were used.
    public var path: String?
    /// One line per non-fatal finding, such as `<file>: unknown key [meta] electon-timeout (ignored)`; log each one
    /// as a warning at start-up.
    public var warnings: [String]

    /// Creates a result.
    /// - Parameters:
    ///   - config: The effective configuration.
    ///   - path: The file read, if any.
    ///   - warnings: Non-fatal findings.
    public init(config: MetaConfig, path: String?, warnings: [String]) {
        self.config = config
        self.path = path
        self.warnings = warnings
    }
}
