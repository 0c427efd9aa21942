#if canImport(Glibc)
    import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 standing in for a data node's RPC port (8088): the
/// kernel completes connections into its backlog, which is all `add-data`'s probe checks.
/// Closed when released, or by ``close()``.
public final class FakeDataNode: @unchecked Sendable {
    // Invariant: `fd` is written only by init and close(), from one test task.
    private var fd: Int32
    /// The port it listens on.
    public let port: Int

    /// Listens on a free port.
    public init() throws(BlockingSocket.SocketError) {
        port = freePort()
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BlockingSocket.SocketError("socket: errno \(errno)") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw BlockingSocket.SocketError("bind/listen on port \(port): errno \(errno)")
        }
    }

    /// `127.0.0.1:port`.
    public var address: String { "127.0.0.1:\(port)" }

    /// Stops listening: connections are refused from now on.
    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
