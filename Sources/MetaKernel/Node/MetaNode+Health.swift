import FoundationEssentials

/// `GET /health`, `/readyz` and `/metrics` read the node through these.
extension MetaNode {
    /// Most committed entries a healthy node may have left to apply.
    public static let healthyApplyLag: UInt64 = 1_000
    /// Most committed entries a ready node may have left to apply.
    public static let readyApplyLag: UInt64 = 10

    /// Why the node is unhealthy, or `nil`: it must be joined, know a leader, and have applied
    /// all but ``healthyApplyLag`` of the entries it knows are committed.
    public func unhealthyReason() async -> String? {
        switch await raftStatusForProbe() {
        case .failure(let failure): return failure.description
        case .success(let status): return Self.lagReason(status, limit: Self.healthyApplyLag)
        }
    }

    /// Why the node is not ready to serve, or `nil`: healthy, within ``readyApplyLag`` entries of
    /// its commit index, and listed in its own metadata as a meta node.
    public func unreadyReason() async -> String? {
        switch await raftStatusForProbe() {
        case .failure(let failure): return failure.description
        case .success(let status):
            if let reason = Self.lagReason(status, limit: Self.readyApplyLag) { return reason }
            if store.current.metaNode(httpAddress: httpAddress) == nil {
                return "this node (\(httpAddress)) is not in the metadata yet"
            }
            return nil
        }
    }

    /// The Prometheus text exposition, with the gauges read now.
    public func metricsExposition() async -> [UInt8] {
        let status = try? await raft?.status()
        metrics.update(status: status, joined: raft != nil, license: license, now: Date())
        return metrics.exposition()
    }

    private func raftStatusForProbe() async -> Result<RaftStatus, ProbeFailure> {
        guard let node = raft else { return .failure(ProbeFailure("not part of a cluster")) }
        guard let status = try? await node.status() else { return .failure(ProbeFailure("raft is not running")) }
        guard status.leaderID != 0 else { return .failure(ProbeFailure("no leader")) }
        return .success(status)
    }

    private static func lagReason(_ status: RaftStatus, limit: UInt64) -> String? {
        let lag = status.commitIndex > status.lastApplied ? status.commitIndex - status.lastApplied : 0
        guard lag > limit else { return nil }
        return "applied index \(status.lastApplied) is \(lag) entries behind commit index \(status.commitIndex)"
    }
}

/// A reason a probe failed.
struct ProbeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
