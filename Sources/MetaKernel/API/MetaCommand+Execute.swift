extension MetaCommand {
    /// The command `POST /execute` proposes for this one, as the leader about to propose it:
    /// times that say "now" (`at`, `now`) stamped with `now` whatever the client sent (a lease
    /// must be timed by the leader's clock), a `create-database` without a policy given `autogen`
    /// when `retentionAutocreate` is on. Throws one line for what can be refused without the
    /// metadata: data-node membership (which has its own routes) and malformed fields.
    func preparedForExecute(now: Int64, retentionAutocreate: Bool) throws(ExecuteRefusal) -> MetaCommand {
        switch self {
        case .createDatabase(let name, nil) where retentionAutocreate:
            return .createDatabase(
                name: name,
                retentionPolicy: RetentionPolicySpec(name: RetentionPolicyInfo.autogenName)
            )
        case .createDatabase(_, .some(let policy)):
            try Self.check(policy)
            return self
        case .data(let command):
            return .data(try command.preparedForExecute(now: now))
        default:
            return self
        }
    }

    static func check(_ policy: RetentionPolicySpec) throws(ExecuteRefusal) {
        try ExecuteRefusal.name(policy.name, "retention policy")
        if let replicaN = policy.replicaN, replicaN < 1 {
            throw ExecuteRefusal("replicaN: \(replicaN) is not allowed; a retention policy needs at least 1 replica")
        }
        if let duration = policy.duration, duration < 0 {
            throw ExecuteRefusal("duration: \(duration) is negative; give nanoseconds, 0 for infinite")
        }
        if let duration = policy.shardGroupDuration, duration < 0 {
            throw ExecuteRefusal("shardGroupDuration: \(duration) is negative; give nanoseconds, 0 for the default")
        }
    }
}

extension DataCommand {
    /// See ``MetaCommand/preparedForExecute(now:retentionAutocreate:)``.
    func preparedForExecute(now: Int64) throws(ExecuteRefusal) -> DataCommand {
        switch self {
        case .createDataNode, .updateDataNode, .deleteDataNode:
            throw ExecuteRefusal(
                "\(typeName) is not accepted by /execute; use influxd-ctl add-data, update-data or remove-data"
            )
        case .setNodeLabels(let id, _):
            try ExecuteRefusal.id(id, "id")
        case .createRetentionPolicy(let database, let policy, _):
            try ExecuteRefusal.database(database)
            try MetaCommand.check(policy)
        case .dropRetentionPolicy(let database, let name), .setDefaultRetentionPolicy(let database, let name):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(name, "retention policy")
        case .updateRetentionPolicy(let database, let name, let update, _):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(name, "retention policy")
            if let newName = update.name { try ExecuteRefusal.name(newName, "retention policy") }
            if let replicaN = update.replicaN, replicaN < 1 {
                throw ExecuteRefusal(
                    "replicaN: \(replicaN) is not allowed; a retention policy needs at least 1 replica"
                )
            }
        case .createShardGroup(let database, let policy, _):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(policy, "retention policy")
        case .deleteShardGroup(let database, let policy, let id, _):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(policy, "retention policy")
            return .deleteShardGroup(database: database, policy: policy, id: id, at: now)
        case .truncateShardGroups, .pruneShardGroups:
            break
        case .dropShard(let id, _):
            return .dropShard(id: id, at: now)
        case .addShardOwner(_, let nodeID):
            try ExecuteRefusal.id(nodeID, "nodeID")
        case .removeShardOwner(let shardID, let nodeID, _):
            try ExecuteRefusal.id(nodeID, "nodeID")
            return .removeShardOwner(shardID: shardID, nodeID: nodeID, at: now)
        case .createContinuousQuery(let database, let name, let query):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(name, "continuous query")
            if query.isEmpty { throw ExecuteRefusal("query: missing; give the CREATE CONTINUOUS QUERY statement") }
        case .dropContinuousQuery(let database, let name):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(name, "continuous query")
        case .createSubscription(let database, let policy, let name, let mode, let destinations):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(policy, "retention policy")
            try ExecuteRefusal.name(name, "subscription")
            if mode != "ANY" && mode != "ALL" {
                throw ExecuteRefusal("mode: \"\(mode)\" is not a subscription mode (use ANY or ALL)")
            }
            if destinations.isEmpty { throw ExecuteRefusal("destinations: a subscription needs at least one") }
        case .dropSubscription(let database, let policy, let name):
            try ExecuteRefusal.database(database)
            try ExecuteRefusal.name(policy, "retention policy")
            try ExecuteRefusal.name(name, "subscription")
        case .acquireLease(let name, let nodeID, _, let duration):
            try ExecuteRefusal.name(name, "lease")
            try ExecuteRefusal.id(nodeID, "nodeID")
            if duration <= 0 { throw ExecuteRefusal("duration: \(duration) must be positive nanoseconds") }
            return .acquireLease(name: name, nodeID: nodeID, now: now, duration: duration)
        case .releaseLease(let name, let nodeID):
            try ExecuteRefusal.name(name, "lease")
            try ExecuteRefusal.id(nodeID, "nodeID")
        }
        return self
    }
}

/// Why `POST /execute` refuses a command before proposing it (400): one line.
struct ExecuteRefusal: Error, Sendable {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    /// The longest retention policy, query, subscription or lease name accepted.
    static let maximumNameLength = 255

    static func database(_ name: String) throws(ExecuteRefusal) {
        if let problem = DatabaseInfo.problem(withName: name) { throw ExecuteRefusal(problem) }
    }

    static func name(_ name: String, _ what: String) throws(ExecuteRefusal) {
        if name.isEmpty { throw ExecuteRefusal("\(what) name must not be empty") }
        if name.utf8.count > maximumNameLength {
            throw ExecuteRefusal("\(what) name is longer than \(maximumNameLength) bytes")
        }
    }

    static func id(_ id: UInt64, _ field: String) throws(ExecuteRefusal) {
        if id == 0 { throw ExecuteRefusal("\(field): 0 is not a node id (see influxd-ctl show)") }
    }
}
