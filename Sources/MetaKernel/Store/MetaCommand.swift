import FoundationEssentials

/// A change to ``MetaData``. Commands are what the Raft log stores and what `POST /execute` takes.
///
/// The JSON form carries a `type` discriminator, e.g. `{"type":"create-database","name":"db0"}`.
public enum MetaCommand: Sendable, Equatable {
    /// Adds a meta node and allocates its id. The first one also fixes the cluster id from `rand`.
    case createMetaNode(httpAddress: String, tcpAddress: String, rand: UInt64)
    /// Removes a meta node record. Its id is never handed out again.
    case deleteMetaNode(id: UInt64)
    /// Creates a database, with `retentionPolicy` as its default policy when given; creating one
    /// that exists is a no-op, as in InfluxDB.
    case createDatabase(name: String, retentionPolicy: RetentionPolicySpec? = nil)
    /// Drops a database; dropping one that does not exist is a no-op, as in InfluxDB.
    case dropDatabase(name: String)
    /// Creates, drops or changes a user or a role (``AccessCommand``).
    case access(AccessCommand)
    /// Changes data nodes, retention policies, shards, queries, subscriptions or leases (``DataCommand``).
    case data(DataCommand)
    /// Replaces the metadata with a backup's (`influxd-ctl restore`), keeping the live cluster's
    /// own identity and meta nodes (``MetaData/restore(_:)``). Protobuf `SetDataCommand` (17).
    case setData(MetaData)

    /// The wire name of the command's type.
    public var typeName: String {
        switch self {
        case .createMetaNode: "create-meta-node"
        case .deleteMetaNode: "delete-meta-node"
        case .createDatabase: "create-database"
        case .dropDatabase: "drop-database"
        case .access(let command): command.typeName
        case .data(let command): command.typeName
        case .setData: "set-data"
        }
    }

    /// Every type name `POST /execute` understands.
    public static let typeNames =
        ["create-meta-node", "delete-meta-node", "create-database", "drop-database", "set-data"]
        + AccessCommand.typeNames + DataCommand.typeNames
}

extension MetaCommand: Codable {
    private enum CodingKeys: String, CodingKey {
        case type
        case httpAddress = "httpAddr"
        case tcpAddress = "tcpAddr"
        case rand
        case id
        case name
        case retentionPolicy
        case data
    }

    /// Decodes a command from its JSON form; an unknown `type` names the types that exist.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "create-meta-node":
            self = .createMetaNode(
                httpAddress: try c.decode(String.self, forKey: .httpAddress),
                tcpAddress: try c.decode(String.self, forKey: .tcpAddress),
                rand: try c.decode(UInt64.self, forKey: .rand)
            )
        case "delete-meta-node":
            self = .deleteMetaNode(id: try c.decode(UInt64.self, forKey: .id))
        case "create-database":
            self = .createDatabase(
                name: try c.decode(String.self, forKey: .name),
                retentionPolicy: try c.decodeIfPresent(RetentionPolicySpec.self, forKey: .retentionPolicy)
            )
        case "drop-database":
            self = .dropDatabase(name: try c.decode(String.self, forKey: .name))
        case "set-data":
            // The metadata travels as the base64 of its protobuf `Data`: compact, and read by
            // the hand-written decoder rather than `Codable`.
            let text = try c.decode(String.self, forKey: .data)
            guard let bytes = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .data,
                    in: c,
                    debugDescription: "set-data: data is not base64"
                )
            }
            do {
                self = .setData(try MetaDataProtobuf.decode(Array(bytes)))
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .data,
                    in: c,
                    debugDescription: "set-data: \(error)"
                )
            }
        default:
            if let command = try AccessCommand(type: type, from: decoder) {
                self = .access(command)
                return
            }
            if let command = try DataCommand(type: type, from: decoder) {
                self = .data(command)
                return
            }
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: c,
                debugDescription:
                    "unknown command type \"\(type)\" (use one of \(MetaCommand.typeNames.joined(separator: ", ")))"
            )
        }
    }

    /// Encodes the command in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        if case .access(let command) = self {
            try command.encode(to: encoder)
            return
        }
        if case .data(let command) = self {
            try command.encode(to: encoder)
            return
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .createMetaNode(let httpAddress, let tcpAddress, let rand):
            try c.encode(httpAddress, forKey: .httpAddress)
            try c.encode(tcpAddress, forKey: .tcpAddress)
            try c.encode(rand, forKey: .rand)
        case .deleteMetaNode(let id):
            try c.encode(id, forKey: .id)
        case .createDatabase(let name, let retentionPolicy):
            try c.encode(name, forKey: .name)
            try c.encodeIfPresent(retentionPolicy, forKey: .retentionPolicy)
        case .dropDatabase(let name):
            try c.encode(name, forKey: .name)
        case .setData(let data):
            try c.encode(Data(MetaDataProtobuf.encode(data)).base64EncodedString(), forKey: .data)
        case .access, .data:
            break
        }
    }
}
