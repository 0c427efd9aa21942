import Foundation

/// Certificates and keys made with the `openssl` command line tool, once per test process, in a
/// fresh temporary directory:
///
/// - `ca.pem` / `ca.key`: a self-signed test CA.
/// - `node.pem` / `node.key`: signed by the CA, SANs `DNS:localhost`, `DNS:meta1.test`, `IP:127.0.0.1`.
/// - `bundle.pem`: `node.pem` followed by `node.key` (mode 600).
/// - `self.pem` / `self.key`: self-signed, same SANs (a self-signed cluster's shared certificate).
/// - `other.key`: a key that belongs to no certificate.
/// - `expired.pem` / `expired.key`: valid from 2020-01-01 to 2020-01-02.
/// - `soon.pem` / `soon.key`: self-signed, expires in two days.
/// - `open.key`: `node.key` with mode 644.
/// - `encrypted.key`: `node.key` encrypted with a passphrase.
/// - `garbage.pem`: text that is no PEM at all.
struct CertificateFixtures: Sendable {
    /// The directory holding the files.
    let directory: String

    /// The shared fixtures; generated on first use and removed when the test process exits.
    static let shared: CertificateFixtures = {
        do {
            let fixtures = try CertificateFixtures.generate()
            atexit { try? FileManager.default.removeItem(atPath: CertificateFixtures.shared.directory) }
            return fixtures
        } catch {
            fatalError("cannot generate test certificates with openssl: \(error)")
        }
    }()

    /// The absolute path of `name` in the fixture directory.
    func path(_ name: String) -> String {
        directory + "/" + name
    }

    /// Reads a fixture file as bytes.
    func contents(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(name)))
    }

    /// Writes `text` to a new file in the fixture directory with `mode`, returning its path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let target = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var description: String
    }

    private static func generate() throws -> CertificateFixtures {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("influxdb-meta-tls-tests-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fixtures = CertificateFixtures(directory: directory)
        let sans = "subjectAltName=DNS:localhost,DNS:meta1.test,IP:127.0.0.1"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]

        try fixtures.openssl(
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test CA"]
        )
        try fixtures.openssl(["req"] + ec + ["-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=meta1.test"])
        try fixtures.write("node.ext", "\(sans)\n")
        try fixtures.openssl([
            "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "node.pem", "-days", "30", "-extfile", "node.ext",
        ])
        for (name, days) in [("self", "30"), ("soon", "2")] {
            try fixtures.openssl(
                ["req", "-x509"] + ec + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", days]
                    + ["-subj", "/CN=meta1.test", "-addext", sans]
            )
        }
        try fixtures.openssl([
            "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key",
        ])
        try fixtures.makeExpired()
        try fixtures.openssl([
            "pkey", "-in", "node.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key",
        ])
        let bundle =
            try String(contentsOfFile: fixtures.path("node.pem"), encoding: .utf8)
            + String(contentsOfFile: fixtures.path("node.key"), encoding: .utf8)
        try fixtures.write("bundle.pem", bundle)
        try fixtures.write(
            "open.key",
            try String(contentsOfFile: fixtures.path("node.key"), encoding: .utf8),
            mode: 0o644
        )
        try fixtures.write("garbage.pem", "this is not a certificate\n")
        for key in ["ca.key", "node.key", "self.key", "other.key", "soon.key", "expired.key", "encrypted.key"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixtures.path(key))
        }
        return fixtures
    }

    /// `openssl req -x509` cannot back-date, so the expired certificate is issued by `openssl ca`.
    private func makeExpired() throws {
        try FileManager.default.createDirectory(atPath: path("ca-db"), withIntermediateDirectories: true)
        try write("ca-db/index.txt", "")
        try write("ca-db/serial", "01\n")
        try write(
            "ca.cnf",
            """
            [ca]
            default_ca = test_ca
            [test_ca]
            database = ca-db/index.txt
            new_certs_dir = ca-db
            serial = ca-db/serial
            default_md = sha256
            policy = any_name
            unique_subject = no
            [any_name]
            commonName = supplied

            """
        )
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "expired.key",
            "-out", "expired.csr", "-subj", "/CN=expired.test",
        ])
        try openssl([
            "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "expired.key", "-in", "expired.csr",
            "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext",
        ])
    }

    /// Runs `openssl arguments...` in the fixture directory.
    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(
                description: "openssl \(arguments.joined(separator: " ")): \(String(decoding: stderr, as: UTF8.self))"
            )
        }
    }
}
