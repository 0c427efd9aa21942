import CRaft
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Our `raft_uv_transport`: libraft asks it to listen and to connect; it answers with `uv_pipe`
/// streams over the sockets themselves when the transport allows it
/// (``RaftStreamCapability/rawDescriptor``: ``PlainRaftSocket``, ``PlainRaftListener``), and
/// otherwise over socketpairs whose other ends NIO joins to the transport's channels.
///
/// libraft's contract (see docs/ARCHITECTURE.md): every `connect` that returned 0 gets exactly
/// one callback on the loop thread; streams handed over are `raft_malloc`ed and owned by
/// libraft from then on; `close` waits for pending connects before calling back.
final class RaftTransportBridge: @unchecked Sendable {
    // Invariant: fields marked "loop" are touched only on the owning RaftNode's loop thread;
    // `listener`, `closedListener`, `plainListener` and `owner` are behind Mutexes; `dialer` and
    // `logger` are immutable.

    let dialer: RaftDialer
    let logger: Logger
    private let throttle = LogThrottle(interval: .seconds(60))
    private let listener = Mutex<(any Channel)?>(nil)
    private let closedListener = Mutex<(any Channel)?>(nil)
    private let plainListener = Mutex<PlainRaftListener?>(nil)
    private let owner = Mutex<RaftNode?>(nil)

    private var loop: UnsafeMutablePointer<uv_loop_t>?  // loop
    private var transport: UnsafeMutablePointer<raft_uv_transport>?  // loop
    private var localID: UInt64 = 0  // loop
    private var localAddress = ""  // loop
    private var acceptCallback: raft_uv_accept_cb?  // loop
    private var pendingConnects = 0  // loop
    private var closing = false  // loop
    private var closeCallback: raft_uv_transport_close_cb?  // loop
    /// Connections each peer opened to this node that libraft holds, by peer id.
    private var inbound: [UInt64: Int] = [:]  // loop

    init(dialer: RaftDialer, logger: Logger) {
        self.dialer = dialer
        self.logger = logger
    }

    private var node: RaftNode? { owner.withLock { $0 } }

    /// Logs `message` as a warning at most once a minute per `key`, and at debug otherwise.
    func warnThrottled(key: String, _ message: @autoclosure () -> String) {
        if throttle.shouldLog(key) {
            logger.warning("\(message())")
        } else {
            logger.debug("\(message())")
        }
    }

    /// Binds the Raft listener. Connections are handed to libraft once it calls `listen`.
    func bind(node: RaftNode) async throws {
        owner.withLock { $0 = node }
        let bindAddress = dialer.bindAddress
        let host = bindAddress.host.isEmpty ? "0.0.0.0" : await bindAddress.listenHost(discovery: dialer.discovery)
        switch dialer.transport.raftStreams {
        case .rawDescriptor:
            try bindPlain(host: host, node: node)
            return
        case .channelRelay:
            break
        }
        let transport = dialer.transport
        let authentication = dialer.authentication
        let channel = try await ServerBootstrap(group: dialer.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try transport.configureAccepted(channel, on: .raft)
                    try channel.pipeline.syncOperations.addHandler(
                        RaftAcceptHandler(bridge: self, authentication: authentication),
                        name: RaftAcceptHandler.name
                    )
                }
            }
            .bind(host: host, port: dialer.bindAddress.port)
            .get()
        listener.withLock { $0 = channel }
    }

    /// Binds the POSIX listener, whose thread hands the sockets themselves to libraft.
    private func bindPlain(host: String, node: RaftNode) throws {
        let listener = try PlainRaftListener(
            host: host,
            port: dialer.bindAddress.port,
            configuration: .init(authentication: dialer.authentication)
        )
        let failed = listener.start(
            .init(
                handshaken: { [self] fd, preamble in
                    acceptedPlain(fd, from: preamble, listener: listener, node: node)
                },
                refused: { [self] peer, why in warnRefused(peer: peer, why: why) },
                trouble: { [self] message in warnThrottled(key: "listener \(message)", "Raft listener: \(message)") }
            )
        )
        guard failed == 0 else {
            throw PlainRaftSocket.Failure(
                description: "cannot start the Raft listener's thread: \(String(cString: strerror(failed)))"
            )
        }
        plainListener.withLock { $0 = listener }
    }

    /// Logs a refused connection (see ``warnThrottled(key:_:)``); `why` may start with
    /// "claiming ADDRESS (id N)".
    func warnRefused(peer: String, why: String) {
        warnThrottled(
            key: "\(peer) \(why)",
            "refusing Raft connection from \(peer)\(why.hasPrefix("claiming") ? " " : ": ")\(why)"
        )
    }

    /// The port the listener is bound to (tests bind port 0).
    var boundPort: Int? {
        if let listener = plainListener.withLock({ $0 }) { return listener.port }
        return listener.withLock { $0?.localAddress?.port }
    }

    /// Stops accepting connections; safe from any thread, more than once (libraft's `close`
    /// and the node's shutdown both call it; only the first call acts).
    func closeListener() {
        plainListener.withLock { $0 }?.close()
        let channel = listener.withLock { channel in
            defer { channel = nil }
            return channel
        }
        guard let channel else { return }
        closedListener.withLock { $0 = channel }
        channel.close(promise: nil)
    }

    /// Returns once the listening socket that ``closeListener()`` closed is closed (so that its
    /// port can be bound again).
    func listenerClosed() async {
        await plainListener.withLock { $0 }?.closed()
        let channel = closedListener.withLock { $0 }
        try? await channel?.closeFuture.get()
    }

    /// Fills libraft's transport vtable. Loop thread.
    func install(into transport: UnsafeMutablePointer<raft_uv_transport>, loop: UnsafeMutablePointer<uv_loop_t>) {
        self.loop = loop
        self.transport = transport
        transport.pointee.impl = Unmanaged.passUnretained(self).toOpaque()
        transport.pointee.`init` = { t, id, address in
            guard let t, let address else { return RAFT_INVALID }
            let bridge = RaftTransportBridge.from(t)
            bridge.localID = id
            bridge.localAddress = String(cString: address)
            return 0
        }
        transport.pointee.listen = { t, callback in
            guard let t else { return RAFT_INVALID }
            RaftTransportBridge.from(t).acceptCallback = callback
            return 0
        }
        transport.pointee.connect = { t, request, id, address, callback in
            guard let t, let request, let address, let callback else { return RAFT_INVALID }
            return RaftTransportBridge.from(t).connect(
                request: request,
                id: id,
                address: String(cString: address),
                callback: callback
            )
        }
        transport.pointee.close = { t, callback in
            guard let t else { return }
            let bridge = RaftTransportBridge.from(t)
            bridge.closing = true
            bridge.closeCallback = callback
            bridge.acceptCallback = nil
            bridge.closeListener()
            bridge.finishCloseIfIdle()
        }
    }

    /// Closes every connection handed over from now on, instead of giving it to libraft: the
    /// node's start failed. Loop thread.
    func refuseHandOvers() {
        closing = true
        acceptCallback = nil
    }

    private static func from(_ t: UnsafeMutablePointer<raft_uv_transport>) -> RaftTransportBridge {
        Unmanaged<RaftTransportBridge>.fromOpaque(t.pointee.impl).takeUnretainedValue()
    }

    private func finishCloseIfIdle() {
        guard closing, pendingConnects == 0, let callback = closeCallback, let transport else { return }
        closeCallback = nil
        callback(transport)
    }

    /// libraft's `connect`: dial in the background, call back on the loop. Loop thread.
    private func connect(
        request: UnsafeMutablePointer<raft_uv_connect>,
        id: UInt64,
        address: String,
        callback: @escaping raft_uv_connect_cb
    ) -> Int32 {
        guard !closing, let node else { return RAFT_CANCELED }
        pendingConnects += 1
        let preamble = RaftPreamble(id: localID, address: localAddress, nonce: dialer.authentication.nonce())
        let request = UnsafeTransfer(request)
        let callback = UnsafeTransfer(callback)
        let dialer = self.dialer
        Task { [self] in
            var descriptor: Int32?
            do {
                descriptor = try await dialer.dial(address: address, preamble: preamble)
            } catch let error as RaftDialer.HandshakeRefused {
                warnThrottled(key: "dial \(address) \(error)", "\(error)")
            } catch let error as RaftDialer.TransportRefused {
                warnThrottled(key: "dial \(address) transport", "\(error)")
            } catch {
                logger.debug("raft connect to \(address) (id \(id)) failed: \(error)")
            }
            let fd = descriptor
            let delivered = node.enqueue { [self] in
                pendingConnects -= 1
                if let fd, !closing, let stream = makeStream(fd: fd) {
                    callback.value(request.value, stream, 0)
                } else {
                    if let fd { closeDescriptor(fd) }
                    callback.value(request.value, nil, closing ? RAFT_CANCELED : RAFT_NOCONNECTION)
                }
                finishCloseIfIdle()
            }
            if !delivered, let fd { closeDescriptor(fd) }
        }
        return 0
    }

    /// Called by ``RaftAcceptHandler`` (on the channel's loop) once a peer identified itself.
    func accepted(_ channel: any Channel, from preamble: RaftPreamble) {
        guard let node else {
            channel.close(promise: nil)
            return
        }
        Task { [self] in
            let fd: Int32
            do {
                fd = try await RaftDialer.bridge(channel) { channel in
                    _ = channel.pipeline.syncOperations.removeHandler(name: RaftAcceptHandler.name)
                }
            } catch {
                logger.warning("cannot bridge Raft connection from \(preamble.address): \(error)")
                channel.close(promise: nil)
                return
            }
            let delivered = node.enqueue { [self] in
                handOver(fd, from: preamble, node: node) { closed in
                    channel.closeFuture.whenComplete { _ in closed() }
                    return true
                }
            }
            if !delivered { closeDescriptor(fd) }
        }
    }

    /// Called by the ``PlainRaftListener``'s thread once a peer finished the handshake.
    private func acceptedPlain(_ fd: Int32, from preamble: RaftPreamble, listener: PlainRaftListener, node: RaftNode) {
        let delivered = node.enqueue { [self] in
            handOver(fd, from: preamble, node: node) { closed in listener.watch(fd, closed: closed) }
        }
        if !delivered { closeDescriptor(fd) }
    }

    /// Gives libraft an accepted connection from a member of the configuration. `watch` arranges
    /// for its argument to run when the connection closes and returns whether it could, so that
    /// the node learns when a peer's last connection is gone. Loop thread.
    private func handOver(
        _ fd: Int32,
        from preamble: RaftPreamble,
        node: RaftNode,
        watch: (_ closed: @escaping @Sendable () -> Void) -> Bool
    ) {
        guard !closing, let callback = acceptCallback, let transport else {
            closeDescriptor(fd)
            return
        }
        // A peer must be a member of the configuration this node knows, under the id
        // and address it claims (a node still joining knows none and accepts its leader).
        let servers = node.readStatus().servers
        let member =
            servers.isEmpty || servers.contains { $0.id == preamble.id && $0.address == preamble.address }
        let impostor = preamble.id == localID || preamble.address == localAddress
        guard member && !impostor else {
            let why = impostor ? "it claims to be this node" : "not a member of this node's Raft configuration"
            warnThrottled(
                key: "member \(preamble.address) \(preamble.id) \(why)",
                "refusing Raft connection from \(preamble.address) (id \(preamble.id)): \(why)"
            )
            closeDescriptor(fd)
            return
        }
        guard let stream = makeStream(fd: fd) else {
            closeDescriptor(fd)
            return
        }
        let watched = watch { [self] in
            node.enqueue { [self] in inboundClosed(id: preamble.id, node: node) }
        }
        if watched { inbound[preamble.id, default: 0] += 1 }
        callback(transport, preamble.id, preamble.address, stream)
    }

    /// A connection from peer `id` that libraft held closed; tells the node when it was that
    /// peer's last (see ``RaftNode/peerConnectionsClosed(id:)``). Loop thread.
    private func inboundClosed(id: UInt64, node: RaftNode) {
        let open = (inbound[id] ?? 1) - 1
        inbound[id] = open > 0 ? open : nil
        if open <= 0 { node.peerConnectionsClosed(id: id) }
    }

    /// Wraps a socket (or our socketpair end) in a `raft_malloc`ed `uv_pipe_t`, which libraft
    /// will own. Loop thread.
    private func makeStream(fd: Int32) -> UnsafeMutablePointer<uv_stream_t>? {
        guard let loop, let memory = raft_malloc(MemoryLayout<uv_pipe_t>.size) else { return nil }
        let pipe = memory.bindMemory(to: uv_pipe_t.self, capacity: 1)
        guard uv_pipe_init(loop, pipe, 0) == 0 else {
            raft_free(memory)
            return nil
        }
        guard uv_pipe_open(pipe, fd) == 0 else {
            uv_close(UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_handle_t.self)) { handle in
                raft_free(handle)
            }
            return nil
        }
        return UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_stream_t.self)
    }
}
