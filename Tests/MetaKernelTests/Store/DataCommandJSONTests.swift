import FoundationEssentials
import Testing

@testable import MetaKernel

@Suite("DataCommand JSON")
struct DataCommandJSONTests {
    /// One of every command, with awkward values where a field allows them.
    static let commands: [DataCommand] = [
        .createDataNode(httpAddress: "d/1:8086", tcpAddress: "d\"1:8088", passive: true),
        .updateDataNode(id: .max, httpAddress: "é:8086", tcpAddress: "é:8088"),
        .deleteDataNode(id: 4, at: -1),
        .setNodeLabels(id: 4, labels: ["az": "eu/1", "B": "", "a": "\u{1}"]),
        .createRetentionPolicy(
            database: "db",
            policy: RetentionPolicySpec(name: "rp", duration: 3_600_000_000_000, shardGroupDuration: 1, replicaN: 3),
            makeDefault: true
        ),
        .createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "bare"), makeDefault: false),
        .dropRetentionPolicy(database: "db", name: "rp"),
        .setDefaultRetentionPolicy(database: "db", name: ""),
        .updateRetentionPolicy(
            database: "db",
            name: "rp",
            update: RetentionPolicyUpdate(name: "n", duration: 0, shardGroupDuration: 7, replicaN: 2),
            makeDefault: true
        ),
        .updateRetentionPolicy(database: "db", name: "rp", update: RetentionPolicyUpdate(), makeDefault: false),
        .createShardGroup(database: "db", policy: "rp", timestamp: .min),
        .deleteShardGroup(database: "db", policy: "rp", id: 3, at: .max),
        .truncateShardGroups(timestamp: 1_700_000_000_000_000_000),
        .pruneShardGroups(before: 0),
        .dropShard(id: 12, at: 5),
        .addShardOwner(shardID: 12, nodeID: 5),
        .removeShardOwner(shardID: 12, nodeID: 5, at: 6),
        .createContinuousQuery(database: "db", name: "cq", query: "SELECT \"v\" INTO \"a/b\" FROM m"),
        .dropContinuousQuery(database: "db", name: "cq"),
        .createSubscription(
            database: "db",
            policy: "rp",
            name: "s",
            mode: "ANY",
            destinations: ["http://a:1", "udp://b:2"]
        ),
        .dropSubscription(database: "db", policy: "rp", name: "s"),
        .acquireLease(name: "continuous_querier", nodeID: 4, now: 1_700_000_000_000_000_000, duration: 60_000_000_000),
        .releaseLease(name: "continuous_querier", nodeID: 4),
    ]

    @Test("the list holds every command type")
    func everyType() {
        #expect(Set(Self.commands.map(\.typeName)) == Set(DataCommand.typeNames))
    }

    @Test("every command survives a log entry's encoding and decoding", arguments: commands)
    func logEntryRoundTrip(command: DataCommand) throws {
        let entry = LogEntry(term: 7, command: .data(command))
        let bytes = entry.encoded()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(bytes == Array(try encoder.encode(entry)))
        #expect(try LogEntry.decode(bytes + [0, 0]) == entry)
        let body = command.typeName
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""type":"\#(body)""#))
    }

    @Test("create-database with a policy survives a log entry")
    func createDatabaseWithPolicy() throws {
        let entry = LogEntry(
            term: 1,
            command: .createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "autogen", replicaN: 2))
        )
        #expect(try LogEntry.decode(entry.encoded()) == entry)
    }

    @Test("optional fields may be left out of a request")
    func optionalFields() throws {
        let body = #"{"type":"create-data-node","httpAddr":"a:8086","tcpAddr":"a:8088"}"#
        let command = try JSONDecoder().decode(MetaCommand.self, from: Data(body.utf8))
        #expect(command == .data(.createDataNode(httpAddress: "a:8086", tcpAddress: "a:8088", passive: false)))
        let policy = #"{"type":"create-retention-policy","database":"db","policy":{"name":"rp"}}"#
        #expect(
            try JSONDecoder().decode(MetaCommand.self, from: Data(policy.utf8))
                == .data(
                    .createRetentionPolicy(database: "db", policy: RetentionPolicySpec(name: "rp"), makeDefault: false)
                )
        )
    }
}
