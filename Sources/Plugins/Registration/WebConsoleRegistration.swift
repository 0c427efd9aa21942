public import Logging
public import MetaKernel

/// `[enterprise] registration-enabled`: announces the node to a web console with InfluxData's
/// registration protocol (the server record, then statistics every `registration-stats-interval`).
/// It runs only in the kernel's registration task: every call is bounded by a timeout, failures
/// are retried with backoff, and cancellation ends it at once.
public struct WebConsoleRegistration: Registration {
    /// Where to register and how often to report.
    public struct Configuration: Sendable {
        /// `[enterprise] registration-server-url`, possibly with a path prefix.
        public var serverURL: String
        /// `[enterprise] registration-token`, sent as `X-Authorization`; empty sends none.
        public var token: String
        /// `[enterprise] registration-stats-interval`.
        public var statsInterval: Duration
        /// The first wait after a failure; it doubles up to the stats interval or 60 s.
        public var initialBackoff: Duration
        /// The longest one call may take.
        public var timeout: Duration
        /// Extra trust anchors for an `https://` console (`[meta] https-certificate`), if any.
        public var anchorFile: String?
        /// Whether an `https://` console's certificate is verified (not `[meta] https-insecure-tls`).
        public var verifyPeer: Bool
        /// Where the state changes are logged.
        public var logger: Logger

        /// Creates a configuration.
        public init(
            serverURL: String,
            token: String = "",
            statsInterval: Duration = .seconds(60),
            initialBackoff: Duration = .seconds(1),
            timeout: Duration = .seconds(10),
            anchorFile: String? = nil,
            verifyPeer: Bool = true,
            logger: Logger = Logger(label: "influxd-meta")
        ) {
            self.serverURL = serverURL
            self.token = token
            self.statsInterval = statsInterval
            self.initialBackoff = initialBackoff
            self.timeout = timeout
            self.anchorFile = anchorFile
            self.verifyPeer = verifyPeer
            self.logger = logger
        }

        /// The `[enterprise]` registration keys and the `[meta]` TLS trust of `config`.
        public init(config: MetaConfig) {
            self.init(
                serverURL: config.enterprise.registrationServerURL,
                token: config.enterprise.registrationToken,
                statsInterval: config.enterprise.registrationStatsInterval.duration,
                anchorFile: config.meta.httpsCertificate.isEmpty ? nil : config.meta.httpsCertificate,
                verifyPeer: !config.meta.httpsInsecureTLS
            )
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let client: RegistrationClient
    /// When the plugin was made, at node start: the origin of `uptime_seconds`.
    private let started = ContinuousClock.now

    /// Creates the plugin.
    /// - Throws: ``ConfigError`` naming `registration-server-url` when it is not an `http(s)://` URL.
    public init(configuration: Configuration) throws(ConfigError) {
        guard let endpoint = RegistrationEndpoint(configuration.serverURL) else {
            throw ConfigError(
                .invalidValue,
                "[enterprise] registration-server-url: \"\(configuration.serverURL)\" is not an http(s)://host[:port][/path]"
                    + " URL; use the form \"http://host:3000\""
            )
        }
        self.configuration = configuration
        self.client = RegistrationClient(
            endpoint: endpoint,
            token: configuration.token,
            timeout: configuration.timeout,
            anchorFile: configuration.anchorFile,
            verifyPeer: configuration.verifyPeer
        )
    }

    /// Registers, reports statistics at once and then every interval, until cancelled. After the
    /// console was unreachable the node registers again, in case the console lost its records.
    public func run(node: RegistrationInfo) async {
        var contact = RegistrationContact(url: configuration.serverURL, logger: configuration.logger)
        var backoff = RegistrationBackoff(
            initial: configuration.initialBackoff,
            cap: min(configuration.statsInterval, .seconds(60))
        )
        var registered = false
        let statsPath = "/stats/\(RegistrationPayload.product)"
        while !Task.isCancelled {
            let call = registered ? statsPath : "/servers"
            let body: [UInt8]
            if registered {
                let status = await node.status()
                let uptime = ContinuousClock.now - started
                body = RegistrationPayload.encode(RegistrationPayload.stats(node, status: status, uptime: uptime))
            } else {
                body = RegistrationPayload.encode(RegistrationPayload.server(node))
            }
            let outcome = await client.post(call, body: body)
            guard !Task.isCancelled else { return }
            contact.record(outcome, call: client.endpoint.path(call), clusterID: node.clusterID, nodeID: node.nodeID)
            switch outcome {
            case .accepted where !registered:
                registered = true
                continue  // the first statistics go out at once
            case .accepted:
                backoff.reset()
                try? await Task.sleep(for: configuration.statsInterval)
            case .unreachable:
                registered = false
                try? await Task.sleep(for: backoff.next())
            case .refused:
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// Adds the plugin to `catalog`, made from `[enterprise]` when registration is enabled.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.registration = { config in try WebConsoleRegistration(configuration: Configuration(config: config)) }
    }
}
