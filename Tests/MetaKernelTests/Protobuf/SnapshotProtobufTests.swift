import Foundation
import NIOCore
import Testing

@testable import MetaKernel

@Suite("Snapshots in protobuf (v2), reading JSON ones (v1)")
struct SnapshotProtobufTests {
    @Test("a v2 snapshot is the header, the length and the protobuf Data, and round-trips with padding")
    func v2RoundTrip() throws {
        let data = ProtobufFixtures.everyField
        let bytes = try SnapshotCodec.encode(data)
        #expect(bytes.starts(with: Array("influxd-meta snapshot v2\n".utf8)))
        let body = Array(bytes.dropFirst(SnapshotCodec.header.count + 8))
        #expect(body == MetaDataProtobuf.encode(data))
        #expect(try SnapshotCodec.decode(bytes + [0, 0, 0, 0, 0]) == data)
    }

    @Test("a v1 (JSON) snapshot still restores")
    func v1StillRead() throws {
        var data = MetaData()
        _ = data.apply(.createMetaNode(httpAddress: "h:8091", tcpAddress: "h:8089", rand: 5), term: 2, index: 2)
        _ = data.apply(.createDatabase(name: "db"), term: 2, index: 3)
        let old = SnapshotCodec.encodeV1(data) + [0, 0, 0]
        #expect(try SnapshotCodec.decode(old) == data)
    }

    @Test("a v2 snapshot shorter than its length, or with a damaged body, is refused")
    func damaged() throws {
        var bytes = try SnapshotCodec.encode(ProtobufFixtures.everyField)
        bytes.removeLast()
        #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(bytes) }
        var damaged = try SnapshotCodec.encode(ProtobufFixtures.everyField)
        damaged[SnapshotCodec.header.count + 8] = 0x0F  // field 1 with wire type 7
        #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(damaged) }
    }

    @Test("200,000 shards in 1,000 databases round-trip through a snapshot")
    func large() throws {
        let data = ProtobufFixtures.large(databases: 1_000, shards: 200_000)
        #expect(data.maxShardID == 200_000)
        let bytes = try SnapshotCodec.encode(data)
        #expect(try SnapshotCodec.decode(bytes) == data)
    }

    @Test("the store's protobuf encoding is made once per change and follows every change")
    func cachedProtobuf() async throws {
        let store = MetaStore()
        let first = await store.currentProtobuf()
        #expect(try MetaDataProtobuf.decode(Array(first.readableBytesView)) == MetaData())
        let entry = LogEntry(term: 1, command: .createDatabase(name: "db")).encoded()
        _ = entry.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        let concurrent = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 { group.addTask { Array(await store.currentProtobuf().readableBytesView) } }
            return await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(concurrent.count == 1)
        let decoded = try MetaDataProtobuf.decode(concurrent.first!)
        #expect(decoded == store.current && decoded.database(named: "db") != nil)
    }
}
