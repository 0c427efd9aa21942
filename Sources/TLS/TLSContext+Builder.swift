import COpenSSL
import FoundationEssentials
import MetaKernel

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

extension TLSContext {
    /// Builds and checks one `SSL_CTX`; frees it if any step fails.
    struct Builder {
        let configuration: Configuration
        let now: Date

        private var names: SettingNames { configuration.settingNames }

        /// The configured context and its warnings.
        func build() throws(TLSError) -> (
            context: OpaquePointer, clientStore: OpaquePointer?, validity: Validity?, warnings: [String]
        ) {
            OpenSSLErrorQueue.clear()
            guard let context = SSL_CTX_new(TLS_method()) else {
                throw TLSError(
                    .invalidConfiguration,
                    "cannot create an OpenSSL context" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
            var built = false
            defer { if !built { SSL_CTX_free(context) } }

            // EOF without close_notify ends a connection like close_notify would; renegotiation
            // is refused (TLS 1.3 has none, and nothing here needs it for 1.2).
            _ = SSL_CTX_set_options(
                context,
                copenssl_SSL_OP_IGNORE_UNEXPECTED_EOF() | copenssl_SSL_OP_NO_RENEGOTIATION()
            )

            var warnings: [String] = []
            var ownCertificates: [OpaquePointer] = []
            defer { ownCertificates.forEach { X509_free($0) } }
            if !configuration.certificatePath.isEmpty {
                ownCertificates = try loadCredentials(into: context, warnings: &warnings)
            }
            try configureTrust(context, ownCertificates: ownCertificates)
            try configureVersions(context)
            try configureCiphers(context)
            SSL_CTX_set_verify(context, configuration.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
            let clientStore = try makeClientStore()
            let validity = ownCertificates.first.map(Self.validity(of:))
            built = true
            return (context, clientStore, validity, warnings)
        }

        // MARK: - Certificate and key

        /// Reads, checks and installs the certificate chain and key; returns the chain (owned by
        /// the caller) for trust configuration.
        private func loadCredentials(
            into context: OpaquePointer,
            warnings: inout [String]
        ) throws(TLSError) -> [OpaquePointer] {
            let certificatePath = configuration.certificatePath
            let certificateFile = try CredentialFile.read(certificatePath, setting: names.certificate)
            let keyInBundle = configuration.privateKeyPath.isEmpty
            let keyFile =
                keyInBundle
                ? certificateFile
                : try CredentialFile.read(configuration.privateKeyPath, setting: names.privateKey)
            let keySetting = keyInBundle ? names.certificate : names.privateKey

            OpenSSLErrorQueue.clear()
            let certificates = PEM.certificates(in: certificateFile.bytes)
            let certificateErrors = OpenSSLErrorQueue.drain()
            guard let leaf = certificates.first else {
                throw TLSError(
                    .invalidCertificate,
                    "\(names.certificate) \(certificatePath): no PEM certificate found"
                        + OpenSSLErrorQueue.suffix(certificateErrors)
                )
            }
            var handedOver = false
            defer { if !handedOver { certificates.forEach { X509_free($0) } } }

            OpenSSLErrorQueue.clear()
            guard let key = PEM.privateKey(in: keyFile.bytes) else {
                let errors = OpenSSLErrorQueue.drain()
                let problem: String
                if PEM.looksEncrypted(keyFile.bytes) {
                    problem = "the private key is encrypted; store it unencrypted (mode 600)"
                } else if keyInBundle {
                    problem = "no PEM private key found in the file, and \(names.privateKey) is empty"
                } else {
                    problem = "no PEM private key found"
                }
                throw TLSError(
                    .invalidPrivateKey,
                    "\(keySetting) \(keyFile.path): \(problem)" + OpenSSLErrorQueue.suffix(errors)
                )
            }
            defer { EVP_PKEY_free(key) }

            // Checked once the file is known to hold the key: a bundle without one is a plain certificate.
            if configuration.checkKeyPermissions && keyFile.isAccessibleByOthers {
                throw TLSError(
                    .insecurePermissions,
                    "\(keySetting) \(keyFile.path): the private key file is accessible to group or others "
                        + "(mode \(keyFile.octalPermissions)); run chmod 600 \(keyFile.path), or set "
                        + "\(names.insecureCertificate) = true to skip this check"
                )
            }

            OpenSSLErrorQueue.clear()
            guard X509_check_private_key(leaf, key) == 1 else {
                throw TLSError(
                    .keyMismatch,
                    "\(keySetting) \(keyFile.path): key does not match certificate \(certificatePath)"
                        + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }

            try checkValidity(of: leaf, warnings: &warnings)

            OpenSSLErrorQueue.clear()
            var installed = SSL_CTX_use_certificate(context, leaf) == 1
            for intermediate in certificates.dropFirst() where installed {
                installed = copenssl_SSL_CTX_add1_chain_cert(context, intermediate) == 1
            }
            installed = installed && SSL_CTX_use_PrivateKey(context, key) == 1
            guard installed else {
                throw TLSError(
                    .invalidCertificate,
                    "\(names.certificate) \(certificatePath): OpenSSL refused the certificate or key"
                        + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
            handedOver = true
            return certificates
        }

        /// Fails for an expired certificate; warns for one that expires within the warning window
        /// or is not valid yet.
        private func checkValidity(of certificate: OpaquePointer, warnings: inout [String]) throws(TLSError) {
            let validity = Self.validity(of: certificate)
            let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
            if let notAfter = validity.notAfter, notAfter - nowSeconds <= 0 {
                throw TLSError(
                    .certificateExpired,
                    "\(names.certificate) \(configuration.certificatePath): certificate expired on \(Self.utcText(notAfter))"
                )
            }
            warnings += validity.warnings(for: configuration, now: now)
        }

        /// The validity period of `certificate`.
        static func validity(of certificate: OpaquePointer) -> Validity {
            Validity(
                notBefore: epochSeconds(X509_get0_notBefore(certificate)),
                notAfter: epochSeconds(X509_get0_notAfter(certificate))
            )
        }

        /// An `ASN1_TIME` as seconds since 1970, or `nil` if OpenSSL cannot read it.
        static func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
            guard let time else { return nil }
            var parts = tm()
            guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
            return Int64(timegm(&parts))
        }

        /// `2026-05-03 10:00:00 UTC`.
        static func utcText(_ seconds: Int64) -> String {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
        }

        // MARK: - Trust

        private func configureTrust(_ context: OpaquePointer, ownCertificates: [OpaquePointer]) throws(TLSError) {
            let roots = configuration.trustRoots
            OpenSSLErrorQueue.clear()
            if roots.system && SSL_CTX_set_default_verify_paths(context) != 1 {
                throw TLSError(
                    .invalidConfiguration,
                    "cannot load the system CA certificates" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
            guard let store = SSL_CTX_get_cert_store(context) else { return }
            for path in roots.caFiles {
                let certificates = try Self.certificates(inFile: path, setting: "CA file")
                defer { certificates.forEach { X509_free($0) } }
                try add(certificates, to: store, source: "CA file \(path)")
            }
            var anchored = false
            if roots.ownCertificate && !ownCertificates.isEmpty {
                try add(ownCertificates, to: store, source: "\(names.certificate) \(configuration.certificatePath)")
                anchored = true
            }
            if let path = roots.anchorFile {
                let certificates = try Self.certificates(inFile: path, setting: names.certificate)
                defer { certificates.forEach { X509_free($0) } }
                try add(certificates, to: store, source: "\(names.certificate) \(path)")
                anchored = true
            }
            if anchored {
                // A trusted certificate is an anchor even when it is a leaf signed by a CA we do not have.
                _ = X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(context), UInt(X509_V_FLAG_PARTIAL_CHAIN))
            }
        }

        /// The store client certificates are verified against (``Configuration/clientCertificateAuthorities``),
        /// owned by the caller, or `nil` when servers ask for no client certificate.
        private func makeClientStore() throws(TLSError) -> OpaquePointer? {
            let path = configuration.clientCertificateAuthorities
            guard !path.isEmpty else { return nil }
            let certificates = try Self.certificates(inFile: path, setting: names.clientCertificateAuthorities)
            defer { certificates.forEach { X509_free($0) } }
            OpenSSLErrorQueue.clear()
            guard let store = X509_STORE_new() else {
                throw TLSError(
                    .invalidConfiguration,
                    "cannot create a certificate store" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
            do {
                try add(certificates, to: store, source: "\(names.clientCertificateAuthorities) \(path)")
            } catch {
                X509_STORE_free(store)
                throw error
            }
            return store
        }

        /// The certificates in the PEM file at `path`, owned by the caller; at least one.
        /// - Throws: ``TLSError`` naming `setting` and the file when it cannot be read or holds none.
        private static func certificates(inFile path: String, setting: String) throws(TLSError) -> [OpaquePointer] {
            let file = try CredentialFile.read(path, setting: setting)
            OpenSSLErrorQueue.clear()
            let certificates = PEM.certificates(in: file.bytes)
            guard !certificates.isEmpty else {
                throw TLSError(
                    .invalidCertificate,
                    "\(setting) \(path): no PEM certificate found" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
            return certificates
        }

        private func add(_ certificates: [OpaquePointer], to store: OpaquePointer, source: String) throws(TLSError) {
            for certificate in certificates {
                OpenSSLErrorQueue.clear()
                guard X509_STORE_add_cert(store, certificate) == 1 else {
                    throw TLSError(
                        .invalidCertificate,
                        "\(source): cannot trust the certificate" + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                    )
                }
            }
        }

        // MARK: - Versions and ciphers

        private func configureVersions(_ context: OpaquePointer) throws(TLSError) {
            try setVersion(configuration.minimumVersion, named: names.minimumVersion) {
                copenssl_SSL_CTX_set_min_proto_version(context, $0)
            }
            try setVersion(configuration.maximumVersion, named: names.maximumVersion) {
                copenssl_SSL_CTX_set_max_proto_version(context, $0)
            }
            if let minimum = configuration.minimumVersion, let maximum = configuration.maximumVersion,
                minimum > maximum
            {
                throw TLSError(
                    .invalidConfiguration,
                    "\(names.minimumVersion) \"\(minimum.rawValue)\" is newer than "
                        + "\(names.maximumVersion) \"\(maximum.rawValue)\""
                )
            }
        }

        /// Applies one version bound with `set` (OpenSSL's setter); the error names `key`.
        private func setVersion(
            _ version: ProtocolVersion?,
            named key: String,
            _ set: (Int32) -> Int32
        ) throws(TLSError) {
            guard let version else { return }
            OpenSSLErrorQueue.clear()
            guard set(Self.openSSLVersion(version)) == 1 else {
                throw TLSError(
                    .invalidConfiguration,
                    "\(key) \"\(version.rawValue)\": rejected by \(TLSContext.openSSLVersion)"
                        + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
        }

        private static func openSSLVersion(_ version: ProtocolVersion) -> Int32 {
            switch version {
            case .tls1_0: TLS1_VERSION
            case .tls1_1: TLS1_1_VERSION
            case .tls1_2: TLS1_2_VERSION
            case .tls1_3: TLS1_3_VERSION
            }
        }

        private func configureCiphers(_ context: OpaquePointer) throws(TLSError) {
            guard !configuration.ciphers.isEmpty else { return }
            let selection = try CipherSuites.select(configuration.ciphers, setting: names.ciphers)
            // Try each suite alone first, so an unavailable one is named in the error.
            for name in configuration.ciphers {
                let goName = name.trimmingWhitespace()
                OpenSSLErrorQueue.clear()
                let accepted: Bool
                let openSSLName: String
                if let legacy = CipherSuites.tls12[goName] {
                    openSSLName = legacy
                    accepted = SSL_CTX_set_cipher_list(context, legacy) == 1
                } else {
                    openSSLName = goName
                    accepted = SSL_CTX_set_ciphersuites(context, goName) == 1
                }
                guard accepted else {
                    throw TLSError(
                        .invalidConfiguration,
                        "\(names.ciphers): \(goName) (OpenSSL \(openSSLName)) is not available in "
                            + TLSContext.openSSLVersion + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                    )
                }
            }
            OpenSSLErrorQueue.clear()
            let legacyList =
                selection.tls12.isEmpty
                ? String(cString: OSSL_default_cipher_list()) : selection.tls12.joined(separator: ":")
            let modernList =
                selection.tls13.isEmpty
                ? String(cString: OSSL_default_ciphersuites()) : selection.tls13.joined(separator: ":")
            guard SSL_CTX_set_cipher_list(context, legacyList) == 1,
                SSL_CTX_set_ciphersuites(context, modernList) == 1
            else {
                throw TLSError(
                    .invalidConfiguration,
                    "\(names.ciphers): OpenSSL rejected the cipher list"
                        + OpenSSLErrorQueue.suffix(OpenSSLErrorQueue.drain())
                )
            }
        }
    }
}
