import FoundationEssentials

extension MetaConfig {
    /// The `[enterprise]` section: the license and the (1.0-1.2) registration server.
    public struct Enterprise: Sendable, Equatable {
        /// `license-key` (`INFLUXDB_ENTERPRISE_LICENSE_KEY`), default `""`: the license key from the InfluxData
        /// portal. Mutually exclusive with ``licensePath``.
        public var licenseKey: String
        /// `license-path` (`INFLUXDB_ENTERPRISE_LICENSE_PATH`), default `""`: a local license file. Mutually
        /// exclusive with ``licenseKey``.
        public var licensePath: String
        /// `license-issuer-keys` (`INFLUXDB_ENTERPRISE_LICENSE_ISSUER_KEYS`), default `[]`: PEM Ed25519 public-key
        /// files of the issuers whose license files ``licensePath`` may hold (docs/LICENSING.md).
        public var licenseIssuerKeys: [String]
        /// `license-server-url` (`INFLUXDB_ENTERPRISE_LICENSE_SERVER_URL`), default
        /// `http://license.influxdata.invalid/api/v1/licenses` (a placeholder): where ``licenseKey`` is exchanged
        /// for a signed temporary license.
        public var licenseServerURL: String
        /// `license-refresh-interval` (`INFLUXDB_ENTERPRISE_LICENSE_REFRESH_INTERVAL`), default `4h`: how often a
        /// ``licenseKey`` node fetches a fresh license.
        public var licenseRefreshInterval: GoDuration
        /// `license-grace-period` (`INFLUXDB_ENTERPRISE_LICENSE_GRACE_PERIOD`), default `4h`: how long a
        /// ``licenseKey`` node that never reached its license server keeps taking writes.
        public var licenseGracePeriod: GoDuration
        /// `registration-enabled` (`INFLUXDB_ENTERPRISE_REGISTRATION_ENABLED`), default `false`: register this
        /// node with ``registrationServerURL``.
        public var registrationEnabled: Bool
        /// `registration-server-url` (`INFLUXDB_ENTERPRISE_REGISTRATION_SERVER_URL`), default `""`: a full URL such
        /// as `http://host:3000`; required when ``registrationEnabled`` is `true`.
        public var registrationServerURL: String
        /// `registration-token` (`INFLUXDB_ENTERPRISE_REGISTRATION_TOKEN`), default `""`: sent as the
        /// `X-Authorization` header of every registration call, when the console asks for one.
        public var registrationToken: String
        /// `registration-stats-interval` (`INFLUXDB_ENTERPRISE_REGISTRATION_STATS_INTERVAL`), default `1m`: how
        /// often a registered node reports its statistics (InfluxDB's `stats-interval`).
        public var registrationStatsInterval: GoDuration

        /// Creates the section with its defaults.
        public init() {
            self.licenseKey = ""
            self.licensePath = ""
            self.licenseIssuerKeys = []
            self.licenseServerURL = "http://license.influxdata.invalid/api/v1/licenses"
            self.licenseRefreshInterval = GoDuration(.seconds(4 * 3600))
            self.licenseGracePeriod = GoDuration(.seconds(4 * 3600))
            self.registrationEnabled = false
            self.registrationServerURL = ""
            self.registrationToken = ""
            self.registrationStatsInterval = GoDuration(.seconds(60))
        }
    }
}
