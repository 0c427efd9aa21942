import FoundationEssentials

extension MetaConfig {
    /// The `[discovery]` section, an extension of this implementation: how peer host names are resolved.
    public struct Discovery: Sendable, Equatable {
        /// A peer-resolution mechanism.
        public enum Mode: String, Sendable, Hashable, CaseIterable {
            /// The static-hosts plugin: names come from ``MetaConfig/Discovery/hostsFile``.
            case hosts
            /// The system resolver (DNS).
            case dns
        }

        /// `mode` (`INFLUXDB_DISCOVERY_MODE`), default `hosts`.
        public var mode: Mode
        /// `hosts-file` (`INFLUXDB_DISCOVERY_HOSTS_FILE`), default `"/etc/hosts"`: the hosts file the static-hosts
        /// plugin reads; required when ``mode`` is ``Mode/hosts``.
        public var hostsFile: String
        /// `bootstrap-expect` (`INFLUXDB_DISCOVERY_BOOTSTRAP_EXPECT`), default 0 (off): how many fresh meta
        /// nodes, found through discovery, form a cluster by themselves (see ``Bootstrapper``).
        public var bootstrapExpect: Int

        /// Creates the section with its defaults.
        public init() {
            self.mode = .hosts
            self.hostsFile = "/etc/hosts"
            self.bootstrapExpect = 0
        }
    }
}
