import Foundation

/// A self-signed certificate and key for 127.0.0.1 in `dir` (`name.crt`, `name.key`, key mode
/// 0600), made with the openssl CLI, for nodes and servers that trust their own certificate.
public func makeSelfSignedCertificate(in dir: String, name: String) async throws -> (cert: String, key: String) {
    let cert = "\(dir)/\(name).crt"
    let key = "\(dir)/\(name).key"
    let result = try await runCommand(
        "/usr/bin/openssl",
        [
            "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
        ]
    )
    guard result.status == 0 else {
        throw CertificateError(description: "openssl could not make a certificate: \(result.stderr)")
    }
    chmod(key, 0o600)
    return (cert, key)
}

/// openssl failed to make a certificate.
struct CertificateError: Error, CustomStringConvertible {
    var description: String
}
