import FoundationEssentials

/// `INFLUXDB_*` environment overrides, applied after the file (environment beats file beats default).
///
/// Each key's variable is its section prefix plus the key upper-cased with `-` replaced by `_`
/// (``ConfigKey/environmentName``). Empty values are ignored. Lists take a comma-separated value
/// (`INFLUXDB_TLS_CIPHERS=A,B`) or numbered variables (`INFLUXDB_TLS_CIPHERS_0=A`, `_1=B`, in index order).
enum ConfigEnvironment {
    /// The variable naming the configuration file, checked after the `-config` flag.
    static let configPathVariable = "INFLUXDB_META_CONFIG_PATH"

    /// Applies every non-empty override and warns about unknown `INFLUXDB_<SECTION>_*` variables.
    /// - Throws: ``ConfigError`` such as `environment INFLUXDB_META_ELECTION_TIMEOUT: invalid duration "x" (...)`.
    static func apply(_ environment: [String: String], to assembly: inout ConfigAssembly) throws(ConfigError) {
        var known: Set<String> = [configPathVariable]
        for key in ConfigKey.all {
            let name = key.environmentName
            known.insert(name)
            if key.kind == .strings {
                let numbered = numberedVariables(name, in: environment)
                known.formUnion(numbered.map(\.name))
                try applyList(key, environment[name] ?? "", numbered, to: &assembly)
            } else if let text = environment[name], !text.isEmpty {
                let context = "environment \(name)"
                let value: ConfigValue
                do {
                    value = try parse(text, as: key.kind)
                } catch {
                    throw error.prefixed(context)
                }
                try assembly.set(key, to: value, from: .environment(name), context: context)
            }
        }

        let sectionPrefixes = ConfigSection.allCases.filter { $0 != .top }.map(\.environmentPrefix)
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where !value.isEmpty && !known.contains(name) && sectionPrefixes.contains(where: name.hasPrefix) {
            assembly.warnings.append("environment \(name): unknown variable (ignored)")
        }
    }

    /// Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// Converts one variable's text to `kind` (not lists, which ``applyList`` handles).
    private static func parse(_ text: String, as kind: ConfigKey.Kind) throws(ConfigError) -> ConfigValue {
        switch kind {
        case .bool:
            guard let flag = parseBool(text) else {
                throw .invalidValue("invalid boolean \(ConfigText.quoted(text)) (use true or false)")
            }
            return .bool(flag)
        case .int:
            guard let number = Int(text) else {
                throw .invalidValue("invalid integer \(ConfigText.quoted(text))")
            }
            return .int(number)
        case .string:
            return .string(text)
        case .duration:
            return .duration(try GoDuration(parsing: text))
        case .strings:
            return .strings(splitList(text))
        }
    }

    /// `NAME_0`, `NAME_1`, ... present in `environment`, sorted by index.
    private static func numberedVariables(
        _ name: String,
        in environment: [String: String]
    ) -> [(name: String, index: Int, value: String)] {
        let prefix = name + "_"
        return environment.compactMap { variable, value in
            guard variable.hasPrefix(prefix) else { return nil }
            let suffix = variable.dropFirst(prefix.count)
            guard !suffix.isEmpty, suffix.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(suffix) else {
                return nil
            }
            return (variable, index, value)
        }
        .sorted { $0.index < $1.index }
    }

    /// Applies a list from `NAME` (comma-separated; wins) or from `NAME_0`, `NAME_1`, ....
    private static func applyList(
        _ key: ConfigKey,
        _ joined: String,
        _ numbered: [(name: String, index: Int, value: String)],
        to assembly: inout ConfigAssembly
    ) throws(ConfigError) {
        let name = key.environmentName
        let items = numbered.filter { !$0.value.isEmpty }
        if !joined.isEmpty {
            if let first = items.first {
                assembly.warnings.append("environment \(first.name): ignored because \(name) is set")
            }
            try assembly.set(
                key,
                to: .strings(splitList(joined)),
                from: .environment(name),
                context: "environment \(name)"
            )
        } else if let first = items.first {
            let list = items.map { ConfigText.trimmingBlanks($0.value) }
            try assembly.set(
                key,
                to: .strings(list),
                from: .environment(first.name),
                context: "environment \(first.name)"
            )
        }
    }

    /// `"A, B,,C"` → `["A", "B", "C"]`: split on commas, trim spaces, drop empty items.
    private static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { ConfigText.trimmingBlanks($0) }.filter { !$0.isEmpty }
    }
}
