import FoundationEssentials

/// A typed configuration value, as read from TOML or the environment before it is stored.
enum ConfigValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int)
    case string(String)
    case duration(GoDuration)
    case strings([String])
}

/// One key of `influxdb-meta.conf`: where it lives, its type, how to read, store and check it.
///
/// The table ``all`` (in ConfigSchema.swift) drives file parsing, environment overrides, unknown-key warnings,
/// validation and rendering, so those never drift apart.
struct ConfigKey: Sendable {
    /// The TOML shape a key expects.
    enum Kind: Sendable {
        case bool, int, string, duration, strings

        /// How the expected shape is named in type errors: `expected a string`.
        var expectation: String {
            switch self {
            case .bool: "a boolean"
            case .int: "an integer"
            case .string: "a string"
            case .duration: "a duration string such as \"1s\""
            case .strings: "an array of strings"
            }
        }
    }

    /// The section holding the key.
    let section: ConfigSection
    /// The TOML key, such as `election-timeout`.
    let name: String
    /// The expected shape.
    let kind: Kind
    /// The `MetaConfig` property; identifies the key in validation problems.
    let path: any AnyKeyPath & Sendable
    /// Reads the current value.
    let read: @Sendable (MetaConfig) -> ConfigValue
    /// Stores a value that ``check`` accepted.
    let write: @Sendable (inout MetaConfig, ConfigValue) -> Void
    /// A problem description (`invalid value "loud" (use one of ...)`), or `nil` when the value is acceptable.
    let check: @Sendable (ConfigValue) -> String?
    /// Whether this build honours the key (see ConfigKey+Effect.swift).
    var effect = Effect.effective
    /// Whether `influxd-meta config` masks the value.
    var isSecret = false

    /// `[meta] election-timeout`, or just `hostname` for a top-level key.
    var qualifiedName: String {
        section.header.map { "\($0) \(name)" } ?? name
    }

    /// `INFLUXDB_META_ELECTION_TIMEOUT`: the section prefix plus the key upper-cased with `-` replaced by `_`.
    var environmentName: String {
        section.environmentPrefix + name.uppercased().replacing("-", with: "_")
    }

    /// Checks `value` and stores it.
    /// - Throws: ``ConfigError`` with the unprefixed problem text.
    func accept(_ value: ConfigValue, into config: inout MetaConfig) throws(ConfigError) {
        if let problem = check(value) {
            throw .invalidValue(problem)
        }
        write(&config, value)
    }
}

// MARK: - Rules

extension ConfigKey {
    /// Extra constraints on a string key.
    enum StringRule: Sendable {
        /// Any string.
        case any
        /// A ``HostPort`` address; `allowEmpty` also accepts `""`.
        case address(allowEmpty: Bool)
        /// A ``PasswordHashScheme``.
        case passwordHash
        /// A DNS name (letters, digits, `-`, `_`, dots between labels); `allowEmpty` also accepts `""`.
        case dnsName(allowEmpty: Bool)
        /// A name server address (``MetaConfig/Discovery/nameServer(parsing:)``).
        case nameServer

        func problem(_ text: String) -> String? {
            do {
                switch self {
                case .any:
                    return nil
                case .address(let allowEmpty):
                    if !(allowEmpty && text.isEmpty) {
                        _ = try HostPort(parsing: text)
                    }
                case .passwordHash:
                    _ = try PasswordHashScheme(parsing: text)
                case .dnsName(let allowEmpty):
                    if !(allowEmpty && text.isEmpty) && !MetaConfig.isDNSName(text) {
                        return "invalid DNS name \(ConfigText.quoted(text)) (use labels of letters, digits, \"-\" and"
                            + " \"_\" separated by dots, such as \"_influxdb-meta._tcp\" or \"example.com\")"
                    }
                case .nameServer:
                    _ = try MetaConfig.Discovery.nameServer(parsing: text)
                }
                return nil
            } catch {
                return error.message
            }
        }
    }

    /// Extra constraints on a duration key.
    enum DurationRule: Sendable {
        /// Any non-negative duration.
        case any
        /// Greater than zero.
        case positive
        /// At least the given minimum.
        case atLeast(GoDuration)

        func problem(_ value: GoDuration) -> String? {
            switch self {
            case .any:
                nil
            case .positive where value.duration <= .zero:
                "invalid duration \(ConfigText.quoted(value.description)) (must be greater than 0s)"
            case .atLeast(let minimum) where value.duration < minimum.duration:
                "invalid duration \(ConfigText.quoted(value.description)) (must be at least \(minimum))"
            case .positive, .atLeast:
                nil
            }
        }
    }
}

// MARK: - Factories

extension ConfigKey {
    /// A boolean key.
    static func bool(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, Bool> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            section: section,
            name: name,
            kind: .bool,
            path: path,
            read: { .bool($0[keyPath: path]) },
            write: { config, value in
                if case .bool(let flag) = value { config[keyPath: path] = flag }
            },
            check: { _ in nil }
        )
    }

    /// A string key with an optional rule.
    static func string(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, String> & Sendable,
        _ rule: StringRule = .any
    ) -> ConfigKey {
        ConfigKey(
            section: section,
            name: name,
            kind: .string,
            path: path,
            read: { .string($0[keyPath: path]) },
            write: { config, value in
                if case .string(let text) = value { config[keyPath: path] = text }
            },
            check: { value in
                guard case .string(let text) = value else { return nil }
                return rule.problem(text)
            }
        )
    }

    /// An integer key with a lower bound.
    static func int(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, Int> & Sendable,
        minimum: Int
    ) -> ConfigKey {
        ConfigKey(
            section: section,
            name: name,
            kind: .int,
            path: path,
            read: { .int($0[keyPath: path]) },
            write: { config, value in
                if case .int(let number) = value { config[keyPath: path] = number }
            },
            check: { value in
                guard case .int(let number) = value, number < minimum else { return nil }
                return "invalid value \(number) (must be at least \(minimum))"
            }
        )
    }

    /// A Go-duration key with an optional rule.
    static func duration(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, GoDuration> & Sendable,
        _ rule: DurationRule = .any
    ) -> ConfigKey {
        ConfigKey(
            section: section,
            name: name,
            kind: .duration,
            path: path,
            read: { .duration($0[keyPath: path]) },
            write: { config, value in
                if case .duration(let duration) = value { config[keyPath: path] = duration }
            },
            check: { value in
                guard case .duration(let duration) = value else { return nil }
                if duration.duration < .zero {
                    return GoDuration.invalidMessage(duration.description)
                }
                return rule.problem(duration)
            }
        )
    }

    /// A list-of-strings key; `each` checks every item.
    static func strings(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, [String]> & Sendable,
        each rule: StringRule = .any
    ) -> ConfigKey {
        ConfigKey(
            section: section,
            name: name,
            kind: .strings,
            path: path,
            read: { .strings($0[keyPath: path]) },
            write: { config, value in
                if case .strings(let list) = value { config[keyPath: path] = list }
            },
            check: { value in
                guard case .strings(let list) = value else { return nil }
                return list.lazy.compactMap(rule.problem).first
            }
        )
    }

    /// A string key restricted to the raw values of an enumeration.
    static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, Choice> & Sendable
    ) -> ConfigKey where Choice.RawValue == String {
        ConfigKey(
            section: section,
            name: name,
            kind: .string,
            path: path,
            read: { .string($0[keyPath: path].rawValue) },
            write: { config, value in
                if case .string(let text) = value, let choice = Choice(rawValue: text) {
                    config[keyPath: path] = choice
                }
            },
            check: { value in
                guard case .string(let text) = value, Choice(rawValue: text) == nil else { return nil }
                let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                return "invalid value \(ConfigText.quoted(text)) (use one of \(names))"
            }
        )
    }

    /// A string key restricted to the raw values of an enumeration, where `""` means `nil`.
    static func optionalChoice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ section: ConfigSection,
        _ name: String,
        _ path: any WritableKeyPath<MetaConfig, Choice?> & Sendable,
        emptyMeans: String
    ) -> ConfigKey where Choice.RawValue == String {
        ConfigKey(
            section: section,
            name: name,
            kind: .string,
            path: path,
            read: { .string($0[keyPath: path]?.rawValue ?? "") },
            write: { config, value in
                if case .string(let text) = value {
                    config[keyPath: path] = Choice(rawValue: text)
                }
            },
            check: { value in
                guard case .string(let text) = value, !text.isEmpty, Choice(rawValue: text) == nil else { return nil }
                let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                return "invalid value \(ConfigText.quoted(text)) (use one of \(names), or \"\" for \(emptyMeans))"
            }
        )
    }
}
