import COpenSSL
import NIOCore

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// The outcome of one OpenSSL operation on a connection whose I/O goes through memory BIOs.
enum SSLResult<Value> {
    /// The operation finished.
    case complete(Value)
    /// OpenSSL needs more bytes from the network (`SSL_ERROR_WANT_READ` / `WANT_WRITE`).
    case incomplete
    /// The peer sent close_notify (`SSL_ERROR_ZERO_RETURN`).
    case closed
    /// The operation failed for good.
    case failed(SSLFailure)
}

/// Why an OpenSSL operation failed: the error queue, and the certificate verification result
/// when verification was the cause.
struct SSLFailure: Error {
    /// `SSL_get_error`'s code.
    var code: Int32
    /// The drained error queue, oldest first.
    var errors: [String]
    /// `X509_verify_cert_error_string` of the verification result, such as `hostname mismatch`,
    /// when the peer's certificate was rejected.
    var verifyError: String?

    /// One line: the verification reason (if any) followed by the OpenSSL queue in parentheses.
    var reason: String {
        if let verifyError {
            return verifyError + OpenSSLErrorQueue.suffix(errors)
        }
        if !errors.isEmpty {
            return errors.joined(separator: "; ")
        }
        return code == SSL_ERROR_SYSCALL ? "unexpected end of stream (SSL_ERROR_SYSCALL)" : "SSL error \(code)"
    }
}

/// One `SSL` object with a memory BIO on each side: bytes from the network are written into
/// `fromNetwork`, bytes for the network are read out of `toNetwork`.
///
/// Confined to its channel's event loop; the OpenSSL error queue is cleared before and drained
/// after each call, with no suspension point in between.
final class SSLConnection {
    /// Keeps the `SSL_CTX` alive as long as the `SSL` that references it.
    let context: TLSContext
    private let ssl: OpaquePointer
    private let fromNetwork: OpaquePointer
    private let toNetwork: OpaquePointer

    /// Creates the connection in server mode, or in client mode checking `serverName`.
    init(context: TLSContext, role: OpenSSLHandler.Role) throws(TLSError) {
        if case .server = role, !context.canServe {
            throw TLSError(
                .invalidConfiguration,
                "this TLS context has no certificate, so it cannot accept connections"
            )
        }
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.sslContext) else {
            throw TLSError(
                .connectionFailed,
                "cannot create a TLS connection" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
            )
        }
        guard let fromNetwork = BIO_new(BIO_s_mem()), let toNetwork = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError(
                .connectionFailed,
                "cannot create TLS buffers" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
            )
        }
        // The SSL owns both BIOs from here on; SSL_free frees them.
        SSL_set_bio(ssl, fromNetwork, toNetwork)
        self.context = context
        self.ssl = ssl
        self.fromNetwork = fromNetwork
        self.toNetwork = toNetwork

        switch role {
        case .server:
            SSL_set_accept_state(ssl)
            if let store = context.clientStore {
                // Mutual TLS: the client's chain is checked against the client CAs only.
                SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
                guard copenssl_SSL_set1_verify_cert_store(ssl, store) == 1 else {
                    throw TLSError(
                        .connectionFailed,
                        "cannot set the client CA store" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                    )
                }
            } else {
                SSL_set_verify(ssl, SSL_VERIFY_NONE, nil)
            }
        case .client(let serverName):
            SSL_set_connect_state(ssl)
            try configureClient(serverName: serverName, verify: context.configuration.verifyPeer)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// Sends SNI for host names and, when verifying, checks the certificate against the name
    /// (`SSL_set1_host`) or the IP address (`X509_VERIFY_PARAM_set1_ip_asc`, no SNI).
    private func configureClient(serverName: String, verify: Bool) throws(TLSError) {
        var name = serverName
        if name.hasPrefix("[") && name.hasSuffix("]") {
            name = String(name.dropFirst().dropLast())
        }
        if name.hasSuffix(".") {
            name = String(name.dropLast())
        }
        guard !name.isEmpty else { return }
        OpenSSLErrorQueue.clear()
        let configured: Bool
        if Self.isIPAddress(name) {
            configured = !verify || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            configured =
                copenssl_SSL_set_tlsext_host_name(ssl, name) == 1 && (!verify || SSL_set1_host(ssl, name) == 1)
        }
        guard configured else {
            throw TLSError(
                .invalidConfiguration,
                "cannot check the server name \"\(serverName)\"" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
            )
        }
    }

    /// Whether `text` is an IPv4 or IPv6 address literal.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    // MARK: - Network side

    /// Hands bytes received from the network to OpenSSL.
    func consume(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let chunk = Int32(min(bytes.count - offset, Int(Int32.max)))
                let written = BIO_write(fromNetwork, bytes.baseAddress! + offset, chunk)
                // A memory BIO takes everything unless memory runs out.
                precondition(written > 0, "BIO_write to a memory BIO failed")
                offset += Int(written)
            }
        }
    }

    /// The bytes OpenSSL has produced for the network since the last call, if any.
    func pendingOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = Int(BIO_ctrl_pending(toNetwork))
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            Int(max(0, BIO_read(toNetwork, space.baseAddress, Int32(min(pending, Int(Int32.max))))))
        }
        return buffer
    }

    // MARK: - TLS operations

    /// One handshake step.
    func handshake() -> SSLResult<Void> {
        perform { SSL_do_handshake(ssl) }
    }

    /// Whether OpenSSL has bytes to work on: ciphertext from the network not yet read, or a
    /// record (or plaintext) it holds. Once both are gone, a read could only say "incomplete".
    var hasInput: Bool {
        BIO_ctrl_pending(fromNetwork) > 0 || SSL_has_pending(ssl) == 1
    }

    /// The most plaintext the bytes held can yield (plaintext is never longer than its record),
    /// capped at one record's worth; at least 1.
    var plaintextBound: Int {
        let held = Int(BIO_ctrl_pending(fromNetwork)) + Int(max(0, SSL_pending(ssl)))
        return min(max(held, 1), Self.maximumRecordPlaintext)
    }

    /// The largest plaintext one TLS record carries.
    static let maximumRecordPlaintext = 16_384

    /// Decrypts at most one record's worth of application data into `buffer`, appending to
    /// what it holds; the space reserved is what the held ciphertext can yield, so a small
    /// message gets a small buffer.
    func read(into buffer: inout ByteBuffer) -> SSLResult<Int> {
        var count = 0
        var result: SSLResult<Void> = .incomplete
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: plaintextBound) { space in
            var read = 0
            result = perform { SSL_read_ex(ssl, space.baseAddress, space.count, &read) }
            count = read
            return read
        }
        switch result {
        case .complete: return .complete(count)
        case .incomplete: return .incomplete
        case .closed: return .closed
        case .failed(let failure): return .failed(failure)
        }
    }

    /// Encrypts all of `buffer`; the records wait in ``pendingOutput(allocator:)``.
    func write(_ buffer: ByteBuffer) -> SSLResult<Void> {
        guard buffer.readableBytes > 0 else { return .complete(()) }
        return buffer.withUnsafeReadableBytes { bytes in
            var written = 0
            return perform { SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &written) }
        }
    }

    /// One shutdown step: sends close_notify, then completes once the peer's has arrived.
    func shutdown() -> SSLResult<Void> {
        OpenSSLErrorQueue.clear()
        let rc = SSL_shutdown(ssl)
        if rc == 1 { return .complete(()) }
        if rc == 0 { return .incomplete }
        return failure(for: rc)
    }

    /// The negotiated protocol, such as `TLSv1.3`.
    var protocolVersion: String {
        String(cString: SSL_get_version(ssl))
    }

    /// The negotiated cipher suite in OpenSSL's spelling, such as `TLS_AES_256_GCM_SHA384`.
    var cipher: String {
        guard let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) else { return "" }
        return String(cString: name)
    }

    /// Runs `call` with a clear error queue; a positive result is success.
    private func perform(_ call: () -> Int32) -> SSLResult<Void> {
        OpenSSLErrorQueue.clear()
        let rc = call()
        return rc > 0 ? .complete(()) : failure(for: rc)
    }

    /// Classifies a non-success return code; must run right after the call, before anything else
    /// touches the error queue.
    private func failure<Value>(for rc: Int32) -> SSLResult<Value> {
        let code = SSL_get_error(ssl, rc)
        let errors = OpenSSLErrorQueue.drain()
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            // Without SSL_VERIFY_PEER (-k) OpenSSL still records a result, but it did not fail the handshake.
            let verifying = SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER != 0
            let verifyResult = SSL_get_verify_result(ssl)
            let verifyError =
                !verifying || verifyResult == Int(X509_V_OK)
                ? nil : String(cString: X509_verify_cert_error_string(verifyResult))
            return .failed(SSLFailure(code: code, errors: errors, verifyError: verifyError))
        }
    }
}

@available(*, unavailable)
extension SSLConnection: Sendable {}
