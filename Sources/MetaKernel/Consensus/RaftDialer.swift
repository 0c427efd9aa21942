public import NIOCore
import NIOPosix

/// Opens and accepts Raft connections over the node's ``Transport``, resolving peer names
/// through ``PeerDiscovery``, and joins each to a socketpair that libraft reads.
public struct RaftDialer: Sendable {
    /// Where the Raft listener binds (`[meta] bind-address`).
    public var bindAddress: HostPort
    /// Prepares every socket (plain or TLS).
    public var transport: any Transport
    /// Resolves peer host names.
    public var discovery: any PeerDiscovery
    /// The event loops the sockets run on.
    public var group: any EventLoopGroup
    /// How long one connection attempt may take.
    public var connectTimeout: TimeAmount

    /// Creates a dialer.
    public init(
        bindAddress: HostPort,
        transport: any Transport,
        discovery: any PeerDiscovery,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(2)
    ) {
        self.bindAddress = bindAddress
        self.transport = transport
        self.discovery = discovery
        self.group = group
        self.connectTimeout = connectTimeout
    }

    /// Why a Raft connection could not be made.
    public struct DialError: Error, CustomStringConvertible, Sendable {
        /// One line naming the peer and the cause.
        public var description: String
    }

    /// Connects to the peer at `address` (`host:port`), sends our preamble and returns the
    /// socketpair end for libraft.
    func dial(address: String, preamble: RaftPreamble) async throws -> Int32 {
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
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(connectTimeout)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelOption(.autoRead, value: false)
                    .channelInitializer { [transport] channel in
                        channel.eventLoop.makeCompletedFuture {
                            try transport.configureConnected(channel, serverName: target.host)
                        }
                    }
                    .connect(host: ip, port: target.port)
                    .get()
                do {
                    var buffer = channel.allocator.buffer(capacity: 64)
                    preamble.encode(into: &buffer)
                    try await channel.writeAndFlush(buffer)
                    return try await Self.bridge(channel, handOff: nil)
                } catch {
                    channel.close(promise: nil)
                    throw error
                }
            } catch {
                lastError = error
            }
        }
        throw DialError(description: "raft peer \(address): \(lastError.map { "\($0)" } ?? "no address")")
    }

    /// Joins `channel` to a new socketpair and returns the end for libraft.
    ///
    /// `handOff` runs on the channel's loop once the glue is in place; the accepting side uses
    /// it to remove its preamble reader, which passes on the bytes it read past the preamble.
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
            closeDescriptor(pair.nioEnd)
            closeDescriptor(pair.raftEnd)
            throw error
        }
        do {
            try await channel.eventLoop.submit {
                let (toPeer, toRaft) = GlueHandler.matchedPair()
                try local.pipeline.syncOperations.addHandler(toPeer)
                try channel.pipeline.syncOperations.addHandler(toRaft)
                try handOff?(channel)
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
