import Foundation
import MetaKernel
import Testing

@testable import TLS

@Suite("TLSContext loading checks")
struct TLSContextTests {
    let fixtures = CertificateFixtures.shared

    private func configuration(
        certificate: String = "node.pem",
        key: String = "node.key"
    ) -> TLSContext.Configuration {
        TLSContext.Configuration(
            certificatePath: certificate.isEmpty ? "" : fixtures.path(certificate),
            privateKeyPath: key.isEmpty ? "" : fixtures.path(key)
        )
    }

    private func failure(_ configuration: TLSContext.Configuration, now: Date = Date()) -> TLSError? {
        #expect(throws: TLSError.self) { try TLSContext(configuration: configuration, now: now) }
    }

    @Test("a matching certificate and key load without warnings")
    func loads() throws {
        let context = try TLSContext(configuration: configuration())
        #expect(context.warnings.isEmpty)
        #expect(context.canServe)
        #expect(TLSContext.openSSLVersion.hasPrefix("OpenSSL 3"))
    }

    @Test("a bundle holding the key loads with an empty https-private-key")
    func bundle() throws {
        let context = try TLSContext(configuration: configuration(certificate: "bundle.pem", key: ""))
        #expect(context.canServe)
    }

    @Test("a missing certificate file names the key and the file")
    func missingFile() {
        let missing = fixtures.path("missing.pem")
        let error = failure(TLSContext.Configuration(certificatePath: missing))
        #expect(error?.code == .fileNotFound)
        #expect(error?.message == "[meta] https-certificate \(missing): no such file or directory")
    }

    @Test("a missing key file names https-private-key")
    func missingKey() {
        let error = failure(configuration(key: "missing.key"))
        #expect(error?.code == .fileNotFound)
        #expect(error?.message == "[meta] https-private-key \(fixtures.path("missing.key")): no such file or directory")
    }

    @Test("a directory is not a readable file")
    func directory() {
        let error = failure(configuration(key: "ca-db"))
        #expect(error?.code == .unreadableFile)
        #expect(error?.message == "[meta] https-private-key \(fixtures.path("ca-db")): is a directory")
    }

    @Test("a key file readable by others must be chmod 600 unless https-insecure-certificate")
    func permissions() throws {
        let key = fixtures.path("open.key")
        let error = failure(configuration(key: "open.key"))
        #expect(error?.code == .insecurePermissions)
        #expect(
            error?.message
                == "[meta] https-private-key \(key): the private key file is accessible to group or others "
                + "(mode 0644); run chmod 600 \(key), or set [meta] https-insecure-certificate = true to skip this check"
        )

        var insecure = configuration(key: "open.key")
        insecure.checkKeyPermissions = false
        _ = try TLSContext(configuration: insecure)
    }

    @Test("a bundle with the key is checked for permissions too")
    func bundlePermissions() throws {
        let bundle = try fixtures.write(
            "open-bundle.pem",
            String(decoding: try fixtures.contents("bundle.pem"), as: UTF8.self),
            mode: 0o640
        )
        let error = failure(TLSContext.Configuration(certificatePath: bundle))
        #expect(error?.code == .insecurePermissions)
        #expect(error?.message.hasPrefix("[meta] https-certificate \(bundle): ") == true)
        #expect(error?.message.contains("(mode 0640); run chmod 600 \(bundle)") == true)
    }

    @Test("a key that belongs to another certificate is rejected with OpenSSL's reason")
    func mismatch() {
        let error = failure(configuration(key: "other.key"))
        #expect(error?.code == .keyMismatch)
        #expect(
            error?.message
                == "[meta] https-private-key \(fixtures.path("other.key")): key does not match certificate "
                + "\(fixtures.path("node.pem")) (error:05800074:x509 certificate routines::key values mismatch)"
        )
    }

    @Test("an expired certificate is an error")
    func expired() {
        let error = failure(configuration(certificate: "expired.pem", key: "expired.key"))
        #expect(error?.code == .certificateExpired)
        #expect(
            error?.message
                == "[meta] https-certificate \(fixtures.path("expired.pem")): certificate expired on 2020-01-02 00:00:00 UTC"
        )
    }

    @Test("a certificate expiring within advanced-expiration loads with a warning")
    func expiringSoon() throws {
        let context = try TLSContext(configuration: configuration(certificate: "soon.pem", key: "soon.key"))
        #expect(context.warnings.count == 1)
        let warning = try #require(context.warnings.first)
        #expect(warning.hasPrefix("[meta] https-certificate \(fixtures.path("soon.pem")): certificate expires on "))
        #expect(warning.hasSuffix("([tls] advanced-expiration is 120h0m0s); renew it"))

        var short = configuration(certificate: "soon.pem", key: "soon.key")
        short.expirationWarning = .seconds(3_600)
        #expect(try TLSContext(configuration: short).warnings.isEmpty)

        // The same certificate, three days later.
        let error = failure(short, now: Date().addingTimeInterval(3 * 86_400))
        #expect(error?.code == .certificateExpired)
    }

    @Test("a file without a certificate is rejected")
    func notACertificate() {
        let error = failure(configuration(certificate: "garbage.pem"))
        #expect(error?.code == .invalidCertificate)
        #expect(
            error?.message.hasPrefix(
                "[meta] https-certificate \(fixtures.path("garbage.pem")): no PEM certificate found"
            ) == true
        )
    }

    @Test("a certificate without a key and no https-private-key is rejected")
    func noKey() {
        let error = failure(configuration(key: ""))
        #expect(error?.code == .invalidPrivateKey)
        #expect(
            error?.message.hasPrefix(
                "[meta] https-certificate \(fixtures.path("node.pem")): no PEM private key found in the file, "
                    + "and [meta] https-private-key is empty ("
            ) == true
        )
    }

    @Test("an encrypted key is rejected without prompting for a passphrase")
    func encrypted() {
        let error = failure(configuration(key: "encrypted.key"))
        #expect(error?.code == .invalidPrivateKey)
        #expect(
            error?.message.hasPrefix(
                "[meta] https-private-key \(fixtures.path("encrypted.key")): the private key is encrypted"
            ) == true
        )
    }

    @Test("a missing CA file is named")
    func missingCA() {
        var configuration = configuration()
        configuration.trustRoots = .caFile(fixtures.path("nope.pem"))
        let error = failure(configuration)
        #expect(error?.code == .fileNotFound)
        #expect(error?.message == "CA file \(fixtures.path("nope.pem")): no such file or directory")
    }

    @Test("unknown cipher names are rejected naming [tls] ciphers")
    func unknownCipher() {
        var configuration = configuration()
        configuration.ciphers = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_MADE_UP"]
        let error = failure(configuration)
        #expect(error?.code == .invalidConfiguration)
        #expect(
            error?.message
                == "[tls] ciphers: unknown cipher suite \"TLS_MADE_UP\" (use Go names such as "
                + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_AES_128_GCM_SHA256)"
        )
    }

    @Test("Go cipher names OpenSSL lacks are rejected with OpenSSL's reason")
    func unavailableCipher() {
        var configuration = configuration()
        configuration.ciphers = ["TLS_RSA_WITH_RC4_128_SHA"]
        let error = failure(configuration)
        #expect(error?.code == .invalidConfiguration)
        #expect(
            error?.message.hasPrefix(
                "[tls] ciphers: TLS_RSA_WITH_RC4_128_SHA (OpenSSL RC4-SHA) is not available in OpenSSL 3"
            )
                == true
        )
        #expect(error?.message.contains("no cipher match") == true)
    }

    @Test("every Go name maps to an OpenSSL name or a TLS 1.3 suite")
    func cipherMapping() throws {
        let selection = try CipherSuites.select(
            [
                " TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
            ],
            setting: "[tls] ciphers"
        )
        #expect(selection.tls12 == ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"])
        #expect(selection.tls13 == ["TLS_AES_256_GCM_SHA384"])

        var configuration = configuration()
        configuration.ciphers = [
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        ]
        _ = try TLSContext(configuration: configuration)
    }

    @Test("min-version newer than max-version is rejected")
    func versions() {
        var configuration = configuration()
        configuration.minimumVersion = .tls1_3
        configuration.maximumVersion = .tls1_2
        let error = failure(configuration)
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message == "[tls] min-version \"tls1.3\" is newer than [tls] max-version \"tls1.2\"")
    }

    @Test("a client-only context cannot serve")
    func clientOnly() throws {
        let context = try TLSContext(configuration: TLSContext.Configuration(certificatePath: ""))
        #expect(!context.canServe)
        let error = #expect(throws: TLSError.self) { try OpenSSLHandler.server(context: context) }
        #expect(error?.message == "this TLS context has no certificate, so it cannot accept connections")
        _ = try OpenSSLHandler.client(context: context, serverName: "localhost")
    }
}
