/// A refused `create-data-node`: why, and the id of the node that already has the address.
struct NodeRefusal: Error, Equatable {
    var message: String
    var nodeID: UInt64?
}

extension MetaData {
    /// The data node with the given id, if any.
    public func dataNode(id: UInt64) -> NodeInfo? {
        dataNodes.first { $0.id == id }
    }

    /// The data node with the given TCP address, if any.
    public func dataNode(tcpAddress: String) -> NodeInfo? {
        dataNodes.first { $0.tcpAddress == tcpAddress }
    }

    /// Adds a data node with an id from ``maxNodeID`` (shared with meta nodes, never reused).
    /// A TCP address already registered is refused with `node already exists`.
    mutating func createDataNode(httpAddress: String, tcpAddress: String, passive: Bool) -> Result<UInt64, NodeRefusal>
    {
        if tcpAddress.isEmpty {
            return .failure(NodeRefusal(message: "data node TCP address must not be empty"))
        }
        if let existing = dataNode(tcpAddress: tcpAddress) {
            return .failure(NodeRefusal(message: DataRuleError.nodeExists, nodeID: existing.id))
        }
        maxNodeID += 1
        // Ids only grow, so appending keeps the list in id order.
        dataNodes.append(NodeInfo(id: maxNodeID, httpAddress: httpAddress, tcpAddress: tcpAddress, passive: passive))
        return .success(maxNodeID)
    }

    /// Moves data node `id` to new addresses; another node's TCP address is refused.
    mutating func updateDataNode(id: UInt64, httpAddress: String, tcpAddress: String) -> String? {
        guard let position = dataNodes.firstIndex(where: { $0.id == id }) else { return DataRuleError.nodeNotFound }
        if tcpAddress.isEmpty { return "data node TCP address must not be empty" }
        if let other = dataNode(tcpAddress: tcpAddress), other.id != id { return DataRuleError.nodeExists }
        dataNodes[position].httpAddress = httpAddress
        dataNodes[position].tcpAddress = tcpAddress
        return nil
    }

    /// Replaces the labels of node `id`, a data node or a meta node.
    mutating func setNodeLabels(id: UInt64, labels: [String: String]) -> String? {
        if let position = dataNodes.firstIndex(where: { $0.id == id }) {
            dataNodes[position].labels = labels
        } else if let position = metaNodes.firstIndex(where: { $0.id == id }) {
            metaNodes[position].labels = labels
        } else {
            return DataRuleError.nodeNotFound
        }
        return nil
    }

    /// Removes data node `id` (InfluxDB's `DeleteDataNode`): it leaves every shard's owners; a
    /// live group whose shards are all left without owners is deleted at `at`; any other shard
    /// left without owners goes to the node owning the fewest shards of its group (the lowest
    /// id on a tie, where InfluxDB picks at random). Leases the node holds are released.
    ///
    /// Cost: one read of every shard; only databases that change are copied.
    mutating func deleteDataNode(id: UInt64, at: Int64) -> String? {
        guard let position = dataNodes.firstIndex(where: { $0.id == id }) else { return DataRuleError.nodeNotFound }
        dataNodes.remove(at: position)
        leases.removeAll { $0.owner == id }
        for position in databases.indices where databases[position].needsOwnerRemoval(of: id) {
            databases.modify(at: position) { database in
                for policy in database.retentionPolicies.indices {
                    for group in database.retentionPolicies[policy].shardGroups.indices {
                        database.retentionPolicies[policy].shardGroups[group].removeOwner(id, at: at)
                    }
                }
            }
        }
        return nil
    }
}

extension DatabaseInfo {
    /// Whether removing data node `id` changes this database.
    fileprivate func needsOwnerRemoval(of id: UInt64) -> Bool {
        retentionPolicies.contains { policy in
            policy.shardGroups.contains { $0.needsOwnerRemoval(of: id) }
        }
    }
}

extension ShardGroupInfo {
    fileprivate func needsOwnerRemoval(of id: UInt64) -> Bool {
        (!isDeleted && shards.isEmpty) || shards.contains { $0.owners.contains(id) }
    }

    /// Takes node `id` out of every shard's owners and rehomes orphans (see
    /// ``MetaData/deleteDataNode(id:at:)``).
    fileprivate mutating func removeOwner(_ id: UInt64, at: Int64) {
        guard needsOwnerRemoval(of: id) else { return }
        // Shards each remaining node owns in this group, counted before the removal as InfluxDB does.
        var load: [UInt64: Int] = [:]
        for shard in shards {
            for owner in shard.owners where owner != id { load[owner, default: 0] += 1 }
        }
        var orphans: [Int] = []
        for position in shards.indices {
            shards[position].owners.removeAll { $0 == id }
            if shards[position].owners.isEmpty { orphans.append(position) }
        }
        if orphans.count == shards.count {
            if !isDeleted { deletedAt = at }
            return
        }
        for position in orphans {
            // Least loaded, lowest id on a tie: deterministic on every node.
            guard let owner = load.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { break }
            shards[position].owners.append(owner)
            load[owner, default: 0] += 1
        }
    }
}
