public import NIOCore

/// How every socket of the system is set up: the meta HTTP API, requests from `influxd-ctl` and
/// peers, and Raft traffic.
///
/// A transport does not own sockets; it prepares each channel the kernel opens or accepts
/// (``PlainTransport`` adds nothing, the OpenSSL transport adds its TLS handler). Listening and
/// connecting themselves live in ``TransportBootstraps``, so every transport is used the same way.
public protocol Transport: Sendable {
    /// `http` or `https`: the scheme of URLs served and dialled over this transport.
    var scheme: String { get }

    /// How Raft connections over this transport reach libraft. Defaults to
    /// ``RaftStreamCapability/channelRelay``, which is right for any transport.
    var raftStreams: RaftStreamCapability { get }

    /// Prepares a channel accepted by a listener, before any application handler is added.
    /// Runs on the channel's event loop.
    func configureAccepted(_ channel: any Channel) throws

    /// Prepares a channel accepted by `listener`; defaults to ``configureAccepted(_:)``.
    /// Runs on the channel's event loop.
    func configureAccepted(_ channel: any Channel, on listener: TransportListener) throws

    /// Prepares a connected channel before any application handler is added.
    /// - Parameter serverName: the host name dialled, for certificate checks.
    /// Runs on the channel's event loop.
    func configureConnected(_ channel: any Channel, serverName: String) throws

    /// Succeeds once a channel set up by ``configureConnected(_:serverName:)`` can carry
    /// application data (for TLS, after the handshake, the peer's certificate checked), or fails
    /// with why not. Lets a check (`influxd-ctl verify`) prove that a port speaks this transport
    /// and hang up without sending a byte. Runs on the channel's event loop.
    func established(_ channel: any Channel) -> EventLoopFuture<Void>
}

/// What the Raft bridge may do with a transport's connections.
///
/// libraft reads and writes a file descriptor. When the socket carries Raft's bytes unchanged,
/// handing libraft the socket itself takes a relay off every Raft message's path; when the
/// transport transforms the bytes (TLS), only the channel pipeline can read and write them.
public enum RaftStreamCapability: Sendable {
    /// The socket carries the bytes as they are: the bridge connects, accepts and runs the
    /// handshake with POSIX calls and gives libraft the socket, bypassing the channel pipeline.
    /// Only for transports whose `configure` methods add nothing.
    case rawDescriptor
    /// The bytes must pass through the channel pipeline: the bridge relays them between the
    /// channel and a socketpair whose other end libraft reads.
    case channelRelay
}

extension Transport {
    /// The relay: correct whatever the transport adds to its channels.
    public var raftStreams: RaftStreamCapability { .channelRelay }

    /// At once: a transport that adds nothing is ready when connected.
    public func established(_ channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.makeSucceededVoidFuture()
    }
}

/// Plain TCP: adds nothing to the channel.
public struct PlainTransport: Transport {
    /// Creates the plain transport.
    public init() {}

    /// Always `http`.
    public var scheme: String { "http" }

    /// The socket itself: plain TCP transforms nothing.
    public var raftStreams: RaftStreamCapability { .rawDescriptor }

    /// Adds nothing.
    public func configureAccepted(_ channel: any Channel) throws {}

    /// Adds nothing.
    public func configureConnected(_ channel: any Channel, serverName: String) throws {}
}
