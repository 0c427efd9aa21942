/// Turns peer names into addresses, and lists the meta peers it knows of.
///
/// Raft peers and cluster members are named `hostname:port`; discovery is asked for the IP
/// addresses behind a host name each time a connection is made, so a changed IP keeps working.
public protocol PeerDiscovery: Sendable {
    /// A short description for messages, naming the source, e.g. `static hosts (/etc/hosts)`.
    var source: String { get }

    /// The IP addresses of `host`, best first. IP literals come back unchanged.
    /// - Throws: ``DiscoveryError`` naming the host and the source when it cannot be resolved.
    func resolve(host: String) async throws(DiscoveryError) -> [String]

    /// The meta peers this source knows of, for `verify`, `bootstrap-expect` and retry-join.
    ///
    /// Each entry is `host` or `host:port`, where the port is the peer's HTTP API port (as DNS
    /// SRV records give it); a consumer that gets a bare `host` assumes its own node's HTTP port.
    func knownPeers() async throws(DiscoveryError) -> [String]
}

/// A peer name could not be resolved.
public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host asked for.
    public var host: String
    /// One line saying what is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(host: String, message: String) {
        self.host = host
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
