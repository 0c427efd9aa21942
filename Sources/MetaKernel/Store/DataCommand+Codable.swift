extension DataCommand {
    private enum CodingKeys: String, CodingKey {
        case type, id, at, name, database, policy, update, makeDefault, timestamp, before
        case httpAddress = "httpAddr"
        case tcpAddress = "tcpAddr"
        case passive, labels, shardID, nodeID, query, mode, destinations, now, duration
    }

    /// Decodes the command whose `type` is `type`, or returns `nil` for a type that is not a data command.
    init?(type: String, from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func string(_ key: CodingKeys) throws -> String { try c.decode(String.self, forKey: key) }
        func int(_ key: CodingKeys) throws -> Int64 { try c.decode(Int64.self, forKey: key) }
        func id(_ key: CodingKeys) throws -> UInt64 { try c.decode(UInt64.self, forKey: key) }
        // `at` and `now` may be left out: the leader stamps them before proposing (POST /execute).
        func stamp(_ key: CodingKeys) throws -> Int64 { try c.decodeIfPresent(Int64.self, forKey: key) ?? 0 }
        switch type {
        case "create-data-node":
            self = .createDataNode(
                httpAddress: try string(.httpAddress),
                tcpAddress: try string(.tcpAddress),
                passive: try c.decodeIfPresent(Bool.self, forKey: .passive) ?? false
            )
        case "update-data-node":
            self = .updateDataNode(
                id: try id(.id),
                httpAddress: try string(.httpAddress),
                tcpAddress: try string(.tcpAddress)
            )
        case "delete-data-node": self = .deleteDataNode(id: try id(.id), at: try stamp(.at))
        case "set-node-labels":
            self = .setNodeLabels(id: try id(.id), labels: try c.decode([String: String].self, forKey: .labels))
        case "create-retention-policy":
            self = .createRetentionPolicy(
                database: try string(.database),
                policy: try c.decode(RetentionPolicySpec.self, forKey: .policy),
                makeDefault: try c.decodeIfPresent(Bool.self, forKey: .makeDefault) ?? false
            )
        case "drop-retention-policy":
            self = .dropRetentionPolicy(database: try string(.database), name: try string(.name))
        case "set-default-retention-policy":
            self = .setDefaultRetentionPolicy(database: try string(.database), name: try string(.name))
        case "update-retention-policy":
            self = .updateRetentionPolicy(
                database: try string(.database),
                name: try string(.name),
                update: try c.decode(RetentionPolicyUpdate.self, forKey: .update),
                makeDefault: try c.decodeIfPresent(Bool.self, forKey: .makeDefault) ?? false
            )
        case "create-shard-group":
            self = .createShardGroup(
                database: try string(.database),
                policy: try string(.policy),
                timestamp: try int(.timestamp)
            )
        case "delete-shard-group":
            self = .deleteShardGroup(
                database: try string(.database),
                policy: try string(.policy),
                id: try id(.id),
                at: try stamp(.at)
            )
        case "truncate-shard-groups": self = .truncateShardGroups(timestamp: try int(.timestamp))
        case "prune-shard-groups": self = .pruneShardGroups(before: try int(.before))
        case "drop-shard": self = .dropShard(id: try id(.id), at: try stamp(.at))
        case "add-shard-owner": self = .addShardOwner(shardID: try id(.shardID), nodeID: try id(.nodeID))
        case "remove-shard-owner":
            self = .removeShardOwner(shardID: try id(.shardID), nodeID: try id(.nodeID), at: try stamp(.at))
        case "create-continuous-query":
            self = .createContinuousQuery(
                database: try string(.database),
                name: try string(.name),
                query: try string(.query)
            )
        case "drop-continuous-query":
            self = .dropContinuousQuery(database: try string(.database), name: try string(.name))
        case "create-subscription":
            self = .createSubscription(
                database: try string(.database),
                policy: try string(.policy),
                name: try string(.name),
                mode: try string(.mode),
                destinations: try c.decode([String].self, forKey: .destinations)
            )
        case "drop-subscription":
            self = .dropSubscription(
                database: try string(.database),
                policy: try string(.policy),
                name: try string(.name)
            )
        case "acquire-lease":
            self = .acquireLease(
                name: try string(.name),
                nodeID: try id(.nodeID),
                now: try stamp(.now),
                duration: try int(.duration)
            )
        case "release-lease": self = .releaseLease(name: try string(.name), nodeID: try id(.nodeID))
        default:
            return nil
        }
    }

    /// Encodes the command's fields and its `type`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .createDataNode(let httpAddress, let tcpAddress, let passive):
            try c.encode(httpAddress, forKey: .httpAddress)
            try c.encode(tcpAddress, forKey: .tcpAddress)
            try c.encode(passive, forKey: .passive)
        case .updateDataNode(let id, let httpAddress, let tcpAddress):
            try c.encode(id, forKey: .id)
            try c.encode(httpAddress, forKey: .httpAddress)
            try c.encode(tcpAddress, forKey: .tcpAddress)
        case .deleteDataNode(let id, let at):
            try c.encode(id, forKey: .id)
            try c.encode(at, forKey: .at)
        case .setNodeLabels(let id, let labels):
            try c.encode(id, forKey: .id)
            try c.encode(labels, forKey: .labels)
        case .createRetentionPolicy(let database, let policy, let makeDefault):
            try c.encode(database, forKey: .database)
            try c.encode(policy, forKey: .policy)
            try c.encode(makeDefault, forKey: .makeDefault)
        case .dropRetentionPolicy(let database, let name), .setDefaultRetentionPolicy(let database, let name),
            .dropContinuousQuery(let database, let name):
            try c.encode(database, forKey: .database)
            try c.encode(name, forKey: .name)
        case .updateRetentionPolicy(let database, let name, let update, let makeDefault):
            try c.encode(database, forKey: .database)
            try c.encode(name, forKey: .name)
            try c.encode(update, forKey: .update)
            try c.encode(makeDefault, forKey: .makeDefault)
        case .createShardGroup(let database, let policy, let timestamp):
            try c.encode(database, forKey: .database)
            try c.encode(policy, forKey: .policy)
            try c.encode(timestamp, forKey: .timestamp)
        case .deleteShardGroup(let database, let policy, let id, let at):
            try c.encode(database, forKey: .database)
            try c.encode(policy, forKey: .policy)
            try c.encode(id, forKey: .id)
            try c.encode(at, forKey: .at)
        case .truncateShardGroups(let timestamp):
            try c.encode(timestamp, forKey: .timestamp)
        case .pruneShardGroups(let before):
            try c.encode(before, forKey: .before)
        case .dropShard(let id, let at):
            try c.encode(id, forKey: .id)
            try c.encode(at, forKey: .at)
        case .addShardOwner(let shardID, let nodeID):
            try c.encode(shardID, forKey: .shardID)
            try c.encode(nodeID, forKey: .nodeID)
        case .removeShardOwner(let shardID, let nodeID, let at):
            try c.encode(shardID, forKey: .shardID)
            try c.encode(nodeID, forKey: .nodeID)
            try c.encode(at, forKey: .at)
        case .createContinuousQuery(let database, let name, let query):
            try c.encode(database, forKey: .database)
            try c.encode(name, forKey: .name)
            try c.encode(query, forKey: .query)
        case .createSubscription(let database, let policy, let name, let mode, let destinations):
            try c.encode(database, forKey: .database)
            try c.encode(policy, forKey: .policy)
            try c.encode(name, forKey: .name)
            try c.encode(mode, forKey: .mode)
            try c.encode(destinations, forKey: .destinations)
        case .dropSubscription(let database, let policy, let name):
            try c.encode(database, forKey: .database)
            try c.encode(policy, forKey: .policy)
            try c.encode(name, forKey: .name)
        case .acquireLease(let name, let nodeID, let now, let duration):
            try c.encode(name, forKey: .name)
            try c.encode(nodeID, forKey: .nodeID)
            try c.encode(now, forKey: .now)
            try c.encode(duration, forKey: .duration)
        case .releaseLease(let name, let nodeID):
            try c.encode(name, forKey: .name)
            try c.encode(nodeID, forKey: .nodeID)
        }
    }
}
