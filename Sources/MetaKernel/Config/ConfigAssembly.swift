import FoundationEssentials

/// A configuration being put together from defaults, a file and the environment, remembering where each
/// non-default value came from so that validation errors can name the file or variable to fix.
struct ConfigAssembly {
    /// Where a value came from.
    enum Source: Equatable {
        case file
        case environment(String)
    }

    /// The configuration so far.
    var config = MetaConfig()
    /// The source of every value set so far, by `MetaConfig` key path.
    var sources: [AnyKeyPath: Source] = [:]
    /// Non-fatal findings such as unknown keys.
    var warnings: [String] = []
    /// The file read, if any; used in messages.
    var file: String?

    /// Checks `value` for `key`, stores it and records its source.
    /// - Throws: ``ConfigError`` prefixed with `context` (`"<file>: [meta] dir"` or `"environment INFLUXDB_X"`).
    mutating func set(_ key: ConfigKey, to value: ConfigValue, from source: Source, context: String) throws(ConfigError)
    {
        do {
            try key.accept(value, into: &config)
        } catch {
            throw error.prefixed(context)
        }
        sources[key.path] = source
    }

    /// Runs ``MetaConfig/problems()`` and throws the first problem, prefixed by where its values came from:
    /// the file, the environment variables (`environment INFLUXDB_X`), or both (`<file> and environment ...`).
    func validate() throws(ConfigError) {
        guard let problem = config.problems().first else { return }
        var origins: [String] = []
        let involved = problem.keys.compactMap { sources[$0] }
        if let file, involved.isEmpty || involved.contains(.file) {
            origins.append(file)
        }
        let variables = involved.compactMap { source -> String? in
            if case .environment(let name) = source { return name }
            return nil
        }
        if !variables.isEmpty {
            origins.append("environment " + variables.joined(separator: ", "))
        }
        throw ConfigError(problem.code, problem.message).prefixed(origins.joined(separator: " and "))
    }
}
