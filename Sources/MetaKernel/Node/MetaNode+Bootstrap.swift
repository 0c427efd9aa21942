import FoundationEssentials
import Synchronization

extension MetaNode {
    /// How long a bootstrap vote holds; a candidate bootstraps within half of it or not at all.
    static let bootstrapVoteLease = Duration.seconds(10)

    /// Gives this fresh node's vote to `request.candidate` (`POST /bootstrap-vote`).
    /// - Throws: ``MetaNodeError`` (`conflict`) when the node is in a cluster, does not use
    ///   `bootstrap-expect`, expects another count, or has voted for another candidate.
    public func bootstrapVote(_ request: BootstrapVoteRequest) async throws(MetaNodeError) {
        let expect = configuration.config.discovery.bootstrapExpect
        try await exclusively { () throws(MetaNodeError) in
            if let identity = raftIdentity.withLock({ $0 }) {
                throw MetaNodeError(.conflict, "\(httpAddress) already belongs to cluster \(identity.clusterID)")
            }
            guard expect > 0, !configuration.singleServer else {
                throw MetaNodeError(
                    .conflict,
                    "\(httpAddress) does not form clusters by itself ([discovery] bootstrap-expect = 0)"
                )
            }
            guard request.expect == expect else {
                throw MetaNodeError(
                    .conflict,
                    "\(httpAddress) has [discovery] bootstrap-expect = \(expect), \(request.candidate) has \(request.expect); set the same value on every meta node"
                )
            }
            try ballot.grant(to: request.candidate, lease: Self.bootstrapVoteLease)
        }
    }

    /// Takes back a vote given to `request.candidate` (`POST /bootstrap-release`).
    public func bootstrapRelease(_ request: BootstrapVoteRequest) {
        ballot.release(from: request.candidate)
    }

    /// Whether Raft runs here with a configuration: false on an un-joined node, and on one that
    /// was handed its identity but stopped before its leader added it (`raft_add`).
    func isInConfiguration() async -> Bool {
        guard let node = raft else { return false }
        return (try? await node.status())?.servers.isEmpty == false
    }

    /// Whether libraft's directory holds a log (a closed segment) or a snapshot: a bootstrap
    /// writes its configuration as the first closed segment.
    static func raftHasState(in directory: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.contains { name in
            name.hasPrefix("snapshot-")
                || (name.count == 33 && name.first.map { ("0"..."9").contains($0) } == true && name.contains("-"))
        }
    }
}
