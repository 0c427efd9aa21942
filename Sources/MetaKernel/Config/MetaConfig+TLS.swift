import FoundationEssentials

extension MetaConfig {
    /// The `[tls]` section: cipher suites and protocol versions for every TLS listener and dialer.
    public struct TLS: Sendable, Equatable {
        /// A TLS protocol version, ordered from oldest to newest.
        public enum Version: String, Sendable, Hashable, CaseIterable, Comparable {
            /// TLS 1.0.
            case tls1_0 = "tls1.0"
            /// TLS 1.1.
            case tls1_1 = "tls1.1"
            /// TLS 1.2.
            case tls1_2 = "tls1.2"
            /// TLS 1.3.
            case tls1_3 = "tls1.3"

            /// Orders versions from oldest to newest.
            public static func < (lhs: Version, rhs: Version) -> Bool {
                lhs.rank < rhs.rank
            }

            private var rank: Int {
                switch self {
                case .tls1_0: 0
                case .tls1_1: 1
                case .tls1_2: 2
                case .tls1_3: 3
                }
            }
        }

        /// `ciphers` (`INFLUXDB_TLS_CIPHERS`, comma-separated, or `INFLUXDB_TLS_CIPHERS_0`, `_1`, ...), default
        /// `[]`: Go cipher-suite names such as `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`; empty means the platform
        /// default list.
        public var ciphers: [String]
        /// `min-version` (`INFLUXDB_TLS_MIN_VERSION`), default `""` (`nil`): the oldest accepted version; `nil` means
        /// the platform default.
        public var minVersion: Version?
        /// `max-version` (`INFLUXDB_TLS_MAX_VERSION`), default `""` (`nil`): the newest accepted version; `nil` means
        /// the platform default. Must not be older than ``minVersion``.
        public var maxVersion: Version?
        /// `advanced-expiration` (`INFLUXDB_TLS_ADVANCED_EXPIRATION`), default `5d` (`120h0m0s`): how long before a
        /// certificate expires to start warning.
        public var advancedExpiration: GoDuration

        /// Creates the section with its defaults.
        public init() {
            self.ciphers = []
            self.minVersion = nil
            self.maxVersion = nil
            self.advancedExpiration = GoDuration(.seconds(5 * 86_400))
        }
    }
}
