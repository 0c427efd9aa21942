#if canImport(Glibc)
    import Glibc
#endif

/// A plain blocking TCP client for tests that speak a wire protocol byte by byte.
/// Every receive waits at most the timeout given at connect time. Blocking calls belong on a
/// thread of their own (``onOwnThread(_:)``); a test hands the socket from one such call to the
/// next, never to two at once, which is what its `Sendable` claim rests on.
public final class BlockingSocket: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`.
    public init(port: Int, timeoutSeconds: Int = 5) throws(SocketError) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(fd)
            throw SocketError("connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`.
    public func send(_ bytes: [UInt8]) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw SocketError("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Receives exactly `count` bytes, or throws when the peer closes or the timeout passes.
    public func receive(_ count: Int) throws(SocketError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got == 0 { throw SocketError("closed by peer after \(offset) of \(count) bytes") }
            guard got > 0 else { throw SocketError("recv: errno \(errno) after \(offset) of \(count) bytes") }
            offset += got
        }
        return bytes
    }

    /// Waits until the peer closes the connection; `false` when it is still open at the timeout.
    public func waitForClose() -> Bool {
        var byte: UInt8 = 0
        while true {
            let got = recv(fd, &byte, 1, 0)
            if got == 0 { return true }
            if got < 0 { return errno == ECONNRESET }
        }
    }

    /// A socket call failed.
    public struct SocketError: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
