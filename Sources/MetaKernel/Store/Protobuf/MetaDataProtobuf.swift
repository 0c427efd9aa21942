/// ``MetaData`` as the protobuf `Data` message of `Protos/influxd_meta.proto` (InfluxDB 1.x's
/// `meta.proto` field numbers, plus ours from 100), written and read by hand.
///
/// Snapshots and `GET /` encode the whole metadata: with 1,000,000 shards the generated
/// SwiftProtobuf messages (a heap object per message) take seconds, this takes tens of
/// milliseconds. Tests check both agree, in both directions.
public enum MetaDataProtobuf {
    /// The protobuf `Data` of `data`.
    public static func encode(_ data: MetaData) -> [UInt8] {
        var sizer = MetaDataSizer()
        let total = sizer.data(data)
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var encoder = MetaDataEncoder(writer: ProtobufWriter(buffer), sizes: sizer.sizes)
            encoder.data(data)
            precondition(encoder.writer.count == total, "protobuf Data size mismatch")
            initialized = total
        }
    }

    /// Decodes a protobuf `Data`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) -> MetaData {
        var reader = ProtobufReader(bytes, message: "Data")
        return try MetaDataDecoder.data(&reader)
    }

    /// Decodes a protobuf `Data`.
    public static func decode(_ bytes: [UInt8]) throws(ProtobufError) -> MetaData {
        do {
            return try bytes.withUnsafeBytes { try decode($0) }
        } catch let error as ProtobufError {
            throw error
        } catch {
            throw ProtobufError("Data: \(error)")
        }
    }

    /// InfluxDB 1.x's `UserPrivilege.Privilege` for a database's permissions: 1 Read, 2 Write,
    /// 3 All, 0 when neither `ReadData` nor `WriteData` is granted.
    static func privilege(of permissions: [Permission]) -> Int64 {
        (permissions.contains(.readData) ? 1 : 0) + (permissions.contains(.writeData) ? 2 : 0)
    }

    /// The permissions an InfluxDB 1.x privilege grants.
    static func permissions(ofPrivilege privilege: Int64) -> [Permission] {
        switch privilege {
        case 1: [.readData]
        case 2: [.writeData]
        case 3: [.readData, .writeData]
        default: []
        }
    }

    /// Label entries in key order, so that encodings are deterministic.
    static func sortedLabels(_ labels: [String: String]) -> [(key: String, value: String)] {
        labels.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Permission entries in database order.
    static func sortedPermissions(_ map: PermissionMap) -> [(key: String, value: [Permission])] {
        map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
