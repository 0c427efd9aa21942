public import NIOCore
import NIOPosix

/// Opens and accepts Raft connections over the node's ``Transport``, resolving peer names
/// through ``PeerDiscovery``. What libraft gets depends on the transport's
/// ``Transport/raftStreams``: the socket itself, or a socketpair that NIO relays to the channel.
public struct RaftDialer: Sendable {
    /// Where the Raft listener binds (`[meta] bind-address`).
    public var bindAddress: HostPort
    /// Prepares every socket, and says whether libraft may have them (``Transport/raftStreams``).
    public var transport: any Transport
    /// Resolves peer host names.
    public var discovery: any PeerDiscovery
    /// The event loops the sockets run on.
    public var group: any EventLoopGroup
    /// How long one connection attempt may take.
    public var connectTimeout: TimeAmount
    /// What both ends of a Raft connection must prove (`internal-shared-secret`).
    public var authentication: RaftAuthentication

    /// Creates a dialer.
    public init(
        bindAddress: HostPort,
        transport: any Transport,
        discovery: any PeerDiscovery,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(2),
        authentication: RaftAuthentication = .none
    ) {
        self.bindAddress = bindAddress
        self.transport = transport
        self.discovery = discovery
        self.group = group
        self.connectTimeout = connectTimeout
        self.authentication = authentication
    }

    /// Why a Raft connection could not be made.
    public struct DialError: Error, CustomStringConvertible, Sendable {
        /// One line naming the peer and the cause.
        public var description: String
    }

    /// This node refused the listener it dialled: its proof of the shared secret was wrong or
    /// missing. A configuration problem worth a warning, unlike an unreachable peer.
    struct HandshakeRefused: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    /// Connects to the peer at `address` (`host:port`), runs the handshake and returns the
    /// descriptor for libraft: with ``RaftStreamCapability/rawDescriptor`` the connected socket
    /// itself (see ``PlainRaftSocket``), otherwise the socketpair end NIO relays to the channel.
    func dial(address: String, preamble: RaftPreamble) async throws -> Int32 {
        switch transport.raftStreams {
        case .rawDescriptor: return try await dialPlain(address: address, preamble: preamble)
        case .channelRelay: break
        }
        let channel = try await connect(address: address, preamble: preamble)
        do {
            return try await Self.bridge(channel) { channel in
                _ = channel.pipeline.syncOperations.removeHandler(name: RaftDialHandler.name)
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Checks that the peer at `address` answers the Raft handshake and accepts this node's
    /// proof, then hangs up. Run before a membership change, so that a wrong secret or a
    /// closed port is reported as such instead of as libraft's "no connection".
    func probe(address: String, preamble: RaftPreamble) async throws {
        let channel = try await connect(address: address, preamble: preamble)
        try? await channel.close()
    }

    /// Connects and runs the handshake; the channel's pipeline then holds the ``RaftDialHandler``.
    private func connect(address: String, preamble: RaftPreamble) async throws -> any Channel {
        try await eachAddress(of: address) { target, ip in
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelOption(.autoRead, value: false)
                .channelInitializer { [transport] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try transport.configureConnected(channel, serverName: target.host)
                    }
                }
                .connect(host: ip, port: target.port)
                .get()
            do {
                try await handshake(on: channel, address: address, preamble: preamble)
                return channel
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }
    }

    /// ``dial(address:preamble:)`` with a raw descriptor: the connected socket itself, for
    /// libraft (see ``PlainRaftSocket``). The blocking steps run on a thread of their own: a
    /// peer that drops packets holds it for up to `connectTimeout` + 3 s, and libraft dials each
    /// peer once at a time, so a shared pool could be filled by unreachable peers.
    private func dialPlain(address: String, preamble: RaftPreamble) async throws -> Int32 {
        try await eachAddress(of: address) { target, ip in
            try await withCheckedThrowingContinuation { continuation in
                let failed = LoopThread.trySpawn(name: "raft-dial") { [self] in
                    continuation.resume(
                        with: Result {
                            try handshakePlain(ip: ip, port: target.port, address: address, preamble: preamble)
                        }
                    )
                }
                if failed != 0 {
                    continuation.resume(
                        throwing: DialError(
                            description:
                                "cannot start a thread to dial \(address): \(String(cString: strerror(failed)))"
                        )
                    )
                }
            }
        }
    }

    /// Resolves `address` (`host:port`) and runs `attempt` on each of its IPs until one
    /// succeeds. A refused handshake ends the search (the peer answered; the secret is wrong);
    /// otherwise the last IP's error is reported.
    private func eachAddress<Value>(
        of address: String,
        _ attempt: (HostPort, String) async throws -> Value
    ) async throws -> Value {
        let target: HostPort
        do {
            target = try HostPort(parsing: address)
        } catch {
            throw DialError(description: "raft peer \(address): \(error)")
        }
        let addresses = try await discovery.resolve(host: target.host)
        var lastError: (any Error)?
        for ip in addresses {
            do {
                return try await attempt(target, ip)
            } catch let error as HandshakeRefused {
                throw error
            } catch {
                lastError = error
            }
        }
        if let failure = lastError as? any TransportFailure {
            throw TransportRefused(description: "cannot connect to Raft peer \(address): \(failure)")
        }
        throw DialError(description: "raft peer \(address): \(lastError.map { "\($0)" } ?? "no address")")
    }

    /// Connects to `ip` and runs the dialer's side of the handshake with blocking calls.
    private func handshakePlain(ip: String, port: Int, address: String, preamble: RaftPreamble) throws -> Int32 {
        let start = ContinuousClock.now
        let connectDeadline = start + .nanoseconds(connectTimeout.nanoseconds)
        let fd = try PlainRaftSocket.connect(ip: ip, port: port, before: connectDeadline)
        do {
            let deadline = connectDeadline + .seconds(3)
            var handshake = RaftHandshake.Dialer(preamble: preamble, authentication: authentication)
            while true {
                switch handshake.next() {
                case .send(let bytes):
                    try PlainRaftSocket.write(Array(bytes.readableBytesView), to: fd, before: deadline)
                case .read(let count):
                    handshake.receive(try PlainRaftSocket.read(count, from: fd, before: deadline))
                case .established:
                    // Nothing past the handshake was read: reads asked for exactly the hello.
                    return fd
                case .refused(let why):
                    throw HandshakeRefused(description: "refusing Raft peer \(address): \(why)")
                case .invalid(let why):
                    throw DialError(description: why)
                }
            }
        } catch {
            closeDescriptor(fd)
            throw error
        }
    }

    /// Runs the handshake through a ``RaftDialHandler``, which stays in the pipeline.
    private func handshake(on channel: any Channel, address: String, preamble: RaftPreamble) async throws {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handshake = RaftHandshake.Dialer(preamble: preamble, authentication: authentication)
        let timeout = connectTimeout + .seconds(3)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    RaftDialHandler(handshake: handshake, peer: address, promise: promise, timeout: timeout),
                    name: RaftDialHandler.name
                )
            }.get()
        } catch {
            // The peer hung up first (accepted, then reset): the handler never ran, so the
            // promise is completed here (a dropped promise is a crash in debug builds).
            promise.fail(error)
            throw error
        }
        try await promise.futureResult.get()
    }

    /// Joins `channel` to a new socketpair and returns the end for libraft.
    ///
    /// `handOff` runs on the channel's loop once the glue is in place; both sides use it to
    /// remove their handshake handler, which passes on the bytes it read past the handshake.
    static func bridge(
        _ channel: any Channel,
        handOff: (@Sendable (any Channel) throws -> Void)?
    ) async throws -> Int32 {
        let pair = try SocketPair.make()
        let local: any Channel
        do {
            local = try await ClientBootstrap(group: channel.eventLoop)
                .channelOption(.autoRead, value: false)
                .withConnectedSocket(pair.nioEnd)
                .get()
        } catch {
            // NIO owns `nioEnd` from the call on, and closes it when the channel fails to set up.
            closeDescriptor(pair.raftEnd)
            throw error
        }
        do {
            try await channel.eventLoop.submit {
                let (toPeer, toRaft) = GlueHandler.matchedPair()
                try local.pipeline.syncOperations.addHandler(toPeer)
                try channel.pipeline.syncOperations.addHandler(toRaft)
                try handOff?(channel)
                // A connection that closed before the glue was in place never tells the glue:
                // its channelInactive has already fired. libraft would then write into the
                // socketpair forever without an error, and never reconnect to that peer.
                guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
                local.setOption(.autoRead, value: true).whenFailure { _ in local.close(promise: nil) }
                channel.setOption(.autoRead, value: true).whenFailure { _ in channel.close(promise: nil) }
            }.get()
        } catch {
            local.close(promise: nil)
            closeDescriptor(pair.raftEnd)
            throw error
        }
        return pair.raftEnd
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// Closes a file descriptor we own.
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
