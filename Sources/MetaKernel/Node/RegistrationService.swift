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
        try? await cancelWhenGracefulShutdown { [node, registration, logger] in
            guard let identity = await node.joinedIdentity() else { return }
            let clusterID = identity.clusterID != 0 ? identity.clusterID : node.store.current.clusterID
            logger.info("registering with the web console", metadata: ["cluster": "\(clusterID)"])
            await registration.run(
                node: RegistrationInfo(
                    clusterID: clusterID,
                    httpAddress: node.httpAddress,
                    scheme: node.plugins.transport.scheme
                )
            )
        }
        if !Task.isCancelled && !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
    }
}
