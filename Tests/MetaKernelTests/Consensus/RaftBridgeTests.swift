import Foundation
import Logging
import NIOCore
import NIOPosix
import StaticHosts
import TestSupport
import Testing

@testable import MetaKernel

@Suite("libraft through our transport", .serialized)
struct RaftBridgeTests {
    struct Member {
        let node: RaftNode
        let store: MetaStore
        let address: String
    }

    func makeMember(id: UInt64, directory: String) -> Member {
        let port = freePort()
        let address = "127.0.0.1:\(port)"
        let store = MetaStore()
        var logger = Logger(label: "raft-\(id)")
        logger.logLevel = .warning
        let node = RaftNode(
            configuration: RaftNode.Configuration(
                id: id,
                address: address,
                directory: "\(directory)/\(id)",
                electionTimeout: .milliseconds(300),
                heartbeatInterval: .milliseconds(30),
                snapshotThreshold: 64,
                snapshotTrailing: 16
            ),
            stateMachine: store,
            dialer: RaftDialer(
                bindAddress: HostPort(host: "127.0.0.1", port: port),
                transport: PlainTransport(),
                discovery: StaticHostsDiscovery()
            ),
            logger: logger
        )
        return Member(node: node, store: store, address: address)
    }

    func propose(_ command: MetaCommand, on member: Member) async throws -> ApplyOutcome {
        let status = try await member.node.status()
        return try await member.node.apply(try LogEntry(term: status.term, command: command).encoded())
    }

    @Test("two nodes exchange entries, past a snapshot, through the custom transport")
    func replicate() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = makeMember(id: 1, directory: dir)
        let second = makeMember(id: 2, directory: dir)
        try await first.node.start(bootstrapping: true)
        try await second.node.start(bootstrapping: false)
        _ = try await eventually("node 1 to lead") { try await first.node.status().role == .leader ? true : nil }

        // Entries before the second node joins reach it through a snapshot (threshold 64).
        for i in 0..<100 { _ = try await propose(.createDatabase(name: "before-\(i)"), on: first) }
        try await first.node.add(id: 2, address: second.address)
        try await first.node.promote(id: 2)
        for i in 0..<20 { _ = try await propose(.createDatabase(name: "after-\(i)"), on: first) }

        _ = try await eventually("node 2 to catch up") {
            second.store.current.index == first.store.current.index ? true : nil
        }
        #expect(second.store.current == first.store.current)
        #expect(second.store.current.databases.count == 120)
        let status = try await second.node.status()
        #expect(status.servers.map(\.id) == [1, 2])
        #expect(status.servers.allSatisfy { $0.isVoter })
        #expect(status.leaderAddress == first.address)

        // A follower refuses proposals with RAFT_NOTLEADER.
        await #expect(throws: RaftError.self) { _ = try await propose(.createDatabase(name: "x"), on: second) }

        await second.node.stop()
        await first.node.stop()
    }

    /// A one-node cluster that leads, and a raw TCP connection to its Raft port.
    func leaderAndRawConnection(in dir: String) async throws -> (Member, any Channel) {
        let member = makeMember(id: 1, directory: dir)
        try await member.node.start(bootstrapping: true)
        _ = try await eventually("node 1 to lead") { try await member.node.status().role == .leader ? true : nil }
        let port = try HostPort(parsing: member.address).port
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        return (member, channel)
    }

    @Test("a peer that sends garbage is dropped and the node keeps serving")
    func garbagePreamble() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (member, channel) = try await leaderAndRawConnection(in: dir)
        try await channel.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        try await channel.closeFuture.get()  // the node hangs up on it

        #expect(try await propose(.createDatabase(name: "still-fine"), on: member).error == nil)
        #expect(member.store.current.database(named: "still-fine") != nil)
        await member.node.stop()
    }

    @Test("a peer with a valid preamble that is not in the configuration is refused")
    func strangerRefused() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (member, channel) = try await leaderAndRawConnection(in: dir)
        var buffer = ByteBuffer()
        RaftPreamble(id: 9, address: "127.0.0.1:1").encode(into: &buffer)
        try await channel.writeAndFlush(buffer)
        try await channel.closeFuture.get()  // refused: id 9 is not a member
        #expect(try await propose(.createDatabase(name: "unaffected"), on: member).error == nil)
        #expect(try await member.node.status().term == 1)
        await member.node.stop()
    }

    @Test("a stopped node answers RAFT_SHUTDOWN instead of hanging")
    func stoppedNode() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let member = makeMember(id: 1, directory: dir)
        try await member.node.start(bootstrapping: true)
        await member.node.stop()
        await member.node.stop()
        await #expect(throws: RaftError.self) { _ = try await member.node.status() }
    }
}

@Suite("Raft connection preamble")
struct RaftPreambleTests {
    @Test("encodes and decodes, byte by byte")
    func roundTrip() throws {
        let preamble = RaftPreamble(id: 7, address: "enterprise-meta-01:8089")
        var buffer = ByteBuffer()
        preamble.encode(into: &buffer)
        buffer.writeString("raft bytes")
        var partial = ByteBuffer()
        var decoded: RaftPreamble?
        while decoded == nil, let byte = buffer.readInteger(as: UInt8.self) {
            partial.writeInteger(byte)
            decoded = try RaftPreamble.decode(from: &partial)
        }
        #expect(decoded == preamble)
        #expect(String(buffer: buffer) == "raft bytes")
    }

    @Test(
        "refuses what is not a preamble of ours",
        arguments: [
            Array("GET / HTTP/1.1\r\n".utf8),
            Array("IMETARFT".utf8) + [0, 0, 0, 9] + Array(repeating: 0, count: 10),
            Array("IMETARFT".utf8) + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 1] + [0xFF, 0xFF],
            Array("IMETARFT".utf8) + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 0] + [0, 1, 65],
        ]
    )
    func refuses(bytes: [UInt8]) {
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: RaftPreamble.Invalid.self) { _ = try RaftPreamble.decode(from: &buffer) }
    }
}
