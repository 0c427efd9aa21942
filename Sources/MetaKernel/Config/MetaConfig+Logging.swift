import FoundationEssentials

extension MetaConfig {
    /// The `[logging]` section.
    public struct Logging: Sendable, Equatable {
        /// A log line format.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            /// `logfmt` on a terminal-less stream, human-friendly on a terminal.
            case auto
            /// `key=value` lines.
            case logfmt
            /// One JSON object per line.
            case json
        }

        /// A minimum log level.
        public enum Level: String, Sendable, Hashable, CaseIterable {
            /// Everything, including debugging detail.
            case debug
            /// Normal operation.
            case info
            /// Unexpected but handled conditions.
            case warn
            /// Failures only.
            case error
        }

        /// `format` (`INFLUXDB_LOGGING_FORMAT`), default `auto`.
        public var format: Format
        /// `level` (`INFLUXDB_LOGGING_LEVEL`), default `info`.
        public var level: Level
        /// `suppress-logo` (`INFLUXDB_LOGGING_SUPPRESS_LOGO`), default `false`: skip the start-up banner.
        public var suppressLogo: Bool

        /// Creates the section with its defaults.
        public init() {
            self.format = .auto
            self.level = .info
            self.suppressLogo = false
        }
    }
}
