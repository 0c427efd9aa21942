import FoundationEssentials
public import Logging
public import ServiceLifecycle

/// Polls every registered cluster every ``Configuration/interval``: the `/status` of each of its
/// meta nodes (reachability, leader, license), then `/show-cluster`, `/debug/vars` and `GET /`
/// (databases) from one that answers; stores a ``ClusterView`` per cluster in ``ConsoleState``
/// and a health sample per poll in the ``Registry``.
///
/// Each cluster is polled by its own task and each poll is bounded by ``Configuration/timeout``,
/// so a dead or slow cluster never delays the others.
public struct ClusterPoller: Service {
    /// How clusters are polled.
    public struct Configuration: Sendable {
        /// Time between the starts of two polls of one cluster.
        public var interval: Duration
        /// The longest one poll of one cluster may take; it then counts as failed.
        public var timeout: Duration
        /// The `Authorization` header value sent to clusters (`Basic …` from
        /// `-cluster-user`/`-cluster-password`); `nil` sends none.
        public var authorization: String?

        /// Creates a configuration: every 5 s, each poll bounded by 10 s.
        public init(interval: Duration = .seconds(5), timeout: Duration = .seconds(10), authorization: String? = nil) {
            self.interval = interval
            self.timeout = timeout
            self.authorization = authorization
        }
    }

    let registry: Registry
    let state: ConsoleState
    let connector: ClusterConnector
    let configuration: Configuration
    let logger: Logger

    /// A poller of the clusters in `registry`, writing views into `state`, reaching clusters
    /// through `connector`.
    public init(
        registry: Registry,
        state: ConsoleState,
        connector: ClusterConnector,
        configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.registry = registry
        self.state = state
        self.connector = connector
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads the registered clusters into the state, then polls until graceful shutdown.
    public func run() async throws {
        await loadClusters()
        await cancelWhenGracefulShutdown {
            await supervise()
        }
    }

    /// Puts every registered cluster, not polled yet, into the state (with its health history).
    public func loadClusters() async {
        do {
            for cluster in try await registry.clusters() {
                guard await state.cluster(cluster.id) == nil else { continue }
                let servers = try await registry.servers(clusterID: cluster.id)
                var view = ClusterView(registered: cluster, servers: servers)
                for index in view.metaNodes.indices { view.metaNodes[index].reachable = false }
                view.leader = nil
                view.health = await history(clusterID: cluster.id, now: Date())
                await state.update(view)
            }
        } catch {
            logger.error("cannot load the registered clusters: \(error.message)")
        }
    }

    /// Starts a polling task for each cluster as it registers; checks for new ones at least
    /// every second.
    private func supervise() async {
        await withDiscardingTaskGroup { group in
            var started: Set<String> = []
            while !Task.isCancelled {
                for view in await state.clusters() where started.insert(view.id).inserted {
                    group.addTask { await loop(clusterID: view.id) }
                }
                try? await Task.sleep(for: min(configuration.interval, .seconds(1)))
            }
        }
    }

    private func loop(clusterID: String) async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let next = clock.now + configuration.interval
            await poll(clusterID: clusterID)
            try? await Task.sleep(until: next)
        }
    }

    /// The health history of `clusterID` as of `now`, from the registry's samples.
    func history(clusterID: String, now: Date) async -> [ClusterView.HealthBucket] {
        let samples = try? await registry.healthByMinute(clusterID: clusterID, since: HealthHistory.start(now: now))
        return HealthHistory.buckets(samples ?? [], now: now)
    }
}
