import CPosix
import Foundation
import Logging
import StaticHosts
import TestSupport
import Testing

@testable import MetaKernel

/// Closing a log segment's writer (at each snapshot here) destroys its kernel AIO context off
/// the Raft loop (CPosix/aio_reaper.c), and the log stays whole across a restart.
@Suite("io_destroy off the Raft loop")
struct DeferredIODestroyTests {
    func node(_ store: MetaStore, directory: String, port: Int) -> RaftNode {
        var logger = Logger(label: "raft")
        logger.logLevel = .warning
        return RaftNode(
            configuration: RaftNode.Configuration(
                id: 1,
                address: "127.0.0.1:\(port)",
                directory: directory,
                electionTimeout: .milliseconds(300),
                heartbeatInterval: .milliseconds(30),
                snapshotThreshold: 32,
                snapshotTrailing: 8,
                quietDelay: .milliseconds(2),
                snapshotQuietDelay: .milliseconds(20)
            ),
            stateMachine: store,
            dialer: RaftDialer(
                bindAddress: HostPort(host: "127.0.0.1", port: port),
                transport: PlainTransport(),
                discovery: StaticHostsDiscovery(),
                authentication: .none
            ),
            logger: logger
        )
    }

    @Test(
        "snapshots close segments; their AIO contexts are destroyed by the reaper thread; a restart reads every write"
    )
    func segmentsCloseOffTheLoop() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freePort()
        let raft = node(MetaStore(), directory: dir, port: port)
        try await raft.start(bootstrapping: true)
        _ = try await eventually("the node to lead") { try await raft.status().role == .leader ? true : nil }
        let before = cposix_io_destroy_deferred()
        for round in 0..<4 {
            for i in 0..<40 {
                let status = try await raft.status()
                _ = try await raft.apply(
                    LogEntry(term: status.term, command: .createDatabase(name: "db-\(round)-\(i)")).encoded()
                )
            }
            // A pause lets the node snapshot (32 entries past the last one), which finalizes the
            // open segment and closes its writer.
            _ = try await eventually("a snapshot after round \(round)") {
                let status = try await raft.status()
                return status.snapshotIndex + 8 >= status.lastApplied ? true : nil
            }
        }
        _ = try await eventually("the reaper to destroy the closed segments' contexts") {
            cposix_io_destroy_deferred() >= before + 2 ? true : nil
        }
        await raft.stop()

        let again = MetaStore()
        let restarted = node(again, directory: dir, port: port)
        try await restarted.start(bootstrapping: false)
        _ = try await eventually("the restarted node to apply all 160") {
            again.current.databases.count == 160 ? true : nil
        }
        await restarted.stop()
    }
}
