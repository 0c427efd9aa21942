import Foundation
import TestSupport
import Testing

/// A TLS node whose certificate a private CA signed, and a name only its hosts file knows:
/// `influxd-ctl` given the node's configuration trusts the CA in the node's bundle, resolves
/// the name through the node's discovery and dials the node's own address, without `-k`.
@Suite("influxd-ctl with a node's configuration", .serialized)
struct PrivateCATests {
    /// The node's advertised name: in no DNS, only in the test's hosts file.
    static let hostname = "meta-ca.test"

    /// The CA, the node's certificate (SANs: ``hostname`` and 127.0.0.1) followed by the CA in
    /// one bundle, its key, and an unrelated self-signed certificate.
    func makeCertificates(in dir: String) async throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Private CA"],
            ["req"] + ec + ["-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=\(Self.hostname)"],
            [
                "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "node.crt", "-days", "2", "-extfile", "san.ext",
            ],
            ["req", "-x509"] + ec + ["-keyout", "other.key", "-out", "other.pem", "-days", "2", "-subj", "/CN=other"],
        ]
        try "subjectAltName=DNS:\(Self.hostname),IP:127.0.0.1\n".write(
            toFile: "\(dir)/san.ext",
            atomically: true,
            encoding: .utf8
        )
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = step
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "openssl \(step.joined(separator: " "))")
        }
        let bundle =
            try String(contentsOfFile: "\(dir)/node.crt", encoding: .utf8)
            + String(contentsOfFile: "\(dir)/ca.pem", encoding: .utf8)
        try bundle.write(toFile: "\(dir)/node.pem", atomically: true, encoding: .utf8)
        chmod("\(dir)/node.key", 0o600)
    }

    @Test("-config gives TLS, trust in the node's CA, discovery and the address; flags win over it")
    func privateCA() async throws {
        let dir = try makeTemporaryDirectory("ctl-private-ca")
        try await makeCertificates(in: dir)
        let hosts = "\(dir)/hosts"
        try "127.0.0.1 localhost\n127.0.0.1 \(Self.hostname)\n".write(toFile: hosts, atomically: true, encoding: .utf8)
        let node = try MetaProcess(
            root: "\(dir)/node",
            hostname: Self.hostname,
            extraConfig: "[discovery]\nhosts-file = \"\(hosts)\"\n",
            metaExtraConfig:
                "https-enabled = true\nhttps-certificate = \"\(dir)/node.pem\"\nhttps-private-key = \"\(dir)/node.key\"\n",
            wildcardHTTP: true
        )
        let advertised = "\(Self.hostname):\(node.httpPort)"
        try node.start(["-single-server"])

        let shown = try await eventually("show with the node's configuration", timeout: .seconds(20)) {
            let result = try await ctl(["-config", node.configPath, "show"])
            return result.stdout == showOutput([advertised]) ? result : nil
        }
        #expect(shown.status == 0)
        #expect(shown.stderr.isEmpty)

        // The default lookup finds the same file: $INFLUXDB_META_CONFIG_PATH, then ~/.influxdb.
        let fromEnvironment = try await ctl(["show"], environment: ["INFLUXDB_META_CONFIG_PATH": node.configPath])
        #expect(fromEnvironment.stdout == showOutput([advertised]), "\(fromEnvironment.stderr)")
        let home = try makeTemporaryDirectory("ctl-home-config")
        try FileManager.default.createDirectory(atPath: "\(home)/.influxdb", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: node.configPath, toPath: "\(home)/.influxdb/influxdb-meta.conf")
        let fromHome = try await ctl(["show"], environment: ["HOME": home])
        #expect(fromHome.stdout == showOutput([advertised]), "\(fromHome.stderr)")

        // Without the configuration: no trust in the CA, and no way to resolve the name.
        let untrusted = try await ctl(["-bind", node.httpAddress, "-bind-tls", "show"])
        #expect(untrusted.status == 1)
        #expect(
            untrusted.stderr.contains("self-signed certificate in certificate chain"),
            "the node sends its CA, which the client does not trust: \(untrusted.stderr)"
        )
        #expect(untrusted.stderr.hasSuffix("pass its configuration with -config; -k skips the check)\n"))
        #expect(untrusted.stderr.split(separator: "\n").count == 1)
        let unresolved = try await ctl(["-bind", advertised, "-bind-tls", "-k", "show"])
        #expect(unresolved.status == 1)
        #expect(unresolved.stderr.contains("cannot reach \(advertised)"), "\(unresolved.stderr)")

        // Flags win over the file: -bind-tls=false speaks plain HTTP to the TLS node.
        let plain = try await ctl(["-config", node.configPath, "-bind-tls=false", "show"])
        #expect(plain.status == 1, "\(plain.stdout)")

        // A client file that trusts another certificate, with and without https-insecure-tls.
        let other = { (insecure: Bool) in
            """
            [meta]
            https-enabled = true
            https-certificate = "\(dir)/other.pem"
            https-insecure-tls = \(insecure)
            [discovery]
            hosts-file = "\(hosts)"
            """
        }
        try other(false).write(toFile: "\(dir)/verify.conf", atomically: true, encoding: .utf8)
        try other(true).write(toFile: "\(dir)/insecure.conf", atomically: true, encoding: .utf8)
        let wrongAnchor = try await ctl(["-config", "\(dir)/verify.conf", "-bind", advertised, "show"])
        #expect(wrongAnchor.status == 1)
        #expect(wrongAnchor.stderr.contains("certificate verify failed"), "\(wrongAnchor.stderr)")
        let skipped = try await ctl(["-config", "\(dir)/verify.conf", "-bind", advertised, "-k", "show"])
        #expect(skipped.stdout == showOutput([advertised]), "\(skipped.stderr)")
        let insecure = try await ctl(["-config", "\(dir)/insecure.conf", "-bind", advertised, "show"])
        #expect(insecure.stdout == showOutput([advertised]), "\(insecure.stderr)")
        let verifiedAgain = try await ctl(["-config", "\(dir)/insecure.conf", "-bind", advertised, "-k=false", "show"])
        #expect(verifiedAgain.status == 1)
        #expect(verifiedAgain.stderr.contains("certificate verify failed"), "\(verifiedAgain.stderr)")

        #expect(await node.stop(signal: SIGTERM) == 0)
    }
}
