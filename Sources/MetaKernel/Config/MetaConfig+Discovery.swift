import FoundationEssentials

extension MetaConfig {
    /// The `[discovery]` section, an extension of this implementation: how peer host names are resolved.
    public struct Discovery: Sendable, Equatable {
        /// A peer-resolution mechanism.
        public enum Mode: String, Sendable, Hashable, CaseIterable {
            /// The static-hosts plugin: names come from ``MetaConfig/Discovery/hostsFile``.
            case hosts
            /// The DNS plugin: names through A and AAAA records, meta peers through SRV records.
            case dns
        }

        /// `mode` (`INFLUXDB_DISCOVERY_MODE`), default `hosts`.
        public var mode: Mode
        /// `hosts-file` (`INFLUXDB_DISCOVERY_HOSTS_FILE`), default `"/etc/hosts"`: the hosts file the static-hosts
        /// plugin reads; required when ``mode`` is ``Mode/hosts``.
        public var hostsFile: String
        /// `dns-service` (`INFLUXDB_DISCOVERY_DNS_SERVICE`), default `"_influxdb-meta._tcp"`: the SRV service and
        /// protocol labels under ``dnsDomain`` that list the meta nodes' HTTP API addresses.
        public var dnsService: String
        /// `dns-domain` (`INFLUXDB_DISCOVERY_DNS_DOMAIN`), default `""`: the domain holding the SRV records; empty
        /// means the DNS plugin lists no peers (names still resolve).
        public var dnsDomain: String
        /// `nameservers` (`INFLUXDB_DISCOVERY_NAMESERVERS`), default `[]`: `"ip"` or `"ip:port"` name servers asked
        /// in order instead of those of `/etc/resolv.conf`.
        public var nameservers: [String]
        /// `dns-timeout` (`INFLUXDB_DISCOVERY_DNS_TIMEOUT`), default `"2s"`: how long the DNS plugin waits for each
        /// try of each name server (whole seconds, as glibc's resolver counts).
        public var dnsTimeout: GoDuration
        /// `bootstrap-expect` (`INFLUXDB_DISCOVERY_BOOTSTRAP_EXPECT`), default 0 (off): how many fresh meta
        /// nodes, found through discovery, form a cluster by themselves (see ``Bootstrapper``).
        public var bootstrapExpect: Int

        /// Creates the section with its defaults.
        public init() {
            self.mode = .hosts
            self.hostsFile = "/etc/hosts"
            self.bootstrapExpect = 0
            self.dnsService = "_influxdb-meta._tcp"
            self.dnsDomain = ""
            self.nameservers = []
            self.dnsTimeout = GoDuration(.seconds(2))
        }

        /// Parses a `nameservers` entry: an IP literal with an optional port (53 by default),
        /// `"10.0.0.53"`, `"10.0.0.53:5353"`, `"[fd00::53]:53"` or `"fd00::53"`.
        /// - Throws: ``ConfigError`` saying what to write instead.
        public static func nameServer(parsing text: String) throws(ConfigError) -> HostPort {
            let advice = "use an IP address and optional port, such as \"10.0.0.53:53\" or \"[fd00::53]:53\""
            if HostPort.isIPLiteral(text) { return HostPort(host: text, port: 53) }
            guard let address = try? HostPort(parsing: text), HostPort.isIPLiteral(address.host), address.port != 0
            else {
                throw .invalidValue("invalid name server \(ConfigText.quoted(text)) (\(advice))")
            }
            return address
        }
    }
}
