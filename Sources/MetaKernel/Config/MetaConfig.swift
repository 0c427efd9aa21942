import FoundationEssentials

/// The whole `influxdb-meta.conf` of a meta node.
///
/// ``init()`` gives every documented default. ``ConfigLoader`` reads a file, applies `INFLUXDB_*` environment
/// overrides and validates; ``renderTOML()`` prints the effective configuration back as TOML.
public struct MetaConfig: Sendable, Equatable {
    /// `reporting-disabled` (`INFLUXDB_REPORTING_DISABLED`), default `false`: stops the 24-hour usage report to
    /// usage.influxdata.com.
    public var reportingDisabled: Bool
    /// `bind-address` (`INFLUXDB_BIND_ADDRESS`), default `""`: documented as "not intended for use"; when set it must
    /// be a `host:port` address.
    public var bindAddress: String
    /// `hostname` (`INFLUXDB_HOSTNAME`), default `""`: the host other nodes use to reach this one. It must resolve
    /// from every node and match the TLS certificate; empty means `localhost`.
    public var hostname: String
    /// The `[enterprise]` section: licensing and registration.
    public var enterprise: Enterprise
    /// The `[meta]` section: Raft, the meta HTTP API, authentication.
    public var meta: Meta
    /// The `[logging]` section.
    public var logging: Logging
    /// The `[tls]` section: cipher suites and protocol versions.
    public var tls: TLS
    /// The `[discovery]` section (an extension of this implementation): how peer host names are resolved.
    public var discovery: Discovery

    /// Creates a configuration with every documented default.
    public init() {
        self.reportingDisabled = false
        self.bindAddress = ""
        self.hostname = ""
        self.enterprise = Enterprise()
        self.meta = Meta()
        self.logging = Logging()
        self.tls = TLS()
        self.discovery = Discovery()
    }
}
