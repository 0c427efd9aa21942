import Foundation

/// A private CA made with the openssl CLI in a test's folder: it signs node and client
/// certificates for 127.0.0.1 (keys mode 0600).
public struct PrivateCA: Sendable {
    /// The CA certificate (PEM).
    public let certificate: String
    /// The CA key (PEM).
    public let key: String

    /// Makes `name.pem` and `name.key` in `dir`: a self-signed CA valid for two days.
    public init(in dir: String, name: String) async throws {
        certificate = "\(dir)/\(name).pem"
        key = "\(dir)/\(name).key"
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(name)",
        ])
        chmod(key, 0o600)
    }

    /// Signs a new certificate for 127.0.0.1 (CN `name`, SAN `IP:127.0.0.1`) with this CA;
    /// `name.crt` holds the certificate followed by the CA, `name.key` the key.
    /// - Parameter days: The validity in days.
    public func issue(in dir: String, name: String, days: Int = 2) async throws -> (cert: String, key: String) {
        let cert = "\(dir)/\(name).crt"
        let key = "\(dir)/\(name).key"
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(dir)/\(name).ext", atomically: true, encoding: .utf8)
        try await openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", "\(dir)/\(name).csr", "-subj", "/CN=\(name)",
        ])
        try await openssl([
            "x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", certificate, "-CAkey", self.key,
            "-CAcreateserial", "-out", "\(dir)/\(name).leaf", "-days", "\(days)", "-extfile", "\(dir)/\(name).ext",
        ])
        let bundle =
            try String(contentsOfFile: "\(dir)/\(name).leaf", encoding: .utf8)
            + String(contentsOfFile: certificate, encoding: .utf8)
        try bundle.write(toFile: cert, atomically: true, encoding: .utf8)
        chmod(key, 0o600)
        return (cert, key)
    }

    private func openssl(_ arguments: [String]) async throws {
        try await Self.openssl(arguments)
    }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await runCommand("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw CertificateError(description: "openssl \(arguments.first ?? ""): \(result.stderr)")
        }
    }
}
