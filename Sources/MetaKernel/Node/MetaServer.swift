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
    ///   - onReady: called once the HTTP API listens, with its bound port.
    /// - Throws: ``ConfigError`` or ``MetaNodeError`` with a one-line message, or what failed to bind.
    /// Keep-alive connections idle this long are closed (longer than the longest long poll).
    public static let idleTimeout = NIOCore.TimeAmount.seconds(120)

    public static func run(
        config: MetaConfig,
        singleServer: Bool,
        catalog: PluginCatalog,
        logger: Logger,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let plugins = try catalog.select(for: config)
        for notice in plugins.notices { logger.warning("\(notice)") }
        if config.hostname.isEmpty {
            logger.warning(
                "hostname is not set: this node advertises localhost, which other meta nodes cannot reach; set hostname in the config before joining other nodes"
            )
        }
        let node = try MetaNode(
            configuration: MetaNode.Configuration(config: config, singleServer: singleServer),
            plugins: plugins,
            logger: logger
        )
        do {
            try await node.start()
        } catch let error as MetaNodeError {
            throw error
        } catch {
            throw MetaNodeError(.badState, "cannot start Raft on \(config.meta.bindAddress): \(error)")
        }
        let bind: HostPort
        do {
            bind = try HostPort(parsing: config.meta.httpBindAddress)
        } catch {
            await node.stop()
            throw error
        }
        let router = Router()
        MetaRoutes(node: node, version: MetaBuild.version).register(on: router)
        ClusterRoutes(node: node).register(on: router)
        let app = Application(
            router: router,
            server: .http1(
                over: plugins.transport,
                configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout)
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(bind.isWildcard ? "0.0.0.0" : bind.host, port: bind.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["http": "\(node.httpAddress)", "raft": "\(node.raftAddress)"])
                await onReady(channel.localAddress?.port ?? bind.port)
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: NodeService(node: node)),
                    .init(service: app),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            await node.stop()
            throw MetaNodeError(.badState, "meta service on \(config.meta.httpBindAddress) stopped: \(error)")
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
