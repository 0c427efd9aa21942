import FoundationEssentials

/// A configuration problem that stops `influxd-meta` from starting.
///
/// ``message`` is one line, without a trailing newline, that names the file or environment variable, the section
/// and key, the offending value and what is expected, for example
/// `influxdb-meta.conf: [meta] election-timeout: invalid duration "ten" (use Go syntax such as "1s" or "500ms")`.
/// Two errors are equal when their ``code`` and ``message`` are equal; ``fileID`` and ``line`` only say where the
/// error was raised.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem. New codes may be added without breaking the API.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case syntax
            case invalidValue
            case invalidConfiguration
            case fileNotFound
            case unreadableFile
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The file is not valid TOML.
        public static let syntax = Code(.syntax)
        /// A key or environment variable has the wrong type, format or range.
        public static let invalidValue = Code(.invalidValue)
        /// Individually valid settings that do not work together (for example both license options set).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An explicitly named configuration file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The configuration file exists but cannot be read or is not UTF-8 text.
        public static let unreadableFile = Code(.unreadableFile)

        /// The code's name, such as `invalidValue`.
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// The one-line, human-readable explanation.
    public var message: String
    /// The source file that raised the error.
    public var fileID: String
    /// The source line that raised the error.
    public var line: Int

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: One line naming the key or variable, the value and what is expected.
    ///   - fileID: The raising source file; defaults to the caller's.
    ///   - line: The raising source line; defaults to the caller's.
    public init(_ code: Code, _ message: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.fileID = fileID
        self.line = line
    }

    /// The ``message``.
    public var description: String { message }

    /// Compares ``code`` and ``message`` only.
    public static func == (lhs: ConfigError, rhs: ConfigError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// The same error with `context` and `": "` put before the message.
    func prefixed(_ context: String) -> ConfigError {
        var copy = self
        copy.message = context.isEmpty ? message : "\(context): \(message)"
        return copy
    }

    static func syntax(_ message: String, fileID: String = #fileID, line: Int = #line) -> ConfigError {
        ConfigError(.syntax, message, fileID: fileID, line: line)
    }

    static func invalidValue(_ message: String, fileID: String = #fileID, line: Int = #line) -> ConfigError {
        ConfigError(.invalidValue, message, fileID: fileID, line: line)
    }

    static func invalidConfiguration(_ message: String, fileID: String = #fileID, line: Int = #line) -> ConfigError {
        ConfigError(.invalidConfiguration, message, fileID: fileID, line: line)
    }

    static func fileNotFound(_ message: String, fileID: String = #fileID, line: Int = #line) -> ConfigError {
        ConfigError(.fileNotFound, message, fileID: fileID, line: line)
    }

    static func unreadableFile(_ message: String, fileID: String = #fileID, line: Int = #line) -> ConfigError {
        ConfigError(.unreadableFile, message, fileID: fileID, line: line)
    }
}
