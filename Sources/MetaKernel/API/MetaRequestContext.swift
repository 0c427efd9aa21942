public import Hummingbird
public import NIOCore

/// The request context of the meta API: Hummingbird's core plus the caller's address, which
/// `cluster-tracing` logs.
public struct MetaRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request state.
    public var coreContext: CoreRequestContextStorage
    /// The caller's address, as the connection reports it.
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
