import MetaProto
import SwiftProtobuf

extension DataCommand {
    /// Sets `command`'s type and extension for this command.
    func fill(_ command: inout Meta_Command) {
        switch self {
        case .createDataNode(let httpAddress, let tcpAddress, let passive):
            command.type = .createDataNodeCommand
            command.Meta_CreateDataNodeCommand_command = .with {
                $0.httpaddr = httpAddress
                $0.tcpaddr = tcpAddress
                if passive { $0.passive = true }
            }
        case .updateDataNode(let id, let httpAddress, let tcpAddress):
            command.type = .updateDataNodeCommand
            command.Meta_UpdateDataNodeCommand_command = .with {
                $0.id = id
                $0.host = httpAddress
                $0.tcphost = tcpAddress
            }
        case .deleteDataNode(let id, let at):
            command.type = .deleteDataNodeCommand
            command.Meta_DeleteDataNodeCommand_command = .with {
                $0.id = id
                $0.at = at
            }
        case .setNodeLabels(let id, let labels):
            command.type = .setNodeLabelsCommand
            command.Meta_SetNodeLabelsCommand_command = .with {
                $0.id = id
                $0.labels = labels
            }
        case .createRetentionPolicy(let database, let policy, let makeDefault):
            command.type = .createRetentionPolicyCommand
            command.Meta_CreateRetentionPolicyCommand_command = .with {
                $0.database = database
                $0.retentionPolicy = ProtobufConversion.info(of: policy)
                $0.default = makeDefault
                $0.spec = ProtobufConversion.spec(policy)
            }
        case .dropRetentionPolicy(let database, let name):
            command.type = .dropRetentionPolicyCommand
            command.Meta_DropRetentionPolicyCommand_command = .with {
                $0.database = database
                $0.name = name
            }
        case .setDefaultRetentionPolicy(let database, let name):
            command.type = .setDefaultRetentionPolicyCommand
            command.Meta_SetDefaultRetentionPolicyCommand_command = .with {
                $0.database = database
                $0.name = name
            }
        case .updateRetentionPolicy(let database, let name, let update, let makeDefault):
            command.type = .updateRetentionPolicyCommand
            command.Meta_UpdateRetentionPolicyCommand_command = .with {
                $0.database = database
                $0.name = name
                if let newName = update.name { $0.newName = newName }
                if let duration = update.duration { $0.duration = duration }
                if let replicaN = update.replicaN { $0.replicaN = UInt32(clamping: replicaN) }
                if let shardGroupDuration = update.shardGroupDuration { $0.shardGroupDuration = shardGroupDuration }
                $0.default = makeDefault
            }
        case .createShardGroup(let database, let policy, let timestamp):
            command.type = .createShardGroupCommand
            command.Meta_CreateShardGroupCommand_command = .with {
                $0.database = database
                $0.policy = policy
                $0.timestamp = timestamp
            }
        case .deleteShardGroup(let database, let policy, let id, let at):
            command.type = .deleteShardGroupCommand
            command.Meta_DeleteShardGroupCommand_command = .with {
                $0.database = database
                $0.policy = policy
                $0.shardGroupID = id
                $0.at = at
            }
        case .truncateShardGroups(let timestamp):
            command.type = .truncateShardGroupsCommand
            command.Meta_TruncateShardGroupsCommand_command = .with { $0.timestamp = timestamp }
        case .pruneShardGroups(let before):
            command.type = .pruneShardGroupsCommand
            command.Meta_PruneShardGroupsCommand_command = .with { $0.before = before }
        case .dropShard(let id, let at):
            command.type = .dropShardCommand
            command.Meta_DropShardCommand_command = .with {
                $0.id = id
                $0.at = at
            }
        case .addShardOwner(let shardID, let nodeID):
            command.type = .copyShardOwnerCommand
            command.Meta_CopyShardOwnerCommand_command = .with {
                $0.shardID = shardID
                $0.nodeID = nodeID
            }
        case .removeShardOwner(let shardID, let nodeID, let at):
            command.type = .removeShardOwnerCommand
            command.Meta_RemoveShardOwnerCommand_command = .with {
                $0.shardID = shardID
                $0.nodeID = nodeID
                $0.at = at
            }
        case .createContinuousQuery(let database, let name, let query):
            command.type = .createContinuousQueryCommand
            command.Meta_CreateContinuousQueryCommand_command = .with {
                $0.database = database
                $0.name = name
                $0.query = query
            }
        case .dropContinuousQuery(let database, let name):
            command.type = .dropContinuousQueryCommand
            command.Meta_DropContinuousQueryCommand_command = .with {
                $0.database = database
                $0.name = name
            }
        case .createSubscription(let database, let policy, let name, let mode, let destinations):
            command.type = .createSubscriptionCommand
            command.Meta_CreateSubscriptionCommand_command = .with {
                $0.database = database
                $0.retentionPolicy = policy
                $0.name = name
                $0.mode = mode
                $0.destinations = destinations
            }
        case .dropSubscription(let database, let policy, let name):
            command.type = .dropSubscriptionCommand
            command.Meta_DropSubscriptionCommand_command = .with {
                $0.database = database
                $0.retentionPolicy = policy
                $0.name = name
            }
        case .acquireLease(let name, let nodeID, let now, let duration):
            command.type = .acquireLeaseCommand
            command.Meta_AcquireLeaseCommand_command = .with {
                $0.name = name
                $0.nodeID = nodeID
                $0.now = now
                $0.duration = duration
            }
        case .releaseLease(let name, let nodeID):
            command.type = .releaseLeaseCommand
            command.Meta_ReleaseLeaseCommand_command = .with {
                $0.name = name
                $0.nodeID = nodeID
            }
        }
    }

    /// The data command `command` carries, or `nil` when its type is not one.
    init?(protobuf command: Meta_Command, missing: (String) -> ProtobufError) throws(ProtobufError) {
        switch command.type {
        case .createDataNodeCommand:
            guard command.hasMeta_CreateDataNodeCommand_command else { throw missing("CreateDataNodeCommand") }
            let body = command.Meta_CreateDataNodeCommand_command
            self = .createDataNode(httpAddress: body.httpaddr, tcpAddress: body.tcpaddr, passive: body.passive)
        case .updateDataNodeCommand:
            guard command.hasMeta_UpdateDataNodeCommand_command else { throw missing("UpdateDataNodeCommand") }
            let body = command.Meta_UpdateDataNodeCommand_command
            self = .updateDataNode(id: body.id, httpAddress: body.host, tcpAddress: body.tcphost)
        case .deleteDataNodeCommand:
            guard command.hasMeta_DeleteDataNodeCommand_command else { throw missing("DeleteDataNodeCommand") }
            let body = command.Meta_DeleteDataNodeCommand_command
            self = .deleteDataNode(id: body.id, at: body.at)
        case .setNodeLabelsCommand:
            guard command.hasMeta_SetNodeLabelsCommand_command else { throw missing("SetNodeLabelsCommand") }
            let body = command.Meta_SetNodeLabelsCommand_command
            self = .setNodeLabels(id: body.id, labels: body.labels)
        case .createRetentionPolicyCommand:
            guard command.hasMeta_CreateRetentionPolicyCommand_command else {
                throw missing("CreateRetentionPolicyCommand")
            }
            let body = command.Meta_CreateRetentionPolicyCommand_command
            self = .createRetentionPolicy(
                database: body.database,
                policy: body.hasSpec
                    ? ProtobufConversion.spec(body.spec) : ProtobufConversion.spec(ofInfo: body.retentionPolicy),
                makeDefault: body.default
            )
        case .dropRetentionPolicyCommand:
            guard command.hasMeta_DropRetentionPolicyCommand_command else {
                throw missing("DropRetentionPolicyCommand")
            }
            let body = command.Meta_DropRetentionPolicyCommand_command
            self = .dropRetentionPolicy(database: body.database, name: body.name)
        case .setDefaultRetentionPolicyCommand:
            guard command.hasMeta_SetDefaultRetentionPolicyCommand_command else {
                throw missing("SetDefaultRetentionPolicyCommand")
            }
            let body = command.Meta_SetDefaultRetentionPolicyCommand_command
            self = .setDefaultRetentionPolicy(database: body.database, name: body.name)
        case .updateRetentionPolicyCommand:
            guard command.hasMeta_UpdateRetentionPolicyCommand_command else {
                throw missing("UpdateRetentionPolicyCommand")
            }
            let body = command.Meta_UpdateRetentionPolicyCommand_command
            let update = RetentionPolicyUpdate(
                name: body.hasNewName ? body.newName : nil,
                duration: body.hasDuration ? body.duration : nil,
                shardGroupDuration: body.hasShardGroupDuration ? body.shardGroupDuration : nil,
                replicaN: body.hasReplicaN ? Int(body.replicaN) : nil
            )
            self = .updateRetentionPolicy(
                database: body.database,
                name: body.name,
                update: update,
                makeDefault: body.default
            )
        case .createShardGroupCommand:
            guard command.hasMeta_CreateShardGroupCommand_command else { throw missing("CreateShardGroupCommand") }
            let body = command.Meta_CreateShardGroupCommand_command
            self = .createShardGroup(database: body.database, policy: body.policy, timestamp: body.timestamp)
        case .deleteShardGroupCommand:
            guard command.hasMeta_DeleteShardGroupCommand_command else { throw missing("DeleteShardGroupCommand") }
            let body = command.Meta_DeleteShardGroupCommand_command
            self = .deleteShardGroup(database: body.database, policy: body.policy, id: body.shardGroupID, at: body.at)
        case .truncateShardGroupsCommand:
            guard command.hasMeta_TruncateShardGroupsCommand_command else {
                throw missing("TruncateShardGroupsCommand")
            }
            self = .truncateShardGroups(timestamp: command.Meta_TruncateShardGroupsCommand_command.timestamp)
        case .pruneShardGroupsCommand:
            guard command.hasMeta_PruneShardGroupsCommand_command else { throw missing("PruneShardGroupsCommand") }
            self = .pruneShardGroups(before: command.Meta_PruneShardGroupsCommand_command.before)
        case .dropShardCommand:
            guard command.hasMeta_DropShardCommand_command else { throw missing("DropShardCommand") }
            let body = command.Meta_DropShardCommand_command
            self = .dropShard(id: body.id, at: body.at)
        case .copyShardOwnerCommand:
            guard command.hasMeta_CopyShardOwnerCommand_command else { throw missing("CopyShardOwnerCommand") }
            let body = command.Meta_CopyShardOwnerCommand_command
            self = .addShardOwner(shardID: body.shardID, nodeID: body.nodeID)
        case .removeShardOwnerCommand:
            guard command.hasMeta_RemoveShardOwnerCommand_command else { throw missing("RemoveShardOwnerCommand") }
            let body = command.Meta_RemoveShardOwnerCommand_command
            self = .removeShardOwner(shardID: body.shardID, nodeID: body.nodeID, at: body.at)
        case .createContinuousQueryCommand:
            guard command.hasMeta_CreateContinuousQueryCommand_command else {
                throw missing("CreateContinuousQueryCommand")
            }
            let body = command.Meta_CreateContinuousQueryCommand_command
            self = .createContinuousQuery(database: body.database, name: body.name, query: body.query)
        case .dropContinuousQueryCommand:
            guard command.hasMeta_DropContinuousQueryCommand_command else {
                throw missing("DropContinuousQueryCommand")
            }
            let body = command.Meta_DropContinuousQueryCommand_command
            self = .dropContinuousQuery(database: body.database, name: body.name)
        case .createSubscriptionCommand:
            guard command.hasMeta_CreateSubscriptionCommand_command else { throw missing("CreateSubscriptionCommand") }
            let body = command.Meta_CreateSubscriptionCommand_command
            self = .createSubscription(
                database: body.database,
                policy: body.retentionPolicy,
                name: body.name,
                mode: body.mode,
                destinations: body.destinations
            )
        case .dropSubscriptionCommand:
            guard command.hasMeta_DropSubscriptionCommand_command else { throw missing("DropSubscriptionCommand") }
            let body = command.Meta_DropSubscriptionCommand_command
            self = .dropSubscription(database: body.database, policy: body.retentionPolicy, name: body.name)
        case .acquireLeaseCommand:
            guard command.hasMeta_AcquireLeaseCommand_command else { throw missing("AcquireLeaseCommand") }
            let body = command.Meta_AcquireLeaseCommand_command
            self = .acquireLease(name: body.name, nodeID: body.nodeID, now: body.now, duration: body.duration)
        case .releaseLeaseCommand:
            guard command.hasMeta_ReleaseLeaseCommand_command else { throw missing("ReleaseLeaseCommand") }
            let body = command.Meta_ReleaseLeaseCommand_command
            self = .releaseLease(name: body.name, nodeID: body.nodeID)
        default:
            return nil
        }
    }
}
