/// What a fresh node with `[discovery] bootstrap-expect` learned about one peer from its `/status`.
public struct PeerView: Sendable, Equatable {
    /// The peer's advertised HTTP address.
    public var httpAddress: String
    /// Its cluster's id; `nil` while the peer is un-joined.
    public var clusterID: UInt64?
    /// Its leader's Raft address; empty when it knows none.
    public var leader: String
    /// Its `bootstrap-expect`, when it is un-joined and has one.
    public var bootstrapExpect: Int?

    /// Creates a view.
    public init(httpAddress: String, clusterID: UInt64?, leader: String = "", bootstrapExpect: Int? = nil) {
        self.httpAddress = httpAddress
        self.clusterID = clusterID
        self.leader = leader
        self.bootstrapExpect = bootstrapExpect
    }
}

/// The next step of a fresh node with `bootstrap-expect`, decided from what its peers answered.
///
/// Every node computes the same order (advertised `host:port`, lower-cased), so nodes with the
/// same view agree on who bootstraps. Nodes with different views may both believe they are the
/// lowest; the vote round in ``Bootstrapper`` is what keeps them from both bootstrapping.
public enum BootstrapStep: Sendable, Equatable {
    /// Not enough agreeing fresh nodes yet, or another node is to bootstrap; the text says which.
    case wait(String)
    /// Exactly one cluster is visible: ask one of `through` (members, leaders first) to add us.
    case join(clusterID: UInt64, through: [String])
    /// Two or more clusters are visible: join neither; the text names them.
    case refuse(String)
    /// This node is the lowest of at least `bootstrap-expect` fresh nodes: ask `voters` for votes.
    case bootstrap(voters: [String])

    /// Decides the step for the node at `selfAddress` expecting `expect` meta nodes, from the
    /// peers that answered as meta nodes (the node itself excluded). `ownCluster` is set on a
    /// node that was handed an identity but is not in the Raft configuration (it stopped while
    /// being added): it only asks its own cluster to add it again.
    public static func decide(
        selfAddress: String,
        expect: Int,
        peers: [PeerView],
        ownCluster: UInt64? = nil
    ) -> BootstrapStep {
        let me = selfAddress.lowercased()
        var seen: Set<String> = [me]
        let others = peers.filter { seen.insert($0.httpAddress.lowercased()).inserted }
        if let ownCluster {
            let members = others.filter { $0.clusterID == ownCluster }
            guard !members.isEmpty else {
                return .wait("waiting for a member of cluster \(ownCluster) to add this node")
            }
            let ordered = members.filter { !$0.leader.isEmpty } + members.filter { $0.leader.isEmpty }
            return .join(clusterID: ownCluster, through: ordered.map(\.httpAddress))
        }
        let clusters = Dictionary(grouping: others.filter { $0.clusterID != nil }, by: { $0.clusterID! })
        if clusters.count > 1 {
            let named = clusters.keys.sorted().map { id in
                "cluster \(id) (\(clusters[id]!.map(\.httpAddress).sorted().joined(separator: ", ")))"
            }
            return .refuse(
                "found \(clusters.count) clusters among the discovered peers: \(named.joined(separator: " and ")); not joining any: remove the nodes of all but one from discovery, or add this node by hand with influxd-ctl join"
            )
        }
        if let (id, members) = clusters.first {
            let ordered = members.filter { !$0.leader.isEmpty } + members.filter { $0.leader.isEmpty }
            return .join(clusterID: id, through: ordered.map(\.httpAddress))
        }
        let agreeing = others.filter { $0.bootstrapExpect == expect }.map(\.httpAddress)
        let differing = others.filter { $0.bootstrapExpect != expect }
        let visible = ([selfAddress] + agreeing).sorted { $0.lowercased() < $1.lowercased() }
        var note = ""
        if !differing.isEmpty {
            let list = differing.map { "\($0.httpAddress) (\($0.bootstrapExpect.map { "\($0)" } ?? "none"))" }
            note =
                "; not counting fresh nodes with another bootstrap-expect: \(list.joined(separator: ", ")) (set the same value on every meta node)"
        }
        guard visible.count >= expect else {
            return .wait(
                "waiting for \(expect) meta nodes, \(visible.count) visible: \(visible.joined(separator: ", "))\(note)"
            )
        }
        guard visible[0].lowercased() == me else {
            return .wait(
                "waiting for \(visible[0]) to bootstrap the cluster (\(visible.count) meta nodes visible)\(note)"
            )
        }
        return .bootstrap(voters: Array(visible.dropFirst()))
    }
}
