/// What applying one command produced.
public struct ApplyOutcome: Sendable, Equatable, Codable {
    /// The metadata index after the command.
    public var index: UInt64
    /// The id allocated by the command (`create-meta-node`, `create-data-node`), or the existing
    /// node's id when it is refused as a duplicate.
    public var nodeID: UInt64?
    /// Why the command changed nothing, if it was refused; refusals are deterministic on every node.
    public var error: String?
    /// The lease as `acquire-lease` left it: the caller's on a grant, the holder's on a refusal.
    public var lease: LeaseInfo?

    /// Creates an outcome.
    public init(index: UInt64, nodeID: UInt64? = nil, error: String? = nil, lease: LeaseInfo? = nil) {
        self.index = index
        self.nodeID = nodeID
        self.error = error
        self.lease = lease
    }
}

extension MetaData {
    /// Applies `command` as the log entry at `index`, proposed in `term`.
    ///
    /// Deterministic: it reads nothing but `self` and its arguments. A refused command still
    /// advances ``index`` so that long-pollers and clients waiting for the index make progress.
    public mutating func apply(_ command: MetaCommand, term: UInt64, index: UInt64) -> ApplyOutcome {
        self.index = index
        self.term = term
        switch command {
        case .createMetaNode(let httpAddress, let tcpAddress, let rand):
            if let existing = metaNode(httpAddress: httpAddress) {
                return ApplyOutcome(index: index, nodeID: existing.id, error: "meta node already exists")
            }
            if let clash = metaNodes.first(where: { $0.tcpAddress == tcpAddress }) {
                return ApplyOutcome(
                    index: index,
                    error: "raft address \(tcpAddress) is already used by meta node \(clash.id)"
                )
            }
            if clusterID == 0 { clusterID = rand }
            maxNodeID += 1
            metaNodes.append(NodeInfo(id: maxNodeID, httpAddress: httpAddress, tcpAddress: tcpAddress))
            return ApplyOutcome(index: index, nodeID: maxNodeID)
        case .deleteMetaNode(let id):
            guard metaNodes.contains(where: { $0.id == id }) else {
                return ApplyOutcome(index: index, error: "meta node \(id) not found")
            }
            metaNodes.removeAll { $0.id == id }
            return ApplyOutcome(index: index)
        case .createDatabase(let name, let policy):
            return ApplyOutcome(index: index, error: createDatabase(name: name, policy: policy))
        case .dropDatabase(let name):
            let (position, found) = databasePosition(of: name)
            if found { databases.remove(at: position) }
            return ApplyOutcome(index: index)
        case .access(let change):
            return ApplyOutcome(index: index, error: apply(change))
        case .data(let change):
            return apply(change, index: index)
        case .setData(let backup):
            return ApplyOutcome(index: index, error: restore(backup))
        }
    }
}
