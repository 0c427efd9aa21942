public import HummingbirdCore
public import Logging
public import NIOCore

/// Runs an HTTP child channel over a ``Transport``: the transport prepares each accepted
/// connection (adding TLS when configured) before the HTTP handlers are added.
public struct TransportServerChannel<Base: ServerChildChannel>: ServerChildChannel {
    /// The value the base channel hands to `handle`.
    public typealias Value = Base.Value

    let base: Base
    let transport: any Transport

    /// Prepares the connection, then lets the base set up its handlers.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try transport.configureAccepted(channel, on: .api)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    /// Serves the connection on its channel's event loop (see ``EventLoopTaskExecutor``).
    public func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension TransportServerChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    /// The base channel's responder.
    public var responder: HTTPChannelHandler.Responder { base.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over `transport`.
    public static func http1(
        over transport: any Transport,
        configuration: HTTP1Channel.Configuration = .init()
    ) -> HTTPServerBuilder {
        .init { responder in
            TransportServerChannel(
                base: HTTP1Channel(responder: responder, configuration: configuration),
                transport: transport
            )
        }
    }
}
