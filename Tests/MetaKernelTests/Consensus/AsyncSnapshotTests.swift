import Dispatch
import Foundation
import Logging
import StaticHosts
import Synchronization
import TestSupport
import Testing

@testable import MetaKernel

/// Snapshots are encoded on libuv's thread pool (libraft's FSM version 3): a slow encoding
/// never holds up the writes that commit meanwhile.
@Suite("snapshots encoded off the Raft loop", .serialized, .timeLimit(.minutes(2)))
struct AsyncSnapshotTests {
    /// A MetaStore whose snapshot encoding waits at a gate until the test opens it.
    final class GatedStore: RaftStateMachine {
        let store = MetaStore()
        let gate = DispatchSemaphore(value: 0)
        let entered = Mutex(0)

        func apply(entry: UnsafeRawBufferPointer, index: UInt64) -> ApplyOutcome {
            store.apply(entry: entry, index: index)
        }

        func snapshot() -> @Sendable () throws -> [UInt8] {
            let encode = store.snapshot()
            return { [self] in
                entered.withLock { $0 += 1 }
                gate.wait()
                return try encode()
            }
        }

        func restore(_ snapshot: UnsafeRawBufferPointer) throws { try store.restore(snapshot) }
    }

    func node(_ machine: any RaftStateMachine, directory: String, port: Int) -> RaftNode {
        var logger = Logger(label: "raft")
        logger.logLevel = .warning
        return RaftNode(
            configuration: RaftNode.Configuration(
                id: 1,
                address: "127.0.0.1:\(port)",
                directory: directory,
                electionTimeout: .milliseconds(300),
                heartbeatInterval: .milliseconds(30),
                snapshotThreshold: 64,
                snapshotTrailing: 16,
                quietDelay: .milliseconds(2),
                snapshotQuietDelay: .milliseconds(100)
            ),
            stateMachine: machine,
            dialer: RaftDialer(
                bindAddress: HostPort(host: "127.0.0.1", port: port),
                transport: PlainTransport(),
                discovery: StaticHostsDiscovery(),
                authentication: .none
            ),
            logger: logger
        )
    }

    func propose(_ name: String, on node: RaftNode) async throws -> UInt64 {
        let status = try await node.status()
        return try await node.apply(LogEntry(term: status.term, command: .createDatabase(name: name)).encoded()).index
    }

    @Test("writes commit while a snapshot is being encoded; the snapshot holds the state it was taken at")
    func writesGoOnDuringEncoding() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freePort()
        let machine = GatedStore()
        let raft = node(machine, directory: dir, port: port)
        try await raft.start(bootstrapping: true)
        _ = try await eventually("the node to lead") { try await raft.status().role == .leader ? true : nil }

        var last = 0 as UInt64
        for i in 0..<100 { last = try await propose("before-\(i)", on: raft) }
        _ = try await eventually("a snapshot to start encoding") { machine.entered.withLock { $0 } > 0 ? true : nil }

        // The encoding waits at the gate: writes must still commit (a loop-thread encoding
        // would hold every one of them until the gate opens).
        let done = Mutex<(first: UInt64, last: UInt64)?>(nil)
        let during = Task {
            var indexes: [UInt64] = []
            for i in 0..<20 { indexes.append(try await propose("during-\(i)", on: raft)) }
            done.withLock { $0 = (indexes[0], indexes[19]) }
        }
        let finished = try await eventually("20 writes during the encoding", timeout: .seconds(10)) {
            done.withLock { $0 }
        }
        try await during.value
        #expect(finished.first > last)
        #expect(try await raft.status().snapshotIndex == 0)

        machine.gate.signal()
        let taken = try await eventually("the snapshot to be stored") {
            let index = try await raft.status().snapshotIndex
            return index > 0 ? index : nil
        }
        // Captured before the writes made during the encoding (at the quiet moment after the
        // first 100, or at a pause within them on a loaded machine).
        #expect(
            taken >= 64 && taken < finished.first,
            "snapshot at \(taken): not a state captured before write \(finished.first)"
        )
        for _ in 0..<4 { machine.gate.signal() }
        await raft.stop()

        // Restarted from disk (the stored snapshot, then the log after it): every write is there.
        let again = MetaStore()
        let restarted = node(again, directory: dir, port: port)
        try await restarted.start(bootstrapping: false)
        _ = try await eventually("the restarted node to apply all") {
            again.current.databases.count == 120 ? true : nil
        }
        await restarted.stop()
    }
}
