#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A connected pair of Unix stream sockets: one end for libraft (as a `uv_pipe`), one for NIO.
struct SocketPair {
    var raftEnd: Int32
    var nioEnd: Int32

    struct Failure: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { "socketpair: \(String(cString: strerror(errno)))" }
    }

    static func make() throws(Failure) -> SocketPair {
        var fds: [Int32] = [-1, -1]
        let rv = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        guard rv == 0 else { throw Failure(errno: errno) }
        return SocketPair(raftEnd: fds[0], nioEnd: fds[1])
    }
}
