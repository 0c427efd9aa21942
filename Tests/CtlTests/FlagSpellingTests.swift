import Foundation
import TestSupport
import Testing

/// Every documented global flag of `influxd-ctl`, in each spelling Go's `flag` package accepts,
/// before and after the command, with a value whose effect the test can see.
@Suite("influxd-ctl global flag spellings", .serialized)
struct FlagSpellingTests {
    /// A `/show-cluster` answer for the recording server.
    static let recordedCluster =
        #"{"data":[],"meta":[{"id":1,"addr":"recorded:8091","httpScheme":"http","tcpAddr":"recorded:8089","version":"1"}]}"#

    @Test("-bind, -config, -timeout, -auth-type, -user, -pwd and -secret in every spelling and position")
    func valuedFlags() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory("ctl-flags"))
        try node.start(["-single-server"])
        _ = try await eventually("\(node.httpAddress) to show itself", timeout: .seconds(20)) {
            let result = try await ctl(["-bind", node.httpAddress, "show"])
            return result.stdout == showOutput([node.httpAddress]) ? true : nil
        }
        let recorder = try RecordingHTTPServer(body: Self.recordedCluster)
        let silent = try RecordingHTTPServer(answering: false)
        defer {
            recorder.stop()
            silent.stop()
        }
        let recorded = "127.0.0.1:\(recorder.port)"

        for position in FlagPosition.allCases {
            for spelling in 0..<4 {
                let context = "spelling \(spelling) \(position)"

                let bound = try await ctl(line(["show"], spellings("bind", node.httpAddress)[spelling], position))
                #expect(bound.stdout == showOutput([node.httpAddress]), "-bind, \(context): \(bound.stderr)")

                // The node's own file: without it, ctl would dial localhost:8091.
                let configured = try await ctl(line(["show"], spellings("config", node.configPath)[spelling], position))
                #expect(
                    configured.stdout == showOutput([node.httpAddress]),
                    "-config, \(context): \(configured.stderr)"
                )

                let timed = try await ctl(
                    line(
                        ["show"],
                        ["-bind", "127.0.0.1:\(silent.port)"] + spellings("timeout", "300ms")[spelling],
                        position
                    )
                )
                #expect(timed.status == 1, "-timeout, \(context)")
                #expect(
                    timed.stderr
                        == "show: operation timed out with error: no answer from 127.0.0.1:\(silent.port) within 0.3 seconds\n",
                    "-timeout, \(context)"
                )

                let basic = try await ctl(
                    line(
                        ["show"],
                        ["-bind", recorded] + spellings("auth-type", "basic")[spelling]
                            + spellings("user", "ann")[spelling]
                            + spellings("pwd", "-pw=d")[spelling],
                        position
                    )
                )
                #expect(basic.status == 0, "-auth-type basic, \(context): \(basic.stderr)")
                #expect(basic.stdout == showOutput(["recorded:8091"]), "-auth-type basic ran show, \(context)")
                #expect(
                    recorder.header("Authorization").last == "Basic " + Data("ann:-pw=d".utf8).base64EncodedString()
                )

                let jwt = try await ctl(
                    line(
                        ["show"],
                        ["-bind", recorded] + spellings("auth-type", "jwt")[spelling]
                            + spellings("user", "ann")[spelling]
                            + spellings("secret", "k3y")[spelling],
                        position
                    )
                )
                #expect(jwt.status == 0, "-auth-type jwt, \(context): \(jwt.stderr)")
                #expect(jwt.stdout == showOutput(["recorded:8091"]), "-auth-type jwt ran show, \(context)")
                let bearer = try #require(recorder.header("Authorization").last)
                try await checkToken(bearer, username: "ann", secret: "k3y")
            }
        }
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    @Test("-bind-tls and -k in every spelling and position reach a TLS node with a self-signed certificate")
    func booleanFlags() async throws {
        let dir = try makeTemporaryDirectory("ctl-tls-flags")
        let made = try await runCommand(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", "\(dir)/node.key", "-out", "\(dir)/node.crt",
            ]
        )
        #expect(made.status == 0, "\(made.stderr)")
        chmod("\(dir)/node.key", 0o600)
        let node = try MetaProcess(
            root: "\(dir)/node",
            metaExtraConfig:
                "https-enabled = true\nhttps-certificate = \"\(dir)/node.crt\"\nhttps-private-key = \"\(dir)/node.key\"\n"
        )
        try node.start(["-single-server"])
        _ = try await eventually("\(node.httpAddress) to show itself over TLS", timeout: .seconds(20)) {
            let result = try await ctl(["-bind", node.httpAddress, "-bind-tls", "-k", "show"])
            return result.stdout == showOutput([node.httpAddress]) ? true : nil
        }
        for position in FlagPosition.allCases {
            for spelling in 0..<4 {
                let result = try await ctl(
                    line(
                        ["show"],
                        ["-bind", node.httpAddress] + booleanSpellings("bind-tls")[spelling]
                            + booleanSpellings("k")[spelling],
                        position
                    )
                )
                #expect(
                    result.stdout == showOutput([node.httpAddress]),
                    "spelling \(spelling) \(position): \(result.stderr)"
                )
                #expect(result.stderr.isEmpty)
            }
        }
        // Each flag is needed: plain HTTP, and TLS with verification, both fail.
        let plain = try await ctl(["-bind", node.httpAddress, "-k", "show"])
        #expect(plain.status == 1)
        #expect(plain.stderr.hasPrefix("show: warning: -k has no effect without TLS"), "\(plain.stderr)")
        let verified = try await ctl(["-bind", node.httpAddress, "-bind-tls", "show"])
        #expect(verified.status == 1)
        #expect(verified.stderr.contains("certificate verify failed"), "\(verified.stderr)")
        let off = try await ctl(["-bind", node.httpAddress, "-bind-tls", "-k", "-bind-tls=false", "show"])
        #expect(off.status == 1, "the last -bind-tls wins")
        #expect(await node.stop(signal: SIGTERM) == 0)
    }

    /// Checks an `Authorization: Bearer` value: an HS256 JWT for `username` expiring about a
    /// minute from now, whose signature `openssl dgst -hmac` confirms.
    func checkToken(_ value: String, username: String, secret: String) async throws {
        #expect(value.hasPrefix("Bearer "))
        let parts = value.dropFirst("Bearer ".count).split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        #expect(try base64URLDecoded(parts[0]) == Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        struct Claims: Decodable {
            var username: String
            var exp: Int
        }
        let claims = try JSONDecoder().decode(Claims.self, from: try base64URLDecoded(parts[1]))
        #expect(claims.username == username)
        let now = Int(Date().timeIntervalSince1970)
        #expect((now + 45)...(now + 61) ~= claims.exp)
        let digest = try await runCommand(
            "/usr/bin/openssl",
            ["dgst", "-sha256", "-hmac", secret, "-hex"],
            input: "\(parts[0]).\(parts[1])"
        )
        let expected = digest.stdout.split(separator: " ").last.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let signature = try base64URLDecoded(parts[2]).map { String(format: "%02x", $0) }.joined()
        #expect(signature == expected)
    }

    func base64URLDecoded(_ text: Substring) throws -> Data {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return try #require(Data(base64Encoded: standard))
    }
}
