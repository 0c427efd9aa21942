import FoundationEssentials

/// The payload of one Raft log entry: a command and the term of the leader that proposed it.
///
/// The term travels in the entry so that every node records the same ``MetaData/term`` for the
/// same index, whatever its own current term is when it applies the entry.
public struct LogEntry: Sendable, Codable, Equatable {
    /// Format version of the entry, for upgrades.
    public var version: Int
    /// The proposing leader's term.
    public var term: UInt64
    /// The change itself.
    public var command: MetaCommand

    /// Creates an entry in the current format.
    public init(term: UInt64, command: MetaCommand) {
        self.version = 1
        self.term = term
        self.command = command
    }

    /// Encodes the entry for the log: JSON with sorted keys,
    /// `{"command":{…},"term":N,"version":1}`.
    public func encoded() -> [UInt8] {
        Self.encoded(commandJSON: Self.encode(command), term: term, version: version)
    }

    /// Encodes a command as it appears inside an entry. The leader encodes a command once, off
    /// the Raft thread, and adds the term there with ``encoded(commandJSON:term:version:)``.
    public static func encode(_ command: MetaCommand) -> [UInt8] {
        command.json(escapingSlashes: true)
    }

    /// The entry for an already encoded command: the same bytes `JSONEncoder` with sorted keys
    /// gives for the whole entry, built by concatenation (cheap enough for the Raft thread).
    public static func encoded(commandJSON: [UInt8], term: UInt64, version: Int = 1) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(commandJSON.count + 48)
        bytes += #"{"command":"#.utf8
        bytes += commandJSON
        bytes += #","term":\#(term),"version":\#(version)}"#.utf8
        return bytes
    }

    /// Decodes an entry read from the log, ignoring the zero bytes ``RaftNode`` pads entries with.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> LogEntry {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        let json = UnsafeRawBufferPointer(rebasing: bytes[..<end])
        // The fast reader takes the entries this version writes; anything else (an older
        // format, a damaged entry) goes through JSONDecoder.
        if let members = FlatJSONReader.object(in: json), let entry = LogEntry(members: members) {
            return entry
        }
        return try JSONDecoder().decode(LogEntry.self, from: Data(json))
    }

    /// Decodes an entry held in an array, as the buffer variant does.
    public static func decode(_ bytes: [UInt8]) throws -> LogEntry {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// The entry in already-read JSON members, or `nil` when `init(from:)` would not read
    /// them exactly so.
    init?(members: [String: FlatJSONValue]) {
        guard case .number(let version)? = members["version"], let version = Int(exactly: version),
            case .number(let term)? = members["term"],
            case .object(let command)? = members["command"],
            let command = MetaCommand(members: command)
        else { return nil }
        self.version = version
        self.term = term
        self.command = command
    }
}
