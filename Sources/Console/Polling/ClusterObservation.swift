import FoundationEssentials
import MetaKernel

/// What one poll of a cluster saw, before it becomes a ``ClusterView``.
struct ClusterObservation: Sendable {
    /// The cluster polled.
    var clusterID: String
    /// Whether the poll sent credentials (`-cluster-user`).
    var sentCredentials = false
    /// Every meta node's `/status`, answered or not.
    var answers: [NodeAnswer] = []
    /// `/show-cluster` from a node that answered; `nil` when none did.
    var showCluster: Fetched<ShowCluster>?
    /// `/debug/vars` from that node.
    var debugVars: Fetched<DebugVars>?
    /// `GET /` (JSON) from that node.
    var metadata: Fetched<MetadataDatabases>?

    /// Whether the cluster refused the console's credentials.
    var authRequired: Bool {
        if answers.contains(where: \.authRequired) { return true }
        if case .authRequired? = showCluster { return true }
        if case .authRequired? = metadata { return true }
        return false
    }

    /// The leader's Raft address: the node that says it leads, else what most answers say.
    var leaderRaftAddress: String? {
        let statuses = answers.compactMap(\.status)
        if let claim = statuses.first(where: { !$0.leader.isEmpty && $0.leader == $0.raftAddress }) {
            return claim.leader
        }
        let votes = Dictionary(grouping: statuses.map(\.leader).filter { !$0.isEmpty }, by: { $0 })
        return votes.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }

    /// Writes what the poll saw into `view`: meta and data nodes, leader, license, databases,
    /// the current health and the poll's error.
    func apply(to view: inout ClusterView, servers: [RegisteredServer], now: Date) {
        let byAddress = Dictionary(answers.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let leaderRaft = leaderRaftAddress
        let show = showCluster?.value
        var nodes: [ClusterView.MetaNode]
        if let show {
            nodes = show.meta.map { meta in
                ClusterView.MetaNode(
                    id: meta.id,
                    httpAddress: meta.addr,
                    raftAddress: meta.tcpAddr,
                    version: meta.version == "unknown" ? nil : meta.version
                )
            }
        } else {
            nodes = view.metaNodes
        }
        for index in nodes.indices {
            let answer = byAddress[nodes[index].httpAddress]
            let id = String(nodes[index].id)
            nodes[index].reachable = answer?.answered ?? false
            nodes[index].isLeader = leaderRaft != nil && nodes[index].raftAddress == leaderRaft
            if let version = answer?.status?.version { nodes[index].version = version }
            if let host = servers.first(where: { $0.serverID == id })?.host, !host.isEmpty { nodes[index].host = host }
        }
        view.metaNodes = nodes.sorted { $0.id < $1.id }
        view.leader = leaderRaft.flatMap { raft in
            nodes.first { $0.raftAddress == raft }?.httpAddress
                ?? answers.first { $0.status?.raftAddress == raft }?.status?.httpAddress
        }
        if let show {
            view.dataNodes = show.data.map {
                ClusterView.DataNode(
                    id: $0.id,
                    httpAddress: $0.httpAddr,
                    tcpAddress: $0.tcpAddr,
                    version: $0.version == "unknown" ? nil : $0.version
                )
            }
        }
        if let report = license { view.license = report }
        if let databases = metadata?.value?.databases { view.databases = databases.map(\.name).sorted() }
        view.authRequired = authRequired
        view.pollError = problem
        if view.pollError == nil { view.lastPoll = now }
        view.currentHealth = health(nodes: view.metaNodes, leader: view.leader)
    }

    /// The license from the leader's `/status` (else any node's), else from `/debug/vars`.
    private var license: ClusterView.License? {
        let statuses = answers.compactMap(\.status)
        let leading = statuses.first { $0.raftAddress == leaderRaftAddress } ?? statuses.first { $0.license != nil }
        if let report = leading?.license ?? statuses.first(where: { $0.license != nil })?.license {
            return ClusterView.License(
                mode: report.mode,
                status: report.status,
                expiresAt: report.expiresAt,
                daysLeft: report.daysLeft
            )
        }
        if let entitlements = debugVars?.value?.entitlements, entitlements.licenseType != "none" {
            return ClusterView.License(
                mode: entitlements.licenseType,
                status: "unknown",
                expiresAt: entitlements.licenseExpiry
            )
        }
        return nil
    }

    /// Why the poll failed, in one line; `nil` when it did not.
    private var problem: String? {
        if authRequired && sentCredentials {
            return "cluster \(clusterID) refused the console's credentials: check -cluster-user and -cluster-password"
        }
        if authRequired {
            return
                "cluster \(clusterID) requires authentication: start influx-console with -cluster-user and -cluster-password"
        }
        if answers.isEmpty {
            return "no meta node address known for cluster \(clusterID) yet: its nodes have not reported their stats"
        }
        guard answers.contains(where: { $0.status != nil }) else {
            let reasons = answers.compactMap(\.error).prefix(3).joined(separator: "; ")
            return "no meta node of cluster \(clusterID) answered: \(reasons)"
        }
        if case .failed(let reason)? = showCluster { return "show-cluster failed: \(reason)" }
        if case .failed(let reason)? = metadata { return "reading the metadata failed: \(reason)" }
        return nil
    }

    /// Healthy when every meta node answered and a leader is known; degraded when some did not;
    /// down without a leader; unknown when the cluster refused the console's credentials or no
    /// node address is known yet.
    private func health(nodes: [ClusterView.MetaNode], leader: String?) -> ClusterView.Health {
        if authRequired || answers.isEmpty { return .unknown }
        guard leader != nil, nodes.contains(where: \.reachable) else { return .down }
        return nodes.allSatisfy(\.reachable) ? .healthy : .degraded
    }
}
