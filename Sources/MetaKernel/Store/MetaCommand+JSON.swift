import FoundationEssentials

extension MetaCommand {
    /// The command's JSON with sorted keys: the bytes `JSONEncoder` with `.sortedKeys` gives,
    /// written without `Codable` (every write is encoded once on its way into the log).
    /// - Parameter escapingSlashes: write `/` as `\/`, as `JSONEncoder` does by default (the log).
    func json(escapingSlashes: Bool) -> [UInt8] {
        if case .access = self {
            return Self.encodedByFoundation(self, escapingSlashes: escapingSlashes)
        }
        if case .data = self {
            return Self.encodedByFoundation(self, escapingSlashes: escapingSlashes)
        }
        if case .setData = self {
            return Self.encodedByFoundation(self, escapingSlashes: escapingSlashes)
        }
        if case .createDatabase(_, let policy) = self, policy != nil {
            return Self.encodedByFoundation(self, escapingSlashes: escapingSlashes)
        }
        var writer = JSONWriter(escapingSlashes: escapingSlashes)
        writer.out.reserveCapacity(96)
        writer.byte(UInt8(ascii: "{"))
        switch self {
        case .createMetaNode(let httpAddress, let tcpAddress, let rand):
            writer.raw(#""httpAddr":"#)
            writer.string(httpAddress)
            writer.raw(#","rand":"#)
            writer.number(rand)
            writer.raw(#","tcpAddr":"#)
            writer.string(tcpAddress)
            writer.raw(#",""#)
        case .deleteMetaNode(let id):
            writer.raw(#""id":"#)
            writer.number(id)
            writer.raw(#",""#)
        case .createDatabase(let name, _), .dropDatabase(let name):
            writer.raw(#""name":"#)
            writer.string(name)
            writer.raw(#",""#)
        case .access, .data, .setData:
            break
        }
        writer.raw(#"type":"#)
        writer.string(typeName)
        writer.byte(UInt8(ascii: "}"))
        return writer.out
    }

    /// JSONEncoder's bytes (sorted keys), for the commands the writer above does not spell out:
    /// rarer than database creation, so `Codable`'s cost does not matter.
    private static func encodedByFoundation(_ command: MetaCommand, escapingSlashes: Bool) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(command))) ?? []
    }

    /// Decodes a command from its JSON form: the fast reader for the usual shapes, and
    /// `JSONDecoder` (with its error messages) for everything else.
    static func decodeJSON(_ bytes: UnsafeRawBufferPointer) throws -> MetaCommand {
        if let members = FlatJSONReader.object(in: bytes, maximumDepth: 1), let command = MetaCommand(members: members)
        {
            return command
        }
        return try JSONDecoder().decode(MetaCommand.self, from: Data(bytes))
    }

    /// The command in already-read JSON members, or `nil` when `init(from:)` would not read
    /// them exactly so (a missing or mistyped field, an unknown type): the caller then lets
    /// `JSONDecoder` produce the error. Members `init(from:)` ignores are ignored here too.
    init?(members: [String: FlatJSONValue]) {
        guard case .string(let type)? = members["type"] else { return nil }
        switch type {
        case "create-meta-node":
            guard case .string(let httpAddress)? = members["httpAddr"],
                case .string(let tcpAddress)? = members["tcpAddr"],
                case .number(let rand)? = members["rand"]
            else { return nil }
            self = .createMetaNode(httpAddress: httpAddress, tcpAddress: tcpAddress, rand: rand)
        case "delete-meta-node":
            guard case .number(let id)? = members["id"] else { return nil }
            self = .deleteMetaNode(id: id)
        case "create-database":
            // A database created with its policy takes the JSONDecoder path.
            guard case .string(let name)? = members["name"], members["retentionPolicy"] == nil else { return nil }
            self = .createDatabase(name: name)
        case "drop-database":
            guard case .string(let name)? = members["name"] else { return nil }
            self = .dropDatabase(name: name)
        default:
            return nil
        }
    }
}
