public import NIOCore

/// A channel handler that runs TLS over the bytes of its channel with OpenSSL: ciphertext below
/// it, plaintext `ByteBuffer`s above it.
///
/// Add it first in the pipeline, before any handler that reads or writes application data. It
/// starts the handshake when the channel becomes active (or at once if it already is), buffers
/// application writes until the handshake completes, and then encrypts them. Each connection's
/// `SSL` talks to two memory BIOs; whatever OpenSSL produces for the network is written out
/// after every OpenSSL call, including reads (TLS 1.3 sends session tickets after the handshake).
///
/// - Handshake success fires ``TLSUserEvent/handshakeCompleted(protocolVersion:cipher:)``.
/// - Handshake failure (a rejected certificate, a hostname mismatch, no common version, the
///   connection closing mid-handshake, or the handshake timeout) fires a ``TLSError`` with code
///   ``TLSError/Code/handshakeFailed`` whose message carries OpenSSL's reason, such as
///   `TLS handshake with localhost failed: hostname mismatch (error:0A000086:SSL
///   routines::certificate verify failed)`, fails buffered writes with it, and closes the channel.
/// - `close` sends close_notify and waits for the peer's, at most the shutdown timeout, before
///   closing the socket; a close_notify from the peer is answered the same way. `close(mode:
///   .output)` is treated as a full close; `close(mode: .input)` is passed on.
/// - A peer that closes the socket without close_notify after the handshake simply ends the
///   connection (`SSL_OP_IGNORE_UNEXPECTED_EOF`): HTTP and Raft frame their own messages.
/// - `read()` is passed on; with `autoRead` off, the handler reads on its own while the
///   handshake or shutdown needs bytes, and reads again when a requested read yielded no plaintext.
/// - Every user event it does not fire itself is passed on (Hummingbird's graceful shutdown
///   relies on `ChannelShouldQuiesceEvent`).
public final class OpenSSLHandler {
    /// Which side of the handshake this handler plays.
    public enum Role: Sendable, Equatable {
        /// Accepts connections: presents the context's certificate; asks for a client certificate
        /// only when the context has client CAs (mutual TLS).
        case server
        /// Connects to `serverName`: sends it as SNI (host names only) and, when the context
        /// verifies peers, checks the server certificate against it (a host name via
        /// `SSL_set1_host`, an IP address via `X509_VERIFY_PARAM_set1_ip_asc`). Empty skips the
        /// name check.
        case client(serverName: String)
    }

    /// How long a handshake may take before the connection is dropped.
    public static let defaultHandshakeTimeout = TimeAmount.seconds(10)
    /// How long to wait for the peer's close_notify before closing anyway.
    public static let defaultShutdownTimeout = TimeAmount.seconds(5)

    enum State {
        case idle
        case handshaking
        case active
        case closing
        case closed
    }

    struct BufferedWrite {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    let connection: SSLConnection
    let role: Role
    let handshakeTimeout: TimeAmount
    let shutdownTimeout: TimeAmount
    var state = State.idle
    /// Application writes not yet encrypted; the first ``flushedWriteCount`` have been flushed.
    var bufferedWrites = CircularBuffer<BufferedWrite>()
    var flushedWriteCount = 0
    /// The promise of the `close` that started the shutdown.
    var closePromise: EventLoopPromise<Void>?
    /// The handshake or shutdown timeout, whichever is running.
    var timer: Scheduled<Void>?
    /// Whether plaintext went up since the last `channelReadComplete`.
    var didDeliverData = false
    /// Whether a handler above asked to `read()` and has not been given plaintext since: with
    /// `autoRead` off, a read that yields only TLS records (session tickets, alerts) is retried
    /// only then, so no data is pulled in that nobody asked for.
    var readPending = false
    /// Whether any bytes came from the network yet: the first ones show whether the peer speaks TLS.
    var receivedBytes = false
    /// Why the connection failed, if it did: later writes fail with it rather than with a bare
    /// "I/O on closed channel", so a dialler that writes right after connecting learns the cause.
    var failure: TLSError?

    /// Creates a handler for one connection.
    /// - Parameters:
    ///   - context: The shared OpenSSL context.
    ///   - role: Server or client (with the name to verify).
    ///   - handshakeTimeout: How long the handshake may take.
    ///   - shutdownTimeout: How long to wait for the peer's close_notify.
    /// - Throws: ``TLSError`` when OpenSSL cannot create the connection, the server name cannot
    ///   be set, or a server role is asked of a context without a certificate.
    public init(
        context: TLSContext,
        role: Role,
        handshakeTimeout: TimeAmount = OpenSSLHandler.defaultHandshakeTimeout,
        shutdownTimeout: TimeAmount = OpenSSLHandler.defaultShutdownTimeout
    ) throws(TLSError) {
        self.connection = try SSLConnection(context: context, role: role)
        self.role = role
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
    }

    /// A server-side handler.
    /// - Parameter context: The shared OpenSSL context; it must hold a certificate.
    public static func server(context: TLSContext) throws(TLSError) -> OpenSSLHandler {
        try OpenSSLHandler(context: context, role: .server)
    }

    /// A client-side handler checking `serverName`.
    /// - Parameters:
    ///   - context: The shared OpenSSL context.
    ///   - serverName: The host name or IP address dialled.
    public static func client(context: TLSContext, serverName: String) throws(TLSError) -> OpenSSLHandler {
        try OpenSSLHandler(context: context, role: .client(serverName: serverName))
    }
}

@available(*, unavailable)
extension OpenSSLHandler: Sendable {}

/// Removing the handler stops TLS at once, without close_notify: bytes that follow pass
/// through unencrypted. Meant for tearing a pipeline down, not for leaving TLS on a live connection.
extension OpenSSLHandler: RemovableChannelHandler {}
