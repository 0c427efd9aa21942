public import FoundationEssentials

/// The license as `/status` and `influxd-ctl show -v` show it.
public struct LicenseReport: Sendable, Codable, Equatable {
    /// What the license entitles the cluster to; `nil` fields are unlimited or unknown.
    public struct Entitlements: Sendable, Codable, Equatable {
        /// The largest number of data nodes (`influx_machines`).
        public var dataNodes: Int?
        /// The largest number of CPU cores per data node (`influx_cores`).
        public var coresPerDataNode: Int?

        /// Creates entitlements.
        public init(dataNodes: Int?, coresPerDataNode: Int?) {
            self.dataNodes = dataNodes
            self.coresPerDataNode = coresPerDataNode
        }
    }

    /// `license-key` or `license-path`.
    public var mode: String
    /// `valid`, `grace` or `invalid`.
    public var status: String
    /// The expiry, ISO 8601, when known.
    public var expiresAt: String?
    /// Whole days until the expiry (0 once expired), when known.
    public var daysLeft: Int?
    /// Why the license is not valid, or the grace period's end, or a notice such as a near expiry.
    public var reason: String?
    /// The entitlements.
    public var entitlements: Entitlements

    /// The report for `state` under `mode`, as of `now`; no state yet reads as invalid.
    public init(mode: String, state: LicenseState?, now: Date = Date()) {
        self.mode = mode
        self.entitlements = Entitlements(
            dataNodes: state?.maxDataNodes,
            coresPerDataNode: state?.maxCoresPerDataNode
        )
        self.expiresAt = state?.expiresAt.map { $0.formatted(.iso8601) }
        self.daysLeft = state?.expiresAt.map { max(Int($0.timeIntervalSince(now)) / 86_400, 0) }
        switch state?.status {
        case .valid:
            status = "valid"
            reason = state?.notice
        case .grace(let until):
            status = "grace"
            reason = "in the grace period until \(until.formatted(.iso8601))"
        case .invalid(let why):
            status = "invalid"
            reason = why
        case nil:
            status = "invalid"
            reason = "not checked yet"
        }
    }
}

/// The body of `GET /debug/vars`: the `entitlements` object that InfluxDB Enterprise 1.9+ shows.
public struct DebugVars: Sendable, Codable, Equatable {
    /// `licenseExpiry` (ISO 8601, absent when unknown) and `licenseType` (`license-key`,
    /// `license-path`, or `none` when the node checks no license).
    public struct Entitlements: Sendable, Codable, Equatable {
        /// When the license expires.
        public var licenseExpiry: String?
        /// The licensing mode.
        public var licenseType: String
    }

    /// The license entitlements.
    public var entitlements: Entitlements
    /// The process's arguments, as Go's expvar publishes them.
    public var cmdline: [String]?
    /// Process memory (``MemStats``).
    public var memstats: MemStats?

    /// The variables for the license gate `gate`.
    public init(gate: LicenseGate) {
        let expiry = gate.current?.expiresAt.map { $0.formatted(.iso8601) }
        entitlements = Entitlements(licenseExpiry: gate.mode == "none" ? nil : expiry, licenseType: gate.mode)
    }
}
