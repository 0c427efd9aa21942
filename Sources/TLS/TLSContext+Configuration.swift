public import MetaKernel

extension TLSContext {
    /// A TLS protocol version, from `[tls] min-version` / `max-version`.
    public typealias ProtocolVersion = MetaConfig.TLS.Version

    /// Everything a ``TLSContext`` is built from.
    public struct Configuration: Sendable, Equatable {
        /// A PEM file with this node's certificate, optionally followed by its chain and (when
        /// ``privateKeyPath`` is empty) the private key. Empty for a client-only context, which
        /// presents no certificate and cannot serve connections.
        public var certificatePath: String
        /// A separate PEM private key file; empty means the key is in ``certificatePath``.
        public var privateKeyPath: String
        /// The certificates a client accepts a server's chain from. Default: the system's.
        public var trustRoots: TrustRoots
        /// Whether a client verifies the server's certificate chain and name. Default `true`;
        /// `false` is `https-insecure-tls` / `influxd-ctl -k`. Servers ask for client certificates
        /// only with ``clientCertificateAuthorities``.
        public var verifyPeer: Bool
        /// The oldest protocol version accepted; `nil` (default) is OpenSSL's default.
        public var minimumVersion: ProtocolVersion?
        /// The newest protocol version accepted; `nil` (default) is OpenSSL's default.
        public var maximumVersion: ProtocolVersion?
        /// Go cipher-suite names (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, `TLS_AES_128_GCM_SHA256`);
        /// empty (default) keeps OpenSSL's lists. See ``CipherSuites``.
        public var ciphers: [String]
        /// Whether to refuse a private key file that group or others can access. Default `true`;
        /// `false` is `https-insecure-certificate`.
        public var checkKeyPermissions: Bool
        /// How long before the certificate expires to start warning. Default 5 days
        /// (`[tls] advanced-expiration`).
        public var expirationWarning: Duration
        /// A PEM file of CAs that client certificates must chain to; when set, a server asks
        /// every client for a certificate and refuses one without (mutual TLS). Empty (default):
        /// servers ask for none.
        public var clientCertificateAuthorities: String
        /// How settings are named in error messages.
        public var settingNames: SettingNames

        /// Creates a configuration.
        /// - Parameters:
        ///   - certificatePath: The PEM certificate or bundle; empty for a client-only context.
        ///   - privateKeyPath: The PEM key, or empty when the bundle holds it.
        ///   - trustRoots: Where a client's trusted certificates come from.
        ///   - verifyPeer: Whether a client verifies the server.
        ///   - minimumVersion: The oldest accepted version, or `nil` for OpenSSL's default.
        ///   - maximumVersion: The newest accepted version, or `nil` for OpenSSL's default.
        ///   - ciphers: Go cipher-suite names, or empty for OpenSSL's defaults.
        ///   - checkKeyPermissions: Whether a group- or world-accessible key file is an error.
        ///   - expirationWarning: How long before expiry to warn.
        ///   - clientCertificateAuthorities: CAs a client certificate must chain to, or empty.
        ///   - settingNames: How settings are named in error messages.
        public init(
            certificatePath: String,
            privateKeyPath: String = "",
            trustRoots: TrustRoots = .system,
            verifyPeer: Bool = true,
            minimumVersion: ProtocolVersion? = nil,
            maximumVersion: ProtocolVersion? = nil,
            ciphers: [String] = [],
            checkKeyPermissions: Bool = true,
            expirationWarning: Duration = .seconds(5 * 86_400),
            clientCertificateAuthorities: String = "",
            settingNames: SettingNames = SettingNames()
        ) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
            self.trustRoots = trustRoots
            self.verifyPeer = verifyPeer
            self.minimumVersion = minimumVersion
            self.maximumVersion = maximumVersion
            self.ciphers = ciphers
            self.checkKeyPermissions = checkKeyPermissions
            self.expirationWarning = expirationWarning
            self.clientCertificateAuthorities = clientCertificateAuthorities
            self.settingNames = settingNames
        }
    }

    /// Where a client's trusted certificates come from. Several sources may be combined.
    public struct TrustRoots: Sendable, Equatable {
        /// OpenSSL's default CA locations (`/etc/ssl/certs` on Debian).
        public var system: Bool
        /// PEM files of CA certificates.
        public var caFiles: [String]
        /// Whether every certificate in ``Configuration/certificatePath`` is trusted as an anchor
        /// (with `X509_V_FLAG_PARTIAL_CHAIN`, so a trusted leaf needs no issuer).
        ///
        /// This is how a self-signed cluster verifies its peers: nodes that share one
        /// certificate (with every node's name in its SANs), or whose bundles carry the CA that
        /// signed every node, accept each other.
        public var ownCertificate: Bool
        /// A PEM file whose every certificate is a trust anchor, as ``ownCertificate`` makes the
        /// configured bundle one, for a client without a certificate of its own: `influxd-ctl`
        /// reading a node's configuration trusts that node's `https-certificate` this way.
        /// Errors name the file as ``SettingNames/certificate``.
        public var anchorFile: String?

        /// Creates a set of trust sources.
        /// - Parameters:
        ///   - system: Whether to trust OpenSSL's default CA locations.
        ///   - caFiles: PEM files of CA certificates to trust.
        ///   - ownCertificate: Whether to trust the certificates of the configured bundle.
        ///   - anchorFile: A PEM file whose certificates are all trusted as anchors, or `nil`.
        public init(
            system: Bool = false,
            caFiles: [String] = [],
            ownCertificate: Bool = false,
            anchorFile: String? = nil
        ) {
            self.system = system
            self.caFiles = caFiles
            self.ownCertificate = ownCertificate
            self.anchorFile = anchorFile
        }

        /// OpenSSL's default CA locations only.
        public static let system = TrustRoots(system: true)

        /// The certificates in `path` only.
        public static func caFile(_ path: String) -> TrustRoots {
            TrustRoots(caFiles: [path])
        }

        /// The configured certificate bundle only (a self-signed cluster).
        public static let ownCertificate = TrustRoots(ownCertificate: true)
    }

    /// How settings are named in error messages, so each message says which key to fix.
    public struct SettingNames: Sendable, Equatable {
        /// The certificate setting. Default `[meta] https-certificate`.
        public var certificate: String
        /// The private key setting. Default `[meta] https-private-key`.
        public var privateKey: String
        /// The setting that skips the key permission check. Default `[meta] https-insecure-certificate`.
        public var insecureCertificate: String
        /// The cipher list setting. Default `[tls] ciphers`.
        public var ciphers: String
        /// The minimum version setting. Default `[tls] min-version`.
        public var minimumVersion: String
        /// The maximum version setting. Default `[tls] max-version`.
        public var maximumVersion: String
        /// The expiry warning setting. Default `[tls] advanced-expiration`.
        public var expirationWarning: String
        /// The client CA setting. Default `[meta] https-client-ca`.
        public var clientCertificateAuthorities: String

        /// Names for the `influxdb-meta.conf` keys, or the given ones.
        /// - Parameters:
        ///   - certificate: The certificate setting.
        ///   - privateKey: The private key setting.
        ///   - insecureCertificate: The setting that skips the permission check.
        ///   - ciphers: The cipher list setting.
        ///   - minimumVersion: The minimum version setting.
        ///   - maximumVersion: The maximum version setting.
        ///   - expirationWarning: The expiry warning setting.
        ///   - clientCertificateAuthorities: The client CA setting.
        public init(
            certificate: String = "[meta] https-certificate",
            privateKey: String = "[meta] https-private-key",
            insecureCertificate: String = "[meta] https-insecure-certificate",
            ciphers: String = "[tls] ciphers",
            minimumVersion: String = "[tls] min-version",
            maximumVersion: String = "[tls] max-version",
            expirationWarning: String = "[tls] advanced-expiration",
            clientCertificateAuthorities: String = "[meta] https-client-ca"
        ) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.insecureCertificate = insecureCertificate
            self.ciphers = ciphers
            self.minimumVersion = minimumVersion
            self.maximumVersion = maximumVersion
            self.expirationWarning = expirationWarning
            self.clientCertificateAuthorities = clientCertificateAuthorities
        }
    }
}
