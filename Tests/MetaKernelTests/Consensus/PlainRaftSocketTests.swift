import Glibc
import TestSupport
import Testing

@testable import MetaKernel

@Suite("plain Raft dial without NIO")
struct PlainRaftSocketTests {
    /// A listening socket on 127.0.0.1 and its port (below the ephemeral range, so a later
    /// connection to it cannot meet itself); the backlog completes connections nobody accepts.
    /// Close-on-exec: a process another test spawns meanwhile must not keep it listening.
    /// Not `listening`, the socket only holds the port: connections to it are refused, and no
    /// other test can take the port meanwhile.
    func listener(listening: Bool = true) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(freePort()).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0)
        if listening { try #require(listen(fd, 8) == 0) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The next connection in the backlog, close-on-exec (Glibc's module has no accept4).
    func acceptConnection(_ listener: Int32) -> Int32 {
        let fd = accept(listener, nil, nil)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }

    @Test("bytes go both ways once connected")
    func roundTrip() throws {
        let server = try listener()
        defer { close(server.fd) }
        let deadline = ContinuousClock.now + .seconds(5)
        let client = try PlainRaftSocket.connect(ip: "127.0.0.1", port: server.port, before: deadline)
        defer { close(client) }
        let accepted = acceptConnection(server.fd)
        try #require(accepted >= 0)
        defer { close(accepted) }
        try PlainRaftSocket.write(Array("preamble".utf8), to: client, before: deadline)
        #expect(try PlainRaftSocket.read(8, from: accepted, before: deadline) == Array("preamble".utf8))
        try PlainRaftSocket.write([1, 2, 3], to: accepted, before: deadline)
        #expect(try PlainRaftSocket.read(3, from: client, before: deadline) == [1, 2, 3])
    }

    @Test("a closed port, a peer that hangs up and one that never answers each fail in one line")
    func failures() throws {
        let server = try listener()
        let port = server.port
        let deadline = ContinuousClock.now + .seconds(5)

        // Never answers: the read gives up at its deadline, not before.
        let silent = try PlainRaftSocket.connect(ip: "127.0.0.1", port: port, before: deadline)
        let silentPeer = acceptConnection(server.fd)
        let started = ContinuousClock.now
        #expect {
            _ = try PlainRaftSocket.read(1, from: silent, before: started + .milliseconds(300))
        } throws: { "\($0)" == "timed out waiting for the Raft handshake answer" }
        #expect(ContinuousClock.now - started >= .milliseconds(290))
        close(silent)
        close(silentPeer)

        // Hangs up during the handshake.
        let client = try PlainRaftSocket.connect(ip: "127.0.0.1", port: port, before: deadline)
        let accepted = acceptConnection(server.fd)
        close(accepted)
        #expect {
            _ = try PlainRaftSocket.read(4, from: client, before: deadline)
        } throws: { "\($0)".hasPrefix("the peer closed the connection during the Raft handshake") }
        close(client)

        close(server.fd)

        // Nobody listens: a port held by a socket that does not listen (a closed one could be
        // taken by a test running meanwhile).
        let closed = try listener(listening: false)
        defer { close(closed.fd) }
        #expect {
            _ = try PlainRaftSocket.connect(ip: "127.0.0.1", port: closed.port, before: deadline)
        } throws: { "\($0)" == "connect to 127.0.0.1:\(closed.port): Connection refused" }
        #expect {
            _ = try PlainRaftSocket.connect(ip: "meta1", port: port, before: deadline)
        } throws: { "\($0)".hasPrefix("meta1 is not an IP address") }
    }
}
