import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server on `127.0.0.1` that records each request's head and answers every
/// request with one fixed response, or, when `answering` is false, accepts connections and
/// never answers (a hung node). Runs on a thread of its own until ``stop()``.
public final class RecordingHTTPServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let descriptor: Int32
    private let heads = Mutex<[String]>([])
    private let stopped = Mutex(false)

    /// Listens on a free port and starts serving.
    /// - Parameters:
    ///   - body: The JSON body of every `200` answer.
    ///   - answering: `false` accepts and holds every connection without answering.
    ///   - bodyForPort: Makes the body from the port bound, for answers that name it.
    public init(
        body: String = "{}",
        answering: Bool = true,
        bodyForPort: ((Int) -> String)? = nil
    ) throws(BlockingSocket.SocketError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BlockingSocket.SocketError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw BlockingSocket.SocketError("bind/listen on 127.0.0.1: errno \(errno)")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let body = bodyForPort?(port) ?? body
        let response = Array(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)").utf8
        )
        let thread = Thread { [self] in serve(response: answering ? response : nil) }
        thread.start()
    }

    /// The request heads received so far (request line and headers, CRLF-separated).
    public var requests: [String] { heads.withLock { $0 } }

    /// The value of header `name` (case-insensitive) in each request received so far.
    public func header(_ name: String) -> [String] {
        requests.compactMap { head in
            head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Stops accepting; connections held open are closed.
    public func stop() {
        stopped.withLock { $0 = true }
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private func serve(response: [UInt8]?) {
        var held: [Int32] = []
        defer {
            held.forEach { close($0) }
            close(descriptor)
        }
        while !stopped.withLock({ $0 }) {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { continue }
            guard let response else {
                held.append(connection)
                continue
            }
            if let head = readHead(connection) { heads.withLock { $0.append(head) } }
            response.withUnsafeBytes { _ = send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(connection)
        }
    }

    /// Reads up to the blank line that ends a request head; the body, if any, is left unread.
    private func readHead(_ connection: Int32) -> String? {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let got = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { return nil }
            bytes += chunk[..<got]
            if let end = String(decoding: bytes, as: UTF8.self).range(of: "\r\n\r\n") {
                return String(String(decoding: bytes, as: UTF8.self)[..<end.lowerBound])
            }
        }
        return nil
    }
}
