import FoundationEssentials

/// Encodes ``MetaData`` for Raft snapshots, and decodes it on restore.
///
/// The format is a one-line header naming the format version, then the JSON of the metadata;
/// trailing zero bytes (Raft's 8-byte padding) are ignored.
/// A snapshot that does not start with the header, or whose JSON does not decode, is refused,
/// so a damaged snapshot never replaces good state.
public enum SnapshotCodec {
    /// The header that starts every snapshot.
    public static let header = Array("influxd-meta snapshot v1\n".utf8)

    /// Encodes metadata into a snapshot.
    public static func encode(_ data: MetaData) throws -> [UInt8] {
        header + MetaDataJSON.encode(data, escapingSlashes: true)
    }

    /// Decodes a snapshot made by ``encode(_:)``.
    public static func decode(_ bytes: some Collection<UInt8>) throws(SnapshotError) -> MetaData {
        guard bytes.count >= header.count, bytes.prefix(header.count).elementsEqual(header) else {
            throw SnapshotError(message: "snapshot has no influxd-meta v1 header")
        }
        let data: MetaData
        do {
            var body = Array(bytes.dropFirst(header.count))
            while body.last == 0 { body.removeLast() }
            data = try JSONDecoder().decode(MetaData.self, from: Data(body))
        } catch {
            throw SnapshotError(message: "snapshot does not decode: \(error)")
        }
        // Lookups binary-search the database list; a snapshot that breaks its order would
        // make them miss (and duplicate) databases.
        guard data.databasesAreSorted else {
            throw SnapshotError(message: "snapshot's databases are not in strictly increasing name order")
        }
        return data
    }
}

/// A snapshot could not be decoded.
public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public var message: String
    /// The message.
    public var description: String { message }
}
