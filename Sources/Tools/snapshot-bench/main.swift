import MetaKernel
import MetaProto
import SwiftProtobuf

// Times snapshot encoding and decoding of metadata the size of the benchmark:
// `snapshot-bench [databases] [shards]` (default 1,000 databases, 1,000,000 shards, 100 per
// group, one owner each among 100 data nodes). Build it in release:
// `swift build -c release --product snapshot-bench`. Prints one line per measurement.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let databaseCount = arguments.first ?? 1_000
let shardCount = arguments.dropFirst().first ?? 1_000_000

func makeData() -> MetaData {
    var data = MetaData()
    data.dataNodes = (1...100).map {
        NodeInfo(id: UInt64($0 + 3), httpAddress: "data\($0):8086", tcpAddress: "data\($0):8088")
    }
    let groupsPerDatabase = max(1, shardCount / databaseCount / 100)
    var shardID: UInt64 = 0
    var groupID: UInt64 = 0
    var databases: [DatabaseInfo] = []
    for index in 0..<databaseCount {
        var groups: [ShardGroupInfo] = []
        for g in 0..<groupsPerDatabase {
            groupID += 1
            let start = 1_700_000_000_000_000_000 + Int64(g) * 604_800_000_000_000
            var group = ShardGroupInfo(id: groupID, startTime: start, endTime: start + 604_800_000_000_000)
            for s in 0..<100 {
                shardID += 1
                group.shards.append(ShardInfo(id: shardID, owners: [UInt64(s % 100 + 4)]))
            }
            groups.append(group)
        }
        let policy = RetentionPolicyInfo(
            name: "autogen",
            duration: 0,
            shardGroupDuration: 604_800_000_000_000,
            replicaN: 1,
            shardGroups: groups
        )
        let name = "db" + String(repeating: "0", count: 6 - String(index).count) + String(index)
        databases.append(DatabaseInfo(name: name, defaultRetentionPolicy: "autogen", retentionPolicies: [policy]))
    }
    data.databases = DatabaseList(databases)
    data.maxShardGroupID = groupID
    data.maxShardID = shardID
    data.maxNodeID = 103
    data.index = 1_000_000
    return data
}

func time<T>(_ label: String, runs: Int = 3, _ body: () throws -> T) rethrows -> T {
    var best = Duration.seconds(1_000)
    var result: T?
    for _ in 0..<runs {
        let start = ContinuousClock.now
        result = try body()
        best = min(best, ContinuousClock.now - start)
    }
    print("\(label): \(best) (best of \(runs))")
    return result!
}

let data = time("build \(databaseCount) databases, \(shardCount) shards", runs: 1) { makeData() }
let snapshot = try time("SnapshotCodec.encode (hand-written protobuf)") { try SnapshotCodec.encode(data) }
print("snapshot size: \(snapshot.count) bytes")
let restored = try time("SnapshotCodec.decode (hand-written protobuf)") { try SnapshotCodec.decode(snapshot) }
precondition(restored == data, "the snapshot did not round-trip")
let json = time("SnapshotCodec.encodeV1 (JSON, before)") { SnapshotCodec.encodeV1(data) }
print("v1 JSON snapshot size: \(json.count) bytes")
if !CommandLine.arguments.contains("--no-generated") {
    let message = time("MetaData -> generated Meta_Data", runs: 1) { data.protobuf }
    let bytes: [UInt8] = try time("generated Meta_Data.serializedBytes", runs: 1) { try message.serializedBytes() }
    let parsed = try time("generated Meta_Data(serializedBytes:)", runs: 1) { try Meta_Data(serializedBytes: bytes) }
    _ = try time("generated Meta_Data -> MetaData", runs: 1) { try MetaData(protobuf: parsed) }
}
