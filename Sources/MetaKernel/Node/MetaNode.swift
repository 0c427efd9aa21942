public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A running meta node: the store, Raft once the node belongs to a cluster, and the
/// operations the HTTP API offers.
public final class MetaNode: Sendable {
    /// What the node is started with.
    public struct Configuration: Sendable {
        /// The effective configuration.
        public var config: MetaConfig
        /// `-single-server`: bootstrap a one-node cluster when there is no state.
        public var singleServer: Bool
        /// `-recover`: start as the only voter of the cluster (``RaftNode/start(bootstrapping:recovering:)``).
        public var recover: Bool

        /// Creates a configuration.
        public init(config: MetaConfig, singleServer: Bool = false, recover: Bool = false) {
            self.recover = recover
            self.config = config
            self.singleServer = singleServer
        }
    }

    /// The configuration the node runs with.
    public let configuration: Configuration
    /// The plugins picked for it.
    public let plugins: SelectedPlugins
    /// The node's copy of the metadata.
    public let store = MetaStore()
    /// The advertised HTTP address, `hostname:8091`.
    public let httpAddress: String
    /// The advertised Raft address, `hostname:8089`.
    public let raftAddress: String
    let raftBind: HostPort
    let logger: Logger
    let raftNode = Mutex<RaftNode?>(nil)
    /// The identity Raft runs with, once it runs.
    let raftIdentity = Mutex<NodeIdentity?>(nil)
    /// Set while a join or removal is being carried out; membership changes go one at a time.
    let membershipBusy = Mutex(false)
    /// Tasks waiting in ``joinedIdentity()``, by waiter id.
    private let joinWaiters = Mutex<(next: Int, waiting: [Int: CheckedContinuation<NodeIdentity?, Never>])>((0, [:]))
    private let background = Mutex<[Task<Void, Never>]>([])
    /// The license as last checked; the metadata write path consults it.
    public let license: LicenseGate
    /// The bootstrap vote this node gives while it is fresh (`bootstrap-expect`).
    public let ballot: BootstrapBallot
    /// What nodes last announced about themselves (`POST /announce`), shared by gossip.
    public let announcements: Announcements
    /// The Prometheus families `GET /metrics` serves.
    public let metrics = MetaMetrics()

    /// Prepares a node; nothing runs until ``start()``.
    /// - Throws: ``MetaNodeError`` when the bind addresses cannot be used.
    public init(configuration: Configuration, plugins: SelectedPlugins, logger: Logger) throws(MetaNodeError) {
        self.configuration = configuration
        self.plugins = plugins
        self.logger = logger
        self.license = LicenseGate(mode: plugins.licensing?.mode ?? "none")
        self.ballot = BootstrapBallot(directory: configuration.config.meta.dir)
        self.announcements = Announcements(expiration: configuration.config.meta.announcementExpiration.duration)
        let meta = configuration.config.meta
        let hostname = configuration.config.hostname
        do {
            let raft = try HostPort(parsing: meta.bindAddress)
            let http = try HostPort(parsing: meta.httpBindAddress)
            self.raftBind = raft
            self.raftAddress = raft.advertised(hostname: hostname).description
            self.httpAddress = http.advertised(hostname: hostname).description
        } catch {
            throw MetaNodeError(.invalid, "\(error)")
        }
    }

    /// The Raft node, once the node belongs to a cluster.
    public var raft: RaftNode? { raftNode.withLock { $0 } }

    /// Starts Raft when the node already belongs to a cluster (its `node.json` says so), or
    /// bootstraps a one-node cluster with `-single-server`. Otherwise the node stays un-joined.
    public func start() async throws {
        // At start-up even when un-joined, rather than at the first join.
        try RaftNode.checkLibraft()
        let dir = configuration.config.meta.dir
        var identity = try NodeIdentity.load(from: dir)
        if let known = identity, known.raftAddress != raftAddress {
            throw MetaNodeError(
                .badState,
                "\(dir)/\(NodeIdentity.fileName): this node joined as \(known.raftAddress) but now advertises \(raftAddress); restore hostname/bind-address, or remove the node from the cluster and wipe its dir before adding it again"
            )
        }
        if identity == nil && configuration.singleServer {
            let fresh = NodeIdentity(
                id: 1,
                clusterID: UInt64.random(in: 1...UInt64.max),
                httpAddress: httpAddress,
                raftAddress: raftAddress
            )
            try fresh.save(to: dir)
            identity = fresh
            logger.info("bootstrapping a single-server cluster", metadata: ["raft": "\(raftAddress)"])
        }
        if configuration.recover {
            guard let identity, Self.raftHasState(in: "\(dir)/raft") else {
                throw MetaNodeError(
                    .badState,
                    "-recover: \(dir) holds no cluster state (node.json and raft/); run -recover on a surviving member's [meta] dir"
                )
            }
            logger.warning(
                "-recover: forcing a configuration with this node as the only voter",
                metadata: ["id": "\(identity.id)", "raft": "\(identity.raftAddress)"]
            )
        }
        spawn { [self] in await watchRaft() }
        spawn { [self] in await gossipAnnouncements() }
        guard let identity else {
            logger.info(
                "not part of a cluster yet; waiting to be added with: influxd-ctl add-meta \(httpAddress)"
            )
            return
        }
        // Node 1 created the cluster; with no Raft state yet, it stopped between writing node.json
        // and bootstrapping (a crash during a bootstrap), so it finishes the bootstrap now.
        let unfinished = identity.id == 1 && !Self.raftHasState(in: "\(dir)/raft")
        try await startRaft(
            identity: identity,
            bootstrapping: identity.id == 1 && (configuration.singleServer || unfinished),
            recovering: configuration.recover
        )
        if identity.id == 1 {
            spawn { [self] in await registerSelfWhenLeader(identity: identity) }
        }
    }

    func startRaft(identity: NodeIdentity, bootstrapping: Bool, recovering: Bool = false) async throws {
        let meta = configuration.config.meta
        let election = meta.electionTimeout.duration
        let heartbeat = min(max(meta.heartbeatTimeout.duration / 10, .milliseconds(10)), election / 2)
        let node = RaftNode(
            configuration: RaftNode.Configuration(
                id: identity.id,
                address: identity.raftAddress,
                directory: "\(meta.dir)/raft",
                electionTimeout: election,
                heartbeatInterval: heartbeat,
                snapshotThreshold: meta.raftSnapshotThreshold,
                snapshotTrailing: meta.raftSnapshotTrailing
            ),
            stateMachine: store,
            dialer: RaftDialer(
                bindAddress: raftBind,
                transport: plugins.transport,
                discovery: plugins.discovery,
                authentication: RaftAuthentication(
                    secret: meta.internalSharedSecret,
                    portalRequired: meta.raftPortalAuthRequired,
                    dialerRequired: meta.raftDialerAuthRequired,
                    authenticator: plugins.messageAuthenticator
                )
            ),
            logger: logger,
            metrics: metrics.raft
        )
        try await node.start(bootstrapping: bootstrapping, recovering: recovering)
        raftNode.withLock { $0 = node }
        raftIdentity.withLock { $0 = identity }
        let waiting = joinWaiters.withLock { waiters in
            defer { waiters.waiting.removeAll() }
            return waiters.waiting.values
        }
        for waiter in waiting { waiter.resume(returning: identity) }
        logger.info("raft started", metadata: ["id": "\(identity.id)", "raft": "\(identity.raftAddress)"])
    }

    /// On node 1 (the node that created the cluster), commits its own record once it leads, if
    /// it is missing: after a single-server bootstrap, or a bootstrap cut short by a crash. A
    /// node 1 that follows another leader stops: the cluster grew while it was the only voter,
    /// that is, while it led.
    func registerSelfWhenLeader(identity: NodeIdentity) async {
        let deadline = ContinuousClock.now + .seconds(30)
        while store.current.metaNode(httpAddress: httpAddress) == nil && !Task.isCancelled {
            do {
                let outcome = try await execute(
                    .createMetaNode(httpAddress: httpAddress, tcpAddress: raftAddress, rand: identity.clusterID)
                )
                if outcome.error == nil { logger.info("registered meta node \(outcome.nodeID ?? 0) at \(httpAddress)") }
                return
            } catch {
                if error.code == .notLeader { return }
                guard error.code == .noLeader, ContinuousClock.now < deadline else {
                    logger.error("cannot register this node in the metadata: \(error)")
                    return
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Waits until the node belongs to a cluster and returns the identity it runs Raft with;
    /// `nil` when the task is cancelled first.
    func joinedIdentity() async -> NodeIdentity? {
        let id = joinWaiters.withLock { waiters in
            waiters.next += 1
            return waiters.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<NodeIdentity?, Never>) in
                let ready: NodeIdentity?? = joinWaiters.withLock { waiters in
                    if let identity = raftIdentity.withLock({ $0 }) { return .some(identity) }
                    if Task.isCancelled { return .some(nil) }
                    waiters.waiting[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            joinWaiters.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    func spawn(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        background.withLock { $0.append(task) }
    }

    /// Stops background work and Raft.
    public func stop() async {
        let tasks = background.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        if let node = raft {
            await node.stop()
            logger.info("raft stopped")
        }
    }

    /// Proposes `command` through Raft and waits until it is applied here.
    /// - Throws: ``MetaNodeError`` with ``MetaNodeError/Code/notLeader`` (and the leader's HTTP
    ///   address) on a follower, ``MetaNodeError/Code/noLeader`` when there is none.
    public func execute(_ command: MetaCommand) async throws(MetaNodeError) -> ApplyOutcome {
        guard let node = raft else {
            throw MetaNodeError(.unjoined, "this meta node is not part of a cluster; add it with influxd-ctl add-meta")
        }
        let commandJSON = LogEntry.encode(command)
        do {
            // One hop to the Raft thread: libraft itself refuses with RAFT_NOTLEADER on a follower.
            return try await node.propose { term in LogEntry.encoded(commandJSON: commandJSON, term: term) }
        } catch {
            if error.isLeadershipLost {
                throw MetaNodeError(
                    .timeout,
                    "leadership was lost before the command committed; it may still apply, check before retrying"
                )
            }
            if error.isNotLeader, let fresh = try? await node.status() { throw notLeaderError(fresh) }
            if error.isShutdown { throw MetaNodeError(.unavailable, "meta node is shutting down") }
            throw MetaNodeError(.unavailable, "\(error)")
        }
    }

    /// Waits until every committed command has been applied here; fails on a follower. For
    /// linearizable reads.
    public func readBarrier() async throws(MetaNodeError) {
        guard let node = raft else {
            throw MetaNodeError(.unjoined, "this meta node is not part of a cluster; add it with influxd-ctl add-meta")
        }
        do {
            // raft_barrier refuses with RAFT_NOTLEADER on a follower: no separate status hop.
            try await node.barrier()
        } catch {
            if error.isNotLeader, let fresh = try? await node.status() { throw notLeaderError(fresh) }
            throw MetaNodeError(.unavailable, "\(error)")
        }
    }

    func raftStatus(_ node: RaftNode) async throws(MetaNodeError) -> RaftStatus {
        do {
            return try await node.status()
        } catch {
            throw MetaNodeError(.unavailable, "meta node is shutting down")
        }
    }

    func notLeaderError(_ status: RaftStatus) -> MetaNodeError {
        if status.role == .leader {
            return MetaNodeError(.noLeader, "no leader")
        }
        guard !status.leaderAddress.isEmpty else { return MetaNodeError(.noLeader, "no leader") }
        guard let http = httpAddress(ofRaftAddress: status.leaderAddress) else {
            return MetaNodeError(.noLeader, "no leader (leader \(status.leaderAddress) is not in the metadata yet)")
        }
        return MetaNodeError(.notLeader, "not the leader; the leader is \(http)", leaderHTTPAddress: http)
    }

    /// The HTTP address of the meta node with the given Raft address, from the metadata.
    public func httpAddress(ofRaftAddress raftAddress: String) -> String? {
        store.current.metaNodes.first { $0.tcpAddress == raftAddress }?.httpAddress
    }

    /// What `GET /status` reports.
    public func clusterStatus() async -> ClusterStatus {
        let identity = raftIdentity.withLock { $0 }
        guard let node = raft, let identity, let status = try? await node.status() else {
            var result = ClusterStatus(leader: "", httpAddress: httpAddress, raftAddress: raftAddress, peers: nil)
            result.license = license.report()
            let expect = configuration.config.discovery.bootstrapExpect
            if expect > 0 && identity == nil && !configuration.singleServer { result.bootstrapExpect = expect }
            return result
        }
        var result = ClusterStatus(
            leader: status.leaderAddress,
            httpAddress: httpAddress,
            raftAddress: raftAddress,
            peers: status.servers.map(\.address)
        )
        result.id = identity.id
        result.term = status.term
        result.index = store.current.index
        result.clusterID = identity.clusterID != 0 ? identity.clusterID : store.current.clusterID
        result.license = license.report()
        return result
    }
}
