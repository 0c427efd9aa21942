import FoundationEssentials
import Logging
import MetaKernel

extension ClusterPoller {
    /// Polls cluster `clusterID` once (bounded by ``Configuration/timeout``), samples its health
    /// into the registry and stores its view in the state.
    /// - Returns: The view stored; `nil` when the cluster is not registered.
    @discardableResult
    public func poll(clusterID: String) async -> ClusterView? {
        guard let cluster = try? await registry.cluster(clusterID) else { return nil }
        let servers = (try? await registry.servers(clusterID: clusterID)) ?? []
        let previous = await state.cluster(clusterID) ?? ClusterView(registered: cluster, servers: servers)
        let timeout = configuration.timeout
        let observed = await withTaskGroup(of: ClusterObservation?.self) { group in
            group.addTask { await observe(previous: previous, servers: servers) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let now = Date()
        var view = previous
        view.name = cluster.name ?? cluster.id
        view.lastContact = cluster.lastContact
        if let observed {
            observed.apply(to: &view, servers: servers, now: now)
        } else {
            view.pollError = "cluster \(clusterID) did not answer the poll within \(timeout)"
            view.leader = nil
            view.currentHealth = .down
            for index in view.metaNodes.indices {
                view.metaNodes[index].reachable = false
                view.metaNodes[index].isLeader = false
            }
        }
        if view.currentHealth != .unknown {
            do {
                try await registry.recordHealth(clusterID: clusterID, health: view.currentHealth, at: now)
            } catch {
                logger.error("\(error.message)")
            }
        }
        view.health = await history(clusterID: clusterID, now: now)
        if view.pollError != previous.pollError {
            if let problem = view.pollError {
                logger.warning("poll of cluster \(clusterID) failed: \(problem)")
            } else {
                logger.info("poll of cluster \(clusterID) succeeded", metadata: ["leader": "\(view.leader ?? "none")"])
            }
        }
        return await state.storePoll(view)
    }

    /// Asks the cluster's meta nodes: every known node's `/status`, then the cluster-wide calls
    /// from one that answered (the leader if it did), then `/status` of nodes only they listed.
    func observe(previous: ClusterView, servers: [RegisteredServer]) async -> ClusterObservation {
        let client = connector.client(scheme: previous.scheme, authorization: configuration.authorization)
        var addresses: [String] = []
        for address in servers.compactMap({ $0.metaTag("http_addr") }) + previous.metaNodes.map(\.httpAddress)
        where !address.isEmpty && !addresses.contains(address) {
            addresses.append(address)
        }
        var observation = ClusterObservation(
            clusterID: previous.id,
            sentCredentials: configuration.authorization != nil
        )
        observation.answers = await statuses(addresses, client: client)
        let answering = observation.answers.filter { $0.status != nil }
        let source =
            answering.first { $0.status?.leader == $0.status?.raftAddress && $0.status?.leader.isEmpty == false }
            ?? answering.first ?? observation.answers.first { $0.authRequired }
        guard let source else { return observation }
        async let show = Fetched<ShowCluster>.fetch("/show-cluster", from: source.address, client: client)
        async let vars = Fetched<DebugVars>.fetch("/debug/vars", from: source.address, client: client)
        async let metadata = Fetched<MetadataDatabases>.fetch("/", from: source.address, client: client)
        observation.showCluster = await show
        observation.debugVars = await vars
        observation.metadata = await metadata
        if let listed = observation.showCluster?.value?.meta {
            let missing = listed.map(\.addr).filter { !$0.isEmpty && !addresses.contains($0) }
            observation.answers += await statuses(missing, client: client)
        }
        return observation
    }

    private func statuses(_ addresses: [String], client: MetaClient) async -> [NodeAnswer] {
        await withTaskGroup(of: NodeAnswer.self) { group in
            for address in addresses {
                group.addTask { await NodeAnswer.fetch(address, client: client) }
            }
            var answers: [NodeAnswer] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.address < $1.address }
        }
    }
}
