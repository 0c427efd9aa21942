import CPosix
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs a whole meta node: picks plugins, starts Raft, serves the HTTP API, and shuts down
/// gracefully on SIGTERM or SIGINT (HTTP first, then Raft).
public enum MetaServer {
    /// Runs until a shutdown signal.
    /// - Parameters:
    ///   - reloadable: Parts reloaded on SIGHUP besides the plugins (`[logging] level`).
    ///   - onReady: called once the HTTP API listens, with its bound port.
    /// - Throws: ``ConfigError`` or ``MetaNodeError`` with a one-line message, or what failed to bind.
    /// Keep-alive connections idle this long are closed (longer than the longest long poll).
    public static let idleTimeout = NIOCore.TimeAmount.seconds(120)

    public static func run(
        config: MetaConfig,
        singleServer: Bool,
        recover: Bool = false,
        catalog: PluginCatalog,
        logger: Logger,
        reloadable: [any Reloadable] = [],
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        // SIGHUP asks a daemon to reload (systemd's ExecReload, logrotate): ReloadService traps
        // it and reloads every Reloadable plugin. Until it runs, SIGHUP must not end the node.
        cposix_ignore_sighup()
        let expect = config.discovery.bootstrapExpect
        if singleServer && expect > 0 {
            throw MetaNodeError(
                .invalid,
                "-single-server and [discovery] bootstrap-expect = \(expect) contradict each other: a single server forms its own cluster; set bootstrap-expect = 0 or drop -single-server"
            )
        }
        let plugins = try catalog.select(for: config)
        for notice in plugins.notices { logger.warning("\(notice)") }
        for warning in config.ineffectiveKeyWarnings() { logger.warning("\(warning)") }
        for warning in config.riskWarnings() { logger.warning("\(warning)") }
        if config.hostname.isEmpty {
            logger.warning(
                "hostname is not set: this node advertises localhost, which other meta nodes cannot reach; set hostname in the config before joining other nodes"
            )
        }
        let node = try MetaNode(
            configuration: MetaNode.Configuration(config: config, singleServer: singleServer, recover: recover),
            plugins: plugins,
            logger: logger
        )
        if let licensing = plugins.licensing {
            try await checkLicense(licensing, gate: node.license, logger: logger)
        }
        await checkDiscovery(plugins.discovery, hostname: config.hostname, logger: logger)
        do {
            try await node.start()
        } catch let error as MetaNodeError {
            throw error
        } catch {
            if let line = ListenFailure.describe(error, key: "[meta] bind-address", address: config.meta.bindAddress) {
                throw MetaNodeError(.badState, line)
            }
            throw MetaNodeError(.badState, "cannot start Raft on \(config.meta.bindAddress): \(error)")
        }
        let bind: HostPort
        do {
            bind = try HostPort(parsing: config.meta.httpBindAddress)
        } catch {
            await node.stop()
            throw error
        }
        let listenHost = bind.isWildcard ? "0.0.0.0" : await bind.listenHost(discovery: plugins.discovery)
        let router = Router(context: MetaRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: node.metrics))
        if config.meta.clusterTracing {
            router.add(middleware: ClusterTracingMiddleware(logger: logger))
        }
        let authenticator = node.makeAuthenticator()
        router.add(middleware: AuthenticationMiddleware(authenticator: authenticator, logger: logger))
        MetaRoutes(node: node, version: MetaBuild.version).register(on: router)
        ClusterRoutes(node: node).register(on: router)
        AccessRoutes(node: node, authenticator: authenticator).register(on: router)
        MonitoringRoutes(node: node).register(on: router)
        let app = Application(
            router: router,
            server: .http1(
                over: plugins.transport,
                configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout)
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(listenHost, port: bind.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["http": "\(node.httpAddress)", "raft": "\(node.raftAddress)"])
                await onReady(channel.localAddress?.port ?? bind.port)
            },
            logger: logger
        )
        // Started in this order, stopped in reverse: registration first, then the bootstrapper,
        // the API, the SIGHUP reloads, the license monitor, and Raft last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: NodeService(node: node))]
        if let licensing = plugins.licensing {
            services.append(
                .init(service: LicenseMonitorService(licensing: licensing, gate: node.license, logger: logger))
            )
        }
        services.append(.init(service: ReloadService(parts: plugins.reloadable + reloadable, logger: logger)))
        services.append(.init(service: app))
        if expect > 0, await !node.isInConfiguration() {
            let bootstrapper = Bootstrapper(node: node, configuration: .init(expect: expect), logger: logger)
            services.append(.init(service: bootstrapper))
        }
        if let registration = plugins.registration {
            services.append(.init(service: RegistrationService(registration: registration, node: node, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            await node.stop()
            let address = config.meta.httpBindAddress
            if let line = ListenFailure.describe(error, key: "[meta] http-bind-address", address: address) {
                throw MetaNodeError(.badState, line)
            }
            throw MetaNodeError(.badState, "meta service on \(address) stopped: \(error)")
        }
    }
}

extension MetaServer {
    /// Checks the license before anything starts. Fails closed: a plugin that cannot check, or a
    /// license that is not valid, stops start-up with the plugin's one-line reason.
    static func checkLicense(_ licensing: any Licensing, gate: LicenseGate, logger: Logger) async throws(LicenseError) {
        let state = try await licensing.check()
        if case .invalid(let reason) = state.status {
            throw LicenseError(message: "\(licensing.mode): license not valid: \(reason)")
        }
        gate.update(state, logger: logger)
    }

    /// Asks discovery for the peers it knows and for this node's own name, so that a missing
    /// line in the hosts file (the installation guide's first step) shows at start-up rather
    /// than at the first join. Never stops start-up: peers may be added later.
    static func checkDiscovery(_ discovery: any PeerDiscovery, hostname: String, logger: Logger) async {
        do {
            let peers = try await discovery.knownPeers()
            logger.info(
                "peer discovery",
                metadata: ["source": "\(discovery.source)", "known-peers": "\(peers.joined(separator: ", "))"]
            )
        } catch {
            logger.warning("peer discovery: \(error.message)")
        }
        guard !hostname.isEmpty else { return }
        do {
            _ = try await discovery.resolve(host: hostname)
        } catch {
            logger.warning("hostname \(hostname) does not resolve here: \(error.message)")
        }
    }
}

/// Keeps a ``MetaNode`` running inside the service group and stops it last.
struct NodeService: Service {
    let node: MetaNode

    func run() async throws {
        try? await gracefulShutdown()
        await node.stop()
    }
}
