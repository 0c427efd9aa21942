extension MetaCommand {
    /// What the command acts on, for the audit line.
    var auditSubject: String {
        switch self {
        case .createDatabase(let name, _), .dropDatabase(let name): "\"\(name)\""
        case .createMetaNode(let httpAddress, _, _): httpAddress
        case .deleteMetaNode(let id): "\(id)"
        case .access(let command): "\"\(command.name)\""
        case .data(let command): command.typeName
        case .setData(let data): "cluster \(data.clusterID) at index \(data.index)"
        }
    }

    /// Why `principal` may not send this command through `POST /execute`, or `nil`.
    func refusal(for principal: Principal, in data: MetaData) -> String? {
        switch self {
        case .createDatabase(let name, _): principal.refusal(.createDatabase, on: name, in: data)
        case .dropDatabase(let name): principal.refusal(.dropDatabase, on: name, in: data)
        case .createMetaNode, .deleteMetaNode, .access, .setData: principal.adminRefusal
        case .data(let command):
            principal.refusal(command.requiredPermission.permission, on: command.requiredPermission.database, in: data)
        }
    }
}

extension DataCommand {
    /// The permission (on a database, `""` for cluster-wide) a user needs to send the command
    /// through `POST /execute`; node tokens need none.
    var requiredPermission: (permission: Permission, database: String) {
        switch self {
        case .createDataNode, .updateDataNode, .deleteDataNode, .setNodeLabels:
            (.addRemoveNode, "")
        case .createRetentionPolicy(let database, _, _), .dropRetentionPolicy(let database, _),
            .setDefaultRetentionPolicy(let database, _), .updateRetentionPolicy(let database, _, _, _):
            (.createDatabase, database)
        case .createShardGroup(let database, _, _):
            (.writeData, database)
        case .deleteShardGroup(let database, _, _, _):
            (.manageShard, database)
        case .truncateShardGroups, .pruneShardGroups, .dropShard, .addShardOwner, .removeShardOwner:
            (.manageShard, "")
        case .createContinuousQuery(let database, _, _), .dropContinuousQuery(let database, _):
            (.manageContinuousQuery, database)
        case .createSubscription(let database, _, _, _, _), .dropSubscription(let database, _, _):
            (.manageSubscription, database)
        case .acquireLease, .releaseLease:
            (.manageContinuousQuery, "")
        }
    }
}
