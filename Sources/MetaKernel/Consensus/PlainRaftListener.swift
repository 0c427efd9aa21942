import CPosix
import Glibc
import NIOCore
import Synchronization

/// The listener's side of plain-TCP Raft connections, made with POSIX calls on a thread of its
/// own, so that libraft is handed each accepted socket itself, as ``PlainRaftSocket`` does for
/// the sockets it dials: what libraft receives (AppendEntries on a follower, answers on the
/// leader) is on every write's path, and NIO, which cannot give a socket away, would add a relay.
///
/// The one thread does three things over `poll`:
/// - accepts connections;
/// - runs each handshake's ``RaftHandshake/Listener``, reading no more than the bytes it asks
///   for, so that nothing libraft's peer sends after its proof is taken.
///   A peer that sends slowly or not at all holds no thread and is dropped after
///   ``Configuration/handshakeTimeout``;
/// - watches the connections it handed over: a duplicate of each socket is polled for the
///   peer's hang-up (`POLLRDHUP`), which is how the node learns that a peer's process has gone
///   (``RaftNode/peerConnectionsClosed(id:)``). Every 100 ms it also checks that libraft still
///   holds the socket (the same inode behind libraft's descriptor) and closes the duplicate once
///   libraft has closed its own, so that the peer sees the hang-up.
final class PlainRaftListener: Sendable {
    /// Listener settings.
    struct Configuration: Sendable {
        /// What both ends must prove (`internal-shared-secret`).
        var authentication: RaftAuthentication
        /// A peer that has not finished the handshake by then is dropped.
        var handshakeTimeout = Duration.nanoseconds(RaftAcceptHandler.handshakeTimeout.nanoseconds)
    }

    /// What the thread reports.
    struct Events: Sendable {
        /// A peer finished the handshake; `fd` is the connected, non-blocking socket, now the
        /// callee's.
        var handshaken: @Sendable (_ fd: Int32, _ preamble: RaftPreamble) -> Void
        /// A connection was refused: `peer` is its IP address, `why` one line.
        var refused: @Sendable (_ peer: String, _ why: String) -> Void
        /// The listener cannot do its work for now (it retries): one line saying what to do.
        var trouble: @Sendable (_ message: String) -> Void
    }

    private struct Watched: Sendable {
        var fd: Int32
        var duplicate: Int32
        var device: UInt64
        var inode: UInt64
        var closed: @Sendable () -> Void
    }

    private struct Shared {
        var watched: [Watched] = []
        var stopping = false
        /// Set, and `wake` closed, under the lock: every write to `wake` checks it under the
        /// same lock, so none reaches a closed (or reused) descriptor.
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let configuration: Configuration
    private let listening: Int32
    /// An eventfd that wakes the thread's `poll`; written only through ``wakeUp(_:)``.
    let wake: Int32
    private let shared = Mutex(Shared())
    /// The port bound (a configuration may ask for port 0).
    let port: Int

    /// Binds and listens on `host:port` (all addresses when `host` is empty).
    init(host: String, port: Int, configuration: Configuration) throws(PlainRaftSocket.Failure) {
        self.configuration = configuration
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let rv = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &found)
        guard rv == 0, let info = found else {
            throw PlainRaftSocket.Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(rv)))")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(
            info.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard fd >= 0 else { throw PlainRaftSocket.failure("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let error = PlainRaftSocket.failure("bind")
            closeDescriptor(fd)
            throw error
        }
        guard listen(fd, SOMAXCONN) == 0 else {
            let error = PlainRaftSocket.failure("listen")
            closeDescriptor(fd)
            throw error
        }
        let wake = cposix_eventfd()
        guard wake >= 0 else {
            let error = PlainRaftSocket.failure("eventfd")
            closeDescriptor(fd)
            throw error
        }
        self.listening = fd
        self.wake = wake
        self.port = Self.localPort(of: fd)
    }

    /// Starts the thread.
    /// - Returns: 0, or `pthread_create`'s error (then call ``close()``).
    func start(_ events: Events) -> Int32 {
        let failed = LoopThread.trySpawn(name: "raft-listen") { [self] in run(events) }
        if failed != 0 { finish(pending: [:]) }
        return failed
    }

    /// Watches `fd`, a socket this listener accepted that libraft now holds; `closed` runs (on
    /// the listener's thread) when the peer hangs up or libraft closes it, never after
    /// ``close()``. Call on the thread that handed the socket to libraft, before libraft can
    /// close it.
    /// - Returns: whether the socket is watched (`false` when stopping or out of descriptors).
    func watch(_ fd: Int32, closed: @escaping @Sendable () -> Void) -> Bool {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        let duplicate = cposix_dup_cloexec(fd)
        guard duplicate >= 0 else { return false }
        let watched = Watched(
            fd: fd,
            duplicate: duplicate,
            device: UInt64(status.st_dev),
            inode: UInt64(status.st_ino),
            closed: closed
        )
        let added = shared.withLock { shared in
            guard !shared.stopping else { return false }
            shared.watched.append(watched)
            wakeUp(shared)
            return true
        }
        guard added else {
            closeDescriptor(duplicate)
            return false
        }
        return true
    }

    /// Stops accepting; safe from any thread, more than once (only the first call acts).
    /// Sockets already handed to libraft stay open.
    func close() {
        shared.withLock { shared in
            guard !shared.stopping else { return }
            shared.stopping = true
            wakeUp(shared)
        }
    }

    /// Returns once the thread has closed the listening socket.
    func closed() async {
        await withCheckedContinuation { continuation in
            let done = shared.withLock { shared in
                if !shared.finished { shared.waiters.append(continuation) }
                return shared.finished
            }
            if done { continuation.resume() }
        }
    }

    /// Wakes the thread; call with the lock held (`shared` is the locked state).
    private func wakeUp(_ shared: borrowing Shared) {
        guard !shared.finished else { return }
        var one: UInt64 = 1
        _ = Glibc.write(wake, &one, MemoryLayout<UInt64>.size)
    }

    // MARK: The thread

    private struct Handshake {
        var peer: String
        var deadline: ContinuousClock.Instant
        var machine: RaftHandshake.Listener
    }

    private func run(_ events: Events) {
        var handshakes: [Int32: Handshake] = [:]
        var lastCheck = ContinuousClock.now
        var acceptPausedUntil: ContinuousClock.Instant?
        while true {
            let (watched, stopping) = shared.withLock { ($0.watched, $0.stopping) }
            if stopping { break }
            let accepting = acceptPausedUntil.map { $0 <= .now } ?? true
            var polled = [
                pollfd(fd: accepting ? listening : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let connecting = Array(handshakes.keys)
            polled += connecting.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            polled += watched.map { pollfd(fd: $0.duplicate, events: cposix_pollrdhup, revents: 0) }
            if poll(&polled, nfds_t(polled.count), 100) < 0 {
                // Out of memory, say: keep the listener, and say so.
                if errno != EINTR {
                    events.trouble("poll: \(String(cString: strerror(errno))); retrying every 100 ms")
                    usleep(100_000)
                }
                continue
            }
            if polled[1].revents != 0 {
                var count: UInt64 = 0
                _ = read(wake, &count, MemoryLayout<UInt64>.size)
            }
            if polled[0].revents != 0 {
                acceptPausedUntil = acceptAll(into: &handshakes, events: events)
            }
            for (i, fd) in connecting.enumerated() where polled[2 + i].revents != 0 {
                advance(fd, in: &handshakes, events: events)
            }
            var gone = Set<Int32>()
            for (i, entry) in watched.enumerated() where polled[2 + connecting.count + i].revents != 0 {
                gone.insert(entry.duplicate)
            }
            let now = ContinuousClock.now
            if now - lastCheck >= .milliseconds(100) {
                lastCheck = now
                for entry in watched where !Self.libraftHolds(entry) { gone.insert(entry.duplicate) }
                for (fd, handshake) in handshakes where handshake.deadline < now {
                    handshakes[fd] = nil
                    closeDescriptor(fd)
                }
            }
            if !gone.isEmpty { unwatch(gone) }
        }
        finish(pending: handshakes)
    }

    /// Accepts every waiting connection. Returns when to accept again if out of descriptors.
    private func acceptAll(
        into handshakes: inout [Int32: Handshake],
        events: Events
    ) -> ContinuousClock.Instant? {
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    cposix_accept(listening, $0, &length)
                }
            }
            if fd < 0 {
                switch errno {
                case EAGAIN, EINTR, ECONNABORTED: return nil
                case EMFILE, ENFILE:
                    events.trouble(
                        "cannot accept connections: \(String(cString: strerror(errno))); retrying every 100 ms (raise the open-files limit)"
                    )
                    return .now + .milliseconds(100)
                case ENOBUFS, ENOMEM:
                    events.trouble(
                        "cannot accept connections: \(String(cString: strerror(errno))); retrying every 100 ms (the machine is short of memory)"
                    )
                    return .now + .milliseconds(100)
                default:
                    return nil
                }
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            handshakes[fd] = Handshake(
                peer: Self.numericHost(&address, length),
                deadline: .now + configuration.handshakeTimeout,
                machine: RaftHandshake.Listener(authentication: configuration.authentication)
            )
        }
    }

    /// Reads what the handshake on `fd` asks for and acts on its steps until it needs bytes that
    /// have not arrived, or is over.
    private func advance(_ fd: Int32, in handshakes: inout [Int32: Handshake], events: Events) {
        guard var handshake = handshakes[fd] else { return }
        handshakes[fd] = nil
        while true {
            switch handshake.machine.next() {
            case .read(let wanted):
                var chunk = [UInt8](repeating: 0, count: wanted)
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, wanted, 0) }
                if n < 0 && (errno == EAGAIN || errno == EINTR) {
                    handshakes[fd] = handshake
                    return
                }
                guard n > 0 else {  // the peer hung up, or the socket failed: nothing to tell anyone
                    closeDescriptor(fd)
                    return
                }
                handshake.machine.receive(chunk.prefix(n))
            case .send(let reply):
                let length = reply.readableBytes
                let sent = reply.withUnsafeReadableBytes { send(fd, $0.baseAddress, length, Int32(MSG_NOSIGNAL)) }
                guard sent == length else {
                    events.refused(handshake.peer, "cannot send the handshake answer")
                    closeDescriptor(fd)
                    return
                }
            case .accepted(let preamble, _):  // nothing past the proof: reads took what it asked
                events.handshaken(fd, preamble)
                return
            case .refused(let why):
                events.refused(handshake.peer, why)
                closeDescriptor(fd)
                return
            }
        }
    }

    private func unwatch(_ duplicates: Set<Int32>) {
        let gone = shared.withLock { shared in
            let gone = shared.watched.filter { duplicates.contains($0.duplicate) }
            shared.watched.removeAll { duplicates.contains($0.duplicate) }
            return gone
        }
        for entry in gone {
            closeDescriptor(entry.duplicate)
            entry.closed()
        }
    }

    private func finish(pending handshakes: [Int32: Handshake]) {
        for fd in handshakes.keys { closeDescriptor(fd) }
        let (watched, waiters) = shared.withLock { shared in
            shared.stopping = true
            shared.finished = true
            closeDescriptor(wake)
            defer {
                shared.watched = []
                shared.waiters = []
            }
            return (shared.watched, shared.waiters)
        }
        for entry in watched { closeDescriptor(entry.duplicate) }
        closeDescriptor(listening)
        for waiter in waiters { waiter.resume() }
    }

    /// Whether libraft's descriptor still refers to the socket it was given.
    private static func libraftHolds(_ entry: Watched) -> Bool {
        var status = stat()
        return fstat(entry.fd, &status) == 0 && UInt64(status.st_dev) == entry.device
            && UInt64(status.st_ino) == entry.inode
    }

    private static func numericHost(_ address: inout sockaddr_storage, _ length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rv = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard rv == 0 else { return "unknown peer" }
        return host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func localPort(of fd: Int32) -> Int {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var service = [CChar](repeating: 0, count: 32)
        let rv = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                guard getsockname(fd, address, &length) == 0 else { return Int32(-1) }
                // The port as text: no sockaddr_in field access, whose clang module a release
                // (whole-module) build may attribute to NIO's C module.
                return getnameinfo(address, length, nil, 0, &service, socklen_t(service.count), NI_NUMERICSERV)
            }
        }
        guard rv == 0 else { return 0 }
        return service.withUnsafeBufferPointer { Int(String(cString: $0.baseAddress!)) } ?? 0
    }
}
