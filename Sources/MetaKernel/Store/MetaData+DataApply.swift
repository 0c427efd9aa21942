extension MetaData {
    /// Applies a ``DataCommand`` as the entry at `index` (``index`` already holds it).
    ///
    /// Deterministic: every rule reads only `self` and the command, and times come from the
    /// command. Refusals use InfluxDB's wording where it has one.
    mutating func apply(_ command: DataCommand, index: UInt64) -> ApplyOutcome {
        switch command {
        case .createDataNode(let httpAddress, let tcpAddress, let passive):
            switch createDataNode(httpAddress: httpAddress, tcpAddress: tcpAddress, passive: passive) {
            case .success(let id): return ApplyOutcome(index: index, nodeID: id)
            case .failure(let refusal):
                return ApplyOutcome(index: index, nodeID: refusal.nodeID, error: refusal.message)
            }
        case .updateDataNode(let id, let httpAddress, let tcpAddress):
            return outcome(index, updateDataNode(id: id, httpAddress: httpAddress, tcpAddress: tcpAddress))
        case .deleteDataNode(let id, let at):
            return outcome(index, deleteDataNode(id: id, at: at))
        case .setNodeLabels(let id, let labels):
            return outcome(index, setNodeLabels(id: id, labels: labels))
        case .createRetentionPolicy(let database, let policy, let makeDefault):
            return outcome(index, createRetentionPolicy(database: database, spec: policy, makeDefault: makeDefault))
        case .dropRetentionPolicy(let database, let name):
            return outcome(index, dropRetentionPolicy(database: database, name: name))
        case .setDefaultRetentionPolicy(let database, let name):
            return outcome(index, setDefaultRetentionPolicy(database: database, name: name))
        case .updateRetentionPolicy(let database, let name, let update, let makeDefault):
            return outcome(
                index,
                updateRetentionPolicy(database: database, name: name, update: update, makeDefault: makeDefault)
            )
        case .createShardGroup(let database, let policy, let timestamp):
            return outcome(index, createShardGroup(database: database, policy: policy, timestamp: timestamp))
        case .deleteShardGroup(let database, let policy, let id, let at):
            return outcome(index, deleteShardGroup(database: database, policy: policy, id: id, at: at))
        case .truncateShardGroups(let timestamp):
            truncateShardGroups(at: timestamp)
            return ApplyOutcome(index: index)
        case .pruneShardGroups(let before):
            pruneShardGroups(deletedBefore: before)
            return ApplyOutcome(index: index)
        case .dropShard(let id, let at):
            dropShard(id: id, at: at)
            return ApplyOutcome(index: index)
        case .addShardOwner(let shardID, let nodeID):
            return outcome(index, addShardOwner(shardID: shardID, nodeID: nodeID))
        case .removeShardOwner(let shardID, let nodeID, let at):
            return outcome(index, removeShardOwner(shardID: shardID, nodeID: nodeID, at: at))
        case .createContinuousQuery(let database, let name, let query):
            return outcome(index, createContinuousQuery(database: database, name: name, query: query))
        case .dropContinuousQuery(let database, let name):
            return outcome(index, dropContinuousQuery(database: database, name: name))
        case .createSubscription(let database, let policy, let name, let mode, let destinations):
            return outcome(
                index,
                createSubscription(
                    database: database,
                    policy: policy,
                    name: name,
                    mode: mode,
                    destinations: destinations
                )
            )
        case .dropSubscription(let database, let policy, let name):
            return outcome(index, dropSubscription(database: database, policy: policy, name: name))
        case .acquireLease(let name, let nodeID, let now, let duration):
            switch acquireLease(name: name, nodeID: nodeID, now: now, duration: duration, index: index) {
            case .success(let lease): return ApplyOutcome(index: index, lease: lease)
            case .failure(let refusal): return ApplyOutcome(index: index, error: refusal.message, lease: refusal.lease)
            }
        case .releaseLease(let name, let nodeID):
            releaseLease(name: name, nodeID: nodeID)
            return ApplyOutcome(index: index)
        }
    }

    private func outcome(_ index: UInt64, _ error: String?) -> ApplyOutcome {
        ApplyOutcome(index: index, error: error)
    }

    /// Runs `body` on the database called `name` in place; `nil` when there is none.
    mutating func modifyDatabase<Result>(named name: String, _ body: (inout DatabaseInfo) -> Result) -> Result? {
        let (position, found) = databasePosition(of: name)
        guard found else { return nil }
        return databases.modify(at: position, body)
    }

    /// Runs `body` on policy `policy` of database `database` in place, or returns InfluxDB's
    /// refusal (`database not found: …`, `retention policy not found: …`).
    mutating func modifyRetentionPolicy(
        database: String,
        policy: String,
        _ body: (inout RetentionPolicyInfo) -> String?
    ) -> String? {
        let result = modifyDatabase(named: database) { info -> String? in
            guard let position = info.retentionPolicyPosition(named: policy) else {
                return DataRuleError.retentionPolicyNotFound(policy)
            }
            return body(&info.retentionPolicies[position])
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }
}

/// The refusals rules share, in InfluxDB's words.
enum DataRuleError {
    static func databaseNotFound(_ name: String) -> String { "database not found: \(name)" }
    static func retentionPolicyNotFound(_ name: String) -> String { "retention policy not found: \(name)" }
    static let nodeExists = "node already exists"
    static let nodeNotFound = "node not found"
    static let shardNotFound = "shard not found"
    static let shardGroupNotFound = "shard group not found"
}
