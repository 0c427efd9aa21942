import FoundationEssentials
public import Logging

/// Writes one line per event to standard error in `[logging] format = "logfmt"` or `"json"`,
/// with InfluxDB's keys: `ts` (RFC 3339, UTC, microseconds), `lvl`, `msg`, `log_id` (the
/// logger's label), then the metadata (the event's own over the provider's over the logger's).
public struct FormattedLogHandler: LogHandler {
    /// A line format.
    public enum Format: Sendable {
        /// `key=value` pairs, values quoted when they hold a space, `=` or `"`.
        case logfmt
        /// One JSON object.
        case json
    }

    let label: String
    let format: Format
    /// The level; ``SwitchedLevelLogHandler`` puts the node's shared level over it.
    public var logLevel: Logger.Level = .info
    /// The logger's metadata.
    public var metadata: Logger.Metadata = [:]
    /// Values added to every line.
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for the logger `label`, writing `format`.
    public init(label: String, format: Format, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
    }

    /// One metadata value of the logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one line.
    public func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:]) { _, provided in provided }
        merged.merge(event.metadata ?? [:]) { _, explicit in explicit }
        StandardError.write(line(event, metadata: merged, now: Date()))
    }

    /// The line for `event` at `now`, newline included.
    func line(_ event: LogEvent, metadata: Logger.Metadata, now: Date) -> String {
        var fields: [(String, String)] = [
            ("ts", now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            ("lvl", Self.levelName(event.level)),
            ("msg", "\(event.message)"),
            ("log_id", label),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { fields.append((key, "\(value)")) }
        switch format {
        case .logfmt:
            return fields.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ") + "\n"
        case .json:
            return "{" + fields.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",")
                + "}\n"
        }
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }

    static func logfmtValue(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }) else {
            return value
        }
        return jsonString(value)
    }

    /// `value` as a JSON string literal.
    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count)
                    + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
