import FoundationEssentials

/// A section of `influxdb-meta.conf`; ``top`` holds the keys before the first table header.
enum ConfigSection: String, Sendable, CaseIterable {
    /// Keys before any `[section]` header.
    case top = ""
    /// `[enterprise]`.
    case enterprise
    /// `[meta]`.
    case meta
    /// `[logging]`.
    case logging
    /// `[tls]`.
    case tls
    /// `[discovery]`.
    case discovery

    /// The prefix of this section's environment variables: `INFLUXDB_` or `INFLUXDB_META_`.
    var environmentPrefix: String {
        self == .top ? "INFLUXDB_" : "INFLUXDB_\(rawValue.uppercased())_"
    }

    /// `[meta]`, or `nil` for ``top``.
    var header: String? {
        self == .top ? nil : "[\(rawValue)]"
    }
}
