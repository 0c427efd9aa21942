import Foundation
import NIOCore
import Testing

@testable import MetaKernel

@Suite("Command, log entry and snapshot codecs")
struct CodecTests {
    @Test(
        "commands round-trip through JSON",
        arguments: [
            MetaCommand.createDatabase(name: "db0"), .dropDatabase(name: "db0"),
            .createMetaNode(httpAddress: "h:8091", tcpAddress: "h:8089", rand: .max), .deleteMetaNode(id: 3),
        ]
    )
    func commandRoundTrip(command: MetaCommand) throws {
        let data = try JSONEncoder().encode(command)
        #expect(try JSONDecoder().decode(MetaCommand.self, from: data) == command)
    }

    @Test("the wire form carries a type discriminator")
    func wireForm() throws {
        let command = try JSONDecoder().decode(
            MetaCommand.self,
            from: Data(#"{"type":"create-database","name":"x"}"#.utf8)
        )
        #expect(command == .createDatabase(name: "x"))
    }

    @Test("an unknown command type names the types that exist")
    func unknownType() {
        #expect {
            try JSONDecoder().decode(MetaCommand.self, from: Data(#"{"type":"nope"}"#.utf8))
        } throws: { error in
            DecodingErrorText.describe(error)
                == "field \"type\": unknown command type \"nope\" (use one of \(MetaCommand.typeNames.joined(separator: ", ")))"
        }
    }

    @Test("a missing field is named")
    func missingField() {
        #expect {
            try JSONDecoder().decode(MetaCommand.self, from: Data(#"{"type":"create-database"}"#.utf8))
        } throws: { error in
            DecodingErrorText.describe(error) == "missing field \"name\""
        }
    }

    @Test(
        "an entry built from an encoded command has JSONEncoder's exact bytes",
        arguments: [
            MetaCommand.createDatabase(name: "db/\"0\"\u{212B}"), .dropDatabase(name: "x"),
            .createMetaNode(httpAddress: "h:8091", tcpAddress: "h:8089", rand: .max), .deleteMetaNode(id: 3),
        ]
    )
    func splicedEntry(command: MetaCommand) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let whole = LogEntry(term: 123_456_789_012, command: command)
        let spliced = LogEntry.encoded(commandJSON: LogEntry.encode(command), term: whole.term)
        #expect(spliced == Array(try encoder.encode(whole)))
        #expect(try LogEntry.decode(spliced) == whole)
    }

    @Test("a snapshot whose databases are out of order is refused")
    func unsortedSnapshot() throws {
        var data = MetaData()
        data.databases = [DatabaseInfo(name: "b"), DatabaseInfo(name: "a")]
        let bytes = try SnapshotCodec.encode(data)
        #expect(throws: SnapshotError.self) { _ = try SnapshotCodec.decode(bytes) }
    }

    @Test("the API's JSON is encoded once per change and follows every change")
    func cachedJSON() async throws {
        let store = MetaStore()
        let first = await store.currentJSON()
        let again = await store.currentJSON()
        #expect(first.readableBytesView.elementsEqual(again.readableBytesView))
        let entry = LogEntry(term: 1, command: .createDatabase(name: "db")).encoded()
        _ = entry.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        let concurrent = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 { group.addTask { Array(await store.currentJSON().readableBytesView) } }
            return await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(concurrent.count == 1)
        let decoded = try JSONDecoder().decode(MetaData.self, from: Data(concurrent.first!))
        #expect(decoded == store.current)
        #expect(decoded.database(named: "db") != nil)
    }

    @Test("log entries decode with Raft's zero padding")
    func paddedEntry() throws {
        let entry = LogEntry(term: 4, command: .createDatabase(name: "db"))
        var bytes = entry.encoded()
        bytes += [0, 0, 0, 0, 0]
        #expect(try LogEntry.decode(bytes) == entry)
    }

    @Test("snapshots round-trip, padding included")
    func snapshotRoundTrip() throws {
        var data = MetaData()
        _ = data.apply(.createMetaNode(httpAddress: "h:8091", tcpAddress: "h:8089", rand: 5), term: 2, index: 2)
        _ = data.apply(.createDatabase(name: "db"), term: 2, index: 3)
        let bytes = try SnapshotCodec.encode(data) + [0, 0, 0]
        #expect(try SnapshotCodec.decode(bytes) == data)
    }

    @Test("a damaged snapshot is refused")
    func damagedSnapshot() throws {
        #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(Array("garbage".utf8)) }
        var bytes = try SnapshotCodec.encode(MetaData())
        bytes.removeLast(3)
        #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(bytes) }
    }

    @Test("MetaStore keeps its state when a snapshot does not decode")
    func storeRestoreRefusal() throws {
        let store = MetaStore()
        let entry = LogEntry(term: 1, command: .createDatabase(name: "keep")).encoded()
        _ = entry.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        let garbage = Array("influxd-meta snapshot v1\n{not json".utf8)
        #expect(throws: SnapshotError.self) { try garbage.withUnsafeBytes { try store.restore($0) } }
        #expect(store.current.databases.map(\.name) == ["keep"])
    }

    @Test("MetaStore skips an entry that does not decode but advances the index")
    func storeBadEntry() {
        let store = MetaStore()
        let outcome = Array("zz".utf8).withUnsafeBytes { store.apply(entry: $0, index: 7) }
        #expect(outcome.error == "log entry 7 does not decode; skipped")
        #expect(store.current.index == 7)
    }

    @Test("long-pollers wake when the index passes theirs, and on cancellation")
    func longPoll() async throws {
        let store = MetaStore()
        let waiter = Task { await store.waitForChange(after: 0) }
        while store.waiterCount == 0 { await Task.yield() }
        let entry = LogEntry(term: 1, command: .createDatabase(name: "x")).encoded()
        _ = entry.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        #expect(await waiter.value.index == 1)

        let cancelled = Task { await store.waitForChange(after: 10) }
        while store.waiterCount == 0 { await Task.yield() }
        cancelled.cancel()
        #expect(await cancelled.value.index == 1)
        #expect(store.waiterCount == 0)
    }
}

@Suite("MetaStore never goes back")
struct MetaStoreMonotonicTests {
    func entry(_ command: MetaCommand) -> [UInt8] {
        LogEntry(term: 1, command: command).encoded()
    }

    @Test("a replayed entry that was already applied is skipped")
    func replaySkipped() throws {
        let store = MetaStore()
        let create = entry(.createDatabase(name: "a"))
        let drop = entry(.dropDatabase(name: "a"))
        _ = create.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        _ = drop.withUnsafeBytes { store.apply(entry: $0, index: 2) }
        // A restarted Raft instance replays its log from the start.
        let replayed = create.withUnsafeBytes { store.apply(entry: $0, index: 1) }
        #expect(replayed.error == "entry 1 was already applied")
        #expect(store.current.index == 2)
        #expect(store.current.databases.isEmpty)
    }

    @Test("an older snapshot does not replace newer state; a newer one does")
    func olderSnapshotIgnored() throws {
        let store = MetaStore()
        var old = MetaData()
        _ = old.apply(.createDatabase(name: "old"), term: 1, index: 5)
        var new = MetaData()
        _ = new.apply(.createDatabase(name: "new"), term: 1, index: 9)
        try SnapshotCodec.encode(new).withUnsafeBytes { try store.restore($0) }
        try SnapshotCodec.encode(old).withUnsafeBytes { try store.restore($0) }
        #expect(store.current == new)
        var newer = new
        _ = newer.apply(.createDatabase(name: "newer"), term: 2, index: 12)
        try SnapshotCodec.encode(newer).withUnsafeBytes { try store.restore($0) }
        #expect(store.current == newer)
    }
}
