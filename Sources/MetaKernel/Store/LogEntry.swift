import Foundation

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

    /// Encodes the entry for the log.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Decodes an entry read from the log, ignoring the zero bytes ``RaftNode`` pads entries with.
    public static func decode(_ bytes: some BidirectionalCollection<UInt8>) throws -> LogEntry {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == 0 { end = bytes.index(before: end) }
        return try JSONDecoder().decode(LogEntry.self, from: Data(bytes[..<end]))
    }
}
