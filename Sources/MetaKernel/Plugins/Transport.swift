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

    /// Prepares a channel accepted by a listener, before any application handler is added.
    /// Runs on the channel's event loop.
    func configureAccepted(_ channel: any Channel) throws

    /// Prepares a connected channel before any application handler is added.
    /// - Parameter serverName: the host name dialled, for certificate checks.
    /// Runs on the channel's event loop.
    func configureConnected(_ channel: any Channel, serverName: String) throws
}

/// Plain TCP: adds nothing to the channel.
public struct PlainTransport: Transport {
    /// Creates the plain transport.
    public init() {}

    /// Always `http`.
    public var scheme: String { "http" }

    /// Adds nothing.
    public func configureAccepted(_ channel: any Channel) throws {}

    /// Adds nothing.
    public func configureConnected(_ channel: any Channel, serverName: String) throws {}
}
