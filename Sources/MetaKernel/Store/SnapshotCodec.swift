import FoundationEssentials

/// Encodes ``MetaData`` for Raft snapshots, and decodes it on restore.
///
/// Version 2 (written): the line `influxd-meta snapshot v2`, the body's length as 8 bytes
/// little-endian, then the protobuf `Data` of `Protos/influxd_meta.proto` (``MetaDataProtobuf``).
/// Version 1 (still read): the line `influxd-meta snapshot v1`, then the JSON of the metadata.
/// Bytes after the body (Raft's 8-byte padding) are ignored. A snapshot that starts with
/// neither header, or whose body does not decode, is refused, so a damaged snapshot never
/// replaces good state.
public enum SnapshotCodec {
    /// The header of the snapshots written.
    public static let header = Array("influxd-meta snapshot v2\n".utf8)
    /// The header of JSON snapshots, written by earlier versions.
    public static let headerV1 = Array("influxd-meta snapshot v1\n".utf8)

    /// Encodes metadata into a snapshot.
    public static func encode(_ data: MetaData) throws -> [UInt8] {
        let body = MetaDataProtobuf.encode(data)
        var out: [UInt8] = []
        out.reserveCapacity(header.count + 8 + body.count)
        out += header
        withUnsafeBytes(of: UInt64(body.count).littleEndian) { out += $0 }
        out += body
        return out
    }

    /// Encodes metadata the way version 1 did (JSON); kept so tests can make old snapshots.
    public static func encodeV1(_ data: MetaData) -> [UInt8] {
        headerV1 + MetaDataJSON.encode(data, escapingSlashes: true)
    }

    /// Decodes a snapshot made by ``encode(_:)`` or by version 1.
    public static func decode(_ bytes: some Collection<UInt8>) throws(SnapshotError) -> MetaData {
        let data: MetaData
        if bytes.starts(with: header) {
            data = try decodeV2(Array(bytes.dropFirst(header.count)))
        } else if bytes.starts(with: headerV1) {
            do {
                var body = Array(bytes.dropFirst(headerV1.count))
                while body.last == 0 { body.removeLast() }
                data = try JSONDecoder().decode(MetaData.self, from: Data(body))
            } catch {
                throw SnapshotError(message: "snapshot does not decode: \(error)")
            }
        } else {
            throw SnapshotError(message: "snapshot has no influxd-meta v2 or v1 header")
        }
        // Lookups binary-search the database list; a snapshot that breaks its order would
        // make them miss (and duplicate) databases.
        guard data.databasesAreSorted else {
            throw SnapshotError(message: "snapshot's databases are not in strictly increasing name order")
        }
        return data
    }

    private static func decodeV2(_ rest: [UInt8]) throws(SnapshotError) -> MetaData {
        guard rest.count >= 8 else { throw SnapshotError(message: "snapshot v2 is truncated in its length") }
        var length: UInt64 = 0
        for (shift, byte) in rest.prefix(8).enumerated() { length |= UInt64(byte) << (8 * UInt64(shift)) }
        guard length <= UInt64(rest.count - 8) else {
            throw SnapshotError(message: "snapshot v2 says \(length) bytes of metadata but holds \(rest.count - 8)")
        }
        do {
            return try rest.withUnsafeBytes { raw throws(ProtobufError) in
                try MetaDataProtobuf.decode(UnsafeRawBufferPointer(rebasing: raw[8..<(8 + Int(length))]))
            }
        } catch {
            throw SnapshotError(message: "snapshot does not decode: \(error)")
        }
    }
}

/// A snapshot could not be decoded.
public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public var message: String
    /// The message.
    public var description: String { message }
}
