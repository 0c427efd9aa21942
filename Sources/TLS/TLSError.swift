public import MetaKernel

/// A TLS problem: a certificate or key that cannot be used, a setting OpenSSL rejects, or a
/// connection whose handshake or record layer failed.
///
/// ``message`` is one line that names the setting and file (or the peer) and ends with the
/// OpenSSL error-queue text when OpenSSL reported one, for example
/// `[meta] https-private-key /etc/ssl/k.pem: key does not match certificate /etc/ssl/c.pem
/// (error:05800074:x509 certificate routines::key values mismatch)`.
/// Two errors are equal when their ``code`` and ``message`` are equal; ``fileID`` and ``line``
/// only say where the error was raised.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem. New codes may be added without breaking the API.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case fileNotFound
            case unreadableFile
            case insecurePermissions
            case invalidCertificate
            case invalidPrivateKey
            case keyMismatch
            case certificateExpired
            case invalidConfiguration
            case handshakeFailed
            case connectionFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A certificate, key or CA file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// A file exists but cannot be opened or read (permissions, a directory, an I/O error).
        public static let unreadableFile = Code(.unreadableFile)
        /// The private key file can be read by group or others (`chmod 600` it, or set
        /// `https-insecure-certificate = true`).
        public static let insecurePermissions = Code(.insecurePermissions)
        /// The certificate file holds no usable PEM certificate.
        public static let invalidCertificate = Code(.invalidCertificate)
        /// No usable PEM private key was found (missing, encrypted or malformed).
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
        /// The private key does not belong to the certificate.
        public static let keyMismatch = Code(.keyMismatch)
        /// The certificate's validity period has ended.
        public static let certificateExpired = Code(.certificateExpired)
        /// A `[tls]` setting OpenSSL cannot honour: an unknown or unavailable cipher suite, a
        /// protocol version range it rejects.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A TLS handshake failed: the peer's certificate was rejected, the peer rejected ours, no
        /// common protocol or cipher, or the connection closed mid-handshake.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// An established TLS connection failed while reading or writing records.
        public static let connectionFailed = Code(.connectionFailed)

        /// The code's name, such as `keyMismatch`.
        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// The one-line, human-readable explanation.
    public var message: String
    /// The source file that raised the error.
    public var fileID: String
    /// The source line that raised the error.
    public var line: Int
    /// For a failed connection: whose certificate or protocol was the problem. `.other` otherwise.
    public var failureKind: TransportFailureKind

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: One line naming the setting, file or peer, and the OpenSSL reason.
    ///   - fileID: The raising source file; defaults to the caller's.
    ///   - line: The raising source line; defaults to the caller's.
    ///   - failureKind: For a failed connection, what the failure says about the peer.
    public init(
        _ code: Code,
        _ message: String,
        fileID: String = #fileID,
        line: Int = #line,
        failureKind: TransportFailureKind = .other
    ) {
        self.code = code
        self.message = message
        self.fileID = fileID
        self.line = line
        self.failureKind = failureKind
    }

    /// The ``message``.
    public var description: String { message }

    /// Compares ``code`` and ``message`` only.
    public static func == (lhs: TLSError, rhs: TLSError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
