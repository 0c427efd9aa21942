extension ShardGroupInfo {
    /// Where the group stops taking writes: ``truncatedAt`` when truncated, else ``endTime``.
    var effectiveEnd: Int64 { isTruncated ? truncatedAt : endTime }

    /// Whether a write at `timestamp` goes to this group (InfluxDB's `ShardGroupByTimestamp`).
    func covers(_ timestamp: Int64) -> Bool {
        !isDeleted && startTime <= timestamp && timestamp < endTime && (!isTruncated || timestamp < truncatedAt)
    }

    /// The order groups are kept in: end (or truncation) time, then start, then id.
    static func precedes(_ a: ShardGroupInfo, _ b: ShardGroupInfo) -> Bool {
        (a.effectiveEnd, a.startTime, a.id) < (b.effectiveEnd, b.startTime, b.id)
    }
}

extension RetentionPolicyInfo {
    /// Inserts `group` where ``ShardGroupInfo/precedes(_:_:)`` puts it: a binary search.
    mutating func insertSorted(_ group: ShardGroupInfo) {
        var low = 0
        var high = shardGroups.count
        while low < high {
            let middle = (low + high) / 2
            if ShardGroupInfo.precedes(shardGroups[middle], group) { low = middle + 1 } else { high = middle }
        }
        shardGroups.insert(group, at: low)
    }
}

extension MetaData {
    /// Creates the group of `policy` covering `timestamp` (InfluxDB's clustered
    /// `CreateShardGroup`). A no-op when no data node can own shards or a live group covers it.
    ///
    /// `replicaN` is clamped to 1...(data nodes that are not passive); the group gets
    /// ⌊nodes / replicaN⌋ shards, owned round-robin from node `index % nodes` in id order. The
    /// span starts at `timestamp` truncated to the shard-group duration (Go's `Truncate`).
    /// Cost: a scan of this policy's groups and an insertion into them; nothing else is copied.
    mutating func createShardGroup(database: String, policy: String, timestamp: Int64) -> String? {
        let owners = dataNodes.filter { !$0.passive }.map(\.id)
        var nextGroupID = maxShardGroupID
        var nextShardID = maxShardID
        let index = self.index
        let refusal = modifyRetentionPolicy(database: database, policy: policy) { info -> String? in
            guard !owners.isEmpty else { return nil }
            if info.shardGroups.reversed().contains(where: { $0.covers(timestamp) }) { return nil }
            guard let start = ShardGroupTime.start(of: timestamp, duration: info.shardGroupDuration) else {
                return "timestamp \(timestamp) is out of range"
            }
            let replicaN = min(max(info.replicaN, 1), owners.count)
            var next = Int(index % UInt64(owners.count))
            var shards: [ShardInfo] = []
            shards.reserveCapacity(owners.count / replicaN)
            for _ in 0..<(owners.count / replicaN) {
                nextShardID += 1
                var shard = ShardInfo(id: nextShardID, owners: [])
                for _ in 0..<replicaN {
                    shard.owners.append(owners[next % owners.count])
                    next += 1
                }
                shards.append(shard)
            }
            nextGroupID += 1
            info.insertSorted(
                ShardGroupInfo(
                    id: nextGroupID,
                    startTime: start,
                    endTime: ShardGroupTime.end(start: start, duration: info.shardGroupDuration),
                    shards: shards
                )
            )
            return nil
        }
        maxShardGroupID = nextGroupID
        maxShardID = nextShardID
        return refusal
    }
}

extension MetaData {
    /// Marks group `id` of the policy deleted at `at`; deleting it again keeps the first time.
    mutating func deleteShardGroup(database: String, policy: String, id: UInt64, at: Int64) -> String? {
        modifyRetentionPolicy(database: database, policy: policy) { info in
            guard let position = info.shardGroups.firstIndex(where: { $0.id == id }) else {
                return DataRuleError.shardGroupNotFound
            }
            if !info.shardGroups[position].isDeleted { info.shardGroups[position].deletedAt = at }
            return nil
        }
    }

    /// Truncates every live group still open at `timestamp` (InfluxDB's `TruncateShardGroups`):
    /// ``ShardGroupInfo/truncatedAt`` becomes `timestamp`, or the group's start for a group that
    /// starts at or after it. Groups ending at or before `timestamp`, deleted ones, and ones
    /// already truncated earlier are left alone. Cost: a read of every group.
    mutating func truncateShardGroups(at timestamp: Int64) {
        func truncates(_ group: ShardGroupInfo) -> Bool {
            timestamp < group.endTime && !group.isDeleted && !(group.isTruncated && group.truncatedAt < timestamp)
        }
        for position in databases.indices
        where databases[position].retentionPolicies.contains(where: { $0.shardGroups.contains(where: truncates) }) {
            databases.modify(at: position) { database in
                for policy in database.retentionPolicies.indices {
                    var changed = false
                    for group in database.retentionPolicies[policy].shardGroups.indices {
                        let info = database.retentionPolicies[policy].shardGroups[group]
                        guard truncates(info) else { continue }
                        database.retentionPolicies[policy].shardGroups[group].truncatedAt =
                            timestamp <= info.startTime ? info.startTime : timestamp
                        changed = true
                    }
                    // Truncation moves groups' effective ends: keep the order readers rely on.
                    if changed { database.retentionPolicies[policy].shardGroups.sort(by: ShardGroupInfo.precedes) }
                }
            }
        }
    }

    /// Removes for good the groups deleted before `before` (InfluxDB's `PruneShardGroups`).
    mutating func pruneShardGroups(deletedBefore before: Int64) {
        func prunes(_ group: ShardGroupInfo) -> Bool { group.isDeleted && group.deletedAt < before }
        for position in databases.indices
        where databases[position].retentionPolicies.contains(where: { $0.shardGroups.contains(where: prunes) }) {
            databases.modify(at: position) { database in
                for policy in database.retentionPolicies.indices {
                    database.retentionPolicies[policy].shardGroups.removeAll(where: prunes)
                }
            }
        }
    }

    /// Where shard `id` is: database position, policy, group and shard positions.
    ///
    /// Cost: a scan of every group's id range (shard ids of a group are allocated together and
    /// kept in order), O(groups); only the matching group's shards are read.
    func shardLocation(id: UInt64) -> ShardLocation? {
        for (databasePosition, database) in databases.enumerated() {
            for (policy, info) in database.retentionPolicies.enumerated() {
                for (group, groupInfo) in info.shardGroups.enumerated() {
                    guard let first = groupInfo.shards.first, let last = groupInfo.shards.last,
                        first.id <= id, id <= last.id,
                        let shard = groupInfo.shards.firstIndex(where: { $0.id == id })
                    else { continue }
                    return ShardLocation(database: databasePosition, policy: policy, group: group, shard: shard)
                }
            }
        }
        return nil
    }

    /// The shard with id `id`, if any (see ``shardLocation(id:)`` for the cost).
    public func shard(id: UInt64) -> ShardInfo? {
        shardLocation(id: id).map {
            databases[$0.database].retentionPolicies[$0.policy].shardGroups[$0.group].shards[$0.shard]
        }
    }

    /// Runs `body` on the group holding shard `location` in place.
    private mutating func modifyGroup<Result>(
        _ location: ShardLocation,
        _ body: (inout ShardGroupInfo) -> Result
    ) -> Result {
        databases.modify(at: location.database) {
            body(&$0.retentionPolicies[location.policy].shardGroups[location.group])
        }
    }

    /// Removes shard `id` from its group (InfluxDB's `DropShard`); removing the group's last
    /// shard deletes the group at `at`. An unknown shard is not an error, so a retry after a
    /// data node failed succeeds.
    mutating func dropShard(id: UInt64, at: Int64) {
        guard let location = shardLocation(id: id) else { return }
        modifyGroup(location) { group in
            group.shards.remove(at: location.shard)
            if group.shards.isEmpty && !group.isDeleted { group.deletedAt = at }
        }
    }

    /// Adds data node `nodeID` to the owners of shard `shardID` (after `copy-shard`); a node
    /// that owns it already changes nothing.
    mutating func addShardOwner(shardID: UInt64, nodeID: UInt64) -> String? {
        guard dataNode(id: nodeID) != nil else { return DataRuleError.nodeNotFound }
        guard let location = shardLocation(id: shardID) else { return DataRuleError.shardNotFound }
        modifyGroup(location) { group in
            if !group.shards[location.shard].owners.contains(nodeID) {
                group.shards[location.shard].owners.append(nodeID)
            }
        }
        return nil
    }

    /// Removes data node `nodeID` from the owners of shard `shardID` (`influxd-ctl remove-shard`);
    /// a shard left without owners is dropped as by ``dropShard(id:at:)``. A node that does not
    /// own it changes nothing.
    mutating func removeShardOwner(shardID: UInt64, nodeID: UInt64, at: Int64) -> String? {
        guard let location = shardLocation(id: shardID) else { return DataRuleError.shardNotFound }
        modifyGroup(location) { group in
            group.shards[location.shard].owners.removeAll { $0 == nodeID }
            if group.shards[location.shard].owners.isEmpty {
                group.shards.remove(at: location.shard)
                if group.shards.isEmpty && !group.isDeleted { group.deletedAt = at }
            }
        }
        return nil
    }
}

/// Positions of a shard inside ``MetaData/databases``.
struct ShardLocation: Equatable {
    var database: Int
    var policy: Int
    var group: Int
    var shard: Int
}
