public import MetaProto
import SwiftProtobuf

/// ``MetaCommand`` as the protobuf `Command` of `Protos/influxd_meta.proto`: the original's type
/// and extension (100 + type) where InfluxDB 1.x has the command, ours (200 up) where it has not.
extension MetaCommand {
    /// The command's protobuf `Command`.
    public var protobuf: Meta_Command {
        var command = Meta_Command()
        switch self {
        case .createMetaNode(let httpAddress, let tcpAddress, let rand):
            command.type = .createMetaNodeCommand
            command.Meta_CreateMetaNodeCommand_command = .with {
                $0.httpaddr = httpAddress
                $0.tcpaddr = tcpAddress
                $0.rand = rand
            }
        case .deleteMetaNode(let id):
            command.type = .deleteMetaNodeCommand
            command.Meta_DeleteMetaNodeCommand_command = .with { $0.id = id }
        case .createDatabase(let name, let spec):
            command.type = .createDatabaseCommand
            command.Meta_CreateDatabaseCommand_command = .with {
                $0.name = name
                if let spec {
                    $0.retentionPolicy = ProtobufConversion.info(of: spec)
                    $0.spec = ProtobufConversion.spec(spec)
                }
            }
        case .dropDatabase(let name):
            command.type = .dropDatabaseCommand
            command.Meta_DropDatabaseCommand_command = .with { $0.name = name }
        case .setData(let data):
            command.type = .setDataCommand
            command.Meta_SetDataCommand_command = .with { $0.data = data.protobuf }
        case .access(let access):
            access.fill(&command)
        case .data(let data):
            data.fill(&command)
        }
        return command
    }

    /// The protobuf `Command` bytes of the command.
    public func encodeProtobuf() -> [UInt8] {
        // Every field the conversion sets is a required one or has a value: serializing cannot fail.
        (try? protobuf.serializedBytes()) ?? []
    }

    /// Decodes a protobuf `Command`, with our extensions; one-line errors say what is wrong.
    public static func decodeProtobuf(_ bytes: some Collection<UInt8>) throws(ProtobufError) -> MetaCommand {
        let command: Meta_Command
        do {
            command = try Meta_Command(serializedBytes: Array(bytes), extensions: Meta_InfluxdMeta_Extensions)
        } catch {
            throw ProtobufError("Command does not decode: \(error)")
        }
        return try MetaCommand(protobuf: command)
    }

    /// The command a protobuf `Command` carries.
    public init(protobuf command: Meta_Command) throws(ProtobufError) {
        func missing(_ name: String) -> ProtobufError {
            ProtobufError(
                "Command of type \(name) (\(command.type.rawValue)) has no \(name) extension (field \(100 + command.type.rawValue))"
            )
        }
        switch command.type {
        case .createMetaNodeCommand:
            guard command.hasMeta_CreateMetaNodeCommand_command else { throw missing("CreateMetaNodeCommand") }
            let body = command.Meta_CreateMetaNodeCommand_command
            self = .createMetaNode(httpAddress: body.httpaddr, tcpAddress: body.tcpaddr, rand: body.rand)
        case .deleteMetaNodeCommand:
            guard command.hasMeta_DeleteMetaNodeCommand_command else { throw missing("DeleteMetaNodeCommand") }
            self = .deleteMetaNode(id: command.Meta_DeleteMetaNodeCommand_command.id)
        case .createDatabaseCommand:
            guard command.hasMeta_CreateDatabaseCommand_command else { throw missing("CreateDatabaseCommand") }
            let body = command.Meta_CreateDatabaseCommand_command
            let spec: RetentionPolicySpec? =
                body.hasSpec
                ? ProtobufConversion.spec(body.spec)
                : body.hasRetentionPolicy ? ProtobufConversion.spec(ofInfo: body.retentionPolicy) : nil
            self = .createDatabase(name: body.name, retentionPolicy: spec)
        case .dropDatabaseCommand:
            guard command.hasMeta_DropDatabaseCommand_command else { throw missing("DropDatabaseCommand") }
            self = .dropDatabase(name: command.Meta_DropDatabaseCommand_command.name)
        case .setDataCommand:
            guard command.hasMeta_SetDataCommand_command else { throw missing("SetDataCommand") }
            self = .setData(try MetaData(protobuf: command.Meta_SetDataCommand_command.data))
        default:
            if let access = try AccessCommand(protobuf: command, missing: missing) {
                self = .access(access)
            } else if let data = try DataCommand(protobuf: command, missing: missing) {
                self = .data(data)
            } else {
                throw ProtobufError(
                    "Command type \(command.type) (\(command.type.rawValue)) is not supported by influxd-meta"
                )
            }
        }
    }
}

/// Conversions between the model's values and the generated messages.
enum ProtobufConversion {
    static func spec(_ spec: RetentionPolicySpec) -> Meta_RetentionPolicySpec {
        .with {
            $0.name = spec.name
            if let duration = spec.duration { $0.duration = duration }
            if let shardGroupDuration = spec.shardGroupDuration { $0.shardGroupDuration = shardGroupDuration }
            if let replicaN = spec.replicaN { $0.replicaN = UInt32(clamping: replicaN) }
        }
    }

    static func spec(_ spec: Meta_RetentionPolicySpec) -> RetentionPolicySpec {
        RetentionPolicySpec(
            name: spec.name,
            duration: spec.hasDuration ? spec.duration : nil,
            shardGroupDuration: spec.hasShardGroupDuration ? spec.shardGroupDuration : nil,
            replicaN: spec.hasReplicaN ? Int(spec.replicaN) : nil
        )
    }

    /// The `RetentionPolicyInfo` an original reader finds in a create command: unset fields as
    /// InfluxDB fills them (forever, the default shard duration, one replica).
    static func info(of spec: RetentionPolicySpec) -> Meta_RetentionPolicyInfo {
        .with {
            $0.name = spec.name
            $0.duration = spec.duration ?? 0
            $0.shardGroupDuration = spec.shardGroupDuration ?? 0
            $0.replicaN = UInt32(clamping: spec.replicaN ?? 1)
        }
    }

    /// What a command from an original writer (no `Spec`) asks for; zeroes are "unset".
    static func spec(ofInfo info: Meta_RetentionPolicyInfo) -> RetentionPolicySpec {
        RetentionPolicySpec(
            name: info.name,
            duration: info.duration,
            shardGroupDuration: info.shardGroupDuration == 0 ? nil : info.shardGroupDuration,
            replicaN: info.replicaN == 0 ? nil : Int(info.replicaN)
        )
    }

    static func permissions(_ map: PermissionMap) -> [Meta_DatabasePermissions] {
        MetaDataProtobuf.sortedPermissions(map).map { entry in
            .with {
                $0.database = entry.key
                $0.permissions = entry.value.map(\.rawValue)
            }
        }
    }

    static func permissions(_ entries: [Meta_DatabasePermissions]) throws(ProtobufError) -> PermissionMap {
        var map: PermissionMap = [:]
        for entry in entries {
            var permissions: [Permission] = []
            for name in entry.permissions {
                guard let permission = Permission(rawValue: name) else {
                    throw ProtobufError("DatabasePermissions: unknown permission \"\(name)\"")
                }
                permissions.append(permission)
            }
            map[entry.database] = permissions
        }
        return map
    }
}
