import Glibc
import Logging
import ServiceLifecycle

/// Runs the registration plugin beside the HTTP API once the node belongs to a cluster (it
/// registers under the cluster's id). Registration never holds the node up: the plugin runs
/// in this service's task only, and is cancelled at graceful shutdown before the API stops.
struct RegistrationService: Service {
    let registration: any Registration
    let node: MetaNode
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { [node, registration, logger] in
            guard let identity = await node.joinedIdentity() else { return }
            // A joined node learns the cluster id with the first committed meta node.
            var clusterID = identity.clusterID
            while clusterID == 0 && !Task.isCancelled {
                clusterID = node.store.current.clusterID
                if clusterID == 0 { try? await Task.sleep(for: .milliseconds(200)) }
            }
            guard !Task.isCancelled else { return }
            logger.info("registering with the web console", metadata: ["cluster": "\(clusterID)"])
            await registration.run(
                node: RegistrationInfo(
                    clusterID: clusterID,
                    nodeID: identity.id,
                    hostname: Self.hostname(),
                    httpAddress: node.httpAddress,
                    raftAddress: node.raftAddress,
                    scheme: node.plugins.transport.scheme,
                    status: { await node.clusterStatus() }
                )
            )
        }
        if !Task.isCancelled && !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
    }

    /// The machine's host name, as `hostname` prints it.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
