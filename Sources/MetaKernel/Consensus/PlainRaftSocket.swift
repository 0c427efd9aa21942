#if canImport(Glibc)
    import Glibc
#endif

/// The dialer's socket calls for transports with ``RaftStreamCapability/rawDescriptor`` (plain
/// TCP): a non-blocking POSIX socket and `poll`, so that libraft can be handed the connected
/// socket itself. ``RaftDialer`` runs ``RaftHandshake/Dialer`` over them.
///
/// A connection made through NIO reaches libraft through a socketpair and a relay thread that
/// copies bytes between the two (``RaftDialer/bridge(_:handOff:)``), because NIO cannot give a
/// connected socket away. On a plain connection there is nothing to add between libraft and the
/// socket, and what libraft sends on a connection it dialled (AppendEntries from a leader,
/// answers from a follower) is on every write's path: without the relay each message is one
/// thread hand-off and two system calls shorter. The listener never sends after its hello, so
/// nothing is left unread when the handshake is over. Relayed transports (TLS) keep the relay.
///
/// Every call blocks its thread: run them on a thread of their own, never on the cooperative pool.
enum PlainRaftSocket {
    /// Why a connection or a handshake step failed, in one line.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The `errno` behind it, or 0.
        var code: Int32 = 0
    }

    /// Connects to `ip:port` (a numeric IPv4 or IPv6 address) before `deadline`.
    /// - Returns: a connected, non-blocking socket with `TCP_NODELAY`, owned by the caller.
    static func connect(ip: String, port: Int, before deadline: ContinuousClock.Instant) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let rv = getaddrinfo(ip, String(port), &hints, &found)
        guard rv == 0, let info = found else {
            throw Failure(description: "\(ip) is not an IP address: \(String(cString: gai_strerror(rv)))")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(
            info.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard fd >= 0 else { throw failure("socket") }
        var connected = false
        defer { if !connected { closeDescriptor(fd) } }
        if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw failure("connect to \(ip):\(port)") }
            try wait(fd, for: Int16(POLLOUT), before: deadline, doing: "connecting to \(ip):\(port)")
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { throw failure("getsockopt") }
            guard error == 0 else {
                throw Failure(description: "connect to \(ip):\(port): \(String(cString: strerror(error)))")
            }
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        connected = true
        return fd
    }

    /// Writes all of `bytes` before `deadline`.
    static func write(_ bytes: [UInt8], to fd: Int32, before deadline: ContinuousClock.Instant) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                try wait(fd, for: Int16(POLLOUT), before: deadline, doing: "sending the Raft handshake")
            } else {
                throw failure("sending the Raft handshake")
            }
        }
    }

    /// Reads exactly `count` bytes before `deadline`.
    static func read(_ count: Int, from fd: Int32, before deadline: ContinuousClock.Instant) throws(Failure) -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, count - received, 0) }
            if n > 0 {
                received += n
            } else if n == 0 {
                throw Failure(description: RaftHandshake.Dialer.listenerHungUp)
            } else if errno == EAGAIN || errno == EINTR {
                try wait(fd, for: Int16(POLLIN), before: deadline, doing: "waiting for the Raft handshake answer")
            } else {
                throw failure("reading the Raft handshake answer")
            }
        }
        return bytes
    }

    private static func wait(
        _ fd: Int32,
        for events: Int16,
        before deadline: ContinuousClock.Instant,
        doing what: String
    ) throws(Failure) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw Failure(description: "timed out \(what)") }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let rv = poll(&entry, 1, Int32(min(max(left.milliseconds, 1), Int64(Int32.max))))
            if rv > 0 { return }
            if rv < 0 && errno != EINTR { throw failure(what) }
        }
    }

    /// `what` failed, with `errno`'s text.
    static func failure(_ what: String) -> Failure {
        let code = errno
        return Failure(description: "\(what): \(String(cString: strerror(code)))", code: code)
    }
}
