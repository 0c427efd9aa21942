import NIOCore

/// Recognises a TLS server answering a plain-HTTP client, so the client can say "this port
/// speaks TLS" instead of failing to parse the answer.
///
/// Two answers count: a TLS record (an alert or a handshake: content type 0x15 or 0x16, then
/// major version 3), and the plain `400` with Go's text that a TLS server (Go's, or this
/// project's) sends back to an HTTP request.
final class TLSAnswerDetector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The body a TLS server sends with `400 Bad Request` to a plain HTTP request.
    static let plainRequestRefusal = "Client sent an HTTP request to an HTTPS server.\n"

    let address: String
    private var checked = false

    init(address: String) {
        self.address = address
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if !checked, bytes.readableBytes >= 2 {
            checked = true
            if let type = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self),
                let major = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self),
                type == 0x15 || type == 0x16, major == 3
            {
                context.fireErrorCaught(Self.failure(address: address))
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// Whether `body` is the plain refusal a TLS server sends to an HTTP request.
    static func isPlainRequestRefusal(_ body: [UInt8]) -> Bool {
        body.elementsEqual(plainRequestRefusal.utf8)
    }

    /// `ADDRESS speaks TLS, and this client dialled plain HTTP`.
    static func failure(address: String) -> MetaClientError {
        MetaClientError(.peerRequiresTLS, "\(address) speaks TLS (HTTPS), and this client dialled plain HTTP")
    }
}

@available(*, unavailable)
extension TLSAnswerDetector: Sendable {}
