import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

private let lowestPort = 20000
private let portSpan = 32768 - lowestPort
/// Where this process starts in the range (random, so that concurrent test processes rarely meet).
private let firstCandidate = Int.random(in: 0..<portSpan)
/// Ports tried so far by this process, so that two tests never get the same one.
private let nextCandidate = Atomic<Int>(0)

/// A TCP port on 127.0.0.1 that was free a moment ago, for a node a test starts.
///
/// The ports come from 20000–32767, below Linux's ephemeral range (32768–60999): a port the
/// kernel picked with bind(0) is in that range, and another test's outgoing connection can
/// take it before the node binds it ("Address already in use"). Within the process each
/// port is handed out once.
public func freePort() -> Int {
    for _ in 0..<portSpan {
        let offset = nextCandidate.wrappingAdd(1, ordering: .relaxed).oldValue
        let port = lowestPort + (firstCandidate + offset) % portSpan
        if canBind(port) { return port }
    }
    preconditionFailure("no free port in \(lowestPort)-32767")
}

private func canBind(_ port: Int) -> Bool {
    // Close-on-exec: a node another test spawns in this moment would otherwise keep the port
    // bound for its whole life, and the node this port is for would fail with EADDRINUSE.
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    precondition(fd >= 0, "socket failed")
    defer { close(fd) }
    // SO_REUSEADDR too: a child forked before this socket closes holds a copy of it until its
    // exec, and a bound socket without it would refuse the node's own bind meanwhile (the
    // node's listeners set SO_REUSEADDR, which only helps when every socket on the port has it).
    var one: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
