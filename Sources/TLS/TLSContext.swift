import COpenSSL
public import FoundationEssentials

/// An OpenSSL `SSL_CTX` holding this node's certificate, key, trust roots and `[tls]` settings,
/// checked once when it is built and shared by every connection.
///
/// Building it checks, in order: that the files exist and can be read; that the private key file
/// is not accessible by group or others (unless ``Configuration/checkKeyPermissions`` is off);
/// that the certificate and key parse; that the key belongs to the certificate; that the
/// certificate has not expired; the trust roots; the protocol versions; the cipher suites.
/// A certificate that expires within ``Configuration/expirationWarning`` is not an error: it is
/// reported in ``warnings``.
///
/// One context serves both roles: ``OpenSSLHandler`` puts each connection in server or client
/// mode. Servers ask for a client certificate only when
/// ``Configuration/clientCertificateAuthorities`` is set; clients verify the server when
/// ``Configuration/verifyPeer`` is set.
// @unchecked Sendable: the SSL_CTX is fully configured in init and never changed by this code
// afterwards; OpenSSL locks its own shared state (reference counts, session cache), so SSL_new
// on it from any thread is safe. deinit frees it.
public final class TLSContext: @unchecked Sendable {
    /// What the context was built from.
    public let configuration: Configuration
    /// Problems that do not stop the node, such as a certificate expiring soon; log them at start-up.
    public let warnings: [String]
    /// Whether a certificate and key were loaded, so the context can serve connections.
    public let canServe: Bool
    /// The loaded certificate's validity period, if a certificate was loaded.
    let validity: Validity?
    /// The `SSL_CTX`, owned by this object.
    let sslContext: OpaquePointer
    /// The `X509_STORE` client certificates are verified against, owned by this object; `nil`
    /// when servers ask for no client certificate.
    let clientStore: OpaquePointer?

    /// Builds and checks the context.
    /// - Parameters:
    ///   - configuration: The files and settings.
    ///   - now: The time expiry is checked against; tests pass a fixed date.
    /// - Throws: ``TLSError`` naming the setting and file, with OpenSSL's reason.
    public init(configuration: Configuration, now: Date = Date()) throws(TLSError) {
        let built = try Builder(configuration: configuration, now: now).build()
        self.configuration = configuration
        self.sslContext = built.context
        self.clientStore = built.clientStore
        self.warnings = built.warnings
        self.validity = built.validity
        self.canServe = !configuration.certificatePath.isEmpty
    }

    deinit {
        SSL_CTX_free(sslContext)
        if let clientStore { X509_STORE_free(clientStore) }
    }

    /// The OpenSSL library version in use, such as `OpenSSL 3.0.19 27 Jan 2026`.
    public static var openSSLVersion: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION))
    }
}
