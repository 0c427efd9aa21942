public import MetaKernel
import NIOPosix

/// Peer discovery through DNS (`[discovery] mode = "dns"`): names resolve through A and AAAA
/// records, and the meta peers are the targets of the SRV records `dns-service.dns-domain`.
///
/// Questions go through glibc's resolver with a resolver state per question, to the servers of
/// `nameservers` or `/etc/resolv.conf`, on threads of their own (the resolver blocks). Answers
/// are cached for their TTL, so a record that changes is seen once its TTL has passed.
public struct DNSDiscovery: PeerDiscovery {
    /// How the plugin is set up.
    public struct Configuration: Sendable, Equatable {
        /// The SRV service and protocol labels, such as `_influxdb-meta._tcp`.
        public var service: String
        /// The domain holding the SRV records; empty lists no peers.
        public var domain: String
        /// The name servers asked in order; empty means those of `/etc/resolv.conf`.
        public var nameservers: [HostPort]
        /// Seconds each try of each server waits (glibc counts whole seconds).
        public var timeoutSeconds: Int
        /// Tries per server.
        public var tries: Int

        /// Creates a configuration.
        public init(
            service: String = "_influxdb-meta._tcp",
            domain: String = "",
            nameservers: [HostPort] = [],
            timeoutSeconds: Int = 2,
            tries: Int = 2
        ) {
            self.service = service
            self.domain = domain
            self.nameservers = nameservers
            self.timeoutSeconds = timeoutSeconds
            self.tries = tries
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let cache = DNSAnswerCache()

    /// Creates the plugin.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The `[discovery] mode` this plugin serves.
    public static let mode = "dns"

    /// Registers the plugin in `catalog` under ``mode``.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.discovery[mode] = { config in
            let discovery = config.discovery
            let seconds = discovery.dnsTimeout.duration.components
            return DNSDiscovery(
                configuration: Configuration(
                    service: discovery.dnsService,
                    domain: discovery.dnsDomain,
                    nameservers: try discovery.nameservers.map { try MetaConfig.Discovery.nameServer(parsing: $0) },
                    timeoutSeconds: max(1, Int(seconds.seconds) + (seconds.attoseconds > 0 ? 1 : 0))
                )
            )
        }
    }

    /// `DNS (nameservers 10.0.0.53:53)` or `DNS (/etc/resolv.conf)`.
    public var source: String {
        let servers = configuration.nameservers.map(\.description).joined(separator: ", ")
        return servers.isEmpty ? "DNS (/etc/resolv.conf)" : "DNS (nameservers \(servers))"
    }

    /// The A then AAAA addresses of `host`; IP literals come back unchanged and `localhost` is
    /// loopback (RFC 6761). AAAA is asked only once A has an answer.
    public func resolve(host: String) async throws(DiscoveryError) -> [String] {
        if HostPort.isIPLiteral(host) { return [host] }
        let name = Self.normalized(host)
        if name == "localhost" { return ["127.0.0.1", "::1"] }
        let v4 = try await answer(name, .a, for: host)
        if case .failed(let failures) = v4, !failures.allSatisfy({ $0.kind == .empty }) {
            throw error(host, failures)
        }
        let v6 = try await answer(name, .aaaa, for: host)
        var addresses: [String] = []
        for case .records(let records, _) in [v4, v6] { addresses += records.map(\.text) }
        guard addresses.isEmpty else { return addresses }
        var failures: [DNSFailure] = []
        for case .failed(let found) in [v4, v6] { failures += found }
        throw error(host, failures)
    }

    /// The SRV targets of `dns-service.dns-domain` as `host:port`, in RFC 2782 order.
    public func knownPeers() async throws(DiscoveryError) -> [String] {
        guard !configuration.domain.isEmpty else {
            throw DiscoveryError(
                host: "",
                message:
                    "[discovery] dns-domain is empty, so DNS discovery lists no meta peers; set it to the domain holding the \(configuration.service) SRV records"
            )
        }
        let name = Self.normalized("\(configuration.service).\(configuration.domain)")
        switch try await answer(name, .srv, for: name) {
        case .records(let records, _):
            var generator = SystemRandomNumberGenerator()
            return SRVOrder.ordered(records.filter { !$0.text.isEmpty }, using: &generator).map { record in
                record.text.contains(":") ? "[\(record.text)]:\(record.port)" : "\(record.text):\(record.port)"
            }
        case .failed(let failures):
            throw DiscoveryError(
                host: name,
                message:
                    "cannot list meta peers: \(failures.map(\.description).joined(separator: "; ")); add one SRV record per meta node under \(name) or fix [discovery] dns-domain/nameservers"
            )
        }
    }

    /// The cached answer, or a fresh one asked on the resolver threads.
    private func answer(_ name: String, _ type: DNSRecordType, for host: String) async throws(DiscoveryError)
        -> DNSResolver.Answer
    {
        if let cached = cache.answer(name, type) { return cached }
        let resolver = DNSResolver(
            nameservers: configuration.nameservers,
            timeoutSeconds: configuration.timeoutSeconds,
            tries: configuration.tries
        )
        let fresh: DNSResolver.Answer
        do {
            fresh = try await ResolverThreads.pool.runIfActive { resolver.ask(name, type) }
        } catch {
            throw DiscoveryError(host: host, message: "cannot resolve \"\(host)\": the DNS resolver threads stopped")
        }
        cache.store(fresh, for: name, type)
        return fresh
    }

    private func error(_ host: String, _ failures: [DNSFailure]) -> DiscoveryError {
        let advice =
            failures.allSatisfy(\.isAnswer)
            ? "add an A or AAAA record for it" : "check [discovery] nameservers and that the server answers"
        return DiscoveryError(
            host: host,
            message:
                "cannot resolve \"\(host)\" through DNS: \(failures.map(\.description).joined(separator: "; ")); \(advice)"
        )
    }

    /// Lower case, without a trailing dot: DNS names compare case-insensitively.
    private static func normalized(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }
}

/// The threads DNS questions block on, shared by every ``DNSDiscovery`` of the process and
/// never shut down, like NIO's own singletons. Four, so that a server that times out does not
/// hold up every other question.
enum ResolverThreads {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()
}
