import FoundationEssentials

/// Finds, reads and validates `influxdb-meta.conf`.
///
/// Precedence: environment beats file beats default. Unknown keys and sections only produce
/// ``LoadedConfig/warnings``; everything else that is wrong throws a one-line ``ConfigError``.
public enum ConfigLoader {
    /// The per-user configuration file, relative to the home directory.
    public static let homeRelativePath = ".influxdb/influxdb-meta.conf"
    /// The system-wide configuration file.
    public static let systemPath = "/etc/influxdb/influxdb-meta.conf"
    /// The environment variable naming the configuration file.
    public static let pathVariable = ConfigEnvironment.configPathVariable

    /// Chooses the configuration file.
    ///
    /// Lookup order: the explicit `-config` path, then `$INFLUXDB_META_CONFIG_PATH`, then
    /// `~/.influxdb/influxdb-meta.conf` (if it exists), then `/etc/influxdb/influxdb-meta.conf` (if it exists), else
    /// `nil` (built-in defaults). Empty strings count as unset. An explicit or environment path that does not exist
    /// is an error, not a fallback.
    /// - Parameters:
    ///   - explicit: The `-config` flag, if given.
    ///   - environment: The process environment.
    ///   - homeDirectory: The user's home directory, if known.
    ///   - fileExists: Whether a path exists.
    /// - Returns: The path to read, or `nil` for the built-in defaults.
    /// - Throws: ``ConfigError`` `open /x/y.conf: no such file or directory` (prefixed by
    ///   `environment INFLUXDB_META_CONFIG_PATH: ` when the path came from the environment).
    public static func locate(
        explicit: String?,
        environment: [String: String],
        homeDirectory: String?,
        fileExists: (String) -> Bool
    ) throws(ConfigError) -> String? {
        if let explicit, !explicit.isEmpty {
            guard fileExists(explicit) else {
                throw .fileNotFound("open \(ConfigText.displayPath(explicit)): no such file or directory")
            }
            return explicit
        }
        if let fromEnvironment = environment[pathVariable], !fromEnvironment.isEmpty {
            guard fileExists(fromEnvironment) else {
                throw .fileNotFound(
                    "environment \(pathVariable): open \(ConfigText.displayPath(fromEnvironment)): no such file or directory"
                )
            }
            return fromEnvironment
        }
        if let homeDirectory, !homeDirectory.isEmpty {
            let separator = homeDirectory.hasSuffix("/") ? "" : "/"
            let candidate = homeDirectory + separator + homeRelativePath
            if fileExists(candidate) {
                return candidate
            }
        }
        return fileExists(systemPath) ? systemPath : nil
    }

    /// Locates the file (home directory from `$HOME`), reads it if there is one, applies the environment and
    /// validates.
    /// - Parameters:
    ///   - explicit: The `-config` flag, if given.
    ///   - environment: The process environment (`ProcessInfo.processInfo.environment`).
    /// - Returns: The effective configuration, the file read and any warnings.
    /// - Throws: ``ConfigError`` for a missing or unreadable file, a syntax error, a bad value or an invalid
    ///   combination.
    public static func load(explicit: String?, environment: [String: String]) throws(ConfigError) -> LoadedConfig {
        try load(
            explicit: explicit,
            environment: environment,
            fileExists: ConfigFile.exists,
            readFile: ConfigFile.contents(of:)
        )
    }

    /// ``load(explicit:environment:)`` with injected file access, for tests.
    static func load(
        explicit: String?,
        environment: [String: String],
        fileExists: (String) -> Bool,
        readFile: (String) throws(ConfigError) -> String
    ) throws(ConfigError) -> LoadedConfig {
        let path = try locate(
            explicit: explicit,
            environment: environment,
            homeDirectory: environment["HOME"],
            fileExists: fileExists
        )
        var assembly = ConfigAssembly()
        if let path {
            assembly.file = path
            try ConfigFileReader.apply(try readFile(path), file: path, to: &assembly)
        }
        return try finish(assembly, environment: environment)
    }

    /// Parses configuration text, applies the environment and validates.
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - file: The name used in messages and returned as ``LoadedConfig/path``.
    ///   - environment: The environment overrides to apply.
    /// - Returns: The effective configuration and any warnings.
    /// - Throws: ``ConfigError`` for a syntax error, a bad value or an invalid combination.
    public static func parse(_ text: String, file: String, environment: [String: String]) throws(ConfigError)
        -> LoadedConfig
    {
        var assembly = ConfigAssembly()
        assembly.file = file
        try ConfigFileReader.apply(text, file: file, to: &assembly)
        return try finish(assembly, environment: environment)
    }

    private static func finish(_ assembly: ConfigAssembly, environment: [String: String]) throws(ConfigError)
        -> LoadedConfig
    {
        var assembly = assembly
        try ConfigEnvironment.apply(environment, to: &assembly)
        try assembly.validate()
        return LoadedConfig(config: assembly.config, path: assembly.file, warnings: assembly.warnings)
    }
}
