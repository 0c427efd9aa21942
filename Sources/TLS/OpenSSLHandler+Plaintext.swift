import MetaKernel
import NIOCore

extension OpenSSLHandler {
    /// What a TLS server sends back to a plain HTTP request, byte for byte as Go's `net/http`
    /// does, so `curl http://` shows it and clients recognise it.
    static let plainRequestRefusal =
        "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"

    /// Handles a peer that speaks plain text instead of TLS, judged by its first bytes, and
    /// returns whether it did: a server answers an HTTP request with ``plainRequestRefusal``; a
    /// client that gets an HTTP answer to its ClientHello reports that the server has no TLS.
    func refusePlaintext(context: ChannelHandlerContext, firstBytes: ByteBuffer) -> Bool {
        guard state == .idle || state == .handshaking else { return false }
        switch role {
        case .server:
            guard Self.looksLikeHTTPRequest(firstBytes) else { return false }
            state = .closed
            cancelTimer()
            let error = TLSError(
                .handshakeFailed,
                "\(handshakeSubject(context)) failed: the client sent a plain HTTP request",
                failureKind: .peerSpeaksPlaintext
            )
            failure = error
            failBufferedWrites(error)
            context.fireErrorCaught(error)
            let answer = context.channel.allocator.buffer(string: Self.plainRequestRefusal)
            // The socket writes flushed bytes before it closes.
            context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
            context.close(promise: nil)
            return true
        case .client:
            guard firstBytes.readableBytesView.starts(with: "HTTP/".utf8) else { return false }
            handshakeFailed(
                context: context,
                reason: "the server answered in plain HTTP, not TLS (it has no TLS on this port)",
                kind: .peerSpeaksPlaintext
            )
            return true
        }
    }

    /// Whether `bytes` start like an HTTP/1 request line: an upper-case method, then a space.
    static func looksLikeHTTPRequest(_ bytes: ByteBuffer) -> Bool {
        var method = 0
        for byte in bytes.readableBytesView.prefix(8) {
            if byte == UInt8(ascii: " ") { return method >= 3 }
            guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") else { return false }
            method += 1
        }
        return false
    }
}
